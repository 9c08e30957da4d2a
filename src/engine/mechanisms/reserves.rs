//! Reserves: national and provincial stockpiles hold their stock locked until released, on a
//! day or when hospital days of supply of a product they hold fall below a threshold —
//! nationally or in the reserve's own region. By default the first product to trigger releases
//! the whole reserve; a `per_product` rule releases only the product that triggered.

use crate::engine::Sim;
use crate::engine::partitions::owner_index;
use crate::model::{ItemId, NodeId, NodeKind, RegionId};

impl Sim<'_> {
    /// Releases everything reserve `n` holds.
    pub(in crate::engine) fn release_reserve(&mut self, n: NodeId) {
        if !self.nodes[n].released {
            self.nodes[n].released = true;
            self.fill_backlog(n);
        }
    }

    /// Releases one product of reserve `n` (a per-product rule).
    fn release_reserve_item(&mut self, n: NodeId, item: ItemId) {
        if !self.is_released(n, item) {
            self.nodes[n].released_items.push(item);
            self.fill_backlog(n);
        }
    }

    /// Whether node `n` may ship `item` (always, but for a reserve not yet released).
    pub(in crate::engine) fn is_released(&self, n: NodeId, item: ItemId) -> bool {
        let node = &self.nodes[n];
        node.released || node.released_items.contains(&item)
    }
}

/// Hospital days of supply of `item` today, over all partitions, nationally or in `region`
/// (None without demand).
fn days_of_supply(sims: &[Sim], item: usize, region: Option<RegionId>) -> Option<f64> {
    let m = sims[0].m;
    let mut stock = 0.0;
    let mut demand = 0.0;
    for (n, node) in m.nodes.iter().enumerate() {
        if node.kind == NodeKind::Hospital && region.is_none_or(|r| node.region == r) {
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
    // (reserve, the product released alone, or None for everything)
    let mut fired: Vec<(NodeId, Option<ItemId>)> = Vec::new();
    for (n, node) in m.nodes.iter().enumerate() {
        let Some(rule) = node.release.as_ref() else {
            continue;
        };
        let Some((threshold, regional)) = rule.days_of_supply_below() else {
            continue;
        };
        let sim = &sims[owner_index(sims, n)];
        if sim.nodes[n].released {
            continue;
        }
        let scope = regional.then_some(node.region);
        let mut fires = (0..m.items.len())
            .filter(|&i| sim.stock.on_hand(n, i) > 0 && !sim.is_released(n, i))
            .filter(|&i| days_of_supply(sims, i, scope).is_some_and(|d| d < threshold));
        if rule.per_product {
            fired.extend(fires.map(|i| (n, Some(i))));
        } else if fires.next().is_some() {
            fired.push((n, None));
        }
    }
    for (n, item) in fired {
        let sim = &mut sims[owner_index(sims, n)];
        // What the release schedules is numbered in the reserve's own sequence.
        sim.cur = n as u32;
        match item {
            Some(i) => sim.release_reserve_item(n, i),
            None => sim.release_reserve(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Model, NodeKind, Release};
    use crate::results::Measure;
    use crate::testutil::*;

    /// A release rule on national days of supply below `threshold`.
    fn below(threshold: f64, per_product: bool) -> Release {
        Release {
            day: None,
            national_days_of_supply_below: Some(threshold),
            region_days_of_supply_below: None,
            per_product,
        }
    }

    /// The chain's factory turned into a reserve holding `stock`, with `release`.
    fn into_reserve(m: &mut Model, stock: Vec<(usize, u64)>, release: Release) {
        m.nodes[0].kind = NodeKind::Reserve;
        m.nodes[0].lines.clear();
        m.nodes[0].stock = stock;
        m.nodes[0].release = Some(release);
    }

    /// The chain's factory turned into a reserve holding 1000 masks.
    fn reserve(release: Release) -> Model {
        let mut m = chain_model(20, 0, 0, 100, 300, "");
        let mask = item(&m, "mask");
        into_reserve(&mut m, vec![(mask, 1000)], release);
        m
    }

    fn first_delivery_day(m: &Model) -> usize {
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
            ..below(0.0, false)
        });
        assert_eq!(
            first_delivery_day(&by_day),
            12,
            "released day 10, one day on the road"
        );
        // 300 masks at 100/day: days of supply fall below 1.5 after day 1's use.
        assert_eq!(first_delivery_day(&reserve(below(1.5, false))), 4);
        // A provincial reserve watches its own region's hospitals only: in the hospital's
        // region B it releases as the national rule does, in region A (no hospital) never.
        let regional = Release {
            national_days_of_supply_below: None,
            region_days_of_supply_below: Some(1.5),
            ..below(0.0, false)
        };
        let mut m = reserve(regional);
        m.nodes[0].region = region(&m, "B");
        assert_eq!(first_delivery_day(&m), 4);
        m.nodes[0].region = region(&m, "A");
        let r = run(&m, 0);
        assert_eq!(
            total(&r, item(&m, "mask"), region(&m, "B"), Measure::Received),
            0.0
        );
    }

    /// A reserve of masks and gowns: masks run short at the hospital, gowns never do at the
    /// clinic beside it.
    fn masks_and_gowns(per_product: bool) -> (Model, usize, usize) {
        let extra = r#"
[[product]]
id = "gown"
kind = "consumable"
units_per_truck = 1e9

[[node]]
id = "clinic"
kind = "hospital"
region = "B"
stock = { gown = 10000 }
demand = [{ product = "gown", csv = "gown.csv", column = "gown" }]

[[link]]
from = "factory"
to = "clinic"
lead_time_days = { dist = "fixed", value = 1 }
"#;
        let (toml, csv) = chain(20, 0, 0, 100, 300, extra);
        let gowns: String = std::iter::once("day,gown\n".to_string())
            .chain((0..20).map(|d| format!("{d},10\n")))
            .collect();
        let mut m = with_files(&toml, None, &[("demand.csv", &csv), ("gown.csv", &gowns)]);
        let (mask, gown) = (item(&m, "mask"), item(&m, "gown"));
        into_reserve(
            &mut m,
            vec![(mask, 1000), (gown, 1000)],
            below(1.5, per_product),
        );
        m.dispatch.as_mut().unwrap().items.push(gown);
        (m, mask, gown)
    }

    #[test]
    fn a_per_product_rule_releases_only_the_product_that_ran_short() {
        let b = |m: &Model| region(m, "B");
        let (all, mask, gown) = masks_and_gowns(false);
        let r = run(&all, 0);
        assert!(total(&r, mask, b(&all), Measure::Received) > 0.0);
        assert!(
            total(&r, gown, b(&all), Measure::Received) > 0.0,
            "the masks' trigger releases the gowns too"
        );
        let (one, mask, gown) = masks_and_gowns(true);
        let r = run(&one, 0);
        assert_eq!(first_delivery_day(&one), 4);
        assert!(total(&r, mask, b(&one), Measure::Received) > 0.0);
        assert_eq!(
            total(&r, gown, b(&one), Measure::Received),
            0.0,
            "gowns stay locked: their days of supply never fell"
        );
    }
}
