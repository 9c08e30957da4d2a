//! Line conversion and expansion: from a decision day, a firm adds lines after a lead time.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, LineState, Sim, class};
use crate::model::{NodeId, TICKS_PER_DAY};

impl Sim<'_> {
    pub(crate) fn schedule_conversions(&mut self, n: NodeId) {
        if !self.m.conversion_enabled {
            return;
        }
        for (k, c) in self.m.nodes[n].conversions.iter().enumerate() {
            // Drawn for every step in order, so a step's lead time never depends on another's.
            let lead = c.lead_time.sample(self.rng(n, Purpose::Conversion));
            let at = c.day as i64 * TICKS_PER_DAY + Self::days_to_ticks(lead, false);
            self.q.push(at, class::STATE, n as u32, Ev::LinesReady(n, k));
        }
    }

    pub(crate) fn lines_ready(&mut self, n: NodeId, k: usize) {
        let l = &self.m.nodes[n].conversions[k].lines;
        self.nodes[n].lines.push(LineState {
            item: l.item,
            lines: l.lines,
            down: 0,
            rate: l.rate_per_line,
            carry: 0.0,
        });
    }
}
