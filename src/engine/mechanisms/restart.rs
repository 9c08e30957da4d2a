//! Restart: a firm closed at the start of the surge reopens on a day drawn from its region's
//! risk level and its size, shortened for priority medical firms and, with financing support,
//! for small and medium firms.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::{NodeId, Size};

impl Sim<'_> {
    pub(in crate::engine) fn schedule_restart(&mut self, n: NodeId) {
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
        self.after(
            Self::days_to_ticks(days, false),
            class::STATE,
            n,
            Ev::Restart(n),
        );
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
