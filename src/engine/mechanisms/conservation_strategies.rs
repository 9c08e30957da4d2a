//! Conservation strategies (contingency and crisis standards: extended use, reuse): from a
//! trigger day, or once a hospital's days of supply of an item fall below a threshold, burn rates
//! are cut, until an exit: a day, or days of supply back above a higher threshold (the gap is the
//! hysteresis that keeps a step from switching every day). The strongest active step applies.
//! Days of supply count at normal burn rates (need), so a cut does not by itself end the step.

use crate::engine::Sim;
use crate::model::{ItemId, NodeId};

impl Sim<'_> {
    /// Multiplier of the burn rate of `item` at hospital `n` today.
    pub(in crate::engine) fn burn_factor(&self, n: NodeId, item: ItemId) -> f64 {
        let day = self.day();
        let items = self.m.items.len();
        self.m
            .conservation
            .iter()
            .enumerate()
            .filter(|(k, c)| {
                c.items.contains(&item)
                    && c.until_day.is_none_or(|u| day < u)
                    && (c.from_day.is_some_and(|d| day >= d)
                        || self.nodes[n].conservation_on[k * items + item])
            })
            .map(|(_, c)| c.burn_factor)
            .fold(1.0, f64::min)
    }

    /// Switches days-of-supply triggers on or off after today's consumption, against the
    /// normal daily burn `need`.
    pub(in crate::engine) fn update_conservation(&mut self, n: NodeId, item: ItemId, need: f64) {
        if need <= 0.0 {
            return;
        }
        let days_of_supply = self.stock.on_hand(n, item) as f64 / need;
        let items = self.m.items.len();
        for (k, c) in self.m.conservation.iter().enumerate() {
            let Some(below) = c.days_of_supply_below else {
                continue;
            };
            if !c.items.contains(&item) {
                continue;
            }
            let on = &mut self.nodes[n].conservation_on[k * items + item];
            if days_of_supply < below {
                *on = true;
            } else if c
                .days_of_supply_above
                .is_some_and(|above| days_of_supply > above)
            {
                *on = false;
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
            until_day: Some(8),
            days_of_supply_above: None,
        });
        let d = series(&run(&m, 0), mask, b, Measure::Demand);
        assert_eq!(
            d,
            vec![
                100.0, 100.0, 100.0, 100.0, 100.0, 50.0, 50.0, 50.0, 100.0, 100.0
            ],
            "on from day 5 until day 8"
        );
        // 350 masks, 100/day: after day 1 fewer than 2 days of supply remain.
        let mut m = chain_model(6, 0, 0, 100, 350, "");
        m.conservation.push(Conservation {
            name: "contingency".into(),
            burn_factor: 0.7,
            items: vec![mask],
            from_day: None,
            days_of_supply_below: Some(2.0),
            until_day: None,
            days_of_supply_above: None,
        });
        let d = series(&run(&m, 0), mask, b, Measure::Demand);
        assert_eq!(
            d,
            vec![100.0, 100.0, 70.0, 70.0, 70.0, 70.0],
            "without an exit it stays on"
        );
    }

    /// A hospital with 250 masks and a need of 100 a day, resupplied with 150 a day from day
    /// 2: short at first, then recovering.
    fn recovering(exit_above: Option<f64>) -> (crate::model::Model, usize, usize) {
        let mut m = chain_model(20, 150, 1_000_000, 100, 250, "");
        let (mask, b) = (item(&m, "mask"), region(&m, "B"));
        m.conservation.push(Conservation {
            name: "contingency".into(),
            burn_factor: 0.7,
            items: vec![mask],
            from_day: None,
            days_of_supply_below: Some(2.0),
            until_day: None,
            days_of_supply_above: exit_above,
        });
        (m, mask, b)
    }

    #[test]
    fn a_days_of_supply_step_ends_when_stock_recovers_and_need_stays_above_use() {
        let (m, mask, b) = recovering(Some(4.0));
        let r = run(&m, 0);
        let need = series(&r, mask, b, Measure::Need);
        let demand = series(&r, mask, b, Measure::Demand);
        let used = series(&r, mask, b, Measure::Delivered);
        assert!(need.iter().all(|&x| x == 100.0), "{need:?}");
        for d in 0..need.len() {
            assert!(need[d] >= demand[d] && demand[d] >= used[d], "day {d}");
        }
        let cut = demand
            .iter()
            .position(|&x| x == 70.0)
            .expect("the step triggers");
        let back = (cut..demand.len())
            .find(|&d| demand[d] == 100.0)
            .expect("the step ends once stock recovers");
        assert!(demand[back..].iter().all(|&x| x == 100.0), "{demand:?}");
        // Without the exit it stays on to the end.
        let (m, mask, b) = recovering(None);
        let stays = series(&run(&m, 0), mask, b, Measure::Demand);
        assert_eq!(stays[back..], vec![70.0; stays.len() - back][..]);
        // Against need, the fill rate counts what the cut left unprotected.
        let k = crate::stats::kpi::kpis(&m, &r, mask, b);
        let at = |name| k[crate::stats::kpi::kpi_index(name).unwrap()].unwrap();
        assert!(at("fill_rate_vs_need") < at("fill_rate"));
        assert_eq!(at("unprotected"), at("need") - at("delivered"));
    }
}
