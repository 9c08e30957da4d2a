//! Worker return: each region's share of local workers present moves each day toward the
//! ceiling of its current risk level at that level's return rate. Workers whose homes are in
//! another region (`workers_from`) return at the rate of their home region's level, toward
//! the ceiling of the plant region's level, and not at all while their home region's level
//! forbids outbound travel. Firms see the mix with optional noise.

use crate::engine::Sim;
use crate::engine::streams::Purpose;
use crate::model::{NodeId, RegionId};
use rand_distr::{Distribution, Normal};

impl Sim<'_> {
    /// Start of a region's day: workers return, and routes are recomputed if risk changed.
    pub(in crate::engine) fn region_day(&mut self, r: RegionId) {
        let m = self.m;
        let risk = &m.risk[self.level(r) as usize];
        // Day 0 is the initial share; workers return from day 1 on.
        if self.day() > 0 {
            let w = self.region_workers[r];
            self.region_workers[r] = w + risk.worker_return_rate * (risk.worker_ceiling - w);
            // Levels of every region are known in every partition: no message is needed.
            for (k, &(origin, _)) in m.regions[r].workers_from.iter().enumerate() {
                let home = &m.risk[self.level(origin) as usize];
                if home.outbound_travel {
                    let w = &mut self.origin_workers[r][k];
                    *w += home.worker_return_rate * (risk.worker_ceiling - *w);
                }
            }
        }
        let e = self.region_entity(r);
        self.on_day(
            self.day() as i64 + 1,
            crate::engine::class::REGION_DAY,
            e,
            crate::engine::Ev::RegionDay(r),
        );
    }

    /// Today's share of a region's plant workforce present: local workers and those from
    /// each origin, by their shares.
    fn region_present(&self, r: RegionId) -> f64 {
        let from = &self.m.regions[r].workers_from;
        let away: f64 = from.iter().map(|o| o.1).sum();
        let returned: f64 = from
            .iter()
            .zip(&self.origin_workers[r])
            .map(|(o, w)| o.1 * w)
            .sum();
        (1.0 - away) * self.region_workers[r] + returned
    }

    /// Today's share of a firm's workforce present: its region's share, with firm-level noise.
    pub(in crate::engine) fn firm_workers(&mut self, n: NodeId) -> f64 {
        let base = self.region_present(self.m.nodes[n].region);
        let sd = self.m.workers_noise_sd;
        let w = if sd > 0.0 {
            let z: f64 = Normal::new(0.0, 1.0)
                .expect("unit normal")
                .sample(self.rng(n, Purpose::Workers));
            base * (1.0 + sd * z)
        } else {
            base
        };
        let w = w.clamp(0.0, 1.0);
        self.nodes[n].workers = w;
        w
    }
}

#[cfg(test)]
mod tests {
    use crate::model::RiskLevel;
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn workers_in_a_high_risk_region_come_back_later() {
        let mut m = chain_model(40, 100, 1_000_000, 50, 0, "");
        m.workers_initial = 0.2;
        m.risk[RiskLevel::Low as usize].worker_return_rate = 0.15;
        m.risk[RiskLevel::High as usize].worker_return_rate = 0.03;
        m.risk[RiskLevel::High as usize].worker_ceiling = 0.7;
        let mask = item(&m, "mask");
        let low = series(&run(&m, 0), mask, region(&m, "A"), Measure::WorkersPresent);
        // Move the factory to the high-risk region.
        m.nodes[0].region = region(&m, "B");
        let high = series(&run(&m, 0), mask, region(&m, "B"), Measure::WorkersPresent);
        assert!(
            low[10] > 0.75 && high[10] < 0.4,
            "day 10: low {} high {}",
            low[10],
            high[10]
        );
        assert!(
            high.iter().all(|&w| w <= 0.7 + 1e-12),
            "ceiling of the high-risk level holds"
        );
        assert!(
            high[39] > high[10],
            "high-risk workers still return, slowly"
        );
    }

    #[test]
    fn workers_from_a_closed_home_region_keep_a_plant_short() {
        let mut m = chain_model(40, 100, 1_000_000, 50, 0, "");
        m.workers_initial = 0.2;
        m.risk[RiskLevel::Low as usize].worker_return_rate = 0.2;
        m.risk[RiskLevel::High as usize].worker_return_rate = 0.02;
        let (mask, a, b) = (item(&m, "mask"), region(&m, "A"), region(&m, "B"));
        let made = |m: &crate::model::Model| total(&run(m, 0), mask, a, Measure::Produced);
        let local = made(&m);
        // Half the factory's workers live in B (high risk, slow return).
        m.regions[a].workers_from = vec![(b, 0.5)];
        let from_b = made(&m);
        assert!(from_b < 0.8 * local, "{from_b} {local}");
        // B closed to outbound travel: its workers stay at home (20 % were there on day 0).
        m.risk[RiskLevel::High as usize].outbound_travel = false;
        let blocked = made(&m);
        assert!(blocked < from_b, "{blocked} {from_b}");
        let present = series(&run(&m, 0), mask, a, Measure::WorkersPresent);
        assert!(
            present[39] < 0.61 * 100.0,
            "at most half + a tenth: {}",
            present[39]
        );
        // B back to open travel at a low level: as good as local.
        m.regions[b].risk = vec![(0, RiskLevel::Low)];
        assert!((made(&m) - local).abs() < 1e-9 * local);
    }
}
