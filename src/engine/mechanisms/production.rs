//! Daily production: capacity (lines up × rate × shifts) × share of workers present ×
//! productivity under its region's risk level, limited by the scarcest material of the bill of
//! materials; a quality-rejection share is scrapped. A plant's line groups draw the materials
//! they share in line order, or with a `material_priority` the listed products first.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::NodeId;
use crate::results::Measure;
use rand_distr::{Binomial, Distribution};

/// Guards floor/ceil of products of floats against representation error (e.g. 1000 × 0.001).
const EPS: f64 = 1e-9;

impl Sim<'_> {
    pub(in crate::engine) fn production_day(&mut self, n: NodeId) {
        let m = self.m;
        let node = &m.nodes[n];
        let region = node.region;
        let st = &self.nodes[n];
        let mut operating = st.open && self.now >= st.closed_until;
        if operating && self.outbreak_today(n) {
            operating = false;
        }
        let workers = if operating { self.firm_workers(n) } else { 0.0 };
        let productivity = m.risk[self.level(region) as usize].productivity;
        let order = self.draw_order(n);
        for i in 0..self.nodes[n].lines.len() {
            let g = order.as_ref().map_or(i, |o| o[i]);
            let line = self.nodes[n].lines[g].clone();
            let installed = line.lines as f64 * line.rate * node.shifts;
            self.record(line.item, region, Measure::Capacity, installed);
            self.record(
                line.item,
                region,
                Measure::WorkersPresent,
                installed * workers,
            );
            if !operating {
                continue;
            }
            let possible =
                (line.lines - line.down) as f64 * line.rate * node.shifts * workers * productivity
                    + line.carry;
            let bom = &m.items[line.item].bom;
            let by_materials = bom
                .iter()
                .map(|&(mat, q)| (self.stock.on_hand(n, mat) as f64 / q + EPS).floor())
                .fold(f64::INFINITY, f64::min);
            let made = possible.min(by_materials).floor().max(0.0);
            // Capacity not used today because of a fraction of a unit carries over; capacity lost
            // to missing materials does not.
            self.nodes[n].lines[g].carry = if possible <= by_materials {
                possible - made
            } else {
                0.0
            };
            let made = made as u64;
            if made == 0 {
                continue;
            }
            for &(mat, q) in bom {
                let want = (made as f64 * q - EPS).ceil().max(0.0) as u64;
                let use_ = self.stock.take_at_most(n, mat, want);
                self.ledger[mat].consumed += use_;
                self.after_drop(n, mat);
            }
            let scrapped = if node.reject_fraction > 0.0 {
                Binomial::new(made, node.reject_fraction)
                    .expect("share validated")
                    .sample(self.rng(n, Purpose::Quality))
            } else {
                0
            };
            self.ledger[line.item].produced += made;
            self.ledger[line.item].scrapped += scrapped;
            self.record(
                line.item,
                region,
                Measure::Produced,
                (made - scrapped) as f64,
            );
            self.put_away(n, line.item, made - scrapped);
        }
        self.on_day(
            self.day() as i64 + 1,
            class::PRODUCTION,
            n,
            Ev::Production(n),
        );
    }

    /// The order in which node `n`'s line groups draw materials, when a priority list changes
    /// it from line order: listed products first, in list order, ties in line order.
    fn draw_order(&self, n: NodeId) -> Option<Vec<usize>> {
        let m = self.m;
        let priority = m.nodes[n]
            .material_priority
            .as_deref()
            .unwrap_or(&m.material_priority);
        if priority.is_empty() {
            return None;
        }
        let lines = &self.nodes[n].lines;
        let rank = |g: &usize| {
            priority
                .iter()
                .position(|&p| p == lines[*g].item)
                .unwrap_or(priority.len())
        };
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by_key(rank);
        Some(order)
    }
}

#[cfg(test)]
mod tests {
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn a_factory_without_meltblown_makes_no_masks() {
        let m = chain_model(20, 100, 0, 50, 0, "");
        let r = run(&m, 0);
        let nat = m.regions.len();
        assert_eq!(total(&r, item(&m, "mask"), nat, Measure::Produced), 0.0);
        assert!(total(&r, item(&m, "mask"), nat, Measure::Capacity) > 0.0);
        assert_eq!(total(&r, item(&m, "mask"), nat, Measure::Delivered), 0.0);
    }

    #[test]
    fn output_is_limited_by_the_scarcest_input() {
        // 250 g of melt-blown at 1 g/mask: 250 masks however large the capacity.
        let m = chain_model(20, 100, 250, 50, 0, "");
        let r = run(&m, 0);
        assert_eq!(
            total(&r, item(&m, "mask"), m.regions.len(), Measure::Produced),
            250.0
        );
    }

    #[test]
    fn capacity_workers_productivity_and_rejects_scale_output() {
        let full = chain_model(10, 100, 1_000_000, 50, 0, "");
        let r = run(&full, 0);
        let mask = item(&full, "mask");
        let nat = full.regions.len();
        assert_eq!(total(&r, mask, nat, Measure::Produced), 1000.0);
        // Productivity 0.85 under epidemic controls, two shifts: 170 per day.
        let mut ctl = chain_model(
            10,
            100,
            1_000_000,
            50,
            0,
            "[policy]\nproductivity_under_controls = 0.85\n",
        );
        ctl.nodes[0].shifts = 2.0;
        assert_eq!(total(&run(&ctl, 0), mask, nat, Measure::Produced), 1700.0);
        // A 10 % reject rate scraps about a tenth (binomial), never more than made.
        let mut rej = chain_model(100, 1000, 1_000_000, 50, 0, "");
        rej.nodes[0].reject_fraction = 0.1;
        let produced = total(&run(&rej, 0), mask, nat, Measure::Produced);
        assert!((85_000.0..95_000.0).contains(&produced), "{produced}");
    }

    #[test]
    fn the_material_priority_decides_which_product_gets_scarce_material() {
        // One mask line (100 g of melt-blown a day) and one N95 line (30 N95, 90 g a day)
        // share 150 g, never replenished.
        let extra = format!("{N95}\n[policy]\nmaterial_priority = [\"n95\"]\n");
        let mut m = chain_model(10, 100, 150, 50, 0, &extra);
        let (mask, n95) = (item(&m, "mask"), item(&m, "n95"));
        m.nodes[0].lines.push(crate::model::Lines {
            item: n95,
            lines: 1,
            rate_per_line: 30.0,
            breakdown: None,
        });
        let nat = m.regions.len();
        let made = |m: &crate::model::Model| {
            let r = run(m, 0);
            (
                total(&r, mask, nat, Measure::Produced),
                total(&r, n95, nat, Measure::Produced),
            )
        };
        // N95 first: 30 N95 (90 g), then 60 masks from the rest.
        assert_eq!(made(&m), (60.0, 30.0));
        // Line order (the default): 100 masks, 16 N95 (48 g), and the last 2 g as masks.
        m.material_priority.clear();
        assert_eq!(made(&m), (102.0, 16.0));
        // A plant's own list replaces the policy's.
        m.material_priority = vec![n95];
        m.nodes[0].material_priority = Some(vec![mask]);
        assert_eq!(made(&m), (102.0, 16.0));
    }
}
