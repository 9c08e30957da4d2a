//! Line conversion and expansion: from a decision day, a firm adds lines after a lead time. A
//! switch (`from` set) moves lines from another product instead: they stop making it on the
//! decision day, are down during the lead time, and make the new product once ready.

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
            let start = c.day as i64 * TICKS_PER_DAY;
            if c.from.is_some() {
                self.push(start, class::STATE, n, Ev::LinesLeave(n, k));
            }
            let at = start + Self::days_to_ticks(lead, false);
            self.push(at, class::STATE, n, Ev::LinesReady(n, k));
        }
    }

    /// A switch starts: its lines leave the old product's line groups, the last groups first
    /// (validation ensures the node's `lines` hold enough). Lines broken down go first, as a
    /// converted line is rebuilt anyway. Each line up has a failure pending, and each line down
    /// a repair: those of the lines that leave are counted void (the group's next ones to
    /// come), so that the group keeps one failure pending per line up.
    pub(in crate::engine) fn lines_leave(&mut self, n: NodeId, k: usize) {
        let c = &self.m.nodes[n].conversions[k];
        let (Some(from), mut left) = (c.from, c.lines.lines) else {
            return;
        };
        for g in (0..self.nodes[n].lines.len()).rev() {
            if left == 0 {
                break;
            }
            if self.nodes[n].lines[g].item != from {
                continue;
            }
            let fails = self.line_spec(n, g).breakdown.is_some();
            let line = &mut self.nodes[n].lines[g];
            let moved = left.min(line.lines);
            let down = moved.min(line.down);
            line.lines -= moved;
            line.down -= down;
            if fails {
                line.gone_down += down;
                line.gone_up += moved - down;
            }
            left -= moved;
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
            gone_up: 0,
            gone_down: 0,
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
            from: None,
        });
        let cap = series(&run(&m, 0), mask, region(&m, "A"), Measure::Capacity);
        assert_eq!(cap[11], 100.0);
        assert_eq!(cap[12], 400.0, "day 5 + 7 days of lead time");
        m.conversion_enabled = false;
        let off = series(&run(&m, 0), mask, region(&m, "A"), Measure::Capacity);
        assert!(off.iter().all(|&c| c == 100.0));
    }

    #[test]
    fn switched_lines_stop_the_old_product_at_once_and_make_the_new_after_the_lead_time() {
        let mut m = chain_model(30, 100, 1_000_000, 50, 0, N95);
        let (mask, n95, a) = (item(&m, "mask"), item(&m, "n95"), region(&m, "A"));
        m.nodes[0].lines[0].lines = 3;
        m.nodes[0].conversions.push(Conversion {
            day: 5,
            lines: Lines {
                item: n95,
                lines: 2,
                rate_per_line: 10.0,
                breakdown: None,
            },
            lead_time: Dist::fixed(7.0),
            from: Some(mask),
        });
        let r = run(&m, 0);
        let masks = series(&r, mask, a, Measure::Capacity);
        let n95s = series(&r, n95, a, Measure::Capacity);
        assert_eq!((masks[4], masks[5], masks[29]), (300.0, 100.0, 100.0));
        assert_eq!((n95s[11], n95s[12], n95s[29]), (0.0, 20.0, 20.0));
        assert_eq!(series(&r, n95, a, Measure::Produced)[12], 20.0);
        // Without conversions nothing moves.
        m.conversion_enabled = false;
        let off = run(&m, 0);
        assert!(
            series(&off, mask, a, Measure::Capacity)
                .iter()
                .all(|&c| c == 300.0)
        );
        assert_eq!(total(&off, n95, a, Measure::Capacity), 0.0);
    }

    #[test]
    fn switched_lines_take_their_pending_failures_and_repairs_with_them() {
        let expo = Dist::new(&crate::scenario::raw::DistSpec::Exponential {
            mean: 2.0,
            min: 0.0,
        })
        .unwrap();
        // Three failing mask lines of which a switch on day 5 moves `moved` to N95, ready
        // after the horizon: what is left makes masks within its capacity, and nothing when
        // every line left. (Failures and repairs of the moved lines used to stay pending and
        // break the lines left more often than they have lines: a debug build stopped on it,
        // and a release build counted lines below zero and made masks without limit.)
        for moved in [2, 3] {
            let mut m = chain_model(40, 100, 1_000_000_000, 50, 0, N95);
            let (mask, n95, a) = (item(&m, "mask"), item(&m, "n95"), region(&m, "A"));
            m.nodes[0].lines[0].lines = 3;
            m.nodes[0].lines[0].breakdown = Some((expo.clone(), Dist::fixed(2.0)));
            m.nodes[0].conversions.push(Conversion {
                day: 5,
                lines: Lines {
                    item: n95,
                    lines: moved,
                    rate_per_line: 10.0,
                    breakdown: None,
                },
                lead_time: Dist::fixed(100.0),
                from: Some(mask),
            });
            let left = f64::from(3 - moved) * 100.0;
            for rep in 0..20 {
                let r = run(&m, rep);
                let made = series(&r, mask, a, Measure::Produced);
                let capacity = series(&r, mask, a, Measure::Capacity);
                assert!(capacity[5..].iter().all(|&c| c == left), "{capacity:?}");
                assert!(
                    made.iter().zip(&capacity).all(|(m, c)| m <= c),
                    "{moved} moved, replication {rep}: made {made:?}"
                );
                if moved == 3 {
                    assert!(made[5..].iter().all(|&m| m == 0.0), "{made:?}");
                }
            }
        }
    }
}
