//! Line breakdowns: every working line of a group with a failure model fails on its own clock
//! (time to failure), so a group fails as often as it has lines up; a failed line is down
//! until repaired, then its clock starts again. Lines added by a conversion fail too.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::{Lines, NodeId};

impl<'m> Sim<'m> {
    pub(in crate::engine) fn schedule_breakdowns(&mut self, n: NodeId) {
        for g in 0..self.nodes[n].lines.len() {
            self.start_line_failures(n, g);
        }
    }

    /// Starts the failure clock of every line of group `g` (one pending failure per line up).
    pub(in crate::engine) fn start_line_failures(&mut self, n: NodeId, g: usize) {
        for _ in 0..self.nodes[n].lines[g].lines {
            self.schedule_next_failure(n, g);
        }
    }

    /// The model's lines of group `g` at node `n`: its own, or the conversion's that added it.
    pub(in crate::engine) fn line_spec(&self, n: NodeId, g: usize) -> &'m Lines {
        let node = &self.m.nodes[n];
        match self.nodes[n].lines[g].conversion {
            Some(k) => &node.conversions[k].lines,
            None => &node.lines[g],
        }
    }

    fn schedule_next_failure(&mut self, n: NodeId, g: usize) {
        if let Some((ttf, _)) = &self.line_spec(n, g).breakdown {
            let days = ttf.sample(self.rng(n, Purpose::Breakdown));
            self.after(
                Self::days_to_ticks(days, true),
                class::STATE,
                n,
                Ev::Breakdown(n, g),
            );
        }
    }

    /// One working line of the group fails (each line up has one pending failure, so one is),
    /// unless the failure was of a line that has left the group.
    pub(in crate::engine) fn breakdown(&mut self, n: NodeId, g: usize) {
        let line = &mut self.nodes[n].lines[g];
        if line.gone_up > 0 {
            line.gone_up -= 1;
            return;
        }
        debug_assert!(
            line.down < line.lines,
            "a failure pending for every line up"
        );
        line.down += 1;
        if let Some((_, repair)) = &self.line_spec(n, g).breakdown {
            let days = repair.sample(self.rng(n, Purpose::Breakdown));
            self.after(
                Self::days_to_ticks(days, true),
                class::STATE,
                n,
                Ev::Repair(n, g),
            );
        }
    }

    /// A failed line is back up, and its failure clock starts again; nothing when the repair
    /// was of a line that has left the group.
    pub(in crate::engine) fn repair(&mut self, n: NodeId, g: usize) {
        let line = &mut self.nodes[n].lines[g];
        if line.gone_down > 0 {
            line.gone_down -= 1;
            return;
        }
        debug_assert!(line.down > 0, "a repair pending for every line down");
        line.down = line.down.saturating_sub(1);
        self.schedule_next_failure(n, g);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Conversion, Dist, Lines, Model};
    use crate::results::Measure;
    use crate::testutil::*;

    /// Mask output over 100 days of the chain's factory with `lines` lines failing after
    /// exponential(mean 10) days and repaired in 5.
    fn output(m: &Model) -> f64 {
        total(
            &run(m, 0),
            item(m, "mask"),
            region(m, "A"),
            Measure::Produced,
        )
    }

    fn failing(lines: u32) -> Model {
        let mut m = chain_model(100, 100, 10_000_000, 50, 0, "");
        m.nodes[0].lines[0].lines = lines;
        m
    }

    #[test]
    fn each_working_line_fails_on_its_own_clock_until_repaired() {
        let mut m = failing(4);
        assert_eq!(output(&m), 40_000.0);
        m.nodes[0].lines[0].breakdown = Some((Dist::fixed(5.0), Dist::fixed(5.0)));
        let r = run(&m, 0);
        let broken = total(&r, item(&m, "mask"), region(&m, "A"), Measure::Produced);
        // Every line is up 5 days, then down 5: half the capacity is lost.
        assert!(
            broken < 0.55 * 40_000.0 && broken > 0.45 * 40_000.0,
            "{broken}"
        );
        assert_eq!(
            total(&r, item(&m, "mask"), region(&m, "A"), Measure::Capacity),
            40_000.0,
            "installed capacity is unchanged"
        );
    }

    #[test]
    fn failures_scale_with_working_lines_and_converted_lines_fail_too() {
        let expo = Dist::new(&crate::scenario::raw::DistSpec::Exponential {
            mean: 20.0,
            min: 0.0,
        })
        .unwrap();
        let lost_share = |m: &Model, lines: f64| {
            let reps = 20;
            let made: f64 = (0..reps)
                .map(|rep| {
                    total(
                        &run(m, rep),
                        item(m, "mask"),
                        region(m, "A"),
                        Measure::Produced,
                    )
                })
                .sum();
            1.0 - made / reps as f64 / (lines * 100.0 * 100.0)
        };
        let (mut two, mut four) = (failing(2), failing(4));
        for m in [&mut two, &mut four] {
            m.nodes[0].lines[0].breakdown = Some((expo.clone(), Dist::fixed(5.0)));
        }
        // Each line is down 5 days in every 25 or so: the same share of a bigger group, so
        // twice the lines lose twice the units (one clock per group would lose the same).
        let (s2, s4) = (lost_share(&two, 2.0), lost_share(&four, 4.0));
        assert!(
            (0.12..0.28).contains(&s2) && (0.12..0.28).contains(&s4),
            "{s2} {s4}"
        );
        // Two lines of which one comes from a conversion on day 0: it fails as well.
        let mut converted = failing(1);
        let mask = item(&converted, "mask");
        converted.nodes[0].lines[0].breakdown = Some((expo.clone(), Dist::fixed(5.0)));
        converted.nodes[0].conversions.push(Conversion {
            day: 0,
            lines: Lines {
                item: mask,
                lines: 1,
                rate_per_line: 100.0,
                breakdown: Some((expo, Dist::fixed(5.0))),
            },
            lead_time: Dist::fixed(0.0),
            from: None,
        });
        let s = lost_share(&converted, 2.0);
        assert!((0.12..0.28).contains(&s), "converted line fails too: {s}");
    }

    #[test]
    fn a_conversion_takes_the_failure_model_of_the_nodes_lines_unless_it_gives_one() {
        let (toml, csv) = chain(10, 100, 1000, 10, 0, "");
        let failing = "rate_per_line = 100, time_to_failure_days = { dist = \"fixed\", value = 5 }, \
                       repair_days = { dist = \"fixed\", value = 1 } }]";
        let conversion = |own: &str| {
            format!(
                "{failing}\nconversion = [{{ day = 1, item = \"mask\", lines = 1, rate_per_line = 100, \
                 lead_time_days = {{ dist = \"fixed\", value = 1 }}{own} }}]"
            )
        };
        let build = |own: &str| {
            let text = toml.replace("rate_per_line = 100 }]", &conversion(own));
            with_files(&text, None, &[("demand.csv", &csv)])
        };
        let inherited = build("");
        let (ttf, repair) = inherited.nodes[0].conversions[0]
            .lines
            .breakdown
            .clone()
            .unwrap();
        assert_eq!((ttf.mean(), repair.mean()), (5.0, 1.0));
        let own = build(
            ", time_to_failure_days = { dist = \"fixed\", value = 9 }, \
             repair_days = { dist = \"fixed\", value = 2 }",
        );
        let (ttf, repair) = own.nodes[0].conversions[0].lines.breakdown.clone().unwrap();
        assert_eq!((ttf.mean(), repair.mean()), (9.0, 2.0));
    }
}
