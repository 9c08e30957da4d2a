//! Plant outbreaks: each day an open plant may see an outbreak (probability by its region's risk
//! level) and close for a drawn number of days.

use crate::engine::Sim;
use crate::engine::streams::Purpose;
use crate::model::NodeId;
use rand::RngExt;

impl Sim<'_> {
    /// Draws today's outbreak for an operating plant; true if it closed.
    pub(crate) fn outbreak_today(&mut self, n: NodeId) -> bool {
        let level = self.m.regions[self.m.nodes[n].region].risk_on(self.day());
        let risk = &self.m.risk[level as usize];
        if risk.plant_outbreak_rate <= 0.0 {
            return false;
        }
        let u: f64 = self.rng(n, Purpose::Outbreak).random();
        if u >= risk.plant_outbreak_rate {
            return false;
        }
        let days = risk.outbreak_closure_days.sample(self.rng(n, Purpose::Outbreak));
        self.nodes[n].closed_until = self.now + Self::days_to_ticks(days, true);
        true
    }
}
