//! Line conversion and expansion: from a decision day, a firm adds lines after a lead time.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, LineState, Sim, class};
use crate::model::{NodeId, TICKS_PER_DAY};

impl Sim<'_> {
    pub(in crate::engine) fn schedule_conversions(&mut self, n: NodeId) {
        if !self.m.conversion_enabled {
            return;
        }
        for (k, c) in self.m.nodes[n].conversions.iter().enumerate() {
            // Drawn for every step in order, so a step's lead time never depends on another's.
            let lead = c.lead_time.sample(self.rng(n, Purpose::Conversion));
            let at = c.day as i64 * TICKS_PER_DAY + Self::days_to_ticks(lead, false);
            self.push(at, class::STATE, n, Ev::LinesReady(n, k));
        }
    }

    pub(in crate::engine) fn lines_ready(&mut self, n: NodeId, k: usize) {
        let l = &self.m.nodes[n].conversions[k].lines;
        self.nodes[n].lines.push(LineState {
            item: l.item,
            lines: l.lines,
            down: 0,
            rate: l.rate_per_line,
            carry: 0.0,
            conversion: Some(k),
        });
        self.start_line_failures(n, self.nodes[n].lines.len() - 1);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Conversion, Dist, Lines};
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn converted_lines_add_capacity_after_their_lead_time_and_can_be_switched_off() {
        let mut m = chain_model(30, 100, 1_000_000, 50, 0, "");
        let mask = item(&m, "mask");
        m.nodes[0].conversions.push(Conversion {
            day: 5,
            lines: Lines {
                item: mask,
                lines: 3,
                rate_per_line: 100.0,
                breakdown: None,
            },
            lead_time: Dist::fixed(7.0),
        });
        let cap = series(&run(&m, 0), mask, region(&m, "A"), Measure::Capacity);
        assert_eq!(cap[11], 100.0);
        assert_eq!(cap[12], 400.0, "day 5 + 7 days of lead time");
        m.conversion_enabled = false;
        let off = series(&run(&m, 0), mask, region(&m, "A"), Measure::Capacity);
        assert!(off.iter().all(|&c| c == 100.0));
    }
}
