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
    /// The restart day of every firm closed at the start that this simulation schedules (None
    /// for the others). With whole chains (`requires`, `cluster`) a firm waits for the firms
    /// it requires, and a cluster restarts on its latest member's day; each firm's own day
    /// comes from its own stream, so every partition computes every day alike and no message
    /// is needed.
    pub(in crate::engine) fn restart_plan(&mut self) -> Vec<Option<f64>> {
        let m = self.m;
        let chained =
            !m.restart_clusters.is_empty() || m.nodes.iter().any(|n| !n.requires.is_empty());
        let mut days: Vec<Option<f64>> = (0..m.nodes.len())
            .map(|n| {
                let wanted = m.nodes[n].kind.produces() && (chained || self.owns(n));
                wanted.then(|| self.restart_days(n)).flatten()
            })
            .collect();
        if chained {
            // Days only rise, to one of finitely many values: this ends.
            let mut changed = true;
            while changed {
                changed = false;
                let mut raise = |n: NodeId, to: f64, days: &mut [Option<f64>]| {
                    if let Some(d) = days[n].as_mut().filter(|d| **d < to) {
                        *d = to;
                        changed = true;
                    }
                };
                for (n, node) in m.nodes.iter().enumerate() {
                    // A firm open from the start counts as restarted on day 0.
                    let after = node
                        .requires
                        .iter()
                        .filter_map(|&s| days[s])
                        .fold(0.0, f64::max);
                    raise(n, after, &mut days);
                }
                for members in &m.restart_clusters {
                    let latest = members.iter().filter_map(|&n| days[n]).fold(0.0, f64::max);
                    for &n in members {
                        raise(n, latest, &mut days);
                    }
                }
            }
        }
        days
    }

    pub(in crate::engine) fn schedule_restart(&mut self, n: NodeId, days: Option<f64>) {
        if let Some(days) = days {
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
    use crate::engine::{RunContext, Sim};
    use crate::model::{Dist, Epidemic, IncidenceRule, Model, RiskLevel, Size};
    use crate::results::Measure;
    use crate::testutil::*;

    /// First day the factory produced.
    fn first_output(m: &Model) -> usize {
        let r = run(m, 0);
        series(&r, item(m, "mask"), m.regions.len(), Measure::Produced)
            .iter()
            .position(|&p| p > 0.0)
            .unwrap()
    }

    fn closed_factory() -> Model {
        closed_factories("")
    }

    /// The chain's factory closed at the start (restarting after 10 days at low risk, 20 at
    /// medium, 30 at high), with `extra`.
    fn closed_factories(extra: &str) -> Model {
        let mut m = chain_model(60, 100, 1_000_000, 50, 0, extra);
        m.nodes[0].closed_at_start = true;
        m.risk[RiskLevel::Low as usize].restart_large = Dist::fixed(10.0);
        m.risk[RiskLevel::Low as usize].restart_sme = Dist::fixed(20.0);
        m.risk[RiskLevel::Medium as usize].restart_large = Dist::fixed(20.0);
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

    #[test]
    fn a_pending_restart_follows_a_level_change() {
        let mut m = closed_factory();
        let a = region(&m, "A");
        m.regions[a].risk = vec![(0, RiskLevel::High), (12, RiskLevel::Low)];
        assert_eq!(
            first_output(&m),
            12,
            "high until day 12, then the low delay has passed"
        );
        m.regions[a].risk = vec![(0, RiskLevel::High), (5, RiskLevel::Low)];
        assert_eq!(
            first_output(&m),
            10,
            "low from day 5: the low delay from day 0"
        );
        m.regions[a].risk = vec![(0, RiskLevel::Low), (5, RiskLevel::High)];
        assert_eq!(first_output(&m), 30, "raised before the restart: it waits");
        m.regions[a].risk = vec![(0, RiskLevel::Low), (15, RiskLevel::High)];
        assert_eq!(first_output(&m), 10, "raised after the restart: no effect");
    }

    #[test]
    fn an_epidemic_driven_level_rises_and_falls_and_restarts_follow() {
        let mut m = closed_factory();
        let a = region(&m, "A");
        // 1,000 infectious in 100,000 people; contacts fall to a tenth from day 10.
        m.regions[a].epidemic = Some(Epidemic {
            population: 1e5,
            initial_exposed: 0.0,
            initial_infectious: 1_000.0,
            r0: 2.5,
            incubation_days: 3.0,
            infectious_days: 4.0,
            contact: vec![(10, 0.1)],
            case_fraction: 1.0,
            severity: [1.0, 0.0, 0.0, 0.0],
            stay_days: [7.0; 4],
            admission_delay_days: [0.0; 4],
            icu_delay_days: 0.0,
            uncertain: Vec::new(),
        });
        m.regions[a].by_incidence = Some(IncidenceRule {
            window_days: 7,
            up: [500.0, 2_000.0],
            down: [200.0, 1_000.0],
            min_days: 3,
        });
        let ctx = RunContext::new(&m);
        let levels = Sim::new(&ctx, 1, 0).levels[a].clone();
        let day_of = |l: RiskLevel| levels.iter().find(|s| s.1 == l).map(|s| s.0);
        let (high, low) = (day_of(RiskLevel::High).unwrap(), levels.last().unwrap());
        assert!(high < 10, "{levels:?}");
        assert_eq!(low.1, RiskLevel::Low, "{levels:?}");
        assert!(low.0 > 30 && low.0 < 60, "{levels:?}");
        assert!(
            levels.windows(2).all(|w| w[1].0 - w[0].0 >= 3),
            "a level holds 3 days at least: {levels:?}"
        );
        // Closed through the high level; when it falls to medium, the medium delay (20 days)
        // has passed, so the factory restarts that day (10 days under a fixed low level).
        let medium = levels
            .iter()
            .rev()
            .find(|s| s.1 == RiskLevel::Medium)
            .unwrap()
            .0;
        assert!(medium > 20, "{levels:?}");
        assert_eq!(first_output(&m), medium as usize, "{levels:?}");
    }

    #[test]
    fn a_firm_waits_for_the_firms_it_requires_and_a_cluster_restarts_together() {
        let extra = r#"
[[node]]
id = "factory-b"
kind = "factory"
region = "B"
closed_at_start = true
stock = { meltblown = 1_000_000 }
lines = [{ item = "mask", lines = 1, rate_per_line = 100 }]
"#;
        let mut m = closed_factories(extra);
        let (a, b) = (region(&m, "A"), region(&m, "B"));
        let first = |m: &Model, r| {
            series(&run(m, 0), item(m, "mask"), r, Measure::Produced)
                .iter()
                .position(|&p| p > 0.0)
                .unwrap()
        };
        assert_eq!((first(&m, a), first(&m, b)), (10, 30));
        m.nodes[2].requires = vec![0];
        assert_eq!((first(&m, a), first(&m, b)), (10, 30), "already restarted");
        m.nodes[2].requires = vec![];
        m.nodes[0].requires = vec![2];
        assert_eq!(
            (first(&m, a), first(&m, b)),
            (30, 30),
            "waits for its supplier"
        );
        m.nodes[0].requires = vec![];
        m.restart_clusters = vec![vec![0, 2]];
        assert_eq!((first(&m, a), first(&m, b)), (30, 30), "restart together");
    }
}
