//! Plant outbreaks: each day an open plant may see an outbreak (probability by its region's risk
//! level) and close for a drawn number of days.

use crate::engine::Sim;
use crate::engine::streams::Purpose;
use crate::model::NodeId;
use rand::RngExt;

impl Sim<'_> {
    /// Draws today's outbreak for an operating plant; true if it closed.
    pub(in crate::engine) fn outbreak_today(&mut self, n: NodeId) -> bool {
        let level = self.level(self.m.nodes[n].region);
        let risk = &self.m.risk[level as usize];
        if risk.plant_outbreak_rate <= 0.0 {
            return false;
        }
        let u: f64 = self.rng(n, Purpose::Outbreak).random();
        if u >= risk.plant_outbreak_rate {
            return false;
        }
        let days = risk
            .outbreak_closure_days
            .sample(self.rng(n, Purpose::Outbreak));
        self.nodes[n].closed_until = self.now + Self::days_to_ticks(days, true);
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Dist, RiskLevel};
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn plant_outbreaks_close_plants_and_depend_on_risk_level() {
        let mut m = chain_model(100, 100, 10_000_000, 50, 0, "");
        let (mask, a) = (item(&m, "mask"), region(&m, "A"));
        m.risk[RiskLevel::High as usize].plant_outbreak_rate = 0.05;
        m.risk[RiskLevel::High as usize].outbreak_closure_days = Dist::fixed(14.0);
        assert_eq!(
            total(&run(&m, 0), mask, a, Measure::Produced),
            10_000.0,
            "low-risk region: no outbreaks"
        );
        m.risk[RiskLevel::Low as usize] = m.risk[RiskLevel::High as usize].clone();
        let hit: Vec<f64> = (0..10)
            .map(|rep| total(&run(&m, rep), mask, a, Measure::Produced))
            .collect();
        assert!(hit.iter().all(|&p| p < 10_000.0), "{hit:?}");
        assert!(hit.iter().sum::<f64>() / 10.0 < 8_000.0, "{hit:?}");
    }
}
