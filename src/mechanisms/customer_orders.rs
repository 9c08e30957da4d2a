//! Customer orders: at a hospital, orders of a fixed number of units arrive with random times
//! between them (the first at time 0). An order is filled whole from stock on hand at once, or
//! lost whole (lost sales: nothing is taken, and it is counted as unmet demand). Orders count in
//! the demand, delivered and unmet measures, and as orders placed and filled in full.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::NodeId;
use crate::results::Measure;

impl Sim<'_> {
    pub(crate) fn customer_order(&mut self, n: NodeId, k: usize) {
        let c = &self.m.nodes[n].customer_orders[k];
        let (item, units) = (c.item, c.units);
        let slot = self.slot(n);
        let st = &mut self.nodes[n];
        let filled = st.on_hand[item] >= units;
        if filled {
            st.on_hand[item] -= units;
            self.ledger[item].consumed += units;
        }
        let delivered = if filled { units } else { 0 };
        self.record(item, slot, Measure::Demand, units as f64);
        self.record(item, slot, Measure::Delivered, delivered as f64);
        self.record(item, slot, Measure::Unmet, (units - delivered) as f64);
        if self.day() < self.m.days {
            let o = &mut self.out.customer_orders[item * self.out.slots + slot];
            o[0] += 1;
            o[1] += u64::from(filled);
        }
        if filled {
            self.after_drop(n, item);
        }
        let c = &self.m.nodes[n].customer_orders[k];
        let days = c
            .interarrival_days
            .sample(self.rng(n, Purpose::CustomerOrders));
        let gap = Self::days_to_ticks(days, false);
        self.after(gap, class::DEMAND, n, Ev::CustomerOrder(n, k));
    }
}

#[cfg(test)]
mod tests {
    use crate::results::Measure;
    use crate::testutil::*;

    /// A shop with `stock` units and one order of `units` a day, never replenished.
    fn shop(stock: u64, units: u64) -> crate::model::Model {
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
kind = "warehouse"
region = "A"

[[node]]
id = "shop"
kind = "hospital"
region = "A"
stock = {{ mask = {stock} }}
customer_orders = [{{ product = "mask", units = {units}, interarrival_days = {{ dist = "fixed", value = 1 }} }}]
replenish = [{{ item = "mask", source = "depot", reorder_point = 0, order_up_to = 1, order_delay_hours = {{ dist = "fixed", value = 1 }} }}]

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
        let m = shop(25, 10);
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
}
