//! Daily production: capacity (lines up × rate × shifts) × share of workers present ×
//! productivity under its region's risk level, limited by the scarcest material of the bill of
//! materials; a quality-rejection share is scrapped.

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
        for g in 0..self.nodes[n].lines.len() {
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
}
