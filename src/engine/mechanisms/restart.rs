//! Restart: a firm closed at the start of the surge reopens after a delay drawn from its
//! region's risk level and its size, shortened for priority medical firms and, with financing
//! support, for small and medium firms.
//!
//! A pending restart follows its region's level: the delay counts from day 0 under the level
//! in force; when the level changes before the firm has restarted, the delay becomes the new
//! level's (drawn from the same random numbers, so a firm quick to restart under one level is
//! quick under another), still counted from day 0 and never before the day of the change.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::{NodeId, RiskLevel, Size};

impl Sim<'_> {
    pub(in crate::engine) fn schedule_restart(&mut self, n: NodeId) {
        if let Some(days) = self.restart_days(n) {
            self.after(
                Self::days_to_ticks(days, false),
                class::STATE,
                n,
                Ev::Restart(n),
            );
        }
    }

    /// The day (fractional) a firm closed at the start restarts, from its own stream and its
    /// region's level schedule (so any partition computes the same).
    fn restart_days(&mut self, n: NodeId) -> Option<f64> {
        let m = self.m;
        let node = &m.nodes[n];
        if !node.closed_at_start {
            return None;
        }
        let mut factor = match node.size {
            Size::Large => 1.0,
            Size::Sme => m.sme_restart_factor,
        };
        if node.priority {
            factor *= m.priority_restart_factor;
        }
        // Common random numbers across levels: each level's delay from the same stream state.
        let rng = self.rng(n, Purpose::Restart).clone();
        let delay = |level: RiskLevel| {
            let risk = &m.risk[level as usize];
            let dist = match node.size {
                Size::Large => &risk.restart_large,
                Size::Sme => &risk.restart_sme,
            };
            dist.sample(&mut rng.clone()) * factor
        };
        let levels = &self.levels[node.region];
        let mut days = delay(self.level_on(node.region, 0));
        for &(day, level) in levels.iter().filter(|s| s.0 > 0) {
            if f64::from(day) >= days {
                break;
            }
            days = delay(level).max(f64::from(day));
        }
        Some(days)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Dist, RiskLevel, Size};
    use crate::results::Measure;
    use crate::testutil::*;

    /// First day the factory produced.
    fn first_output(m: &crate::model::Model) -> usize {
        let r = run(m, 0);
        series(&r, item(m, "mask"), m.regions.len(), Measure::Produced)
            .iter()
            .position(|&p| p > 0.0)
            .unwrap()
    }

    fn closed_factory() -> crate::model::Model {
        let mut m = chain_model(60, 100, 1_000_000, 50, 0, "");
        m.nodes[0].closed_at_start = true;
        m.risk[RiskLevel::Low as usize].restart_large = Dist::fixed(10.0);
        m.risk[RiskLevel::Low as usize].restart_sme = Dist::fixed(20.0);
        m.risk[RiskLevel::High as usize].restart_large = Dist::fixed(30.0);
        m
    }

    #[test]
    fn restart_depends_on_risk_size_priority_and_financing() {
        let mut m = closed_factory();
        assert_eq!(first_output(&m), 10);
        m.nodes[0].region = region(&m, "B");
        assert_eq!(first_output(&m), 30, "high-risk region restarts later");
        m.nodes[0].region = region(&m, "A");
        m.nodes[0].size = Size::Sme;
        assert_eq!(first_output(&m), 20, "SMEs restart later");
        m.sme_restart_factor = 0.5;
        assert_eq!(
            first_output(&m),
            10,
            "financing support halves the SME delay"
        );
        m.nodes[0].size = Size::Large;
        m.nodes[0].priority = true;
        m.priority_restart_factor = 0.3;
        assert_eq!(first_output(&m), 3, "priority medical firms restart first");
    }
}
