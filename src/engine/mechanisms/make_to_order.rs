//! Make-to-order production: an (s, S) rule on the product's inventory position (on hand +
//! planned − owed to orders waiting here) plans production; the materials for exactly the units
//! planned are ordered from the materials source (bill of materials, per unit); batches of at most
//! `batch_max` units, one at a time, each taking `batch_days`, make only what is planned, from
//! materials on hand, and never fill the node above its `capacity`. Materials are used when a
//! batch starts; its units are on hand (and ship to waiting orders) when it ends.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Order, Sim, class};
use crate::model::NodeId;
use crate::results::Measure;

/// Guards floor/ceil of products of floats against representation error.
const EPS: f64 = 1e-9;

impl Sim<'_> {
    /// Plans production (and orders its materials) when the position is at or below s.
    pub(in crate::engine) fn mto_review(&mut self, n: NodeId) {
        let m = self.m;
        let Some(p) = &m.nodes[n].make_to_order else {
            return;
        };
        let st = &self.nodes[n];
        let position = (self.stock.on_hand(n, p.item) + st.planned + st.in_production) as f64
            - st.owed[p.item] as f64;
        let qty = Self::order_quantity(position, p.reorder_point, p.order_up_to, p.capacity);
        if qty == 0 {
            return;
        }
        self.nodes[n].planned += qty;
        for &(mat, per_unit) in &m.items[p.item].bom {
            let need = (qty as f64 * per_unit - EPS).ceil().max(0.0) as u64;
            if need == 0 {
                continue;
            }
            self.nodes[n].inbound[mat] += need;
            let hours = p.order_delay_hours.sample(self.rng(n, Purpose::OrderDelay));
            let order = Order {
                to: n,
                item: mat,
                qty: need,
            };
            let delay = Self::days_to_ticks(hours / 24.0, true);
            let src = p.materials_source;
            self.after(delay, class::ARRIVAL, src, Ev::OrderArrives(src, order));
        }
        self.mto_try_start(n);
    }

    /// Starts the next batch if the node is idle and something planned can be made.
    pub(in crate::engine) fn mto_try_start(&mut self, n: NodeId) {
        let m = self.m;
        let Some(p) = &m.nodes[n].make_to_order else {
            return;
        };
        let st = &self.nodes[n];
        if st.in_production > 0 || st.planned == 0 {
            return;
        }
        let mut batch = st.planned.min(p.batch_max);
        for &(mat, per_unit) in &m.items[p.item].bom {
            batch = batch.min((self.stock.on_hand(n, mat) as f64 / per_unit + EPS).floor() as u64);
        }
        if let Some(cap) = p.capacity {
            let room = (cap - self.stock.on_hand(n, p.item) as f64)
                .floor()
                .max(0.0) as u64;
            batch = batch.min(room);
        }
        if batch == 0 {
            return;
        }
        for &(mat, per_unit) in &m.items[p.item].bom {
            let want = (batch as f64 * per_unit - EPS).ceil().max(0.0) as u64;
            let used = self.stock.take_at_most(n, mat, want);
            self.ledger[mat].consumed += used;
        }
        self.nodes[n].planned -= batch;
        self.nodes[n].in_production = batch;
        let days = p.batch_days.sample(self.rng(n, Purpose::Batch));
        self.after(
            Self::days_to_ticks(days, true),
            class::PRODUCTION,
            n,
            Ev::BatchDone(n),
        );
    }

    /// A batch is made: its units go on hand (serving waiting orders) and the next one starts.
    pub(in crate::engine) fn batch_done(&mut self, n: NodeId) {
        let Some(p) = &self.m.nodes[n].make_to_order else {
            return;
        };
        let item = p.item;
        let made = std::mem::take(&mut self.nodes[n].in_production);
        self.ledger[item].produced += made;
        let region = self.m.nodes[n].region;
        self.record(item, region, Measure::Produced, made as f64);
        self.receive(n, item, made);
        self.mto_try_start(n);
    }
}

#[cfg(test)]
mod tests {
    use crate::results::Measure;
    use crate::testutil::*;

    /// A raw source, a make-to-order factory and a warehouse that orders 450 at once (whole).
    fn plant(batch_max: i64, stock: u64, capacity: &str) -> crate::model::Model {
        let toml = format!(
            r#"{}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]

[[material]]
id = "raw"
units_per_truck = 1000

[[product]]
id = "widget"
kind = "consumable"
units_per_truck = 1000
bom = {{ raw = 2 }}
demanded = false

[[node]]
id = "mine"
kind = "source"
region = "A"
supplies = ["raw"]

[[node]]
id = "plant"
kind = "factory"
region = "A"
stock = {{ widget = {stock} }}
ship_whole_orders = true
make_to_order = {{ product = "widget", materials_source = "mine", reorder_point = 0, order_up_to = 450, {capacity} batch_max = {batch_max}, batch_days = {{ dist = "fixed", value = 1 }}, order_delay_hours = {{ dist = "fixed", value = 1 }} }}

[[node]]
id = "store"
kind = "warehouse"
region = "A"
replenish = [{{ item = "widget", source = "plant", reorder_point = 0, order_up_to = 450, order_delay_hours = {{ dist = "fixed", value = 1 }} }}]

[[link_group]]
from = ["mine"]
to = ["plant"]
lead_time_days = {{ dist = "fixed", value = 0.5 }}

[[link_group]]
from = ["plant"]
to = ["store"]
lead_time_days = {{ dist = "fixed", value = 0.5 }}
"#,
            prelude(12)
        );
        model(&toml)
    }

    #[test]
    fn makes_only_what_is_owed_in_batches_from_raw_one_to_one() {
        // The plant starts full (450 = S). The store orders 450 on day 0, which ships at once;
        // the plant then plans the 450 it lacks and orders 900 raw, which comes half a day later.
        let m = plant(100, 450, "");
        let r = run(&m, 0);
        let (w, raw, a) = (item(&m, "widget"), item(&m, "raw"), region(&m, "A"));
        let made = series(&r, w, a, Measure::Produced);
        // Batches of at most 100 a day, 450 in all, then nothing more (nothing more is owed).
        assert!(made.iter().all(|&x| x <= 100.0), "{made:?}");
        assert_eq!(made.iter().sum::<f64>(), 450.0, "{made:?}");
        assert_eq!(made.iter().filter(|&&x| x > 0.0).count(), 5, "{made:?}");
        assert_eq!(
            series(&r, w, a, Measure::OnHandWarehouse).last(),
            Some(&450.0)
        );
        assert_eq!(
            series(&r, w, a, Measure::OnHandFactory).last(),
            Some(&450.0)
        );
        // Two raw units per widget: the 900 ordered are all used, none left over.
        assert_eq!(r.get(11, raw, a, Measure::OnHandFactory), 0.0);
    }

    #[test]
    fn batches_are_capped_and_capacity_bounds_production() {
        // Batches of 1000 are capped by what is planned; a capacity of 300 keeps the plant from
        // ever holding more than 300, so the whole order of 450 can never ship.
        let m = plant(1000, 0, "capacity = 300,");
        let r = run(&m, 0);
        let (w, a) = (item(&m, "widget"), region(&m, "A"));
        let made = series(&r, w, a, Measure::Produced);
        assert_eq!(made.iter().sum::<f64>(), 300.0, "{made:?}");
        assert!(
            series(&r, w, a, Measure::OnHandFactory)
                .iter()
                .all(|&s| s <= 300.0)
        );
        assert_eq!(total(&r, w, a, Measure::OnHandWarehouse), 0.0);
    }
}
