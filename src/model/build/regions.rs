//! Builds `[[region]]`: risk level schedules and epidemics, and `scenario.regions_of_interest`.

use super::checks::{Range, SEVERITY_CLASSES};
use super::{Builder, Names};
use crate::model::{
    Dist, Epidemic, EpidemicParam as P, IncidenceRule, Region, RegionId, RiskLevel, Severity,
};
use crate::scenario::location::{FieldPath, path};
use crate::scenario::raw::{
    RawEpidemic, RawIncidenceRule, RawMeta, RawParam, RawRegion, RawRiskLevel, RawScenario,
    RawSeverityParams,
};

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
            let by_incidence = region
                .risk_by_incidence
                .as_ref()
                .map(|rule| self.incidence_rule(&at, region, rule, horizon))
                .filter(|_| raw.policy.risk_by_incidence);
            out.push(Region {
                id: region.id.clone(),
                risk,
                epidemic,
                by_incidence,
                workers_from: Vec::new(),
                location: self.location(&at, region),
                outline: None,
            });
        }
        // Origins may be regions defined later.
        for (i, region) in raw.region.iter().enumerate() {
            let at = path("region").index(i).key("workers_from");
            let mut total = 0.0;
            for (origin, &share) in &region.workers_from {
                let origin_at = at.key(origin.clone());
                let Some(o) = self.lookup(&origin_at, &names.regions, "region", origin) else {
                    continue;
                };
                if o == i {
                    self.err(
                        &origin_at,
                        "a region's own workers are the rest; name other regions",
                    );
                }
                total += self.share(&origin_at, share);
                out[i].workers_from.push((o, share));
            }
            if total > 1.0 + 1e-9 {
                self.err(&at, format!("shares sum to {total}, above 1"));
            }
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

    /// A region's centroid: `lon` and `lat` both or neither, each within its range.
    fn location(&mut self, at: &FieldPath, region: &RawRegion) -> Option<(f64, f64)> {
        let mut within = |key: &str, value: f64, bound: f64| {
            let ok = (-bound..=bound).contains(&value);
            if !ok {
                self.err(
                    &at.key(key.to_string()),
                    format!("{value} is not a {key} in degrees (-{bound} to {bound})"),
                );
            }
            ok
        };
        match (region.lon, region.lat) {
            (Some(lon), Some(lat)) => {
                let ok = within("lon", lon, 180.0) & within("lat", lat, 90.0);
                ok.then_some((lon, lat))
            }
            (None, None) => None,
            (Some(_), None) => {
                self.err(&at.key("lon"), "give `lat` with `lon`");
                None
            }
            (None, Some(_)) => {
                self.err(&at.key("lat"), "give `lon` with `lat`");
                None
            }
        }
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

    /// A region's `risk_by_incidence`: it needs the region's epidemic and takes the level of
    /// day 0 from `risk` (whose later steps hold only with `policy.risk_by_incidence = false`);
    /// thresholds down are at most those up.
    fn incidence_rule(
        &mut self,
        at: &FieldPath,
        region: &RawRegion,
        rule: &RawIncidenceRule,
        horizon: i64,
    ) -> IncidenceRule {
        let at_rule = at.key("risk_by_incidence");
        if region.epidemic.is_none() {
            self.err(&at_rule, "needs the region's `epidemic`");
        }
        let window = self.day(&at_rule.key("window_days"), rule.window_days, horizon);
        if window == 0 {
            self.err(&at_rule.key("window_days"), "must be at least 1");
        }
        let min_days = self.day(&at_rule.key("min_days"), rule.min_days, horizon);
        let up = [
            self.non_negative(&at_rule.key("medium_above"), rule.medium_above),
            self.non_negative(&at_rule.key("high_above"), rule.high_above),
        ];
        if up[0] > up[1] {
            self.err(
                &at_rule.key("high_above"),
                "must be at least `medium_above`",
            );
        }
        let mut down = [0.0; 2];
        for (k, (name, value)) in [
            ("low_below", rule.low_below),
            ("medium_below", rule.medium_below),
        ]
        .into_iter()
        .enumerate()
        {
            down[k] = self.non_negative(&at_rule.key(name), value.unwrap_or(up[k]));
            if down[k] > up[k] {
                let above = ["medium_above", "high_above"][k];
                self.err(&at_rule.key(name), format!("must be at most `{above}`"));
            }
        }
        if down[0] > down[1] {
            self.err(&at_rule.key("medium_below"), "must be at least `low_below`");
        }
        IncidenceRule {
            window_days: window,
            up,
            down,
            min_days,
        }
    }

    /// A region's SEIR epidemic; its parameters may be distributions, drawn per replication.
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
        let mut un = Vec::new();
        let r0 = self.epi_param(
            &at.key("r0"),
            &epidemic.r0,
            Range::NonNegative,
            P::R0,
            &mut un,
        );
        let incubation_days = self.epi_param(
            &at.key("incubation_days"),
            &epidemic.incubation_days,
            Range::Positive,
            P::IncubationDays,
            &mut un,
        );
        let infectious_days = self.epi_param(
            &at.key("infectious_days"),
            &epidemic.infectious_days,
            Range::Positive,
            P::InfectiousDays,
            &mut un,
        );
        let mut contact: Vec<(u32, f64)> = Vec::new();
        for (i, step) in epidemic.contact.iter().enumerate() {
            let step_at = at.key("contact").index(i);
            let day = self.day(&step_at.key("day"), step.day, horizon);
            let factor = self.epi_param(
                &step_at.key("factor"),
                &step.factor,
                Range::NonNegative,
                P::Contact(i),
                &mut un,
            );
            contact.push((day, factor));
        }
        self.sorted_steps(&at.key("contact"), &contact);
        let case_fraction = self.epi_param(
            &at.key("case_fraction"),
            &epidemic.case_fraction,
            Range::Share,
            P::CaseFraction,
            &mut un,
        );
        let severity = self.epi_classes(
            &at.key("severity"),
            &epidemic.severity,
            Range::Share,
            P::Severity,
            &mut un,
        );
        let stay_days = self.epi_classes(
            &at.key("stay_days"),
            &epidemic.stay_days,
            Range::NonNegative,
            P::StayDays,
            &mut un,
        );
        let admission_delay_days = self.epi_classes(
            &at.key("admission_delay_days"),
            &epidemic.admission_delay_days,
            Range::NonNegative,
            P::AdmissionDelayDays,
            &mut un,
        );
        let icu_delay_days = self.epi_param(
            &at.key("icu_delay_days"),
            &epidemic.icu_delay_days,
            Range::NonNegative,
            P::IcuDelayDays,
            &mut un,
        );
        let shares_drawn = un.iter().any(|(p, _)| matches!(p, P::Severity(_)));
        let total: f64 = severity.iter().sum();
        if !shares_drawn && (total - 1.0).abs() > 1e-6 {
            self.err(
                &at.key("severity"),
                format!("shares must sum to 1, they sum to {total}"),
            );
        }
        if shares_drawn && total <= 0.0 {
            self.err(
                &at.key("severity"),
                "shares drawn per replication are renormalised to sum to 1, but their means \
                 sum to 0",
            );
        }
        // The smallest and largest value each class's share and stay can take.
        let range_of = |raw: &RawParam| match raw {
            RawParam::Value(v) => (*v, *v),
            RawParam::Dist(spec) => Dist::new(spec).map_or((0.0, 0.0), |d| (d.min(), d.max())),
        };
        let shares = [
            &epidemic.severity.mild,
            &epidemic.severity.moderate,
            &epidemic.severity.severe,
            &epidemic.severity.critical,
        ];
        let stays = [
            &epidemic.stay_days.mild,
            &epidemic.stay_days.moderate,
            &epidemic.stay_days.severe,
            &epidemic.stay_days.critical,
        ];
        for (k, class) in SEVERITY_CLASSES.iter().enumerate() {
            let (_, share_max) = range_of(shares[k]);
            let (stay_min, _) = range_of(stays[k]);
            if share_max > 0.0 && stay_min < 1.0 {
                self.err(
                    &at.key("stay_days").key(class.to_string()),
                    format!("must be at least 1 day for a class with cases, got {stay_min}"),
                );
            }
        }
        Epidemic {
            population: epidemic.population,
            initial_exposed: epidemic.initial_exposed,
            initial_infectious: epidemic.initial_infectious,
            r0,
            incubation_days,
            infectious_days,
            contact,
            case_fraction,
            severity,
            stay_days,
            admission_delay_days,
            icu_delay_days,
            uncertain: un,
        }
    }

    /// An epidemic parameter: its value (a distribution's mean), and its distribution added to
    /// `uncertain` if it is drawn per replication.
    fn epi_param(
        &mut self,
        at: &FieldPath,
        raw: &RawParam,
        range: Range,
        which: P,
        uncertain: &mut Vec<(P, Dist)>,
    ) -> f64 {
        let (value, dist) = self.param(at, raw, range);
        uncertain.extend(dist.map(|d| (which, d)));
        value
    }

    /// An epidemic parameter per severity class (see [`Builder::epi_param`]).
    fn epi_classes(
        &mut self,
        at: &FieldPath,
        raw: &RawSeverityParams,
        range: Range,
        which: fn(usize) -> P,
        uncertain: &mut Vec<(P, Dist)>,
    ) -> Severity {
        let raws = [&raw.mild, &raw.moderate, &raw.severe, &raw.critical];
        let mut out = [0.0; 4];
        for (k, class) in SEVERITY_CLASSES.iter().enumerate() {
            out[k] = self.epi_param(
                &at.key(class.to_string()),
                raws[k],
                range,
                which(k),
                uncertain,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, assert_reports, model, scenario};

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
    fn an_incidence_rule_needs_an_epidemic_and_ordered_thresholds() {
        let rule = "risk_by_incidence = { medium_above = 5, high_above = 2 }";
        let text = scenario("").replace(
            "risk = [{ day = 0, level = \"low\" }]",
            &format!("risk = [{{ day = 0, level = \"low\" }}]\n{rule}"),
        );
        assert_reports(
            &text,
            "region[1].risk_by_incidence",
            "needs the region's `epidemic`",
        );
        assert_reports(
            &text,
            "region[1].risk_by_incidence.high_above",
            "must be at least `medium_above`",
        );
    }

    #[test]
    fn workers_from_names_other_regions_with_shares_up_to_one() {
        let text = scenario("").replace(
            "risk = [{ day = 0, level = \"low\" }]",
            "risk = [{ day = 0, level = \"low\" }]\nworkers_from = { Jiangsu = 0.1, Hubei = 0.95 }",
        );
        assert_reports(
            &text,
            "region[1].workers_from.Jiangsu",
            "a region's own workers are the rest",
        );
        assert_reports(
            &text,
            "region[1].workers_from",
            "shares sum to 1.05, above 1",
        );
    }

    #[test]
    fn coordinates_come_in_pairs_within_range() {
        let with = |extra: &str| {
            scenario("").replace(
                "risk = [{ day = 0, level = \"low\" }]",
                &format!("risk = [{{ day = 0, level = \"low\" }}]\n{extra}"),
            )
        };
        assert_reports(
            &with("lon = 114.3\nlat = 95.0"),
            "region[1].lat",
            "95 is not a lat in degrees (-90 to 90)",
        );
        assert_reports(
            &with("lon = 114.3"),
            "region[1].lon",
            "give `lat` with `lon`",
        );
        let m = model(&with("lon = 114.3\nlat = 30.6"));
        assert_eq!(m.regions[1].location, Some((114.3, 30.6)));
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
    fn epidemic_parameters_may_be_distributions_checked_for_their_range() {
        let base = scenario("");
        let drawn = base
            .replace(
                "r0 = 2.6",
                "r0 = { dist = \"triangular\", min = 1.4, mode = 2.2, max = 3.9 }",
            )
            .replace(
                "critical = 0.05 }, stay_days",
                "critical = { dist = \"uniform\", min = 0.03, max = 0.08 } }, stay_days",
            )
            .replace(
                "critical = 21 } }",
                "critical = 21 }, admission_delay_days = { severe = { dist = \"uniform\", min = 5, max = 9 } }, icu_delay_days = 2 }",
            );
        let m = super::super::test_scenario::model(&drawn);
        let e = m.regions[0].epidemic.as_ref().unwrap();
        assert_eq!(e.uncertain.len(), 3);
        assert!((e.r0 - 2.5).abs() < 1e-12, "the mean of the triangular");
        assert_eq!(e.icu_delay_days, 2.0);
        // A drawn share must stay a share; a drawn duration must not go negative.
        let bad_share = base.replace(
            "case_fraction = 0.2",
            "case_fraction = { dist = \"uniform\", min = 0.1, max = 1.5 }",
        );
        assert_problem(
            &bad_share,
            "region[0].epidemic.case_fraction",
            "must be a share between 0 and 1; it ranges from 0.1 to 1.5",
        );
        let bad_stay = base.replace(
            "mild = 7,",
            "mild = { dist = \"uniform\", min = 0.5, max = 3 },",
        );
        assert_problem(
            &bad_stay,
            "region[0].epidemic.stay_days.mild",
            "must be at least 1 day for a class with cases, got 0.5",
        );
        let bad_delay = base.replace(
            "critical = 21 } }",
            "critical = 21 }, icu_delay_days = -1 }",
        );
        assert_problem(
            &bad_delay,
            "region[0].epidemic.icu_delay_days",
            "cannot be negative, got -1",
        );
        let unknown = base.replace("r0 = 2.6", "r0 = { dist = \"normal\", mean = 2 }");
        assert_problem(
            &unknown,
            "region[0].epidemic.r0.dist",
            "unknown variant `normal`",
        );
        let text = base.replace("r0 = 2.6", "r0 = \"high\"");
        assert_problem(&text, "region[0].epidemic.r0", "a number or a distribution");
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
