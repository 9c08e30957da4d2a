//! Customer orders: at a hospital, orders of a fixed number of units arrive with random times
//! between them (the first at time 0). An order is filled whole from stock on hand at once, or
//! lost whole (lost sales: nothing is taken, and it is counted as unmet demand). Orders count in
//! the demand, delivered and unmet measures, and as orders placed and filled in full.
//!
//! Lost orders are counted lazily. Once an order is lost, every later one is lost too until
//! stock arrives, and a lost order changes nothing but its own stream and the counts (integer
//! sums, so their order does not matter). So the next order is kept as a time
//! ([`NodeState::next_order`](crate::engine::NodeState)) instead of an event, and the orders
//! before a delivery, or before the end, are drawn and counted then, in one loop. The results are
//! the same to the bit as one event per order, and a starved shop costs a fraction. This holds
//! when the order stream is the node's only demand-class event (one stream, no census or
//! direct demand); other nodes get an event per order.

use crate::engine::queue::Tick;
use crate::engine::streams::Purpose;
use crate::engine::{Ev, Held, Sim, class, stream};
use crate::model::{CustomerOrders, ItemId, NodeId, TICKS_PER_DAY};
use crate::results::{Replication, Served};
use rand_chacha::ChaCha8Rng;

impl Sim<'_> {
    /// Whether `n`'s lost orders can wait as a time (see the module's documentation).
    fn defers_lost_orders(&self, n: NodeId) -> bool {
        let node = &self.m.nodes[n];
        self.lazy_lost_orders
            && node.customer_orders.len() == 1
            && node.census.is_none()
            && node.direct_demand.is_empty()
    }

    pub(in crate::engine) fn customer_order(&mut self, n: NodeId, k: usize) {
        let m = self.m;
        let c = &m.nodes[n].customer_orders[k];
        let (item, units) = (c.item, c.units);
        let filled = self.stock.on_hand(n, item) >= units;
        if filled {
            self.stock.take(n, item, Held::OnHand, units);
            self.ledger[item].consumed += units;
        }
        let (day, slot) = (self.day(), self.slot(n));
        add_order(&mut self.out, c, slot, day as usize, filled);
        if filled {
            self.after_drop(n, item);
        }
        let next = self.now + gap(c, self.rng(n, Purpose::CustomerOrders));
        if !filled && self.defers_lost_orders(n) {
            self.nodes[n].next_order = Some(next);
        } else {
            self.push(next, class::DEMAND, n, Ev::CustomerOrder(n, k));
        }
    }

    /// Counts the lost orders at `n` that come before `limit` in the event order (all of
    /// them while stock is short), and gives the time of the next.
    fn count_lost_orders(&mut self, n: NodeId, mut next: Tick, limit: (Tick, u8, u32)) -> Tick {
        let m = self.m;
        let c = &m.nodes[n].customer_orders[0];
        // The last tick whose order comes before `limit`.
        let last = if (class::DEMAND, n as u32) < (limit.1, limit.2) {
            limit.0
        } else {
            limit.0 - 1
        };
        let rng = stream(&mut self.streams, m, n, Purpose::CustomerOrders);
        let slot = m.nodes[n].region;
        let mut lost = 0;
        // One order at a time, not grouped by day: with about an order a day, whether the
        // next falls on the same day is a branch the predictor would miss half the time.
        while next <= last {
            add_order(
                &mut self.out,
                c,
                slot,
                (next / TICKS_PER_DAY) as usize,
                false,
            );
            lost += 1;
            next += gap(c, rng);
        }
        self.events += lost;
        next
    }

    /// Stock of `item` is about to arrive at `n`: the orders lost before this moment are
    /// counted, and the next becomes an event again (it may be filled).
    pub(in crate::engine) fn stock_arriving(&mut self, n: NodeId, item: ItemId) {
        let Some(next) = self.nodes[n].next_order else {
            return;
        };
        if self.m.nodes[n].customer_orders[0].item != item {
            return;
        }
        self.nodes[n].next_order = None;
        let next = self.count_lost_orders(n, next, (self.now, self.cur_class, self.cur));
        let cur = std::mem::replace(&mut self.cur, n as u32);
        // Numbered in the shop's own sequence, as the order would have been.
        self.push(next, class::DEMAND, n, Ev::CustomerOrder(n, 0));
        self.cur = cur;
    }

    /// The end of the run: the orders lost since the last delivery are counted.
    pub(in crate::engine) fn count_lost_orders_to_end(&mut self) {
        let end = (self.end(), 0, 0);
        for n in self.nodes.owned() {
            if let Some(next) = self.nodes[n].next_order.take() {
                self.count_lost_orders(n, next, end);
            }
        }
    }
}

