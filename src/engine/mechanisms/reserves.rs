//! Reserves: national and provincial stockpiles hold their stock locked until released, on a
//! day or when national hospital days of supply of a product they hold fall below a threshold.

use crate::engine::Sim;
use crate::engine::partitions::owner_index;
use crate::model::{NodeId, NodeKind};

impl Sim<'_> {
    pub(in crate::engine) fn release_reserve(&mut self, n: NodeId) {
        if !self.nodes[n].released {
            self.nodes[n].released = true;
            self.fill_backlog(n);
        }
    }
}

/// National hospital days of supply of `item` today, over all partitions (None without demand).
fn national_days_of_supply(sims: &[Sim], item: usize) -> Option<f64> {
    let m = sims[0].m;
    let mut stock = 0.0;
    let mut demand = 0.0;
    for (n, node) in m.nodes.iter().enumerate() {
        if node.kind == NodeKind::Hospital {
            let sim = &sims[owner_index(sims, n)];
            stock += sim.stock.on_hand(n, item) as f64;
            demand += sim.demand_today(n, item).unwrap_or(0.0);
        }
    }
    (demand > 0.0).then(|| stock / demand)
}

/// Releases reserves whose days-of-supply rule has fired (a step of the central day). Every
/// rule is decided before any release: releasing ships reserve stock, which changes neither
/// hospital stock nor demand today.
pub(in crate::engine) fn check_reserve_rules(sims: &mut [Sim]) {
    let m = sims[0].m;
    let mut fired = Vec::new();
    for (n, node) in m.nodes.iter().enumerate() {
        let Some(threshold) = node
            .release
            .as_ref()
            .and_then(|r| r.national_days_of_supply_below)
        else {
            continue;
        };
        let sim = &sims[owner_index(sims, n)];
        if sim.nodes[n].released {
            continue;
        }
        let fires = (0..m.items.len())
            .filter(|&i| sim.stock.on_hand(n, i) > 0)
            .any(|i| national_days_of_supply(sims, i).is_some_and(|d| d < threshold));
        if fires {
            fired.push(n);
        }
    }
    for n in fired {
        let sim = &mut sims[owner_index(sims, n)];
        // What the release schedules is numbered in the reserve's own sequence.
        sim.cur = n as u32;
        sim.release_reserve(n);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{NodeKind, Release};
    use crate::results::Measure;
    use crate::testutil::*;

    /// The chain's factory turned into a reserve holding 1000 masks.
    fn reserve(release: Release) -> crate::model::Model {
        let mut m = chain_model(20, 0, 0, 100, 300, "");
        let mask = item(&m, "mask");
        m.nodes[0].kind = NodeKind::Reserve;
        m.nodes[0].lines.clear();
        m.nodes[0].stock = vec![(mask, 1000)];
        m.nodes[0].release = Some(release);
        m
    }

    fn first_delivery_day(m: &crate::model::Model) -> usize {
        let r = run(m, 0);
        series(&r, item(m, "mask"), region(m, "B"), Measure::Delivered)
            .iter()
            .enumerate()
            .position(|(d, &x)| d >= 3 && x > 0.0)
            .unwrap()
    }

    #[test]
    fn reserve_stock_is_locked_until_released_by_day_or_rule() {
        let by_day = reserve(Release {
            day: Some(10),
            national_days_of_supply_below: None,
        });
        assert_eq!(
            first_delivery_day(&by_day),
            12,
            "released day 10, one day on the road"
        );
        // 300 masks at 100/day: days of supply fall below 1.5 after day 1's use.
        let by_rule = reserve(Release {
            day: None,
            national_days_of_supply_below: Some(1.5),
        });
        assert_eq!(first_delivery_day(&by_rule), 4);
    }
}
