//! Line breakdowns: each line group with a failure model loses one line at each failure until it
//! is repaired; failures follow one another with the time-to-failure distribution.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::NodeId;

impl Sim<'_> {
    pub(crate) fn schedule_breakdowns(&mut self, n: NodeId) {
        for g in 0..self.m.nodes[n].lines.len() {
            self.schedule_next_failure(n, g);
        }
    }

    fn schedule_next_failure(&mut self, n: NodeId, g: usize) {
        if let Some((ttf, _)) = &self.m.nodes[n].lines[g].breakdown {
            let days = ttf.sample(self.rng(n, Purpose::Breakdown));
            self.after(Self::days_to_ticks(days, true), class::STATE, n, Ev::Breakdown(n, g));
        }
    }

    pub(crate) fn breakdown(&mut self, n: NodeId, g: usize) {
        let line = &mut self.nodes[n].lines[g];
        if line.down < line.lines {
            line.down += 1;
            if let Some((_, repair)) = &self.m.nodes[n].lines[g].breakdown {
                let days = repair.sample(self.rng(n, Purpose::Breakdown));
                self.after(Self::days_to_ticks(days, true), class::STATE, n, Ev::Repair(n, g));
            }
        }
        self.schedule_next_failure(n, g);
    }

    pub(crate) fn repair(&mut self, n: NodeId, g: usize) {
        let line = &mut self.nodes[n].lines[g];
        line.down = line.down.saturating_sub(1);
    }
}
