//! Conservation strategies (contingency and crisis standards: extended use, reuse): from a
//! trigger day, or once a hospital's days of supply fall below a threshold, burn rates are cut.
//! The strongest active step applies; a step triggered by days of supply stays on.

use crate::engine::Sim;
use crate::model::{ItemId, NodeId};

impl Sim<'_> {
    /// Multiplier of the burn rate of `item` at hospital `n` today.
    pub(in crate::engine) fn burn_factor(&self, n: NodeId, item: ItemId) -> f64 {
        let day = self.day();
        self.m
            .conservation
            .iter()
            .enumerate()
            .filter(|(k, c)| {
                c.items.contains(&item)
                    && (c.from_day.is_some_and(|d| day >= d) || self.nodes[n].conservation_on[*k])
            })
            .map(|(_, c)| c.burn_factor)
            .fold(1.0, f64::min)
    }

    /// Latches days-of-supply triggers after today's consumption (`demand` units per day).
    pub(in crate::engine) fn update_conservation(&mut self, n: NodeId, item: ItemId, demand: f64) {
        if demand <= 0.0 {
            return;
        }
        let days_of_supply = self.stock.on_hand(n, item) as f64 / demand;
        for (k, c) in self.m.conservation.iter().enumerate() {
            if let Some(threshold) = c.days_of_supply_below
                && c.items.contains(&item)
                && days_of_supply < threshold
            {
                self.nodes[n].conservation_on[k] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Conservation;
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn conservation_cuts_burn_rates_from_a_day_or_a_days_of_supply_trigger() {
        let mut m = chain_model(10, 0, 0, 100, 10_000, "");
        let (mask, b) = (item(&m, "mask"), region(&m, "B"));
        m.conservation.push(Conservation {
            name: "crisis".into(),
            burn_factor: 0.5,
            items: vec![mask],
            from_day: Some(5),
            days_of_supply_below: None,
        });
        let d = series(&run(&m, 0), mask, b, Measure::Demand);
        assert_eq!(
            d,
            vec![
                100.0, 100.0, 100.0, 100.0, 100.0, 50.0, 50.0, 50.0, 50.0, 50.0
            ]
        );
        // 350 masks, 100/day: after day 1 fewer than 2 days of supply remain.
        let mut m = chain_model(6, 0, 0, 100, 350, "");
        m.conservation.push(Conservation {
            name: "contingency".into(),
            burn_factor: 0.7,
            items: vec![mask],
            from_day: None,
            days_of_supply_below: Some(2.0),
        });
        let d = series(&run(&m, 0), mask, b, Measure::Demand);
        assert_eq!(
            d,
            vec![100.0, 100.0, 70.0, 70.0, 70.0, 70.0],
            "latched once triggered"
        );
    }
}
