//! Hospital demand: each day a hospital's census (its share of the regional epidemic, or a CSV
//! series) times burn rates gives the consumption of each product, or direct demand comes from a
//! CSV column. Consumables are used up; what stock cannot cover is lost and counted as shortage.
//! Durables (ventilators) serve the census without being consumed; census above the fleet is
//! counted in patient-days without the device.

use crate::engine::{Ev, Sim, class};
use crate::model::{Census, ItemId, ItemKind, NodeId, Severity};
use crate::results::Measure;

impl Sim<'_> {
    /// A hospital's census today.
    fn census_today(&self, n: NodeId) -> Option<Severity> {
        let day = self.day() as usize;
        match self.m.nodes[n].census.as_ref()? {
            Census::RegionShare(s) => {
                let c = self.region_census[self.m.nodes[n].region].get(day)?;
                Some(c.map(|x| x * s))
            }
            Census::Series(v) => v.get(day).copied(),
        }
    }

    /// Demand of `item` at hospital `n` today before conservation (None if it has none).
    pub(crate) fn raw_demand(&self, n: NodeId, item: ItemId) -> Option<f64> {
        let node = &self.m.nodes[n];
        if let Some((_, series)) = node.direct_demand.iter().find(|(i, _)| *i == item) {
            return Some(series.get(self.day() as usize).copied().unwrap_or(0.0));
        }
        let burn = self.m.items[item].burn.as_ref()?;
        let census = self.census_today(n)?;
        Some(crate::demand::from_census(&census, burn, &self.m.staffing))
    }

    /// Demand of `item` at `n` today after conservation strategies.
    pub(crate) fn demand_today(&self, n: NodeId, item: ItemId) -> Option<f64> {
        let raw = self.raw_demand(n, item)?;
        Some(match self.m.items[item].kind {
            ItemKind::Consumable => raw * self.burn_factor(n, item),
            _ => raw,
        })
    }

    pub(crate) fn demand_day(&mut self, n: NodeId) {
        let slot = self.slot(n);
        for item in 0..self.m.items.len() {
            let Some(d) = self.demand_today(n, item) else { continue };
            let st = &mut self.nodes[n];
            let (units, delivered) = match self.m.items[item].kind {
                ItemKind::Durable => {
                    let need = (d - 1e-9).ceil().max(0.0) as u64;
                    (need, need.min(st.on_hand[item]))
                }
                _ => {
                    let want = d + st.demand_carry[item];
                    let units = want.floor().max(0.0);
                    st.demand_carry[item] = want - units;
                    let units = units as u64;
                    let delivered = units.min(st.on_hand[item]);
                    st.on_hand[item] -= delivered;
                    self.ledger[item].consumed += delivered;
                    (units, delivered)
                }
            };
            self.record(item, slot, Measure::Demand, units as f64);
            self.record(item, slot, Measure::Delivered, delivered as f64);
            self.record(item, slot, Measure::Unmet, (units - delivered) as f64);
            if self.m.items[item].kind != ItemKind::Durable && delivered > 0 {
                self.after_drop(n, item);
            }
            self.update_conservation(n, item, d);
        }
        self.on_day(self.day() as i64 + 1, class::DEMAND, n, Ev::Demand(n));
    }
}
