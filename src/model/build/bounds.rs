//! The proof that a run's unit counters cannot overflow. Every unit on hand, sterilising, in
//! transit, consumed or scrapped entered the network as initial stock, production or an order,
//! so the units that can enter over the horizon bound every counter. The bound is loose but
//! sure (an order counts as its order-up-to level once a minute), and a scenario beyond it is
//! refused at the input that contributes most, rather than wrapping silently in a run.

use super::Builder;
use crate::model::ItemId;
use crate::model::{Item, Node, TICKS_PER_DAY};
use crate::scenario::location::path;

/// Most units that may enter the network over the horizon: 2^62, a quarter of a counter's
/// range, so sums of counters (national totals, a ledger's inflow) stay in range too.
pub(super) const MOST_UNITS: f64 = (1u64 << 62) as f64;

/// An input of a node that lets units enter the network.
#[derive(Debug, Clone, Copy)]
enum Input {
    /// Initial stock of an item.
    Stock(ItemId),
    /// A line set, by index.
    Lines(usize),
    /// A conversion, by index.
    Conversion(usize),
    /// A replenishment order, by index.
    Order(usize),
    /// The make-to-order policy.
    MakeToOrder,
}

/// Units beyond [`MOST_UNITS`]: the total that can enter, and the input that contributes
/// most.
pub(super) struct TooMany {
    total: f64,
    largest: Option<((usize, Input), f64)>,
}

/// Whether the units that can enter the network of `nodes` over `horizon` days stay under
/// [`MOST_UNITS`].
pub(super) fn within_unit_bound(
    nodes: &[Node],
    items: &[Item],
    horizon: i64,
) -> Result<(), TooMany> {
    let days = horizon.max(1) as f64;
    let per_minute = TICKS_PER_DAY as f64 * days;
    let mut total = 0.0;
    // Which input contributes most, its path made only if it is reported.
    let mut largest: Option<((usize, Input), f64)> = None;
    let mut add = |input: (usize, Input), units: f64| {
        total += units;
        if largest.as_ref().is_none_or(|(_, most)| units > *most) {
            largest = Some((input, units));
        }
    };
    for (n, node) in nodes.iter().enumerate() {
        for &(item, quantity) in &node.stock {
            add((n, Input::Stock(item)), quantity as f64);
        }
        let per_day = |lines: &crate::model::Lines| {
            f64::from(lines.lines) * lines.rate_per_line.max(0.0) * node.shifts.max(1.0)
        };
        for (k, lines) in node.lines.iter().enumerate() {
            add((n, Input::Lines(k)), per_day(lines) * days);
        }
        for (k, conversion) in node.conversions.iter().enumerate() {
            add((n, Input::Conversion(k)), per_day(&conversion.lines) * days);
        }
        for (k, order) in node.replenish.iter().enumerate() {
            add(
                (n, Input::Order(k)),
                order.order_up_to.max(0.0) * per_minute,
            );
        }
        if let Some(policy) = &node.make_to_order {
            let materials: f64 = items[policy.item].bom.iter().map(|b| b.1).sum();
            let batch = policy.batch_max as f64 * (1.0 + materials);
            add(
                (n, Input::MakeToOrder),
                (policy.order_up_to.max(0.0) + batch) * per_minute,
            );
        }
    }
    // NaN (an infinite rate times zero lines) counts as too many.
    if total.is_nan() || total > MOST_UNITS {
        Err(TooMany { total, largest })
    } else {
        Ok(())
    }
}

impl Builder<'_> {
    /// Checks that the units that can enter the network over `horizon` days stay under
    /// [`MOST_UNITS`]; names the largest contribution when they do not.
    pub(super) fn unit_bound(&mut self, nodes: &[Node], items: &[Item], horizon: i64) {
        if !self.diags.is_empty() {
            // A model with problems does not run; a number too large is reported as such.
            return;
        }
        if let Err(TooMany { total, largest }) = within_unit_bound(nodes, items, horizon) {
            let (at, units) = match largest {
                Some(((n, input), units)) => {
                    let node = path("node").index(self.node_entry[n]);
                    let at = match input {
                        Input::Stock(item) => node.key("stock").key(items[item].id.clone()),
                        Input::Lines(k) => node.key("lines").index(k),
                        Input::Conversion(k) => node.key("conversions").index(k),
                        Input::Order(k) => node.key("replenish").index(k).key("order_up_to"),
                        Input::MakeToOrder => node.key("make_to_order"),
                    };
                    (at, units)
                }
                None => (path("scenario"), total),
            };
            self.err(
                &at,
                format!(
                    "too many units: up to {total:.3e} could enter the network over the horizon, \
                     more than a counter holds with a margin ({MOST_UNITS:.3e}); this input \
                     contributes {units:.3e}"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    #[test]
    fn units_beyond_any_counter_are_refused_at_the_largest_input() {
        // Each number is within the 1e15 every number of a scenario is held to, but an order
        // of 9e14 units once a minute for 30 days is not.
        let text = scenario("").replace("order_up_to = 200_000", "order_up_to = 9e14");
        assert_problem(&text, "node[2].replenish[0].order_up_to", "too many units");
    }
}