/// Counts an order of stream `c` on `day` at a node in `slot`, filled in full or lost.
#[inline]
fn add_order(out: &mut Replication, c: &CustomerOrders, slot: usize, day: usize, filled: bool) {
    if day < out.days {
        let units = c.units as f64;
        let delivered = if filled { units } else { 0.0 };
        out.add_served(
            day,
            c.item,
            slot,
            Served {
                need: units,
                demand: units,
                delivered,
            },
        );
        let o = &mut out.customer_orders[c.item * out.slots + slot];
        o[0] += 1;
        o[1] += u64::from(filled);
    }
}

/// Ticks to the next order of stream `c`.
fn gap(c: &CustomerOrders, rng: &mut ChaCha8Rng) -> Tick {
    Sim::days_to_ticks(c.interarrival_days.sample(rng), false)
}

#[cfg(test)]
mod tests {
    use crate::results::Measure;
    use crate::testutil::*;

    /// A shop with `stock` units and one order of `units` a day, which orders up to 10 units
    /// when out of stock, with an order delay of a day, from a depot one day away: an empty
    /// warehouse (never replenished), or a source.
    fn shop(stock: u64, units: u64, source: bool) -> crate::model::Model {
        let depot = if source {
            "kind = \"source\"\nsupplies = [\"mask\"]"
        } else {
            "kind = \"warehouse\""
        };
        let toml = format!(
            r#"{}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]

[[product]]
id = "mask"
kind = "consumable"
units_per_truck = 1000

[[node]]
id = "depot"
{depot}
region = "A"

[[node]]
id = "shop"
kind = "hospital"
region = "A"
stock = {{ mask = {stock} }}
customer_orders = [{{ product = "mask", units = {units}, interarrival_days = {{ dist = "fixed", value = 1 }} }}]
replenish = [{{ item = "mask", source = "depot", reorder_point = 0, order_up_to = 10, order_delay_hours = {{ dist = "fixed", value = 24 }} }}]

[[link]]
from = "depot"
to = "shop"
lead_time_days = {{ dist = "fixed", value = 1 }}
"#,
            prelude(5)
        );
        model(&toml)
    }

    #[test]
    fn an_order_larger_than_stock_is_lost_whole_and_stock_is_unchanged() {
        let m = shop(25, 10, false);
        let r = run(&m, 0);
        let (mask, a) = (item(&m, "mask"), region(&m, "A"));
        assert_eq!(
            series(&r, mask, a, Measure::Delivered),
            vec![10.0, 10.0, 0.0, 0.0, 0.0]
        );
        assert_eq!(
            series(&r, mask, a, Measure::Unmet),
            vec![0.0, 0.0, 10.0, 10.0, 10.0]
        );
        // The 5 units left are not taken by the orders that could not be filled whole.
        assert_eq!(
            series(&r, mask, a, Measure::OnHandHospital),
            vec![15.0, 5.0, 5.0, 5.0, 5.0]
        );
        assert_eq!(r.customer_orders[mask * r.slots + a], [5, 2]);
        // Lost sales are not consumption: the ledger (checked in `run`) still balances.
    }

    #[test]
    fn stock_arriving_with_an_order_fills_it_after_orders_lost_while_short() {
        let m = shop(10, 10, true);
        let (mask, a) = (item(&m, "mask"), region(&m, "A"));
        // Day 0 empties the shop and orders 10, which arrive at the start of day 2: arrivals
        // come before orders at the same moment, so day 2's order is filled, day 1's is lost.
        let expected = vec![10.0, 0.0, 10.0, 0.0, 10.0];
        let lazy = run(&m, 0);
        assert_eq!(series(&lazy, mask, a, Measure::Delivered), expected);
        assert_eq!(lazy.customer_orders[mask * lazy.slots + a], [5, 3]);
        let ctx = crate::engine::RunContext::new(&m);
        let mut eager = crate::engine::Sim::new(&ctx, 1, 0);
        eager.lazy_lost_orders = false;
        assert_eq!(eager.run().unwrap(), lazy);
    }
}
