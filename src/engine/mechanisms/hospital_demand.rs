//! Hospital demand: each day a hospital's census (its share of the regional epidemic, or a CSV
//! series) times burn rates gives the consumption of each product, or direct demand comes from a
//! CSV column. Consumables are used up; what stock cannot cover is lost and counted as shortage.
//! Durables (ventilators) serve the census without being consumed; census above the fleet is
//! counted in patient-days without the device.

use crate::engine::slots::NodeFacts;
use crate::engine::{Ev, Sim, class};
use crate::model::{Census, ItemId, ItemKind, NodeId, Severity};
use crate::results::Served;

impl Sim<'_> {
    /// The census on `day` of the hospital with facts `f`.
    fn census_on(&self, f: &NodeFacts, day: usize) -> Option<Severity> {
        if let Some(s) = f.census_share {
            let c = self.region_census[f.region as usize].get(day)?;
            return Some(c.map(|x| x * s));
        }
        match f.node.census.as_ref()? {
            Census::RegionShare(_) => unreachable!("a region share is among the facts"),
            Census::Series(v) => v.get(day).copied(),
        }
    }

    /// Demand of `item` at hospital `n` today before conservation (None if it has none).
    pub(in crate::engine) fn raw_demand(&self, n: NodeId, item: ItemId) -> Option<f64> {
        self.raw_demand_on(n, item, self.day() as usize)
    }

    /// Demand of `item` at hospital `n` on `day` before conservation (None if it has none).
    pub(in crate::engine) fn raw_demand_on(
        &self,
        n: NodeId,
        item: ItemId,
        day: usize,
    ) -> Option<f64> {
        self.demand_of(&self.nodes.facts(n), item, day)
    }

    /// [`Sim::raw_demand_on`] of the hospital with facts `f` (looked up once for all items).
    fn demand_of(&self, f: &NodeFacts, item: ItemId, day: usize) -> Option<f64> {
        if f.direct_demand
            && let Some((_, series)) = f.node.direct_demand.iter().find(|(i, _)| *i == item)
        {
            return Some(series.get(day).copied().unwrap_or(0.0));
        }
        let burn = self.m.items[item].burn.as_ref()?;
        let census = self.census_on(f, day)?;
        Some(crate::demand::from_census(&census, burn, &self.m.staffing))
    }

    /// Demand of `item` at `n` today after conservation strategies.
    pub(in crate::engine) fn demand_today(&self, n: NodeId, item: ItemId) -> Option<f64> {
        let raw = self.raw_demand(n, item)?;
        Some(self.conserved(n, item, raw))
    }

    /// `raw` demand of `item` at `n` after today's conservation cut (consumables only).
    fn conserved(&self, n: NodeId, item: ItemId, raw: f64) -> f64 {
        match self.m.items[item].kind {
            ItemKind::Consumable => raw * self.burn_factor(n, item),
            _ => raw,
        }
    }

    /// A hospital's day: every product's need and demand, served from its stock.
    pub(in crate::engine) fn demand_day(&mut self, n: NodeId) {
        let f = self.nodes.facts(n);
        let (slot, day) = (f.region as usize, self.day() as usize);
        for item in 0..self.m.items.len() {
            let Some(raw) = self.demand_of(&f, item, day) else {
                continue;
            };
            let durable = self.m.items[item].kind == ItemKind::Durable;
            let served = if durable {
                // Units in use: conservation never cuts a durable, so need is demand.
                let units = (raw - 1e-9).ceil().max(0.0);
                let delivered = (units as u64).min(self.stock.on_hand(n, item)) as f64;
                Served {
                    need: units,
                    demand: units,
                    delivered,
                }
            } else {
                let demand = self.conserved(n, item, raw);
                let st = &mut self.nodes[n];
                let want = demand + st.demand_carry[item];
                let units = want.floor().max(0.0);
                st.demand_carry[item] = want - units;
                // Need is rounded on its own carry but never below demand, so that
                // need >= demand holds every day, not only in total.
                let want_need = raw + st.need_carry[item];
                let need = want_need.floor().max(units);
                st.need_carry[item] = want_need - need;
                let delivered = self.stock.take_at_most(n, item, units as u64);
                self.ledger[item].consumed += delivered;
                Served {
                    need,
                    demand: units,
                    delivered: delivered as f64,
                }
            };
            if day < self.out.days {
                self.out.add_served(day, item, slot, served);
            }
            if !durable && served.delivered > 0.0 {
                self.after_drop(n, item);
            }
            self.update_conservation(n, item, raw);
        }
        self.on_day(self.day() as i64 + 1, class::DEMAND, n, Ev::Demand(n));
    }
}

#[cfg(test)]
mod tests {
    use crate::results::Measure;
    use crate::testutil::*;

    /// A hospital with a fleet of 10 ventilators and a ventilated census of 12 per day.
    fn ventilators() -> crate::model::Model {
        let toml = format!(
            r#"{}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]

[[product]]
id = "ventilator"
kind = "durable"
units_per_truck = 50

[[node]]
id = "maker"
kind = "warehouse"
region = "A"

[[node]]
id = "icu"
kind = "hospital"
region = "A"
stock = {{ ventilator = 10 }}
demand = [{{ product = "ventilator", csv = "vent.csv", column = "ventilated" }}]
replenish = [{{ item = "ventilator", source = "maker", reorder_point = 0, order_up_to = 1, order_delay_hours = {{ dist = "fixed", value = 1 }} }}]

[[link]]
from = "maker"
to = "icu"
lead_time_days = {{ dist = "fixed", value = 1 }}
"#,
            prelude(15)
        );
        let csv: String = std::iter::once("day,ventilated\n".to_string())
            .chain((0..15).map(|d| format!("{d},12\n")))
            .collect();
        with_files(&toml, None, &[("vent.csv", &csv)])
    }

    #[test]
    fn a_durable_ventilator_is_not_consumed_and_census_above_fleet_is_counted() {
        let m = ventilators();
        let r = run(&m, 0);
        let v = item(&m, "ventilator");
        let a = region(&m, "A");
        assert!(
            series(&r, v, a, Measure::OnHandHospital)
                .iter()
                .all(|&f| f == 10.0),
            "fleet stays 10"
        );
        assert!(
            series(&r, v, a, Measure::Unmet).iter().all(|&u| u == 2.0),
            "2 patients without a ventilator each day"
        );
        assert_eq!(total(&r, v, a, Measure::Delivered), 150.0);
    }

    #[test]
    fn consumables_are_used_up_and_unmet_demand_is_lost() {
        // No production: 120 masks cover 2.4 days of 50.
        let m = chain_model(5, 100, 0, 50, 120, "");
        let r = run(&m, 0);
        let (mask, b) = (item(&m, "mask"), region(&m, "B"));
        assert_eq!(
            series(&r, mask, b, Measure::Delivered),
            vec![50.0, 50.0, 20.0, 0.0, 0.0]
        );
        assert_eq!(
            series(&r, mask, b, Measure::Unmet),
            vec![0.0, 0.0, 30.0, 50.0, 50.0]
        );
        assert_eq!(
            series(&r, mask, b, Measure::OnHandHospital),
            vec![70.0, 20.0, 0.0, 0.0, 0.0]
        );
    }
}
