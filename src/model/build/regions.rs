//! Builds `[[region]]`: risk level schedules and epidemics, and `scenario.regions_of_interest`.

use super::checks::SEVERITY_CLASSES;
use super::{Builder, Names};
use crate::model::{Epidemic, Region, RegionId, RiskLevel};
use crate::scenario::location::{FieldPath, path};
use crate::scenario::raw::{RawEpidemic, RawMeta, RawRegion, RawRiskLevel, RawScenario};

impl Builder<'_> {
    /// Every `[[region]]`, named in `names`.
    pub(super) fn regions(
        &mut self,
        raw: &RawScenario,
        names: &mut Names,
        horizon: i64,
    ) -> Vec<Region> {
        if raw.region.is_empty() {
            self.err(&path("region"), "a scenario needs at least one [[region]]");
        }
        let mut out = Vec::new();
        for (i, region) in raw.region.iter().enumerate() {
            let at = path("region").index(i);
            self.unique(&at.key("id"), &mut names.regions, &region.id, i);
            let risk = self.risk_schedule(&at, region, horizon);
            let epidemic = region
                .epidemic
                .as_ref()
                .map(|epidemic| self.epidemic(&at.key("epidemic"), epidemic, horizon));
            out.push(Region {
                id: region.id.clone(),
                risk,
                epidemic,
            });
        }
        out
    }

    /// `scenario.regions_of_interest`, resolved.
    pub(super) fn regions_of_interest(&mut self, meta: &RawMeta, names: &Names) -> Vec<RegionId> {
        meta.regions_of_interest
            .iter()
            .enumerate()
            .filter_map(|(i, region)| {
                self.lookup(
                    &path("scenario.regions_of_interest").index(i),
                    &names.regions,
                    "region",
                    region,
                )
            })
            .collect()
    }

    /// A region's risk level schedule: sorted, first step on day 0.
    fn risk_schedule(
        &mut self,
        at: &FieldPath,
        region: &RawRegion,
        horizon: i64,
    ) -> Vec<(u32, RiskLevel)> {
        let mut risk = Vec::new();
        for (j, step) in region.risk.iter().enumerate() {
            let step_at = at.key("risk").index(j);
            let level = match step.level {
                RawRiskLevel::Low => RiskLevel::Low,
                RawRiskLevel::Medium => RiskLevel::Medium,
                RawRiskLevel::High => RiskLevel::High,
            };
            risk.push((self.day(&step_at.key("day"), step.day, horizon), level));
        }
        if risk.first().map(|step| step.0) != Some(0) {
            self.err(&at.key("risk"), "the first risk step must be on day 0");
        }
        self.sorted_steps(&at.key("risk"), &risk);
        risk
    }

    /// A region's SEIR epidemic.
    fn epidemic(&mut self, at: &FieldPath, epidemic: &RawEpidemic, horizon: i64) -> Epidemic {
        self.positive(&at.key("population"), epidemic.population);
        self.non_negative(&at.key("initial_exposed"), epidemic.initial_exposed);
        self.non_negative(&at.key("initial_infectious"), epidemic.initial_infectious);
        if epidemic.initial_exposed + epidemic.initial_infectious > epidemic.population {
            self.err(
                &at.key("initial_infectious"),
                "initial exposed plus infectious exceed the population",
            );
        }
        self.non_negative(&at.key("r0"), epidemic.r0);
        self.positive(&at.key("incubation_days"), epidemic.incubation_days);
        self.positive(&at.key("infectious_days"), epidemic.infectious_days);
        let contact: Vec<(u32, f64)> = epidemic
            .contact
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let step_at = at.key("contact").index(i);
                (
                    self.day(&step_at.key("day"), step.day, horizon),
                    self.non_negative(&step_at.key("factor"), step.factor),
                )
            })
            .collect();
        self.sorted_steps(&at.key("contact"), &contact);
        let severity = self.severity(&at.key("severity"), &epidemic.severity);
        let total: f64 = severity.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            self.err(
                &at.key("severity"),
                format!("shares must sum to 1, they sum to {total}"),
            );
        }
        let stay_days = self.severity(&at.key("stay_days"), &epidemic.stay_days);
        for (class, (share, stay)) in SEVERITY_CLASSES.iter().zip(severity.iter().zip(stay_days)) {
            if *share > 0.0 && stay < 1.0 {
                self.err(
                    &at.key("stay_days").key(class),
                    format!("must be at least 1 day for a class with cases, got {stay}"),
                );
            }
        }
        Epidemic {
            population: epidemic.population,
            initial_exposed: epidemic.initial_exposed,
            initial_infectious: epidemic.initial_infectious,
            r0: epidemic.r0,
            incubation_days: epidemic.incubation_days,
            infectious_days: epidemic.infectious_days,
            contact,
            case_fraction: self.share(&at.key("case_fraction"), epidemic.case_fraction),
            severity,
            stay_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    #[test]
    fn the_first_risk_step_must_be_on_day_zero() {
        let text = scenario("").replace(
            "risk = [{ day = 0, level = \"low\" }]",
            "risk = [{ day = 3, level = \"low\" }]",
        );
        assert_problem(
            &text,
            "region[1].risk",
            "the first risk step must be on day 0",
        );
    }

    #[test]
    fn an_unknown_region_of_interest_is_reported() {
        let text = scenario("").replace(
            "replications = 1",
            "replications = 1\nregions_of_interest = [\"Hubie\"]",
        );
        assert_problem(
            &text,
            "scenario.regions_of_interest[0]",
            "unknown region `Hubie`",
        );
    }

    #[test]
    fn seeds_beyond_the_population_are_reported() {
        let text =
            scenario("").replace("initial_infectious = 200", "initial_infectious = 2_000_000");
        assert_problem(
            &text,
            "region[0].epidemic.initial_infectious",
            "initial exposed plus infectious exceed the population",
        );
    }

    #[test]
    fn a_class_with_cases_needs_a_stay_of_a_day() {
        let text = scenario("").replace("stay_days = { mild = 7", "stay_days = { mild = 0.5");
        assert_problem(
            &text,
            "region[0].epidemic.stay_days.mild",
            "must be at least 1 day for a class with cases, got 0.5",
        );
    }

    #[test]
    fn an_unknown_risk_level_is_a_shape_error_listing_the_levels() {
        let text = scenario("").replace("level = \"low\"", "level = \"severe\"");
        assert_problem(
            &text,
            "region[1].risk[0].level",
            "unknown variant `severe`, expected one of `low`, `medium`, `high`",
        );
    }
}
