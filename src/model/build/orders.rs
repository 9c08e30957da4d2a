//! Builds a node's orders: `[[node.replenish]]` policies, `[node.make_to_order]` and
//! `[[node.customer_orders]]` streams.

use super::Builder;
use super::nodes::NodeContext;
use crate::model::{CustomerOrders, ItemKind, MakeToOrder, NodeKind, Replenish, TICKS_PER_DAY};
use crate::scenario::location::ToPath;
use crate::scenario::raw::{RawCustomerOrders, RawMakeToOrder, RawNode, RawReplenish};

/// Most customer order streams on one node.
const MOST_STREAMS: usize = 1000;

/// Whether an order-up-to level S fails to exceed the reorder point s, as it must.
pub(super) fn up_to_too_low(reorder_point: f64, order_up_to: f64) -> bool {
    order_up_to <= reorder_point
}

/// Whether a policy's capacity is not positive or does not exceed its reorder point (it could
/// never order).
pub(super) fn capacity_too_low(capacity: f64, reorder_point: f64) -> bool {
    capacity <= reorder_point || capacity <= 0.0
}

impl Builder<'_> {
    /// An (s, S) or periodic order-up-to policy for one item.
    pub(super) fn replenish(
        &mut self,
        at: &impl ToPath,
        policy: &RawReplenish,
        context: &NodeContext<'_>,
    ) -> Option<Replenish> {
        let names = context.names;
        let item = self.lookup_at(
            || at.lazy_key("item").to_path(),
            &names.items,
            "item",
            &policy.item,
        );
        let source = self.lookup_at(
            || at.lazy_key("source").to_path(),
            &names.nodes,
            "node",
            &policy.source,
        );
        self.order_levels(at, policy.reorder_point, policy.order_up_to);
        let review_days = policy.review_days.map(|days| {
            if days < 1 || days > context.horizon {
                self.err(
                    &at.lazy_key("review_days"),
                    format!("must be between 1 and the horizon, got {days}"),
                );
            }
            days.max(1) as u32
        });
        let order_delay_hours =
            self.delay(&at.lazy_key("order_delay_hours"), &policy.order_delay_hours);
        let capacity = policy.capacity.map(|capacity| {
            self.capacity(&at.lazy_key("capacity"), capacity, policy.reorder_point)
        });
        Some(Replenish {
            item: item?,
            source: source?,
            reorder_point: policy.reorder_point,
            order_up_to: policy.order_up_to,
            review_days,
            order_delay_hours,
            capacity,
            net_backorders: policy.net_backorders,
        })
    }

    /// A reorder point s that is not negative and an order-up-to level S above it.
    fn order_levels(&mut self, at: &impl ToPath, reorder_point: f64, order_up_to: f64) {
        self.non_negative(&at.lazy_key("reorder_point"), reorder_point);
        if up_to_too_low(reorder_point, order_up_to) {
            self.err(
                &at.lazy_key("order_up_to"),
                format!("must exceed reorder_point {reorder_point}, got {order_up_to}"),
            );
        }
    }

    /// A capacity of a policy: positive and above the reorder point (else it could never order).
    fn capacity(&mut self, at: &impl ToPath, capacity: f64, reorder_point: f64) -> f64 {
        if capacity_too_low(capacity, reorder_point) {
            self.err(
                at,
                format!(
                    "must be positive and exceed reorder_point {reorder_point}, got {capacity}"
                ),
            );
        }
        capacity
    }

    /// Make-to-order production: a factory's, of a product.
    pub(super) fn make_to_order(
        &mut self,
        at: &impl ToPath,
        policy: &RawMakeToOrder,
        kind: NodeKind,
        context: &NodeContext<'_>,
    ) -> Option<MakeToOrder> {
        let names = context.names;
        if kind != NodeKind::Factory {
            self.err(at, "only a factory makes to order");
        }
        let item = self.lookup(
            &at.lazy_key("product"),
            &names.items,
            "product",
            &policy.product,
        );
        if let Some(i) = item
            && context.items[i].kind == ItemKind::Material
        {
            self.err(
                &at.lazy_key("product"),
                "a factory makes products, not materials",
            );
        }
        let source = self.lookup(
            &at.lazy_key("materials_source"),
            &names.nodes,
            "node",
            &policy.materials_source,
        );
        self.order_levels(at, policy.reorder_point, policy.order_up_to);
        let capacity = policy.capacity.map(|capacity| {
            self.capacity(&at.lazy_key("capacity"), capacity, policy.reorder_point)
        });
        if policy.batch_max < 1 {
            self.err(
                &at.lazy_key("batch_max"),
                format!("must be at least 1 unit, got {}", policy.batch_max),
            );
        }
        let batch_days = self.delay(&at.lazy_key("batch_days"), &policy.batch_days);
        let order_delay_hours =
            self.delay(&at.lazy_key("order_delay_hours"), &policy.order_delay_hours);
        Some(MakeToOrder {
            item: item?,
            materials_source: source?,
            reorder_point: policy.reorder_point,
            order_up_to: policy.order_up_to,
            capacity,
            batch_max: policy.batch_max.max(1) as u64,
            batch_days,
            order_delay_hours,
        })
    }

    /// A node's customer order streams (hospitals only).
    pub(super) fn customer_order_streams(
        &mut self,
        at: &impl ToPath,
        entry: &RawNode,
        kind: NodeKind,
        context: &NodeContext<'_>,
    ) -> Vec<CustomerOrders> {
        if kind != NodeKind::Hospital && !entry.customer_orders.is_empty() {
            self.err(
                &at.lazy_key("customer_orders"),
                "only a hospital has customer orders",
            );
        }
        if entry.customer_orders.len() > MOST_STREAMS {
            // Found by the fuzzer: 100,000 streams on one shop ran for minutes. Streams alike
            // are one stream with more units or a shorter interval between orders.
            self.err(
                &at.lazy_key("customer_orders"),
                format!(
                    "{} streams: at most {MOST_STREAMS} per node (merge streams alike into one \
                     with more units or a shorter interval)",
                    entry.customer_orders.len()
                ),
            );
            return Vec::new();
        }
        entry
            .customer_orders
            .iter()
            .enumerate()
            .filter_map(|(j, stream)| {
                self.customer_orders(
                    &at.lazy_key("customer_orders").lazy_index(j),
                    stream,
                    context,
                )
            })
            .collect()
    }

    /// One stream of customer orders: of a consumable, whole units, at least a minute apart on
    /// average.
    fn customer_orders(
        &mut self,
        at: &impl ToPath,
        stream: &RawCustomerOrders,
        context: &NodeContext<'_>,
    ) -> Option<CustomerOrders> {
        let item = self.lookup(
            &at.lazy_key("product"),
            &context.names.items,
            "product",
            &stream.product,
        );
        if let Some(i) = item
            && context.items[i].kind != ItemKind::Consumable
        {
            self.err(
                &at.lazy_key("product"),
                "customers order consumable products",
            );
        }
        if stream.units < 1.0 || stream.units.fract() != 0.0 {
            self.err(
                &at.lazy_key("units"),
                format!(
                    "must be a whole number of units, at least 1, got {}",
                    stream.units
                ),
            );
        }
        let interarrival_days =
            self.duration(&at.lazy_key("interarrival_days"), &stream.interarrival_days);
        let mean = interarrival_days.mean();
        if mean <= 0.0 {
            self.err(
                &at.lazy_key("interarrival_days"),
                "must have a positive mean",
            );
        } else if mean * (TICKS_PER_DAY as f64) < 1.0 {
            // Times are whole minutes: with a shorter mean, orders could fall on one minute
            // forever and the clock would never move.
            self.err(
                &at.lazy_key("interarrival_days"),
                format!("must have a mean of at least one minute (1/1440 day), got {mean} days"),
            );
        }
        Some(CustomerOrders {
            item: item?,
            units: stream.units.max(1.0) as u64,
            interarrival_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, assert_reports, scenario};

    const DELAY: &str = "order_delay_hours = { dist = \"fixed\", value = 4 }";

    /// The scenario with the hospital's replenishment policy given `fields` instead.
    fn hospital_policy(fields: &str) -> String {
        scenario("").replace(
            "reorder_point = 60_000, order_up_to = 200_000, review_days = 1",
            fields,
        )
    }

    #[test]
    fn a_review_period_within_the_horizon() {
        let text =
            hospital_policy("reorder_point = 60_000, order_up_to = 200_000, review_days = 0");
        assert_problem(
            &text,
            "node[2].replenish[0].review_days",
            "must be between 1 and the horizon, got 0",
        );
    }

    #[test]
    fn a_capacity_above_the_reorder_point() {
        let text =
            hospital_policy("reorder_point = 60_000, order_up_to = 200_000, capacity = 50_000");
        assert_problem(
            &text,
            "node[2].replenish[0].capacity",
            "must be positive and exceed reorder_point 60000, got 50000",
        );
    }

    /// A `[node.make_to_order]` of `product` on a node of `kind`.
    fn make_to_order(kind: &str, product: &str) -> String {
        scenario(&format!(
            "[[node]]\nid = \"extra\"\nkind = \"{kind}\"\nregion = \"Jiangsu\"\nmake_to_order = {{ product = \"{product}\", materials_source = \"supplier\", reorder_point = 10, order_up_to = 100, batch_max = 50, batch_days = {{ dist = \"fixed\", value = 1 }}, {DELAY} }}\n[[link]]\nfrom = \"supplier\"\nto = \"extra\"\nlead_time_days = {{ dist = \"fixed\", value = 1 }}\n"
        ))
    }

    #[test]
    fn only_a_factory_makes_to_order() {
        assert_problem(
            &make_to_order("warehouse", "mask"),
            "node[3].make_to_order",
            "only a factory makes to order",
        );
    }

    #[test]
    fn a_factory_makes_to_order_a_product() {
        assert_problem(
            &make_to_order("factory", "meltblown"),
            "node[3].make_to_order.product",
            "a factory makes products, not materials",
        );
    }

    /// A `[[node.customer_orders]]` stream of `product` on a node of `kind`.
    fn customer_orders(kind: &str, product: &str, interarrival: &str) -> String {
        scenario(&format!(
            "[[node]]\nid = \"extra\"\nkind = \"{kind}\"\nregion = \"Jiangsu\"\nreplenish = [{{ item = \"mask\", source = \"factory\", reorder_point = 1, order_up_to = 10, {DELAY} }}]\ncustomer_orders = [{{ product = \"{product}\", units = 2, interarrival_days = {interarrival} }}]\n[[link]]\nfrom = \"factory\"\nto = \"extra\"\nlead_time_days = {{ dist = \"fixed\", value = 1 }}\n"
        ))
    }

    const DAILY: &str = "{ dist = \"fixed\", value = 1 }";

    #[test]
    fn a_node_has_at_most_a_thousand_streams() {
        let one = "{ product = \"mask\", units = 2, interarrival_days = { dist = \"fixed\", value = 1 } }";
        let text = customer_orders("hospital", "mask", DAILY).replacen(
            &format!("customer_orders = [{one}]"),
            &format!("customer_orders = [{}]", vec![one; 1001].join(", ")),
            1,
        );
        assert_problem(&text, "node[3].customer_orders", "at most 1000 per node");
    }

    #[test]
    fn only_a_hospital_has_customer_orders() {
        assert_problem(
            &customer_orders("warehouse", "mask", DAILY),
            "node[3].customer_orders",
            "only a hospital has customer orders",
        );
    }

    #[test]
    fn customers_order_consumables() {
        assert_problem(
            &customer_orders("hospital", "meltblown", DAILY),
            "node[3].customer_orders[0].product",
            "customers order consumable products",
        );
    }

    #[test]
    fn orders_need_a_positive_mean_interval() {
        assert_reports(
            &customer_orders("hospital", "mask", "{ dist = \"fixed\", value = 0 }"),
            "node[3].customer_orders[0].interarrival_days",
            "must have a positive mean",
        );
    }
}
