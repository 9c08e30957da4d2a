//! Worker return: each region's share of workers present moves each day toward the ceiling of
//! its current risk level at that level's return rate; firms see it with optional noise.

use crate::engine::Sim;
use crate::engine::streams::Purpose;
use crate::model::{NodeId, RegionId};
use rand_distr::{Distribution, Normal};

impl Sim<'_> {
    /// Start of a region's day: workers return, and routes are recomputed if risk changed.
    pub(crate) fn region_day(&mut self, r: RegionId) {
        let level = self.m.regions[r].risk_on(self.day());
        let risk = &self.m.risk[level as usize];
        let w = self.region_workers[r];
        self.region_workers[r] = w + risk.worker_return_rate * (risk.worker_ceiling - w);
        let e = self.region_entity(r);
        self.on_day(self.day() as i64 + 1, crate::engine::class::REGION_DAY, e, crate::engine::Ev::RegionDay(r));
    }

    /// Today's share of a firm's workforce present: its region's share, with firm-level noise.
    pub(crate) fn firm_workers(&mut self, n: NodeId) -> f64 {
        let base = self.region_workers[self.m.nodes[n].region];
        let sd = self.m.workers_noise_sd;
        let w = if sd > 0.0 {
            let z: f64 = Normal::new(0.0, 1.0).expect("unit normal").sample(self.rng(n, Purpose::Workers));
            base * (1.0 + sd * z)
        } else {
            base
        };
        let w = w.clamp(0.0, 1.0);
        self.nodes[n].workers = w;
        w
    }
}
