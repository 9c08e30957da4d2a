//! Value checks every section uses: distributions, shares, signs, days of the horizon, step
//! schedules and values per severity class.

use super::Builder;
use crate::model::{Dist, Severity};
use crate::scenario::location::ToPath;
use crate::scenario::raw::{DistSpec, RawParam, RawSeverity};

/// The values an epidemic parameter may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Range {
    /// 0 or more.
    NonNegative,
    /// Above 0.
    Positive,
    /// A share, 0 to 1.
    Share,
}

/// The severity classes, in the order of a [`Severity`].
pub(super) const SEVERITY_CLASSES: [&str; 4] = ["mild", "moderate", "severe", "critical"];

impl Builder<'_> {
    /// A valid distribution (a fixed 1 stands in for an invalid one).
    pub(super) fn dist(&mut self, at: &impl ToPath, spec: &DistSpec) -> Dist {
        match Dist::new(spec) {
            Ok(dist) => dist,
            Err(message) => {
                self.err(at, message);
                Dist::fixed(1.0)
            }
        }
    }

    /// A delay distribution: valid and with a positive minimum.
    pub(super) fn delay(&mut self, at: &impl ToPath, spec: &DistSpec) -> Dist {
        let dist = self.dist(at, spec);
        if dist.min() <= 0.0 {
            self.err(
                at,
                format!(
                    "must have a positive minimum (give `min` > 0); its minimum is {}",
                    dist.min()
                ),
            );
        }
        dist
    }

    /// A non-negative duration distribution.
    pub(super) fn duration(&mut self, at: &impl ToPath, spec: &DistSpec) -> Dist {
        let dist = self.dist(at, spec);
        if dist.min() < 0.0 {
            self.err(
                at,
                format!("cannot be negative; its minimum is {}", dist.min()),
            );
        }
        dist
    }

    /// A number or a distribution within `range`: its value (a distribution's mean) and the
    /// distribution, if it is drawn per replication (`dist = "fixed"` counts as a number).
    pub(super) fn param(
        &mut self,
        at: &impl ToPath,
        raw: &RawParam,
        range: Range,
    ) -> (f64, Option<Dist>) {
        let spec = match raw {
            RawParam::Value(v) | RawParam::Dist(DistSpec::Fixed { value: v }) => {
                let v = *v;
                match range {
                    Range::NonNegative => self.non_negative(at, v),
                    Range::Positive => self.positive(at, v),
                    Range::Share => self.share(at, v),
                };
                return (v, None);
            }
            RawParam::Dist(spec) => spec,
        };
        let dist = self.dist(at, spec);
        let (min, max) = (dist.min(), dist.max());
        match range {
            Range::NonNegative if min < 0.0 => {
                self.err(at, format!("cannot be negative; its minimum is {min}"))
            }
            Range::Positive if min <= 0.0 => self.err(
                at,
                format!("must have a positive minimum (give `min` > 0); its minimum is {min}"),
            ),
            Range::Share if min < 0.0 || max > 1.0 => self.err(
                at,
                format!("must be a share between 0 and 1; it ranges from {min} to {max}"),
            ),
            _ => {}
        }
        (dist.mean(), Some(dist))
    }

    /// A share between 0 and 1.
    pub(super) fn share(&mut self, at: &impl ToPath, value: f64) -> f64 {
        if !(0.0..=1.0).contains(&value) {
            self.err(at, format!("must be a share between 0 and 1, got {value}"));
        }
        value
    }

    /// A number that is 0 or more.
    pub(super) fn non_negative(&mut self, at: &impl ToPath, value: f64) -> f64 {
        if value < 0.0 {
            self.err(at, format!("cannot be negative, got {value}"));
        }
        value
    }

    /// A number above 0.
    pub(super) fn positive(&mut self, at: &impl ToPath, value: f64) -> f64 {
        if value <= 0.0 {
            self.err(at, format!("must be positive, got {value}"));
        }
        value
    }

    /// A day of the horizon `0..=horizon`.
    pub(super) fn day(&mut self, at: &impl ToPath, day: i64, horizon: i64) -> u32 {
        if day < 0 || day > horizon.max(0) {
            self.err(
                at,
                format!("day {day} is outside the horizon 0..={horizon}"),
            );
            // Clamped rather than zeroed, so schedules are not also reported out of order.
            return day.clamp(0, horizon.max(0)) as u32;
        }
        day as u32
    }

    /// The steps of a schedule must be in increasing order of day.
    pub(super) fn sorted_steps<T>(&mut self, at: &impl ToPath, steps: &[(u32, T)]) {
        if steps.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
            self.err(at, "steps must be in increasing order of day");
        }
    }

    /// Non-negative values per severity class.
    pub(super) fn severity(&mut self, at: &impl ToPath, values: &RawSeverity) -> Severity {
        let severity = [values.mild, values.moderate, values.severe, values.critical];
        for (class, value) in SEVERITY_CLASSES.iter().zip(severity) {
            self.non_negative(&at.lazy_key(class), value);
        }
        severity
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    #[test]
    fn a_day_outside_the_horizon_is_reported() {
        let text = scenario("").replace(
            "risk = [{ day = 0, level = \"low\" }]",
            "risk = [{ day = 0, level = \"low\" }, { day = 31, level = \"high\" }]",
        );
        assert_problem(
            &text,
            "region[1].risk[1].day",
            "day 31 is outside the horizon 0..=30",
        );
    }

    #[test]
    fn steps_out_of_order_are_reported() {
        let text = scenario("").replace(
            "risk = [{ day = 0, level = \"low\" }]",
            "risk = [{ day = 0, level = \"low\" }, { day = 9, level = \"high\" }, { day = 4, level = \"low\" }]",
        );
        assert_problem(
            &text,
            "region[1].risk",
            "steps must be in increasing order of day",
        );
    }

    #[test]
    fn a_negative_value_per_severity_is_reported() {
        let text = scenario("[staffing]\nsevere = -1\n");
        assert_problem(&text, "staffing.severe", "cannot be negative, got -1");
    }

    #[test]
    fn a_share_above_one_is_reported() {
        let text = scenario("").replace("initial_share = 1.0", "initial_share = 1.5");
        assert_problem(
            &text,
            "workers.initial_share",
            "must be a share between 0 and 1, got 1.5",
        );
    }

    #[test]
    fn a_negative_duration_is_reported() {
        let text = scenario("").replace(
            "restart_days_large = { dist = \"fixed\", value = 0 }\nrestart_days_sme = { dist = \"fixed\", value = 0 }\nworker_return_rate = 0.0\nworker_ceiling = 1.0\ncheckpoint_hours = { dist = \"fixed\", value = 0 }\n\n[risk_levels.medium]",
            "restart_days_large = { dist = \"uniform\", min = -2, max = 1 }\nrestart_days_sme = { dist = \"fixed\", value = 0 }\nworker_return_rate = 0.0\nworker_ceiling = 1.0\ncheckpoint_hours = { dist = \"fixed\", value = 0 }\n\n[risk_levels.medium]",
        );
        assert_problem(
            &text,
            "risk_levels.low.restart_days_large",
            "cannot be negative; its minimum is -2",
        );
    }
}
