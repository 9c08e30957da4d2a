//! Restart: a firm closed at the start of the surge reopens on a day drawn from its region's
//! risk level and its size, shortened for priority medical firms and, with financing support,
//! for small and medium firms.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::{NodeId, Size};

impl Sim<'_> {
    pub(crate) fn schedule_restart(&mut self, n: NodeId) {
        let node = &self.m.nodes[n];
        if !node.closed_at_start {
            return;
        }
        let risk = &self.m.risk[self.m.regions[node.region].risk_on(0) as usize];
        let (dist, mut factor) = match node.size {
            Size::Large => (&risk.restart_large, 1.0),
            Size::Sme => (&risk.restart_sme, self.m.sme_restart_factor),
        };
        if node.priority {
            factor *= self.m.priority_restart_factor;
        }
        let days = dist.sample(self.rng(n, Purpose::Restart)) * factor;
        self.after(Self::days_to_ticks(days, false), class::STATE, n, Ev::Restart(n));
    }
}
