//! Builds `[scenario]` (start date, horizon, replications), `[policy]`, `[risk_levels]` and
//! `[workers]`.

use super::Builder;
use crate::model::{Dist, Risk, Throughput};
use crate::scenario::location::{FieldPath, path};
use crate::scenario::raw::{RawMeta, RawRisk, RawScenario};
use crate::util::check_file_name;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The checked values of `[policy]`, `[risk_levels]` and `[workers]` the model keeps.
pub(super) struct Settings {
    /// Parameters per risk level: low, medium, high.
    pub risk: [Risk; 3],
    /// `workers.initial_share`.
    pub workers_initial: f64,
    /// `workers.noise_sd`.
    pub workers_noise_sd: f64,
}

impl Builder<'_> {
    /// Checks `[scenario]`; returns its start date, when it is one.
    pub(super) fn meta(&mut self, meta: &RawMeta) -> Option<NaiveDate> {
        let start_date = match NaiveDate::parse_from_str(&meta.start_date, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(e) => {
                self.err(
                    &path("scenario.start_date"),
                    format!("not a date YYYY-MM-DD: {e}"),
                );
                None
            }
        };
        self.start = start_date;
        if let Err(message) = check_file_name(&meta.name) {
            self.err(&path("scenario.name"), message);
        }
        let limits = self.file.options.limits;
        if !(1..=limits.days).contains(&meta.days) {
            self.err(
                &path("scenario.days"),
                format!(
                    "must be between 1 and {}, got {} (raise the limit with --limit days=N)",
                    limits.days, meta.days
                ),
            );
        }
        if !(1..=limits.replications).contains(&meta.replications) {
            self.err(
                &path("scenario.replications"),
                format!(
                    "must be between 1 and {}, got {} (raise the limit with --limit replications=N)",
                    limits.replications, meta.replications
                ),
            );
        }
        start_date
    }

    /// Checks the variants' names: each names an output folder, so each is a plain file name,
    /// used once (and not `base`, the scenario without a variant).
    pub(super) fn variant_names(&mut self, raw: &RawScenario) {
        let mut seen = BTreeSet::new();
        for (index, variant) in raw.variant.iter().enumerate() {
            let at = path("variant").index(index).key("name");
            if let Err(message) = check_file_name(&variant.name) {
                self.err(&at, message);
            } else if variant.name == "base" {
                self.err(
                    &at,
                    "`base` names the scenario without a variant; choose another name",
                );
            } else if !seen.insert(variant.name.as_str()) {
                self.err(&at, format!("`{}` is defined twice", variant.name));
            }
        }
    }

    /// Checks `[policy]`, `[risk_levels]` and `[workers]`.
    pub(super) fn settings(&mut self, raw: &RawScenario) -> Settings {
        let policy = &raw.policy;
        let productivity = self.share(
            &path("policy.productivity_under_controls"),
            policy.productivity_under_controls,
        );
        self.positive(
            &path("policy.priority_restart_factor"),
            policy.priority_restart_factor,
        );
        self.positive(
            &path("policy.sme_financing_restart_factor"),
            policy.sme_financing_restart_factor,
        );
        self.non_negative(
            &path("policy.sme_financing_credit_factor"),
            policy.sme_financing_credit_factor,
        );
        if let Some(days) = policy.sme_early_payment_days {
            self.non_negative(&path("policy.sme_early_payment_days"), days);
        }
        let risk = [
            self.risk(&path("risk_levels.low"), &raw.risk_levels.low, productivity),
            self.risk(
                &path("risk_levels.medium"),
                &raw.risk_levels.medium,
                productivity,
            ),
            self.risk(
                &path("risk_levels.high"),
                &raw.risk_levels.high,
                productivity,
            ),
        ];
        Settings {
            risk,
            workers_initial: self.share(&path("workers.initial_share"), raw.workers.initial_share),
            workers_noise_sd: self.non_negative(&path("workers.noise_sd"), raw.workers.noise_sd),
        }
    }

    /// What one risk level governs.
    /// `productivity` defaults to `policy.productivity_under_controls`.
    fn risk(&mut self, at: &FieldPath, risk: &RawRisk, productivity: f64) -> Risk {
        Risk {
            outbound_travel: risk.outbound_travel,
            productivity: match risk.productivity {
                Some(p) => self.share(&at.key("productivity"), p),
                None => productivity,
            },
            restart_large: self.duration(&at.key("restart_days_large"), &risk.restart_days_large),
            restart_sme: self.duration(&at.key("restart_days_sme"), &risk.restart_days_sme),
            worker_return_rate: self.share(&at.key("worker_return_rate"), risk.worker_return_rate),
            worker_ceiling: self.share(&at.key("worker_ceiling"), risk.worker_ceiling),
            checkpoint_hours: self.duration(&at.key("checkpoint_hours"), &risk.checkpoint_hours),
            plant_outbreak_rate: self
                .share(&at.key("plant_outbreak_rate"), risk.plant_outbreak_rate),
            checkpoint_throughput: risk
                .checkpoint_vehicles_per_hour
                .map(|per_hour| Throughput {
                    per_hour: self.positive(&at.key("checkpoint_vehicles_per_hour"), per_hour),
                    lanes: if (1..=1000).contains(&risk.checkpoint_lanes) {
                        risk.checkpoint_lanes as u32
                    } else {
                        self.err(
                            &at.key("checkpoint_lanes"),
                            format!("must be 1 to 1000, got {}", risk.checkpoint_lanes),
                        );
                        1
                    },
                }),
            outbreak_closure_days: match &risk.outbreak_closure_days {
                Some(days) => self.delay(&at.key("outbreak_closure_days"), days),
                None => {
                    if risk.plant_outbreak_rate > 0.0 {
                        self.err(
                            &at.key("outbreak_closure_days"),
                            "is required when plant_outbreak_rate > 0",
                        );
                    }
                    Dist::fixed(1.0)
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    #[test]
    fn a_horizon_out_of_range_is_reported() {
        let text = scenario("").replace("days = 30", "days = 4000");
        assert_problem(
            &text,
            "scenario.days",
            "must be between 1 and 3650, got 4000",
        );
    }

    #[test]
    fn replications_out_of_range_are_reported() {
        let text = scenario("").replace("replications = 1", "replications = 0");
        assert_problem(
            &text,
            "scenario.replications",
            "must be between 1 and 1000000, got 0",
        );
    }

    #[test]
    fn a_restart_factor_must_be_positive() {
        let text = scenario("[policy]\npriority_restart_factor = 0\n");
        assert_problem(
            &text,
            "policy.priority_restart_factor",
            "must be positive, got 0",
        );
    }

    #[test]
    fn an_outbreak_rate_needs_closure_days() {
        let text = scenario("").replacen(
            "checkpoint_hours = { dist = \"fixed\", value = 0 }",
            "checkpoint_hours = { dist = \"fixed\", value = 0 }\nplant_outbreak_rate = 0.01",
            1,
        );
        assert_problem(
            &text,
            "risk_levels.low.outbreak_closure_days",
            "is required when plant_outbreak_rate > 0",
        );
    }
}
