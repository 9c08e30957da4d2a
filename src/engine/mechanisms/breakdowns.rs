//! Line breakdowns: each line group with a failure model loses one line at each failure until it
//! is repaired; failures follow one another with the time-to-failure distribution.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::NodeId;

impl Sim<'_> {
    pub(in crate::engine) fn schedule_breakdowns(&mut self, n: NodeId) {
        for g in 0..self.m.nodes[n].lines.len() {
            self.schedule_next_failure(n, g);
        }
    }

    fn schedule_next_failure(&mut self, n: NodeId, g: usize) {
        if let Some((ttf, _)) = &self.m.nodes[n].lines[g].breakdown {
            let days = ttf.sample(self.rng(n, Purpose::Breakdown));
            self.after(
                Self::days_to_ticks(days, true),
                class::STATE,
                n,
                Ev::Breakdown(n, g),
            );
        }
    }

    pub(in crate::engine) fn breakdown(&mut self, n: NodeId, g: usize) {
        let line = &mut self.nodes[n].lines[g];
        if line.down < line.lines {
            line.down += 1;
            if let Some((_, repair)) = &self.m.nodes[n].lines[g].breakdown {
                let days = repair.sample(self.rng(n, Purpose::Breakdown));
                self.after(
                    Self::days_to_ticks(days, true),
                    class::STATE,
                    n,
                    Ev::Repair(n, g),
                );
            }
        }
        self.schedule_next_failure(n, g);
    }

    pub(in crate::engine) fn repair(&mut self, n: NodeId, g: usize) {
        let line = &mut self.nodes[n].lines[g];
        line.down = line.down.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Dist;
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn breakdowns_take_lines_down_until_repaired() {
        let mut m = chain_model(100, 100, 10_000_000, 50, 0, "");
        m.nodes[0].lines[0].lines = 4;
        let mask = item(&m, "mask");
        let a = region(&m, "A");
        let healthy = total(&run(&m, 0), mask, a, Measure::Produced);
        assert_eq!(healthy, 40_000.0);
        m.nodes[0].lines[0].breakdown = Some((Dist::fixed(5.0), Dist::fixed(5.0)));
        let r = run(&m, 0);
        let broken = total(&r, mask, a, Measure::Produced);
        // A failure every 5 days, each repaired in 5: one line down most of the time.
        assert!(broken < 0.8 * healthy && broken > 0.7 * healthy, "{broken}");
        assert_eq!(
            total(&r, mask, a, Measure::Capacity),
            40_000.0,
            "installed capacity is unchanged"
        );
    }
}
