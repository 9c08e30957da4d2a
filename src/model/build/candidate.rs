//! Candidates of a calibration or an optimisation, and the points of a sweep: a variant of the
//! scenario with further settings. Where every setting names a parameter that feeds only the
//! model's settings (`[policy]`'s factors, `[risk_levels]`, `[workers]`, the national truck
//! availability), the candidate is the variant's built model with those settings read and
//! checked again and swapped in, rather than a model built again from the whole raw scenario:
//! at 2×10⁴ nodes that build is most of the time a candidate takes before it simulates.

use super::{Builder, PolicyFactors, build_with};
use crate::error::Result;
use crate::model::Model;
use crate::scenario::ScenarioFile;

/// Paths of parameters whose override changes only the model's settings: a path is one of
/// these, or starts with one that ends with a dot. Nothing else these sections hold feeds
/// another part of the model (`policy.conversion`, `policy.risk_by_incidence` and
/// `policy.material_priority` do, and are left out).
const PARAMETERS: &[&str] = &[
    "policy.productivity_under_controls",
    "policy.priority_restart_factor",
    "policy.sme_financing_restart_factor",
    "policy.sme_financing_credit_factor",
    "policy.sme_early_payment_days",
    "risk_levels.",
    "workers.",
    "transport.truck_availability.",
];

/// The sections the swapped settings are read from.
const SECTIONS: &[&str] = &["policy", "workers", "transport"];

/// Whether overriding `path` changes only the model's settings.
fn is_parameter(path: &str) -> bool {
    PARAMETERS.iter().any(|p| match p.strip_suffix('.') {
        Some(section) => path.starts_with(p) && path.len() > section.len() + 1,
        None => path == *p,
    })
}

/// The model of `variant` with `settings` applied, named `label`, as [`build_with`] builds it;
/// `base` is the variant's model ([`super::build`]). Made from `base` when every setting is a
/// parameter of the model's settings and they read and check cleanly; else built in full,
/// which also reports any problem.
pub fn build_candidate(
    file: &ScenarioFile,
    variant: Option<&str>,
    base: &Model,
    settings: &[(String, toml::Value)],
    label: &str,
) -> Result<Model> {
    match swapped(file, variant, base, settings, label)? {
        Some(model) => Ok(model),
        None => build_with(file, variant, settings, label),
    }
}

/// [`build_candidate`] from `base`, or None when it must be built in full.
fn swapped(
    file: &ScenarioFile,
    variant: Option<&str>,
    base: &Model,
    settings: &[(String, toml::Value)],
    label: &str,
) -> Result<Option<Model>> {
    if !settings.iter().all(|(path, _)| is_parameter(path)) {
        return Ok(None);
    }
    let Some((raw, _)) = file.sections_with(variant, settings, SECTIONS)? else {
        return Ok(None);
    };
    let mut builder = Builder::new(file, variant, Vec::new());
    let horizon = raw.scenario.days.clamp(1, file.options.limits.days);
    let read = builder.settings(&raw);
    let truck_availability = builder.truck_availability(&raw, horizon);
    if !builder.diags.is_empty() {
        return Ok(None);
    }
    let factors = PolicyFactors::of(&raw.policy);
    // The input hash stays the base's: the text and the files read are the same.
    Ok(Some(Model {
        variant: label.to_string(),
        priority_restart_factor: factors.priority_restart_factor,
        sme_restart_factor: factors.sme_restart_factor,
        sme_financing_credit_factor: factors.sme_financing_credit_factor,
        sme_early_payment_days: factors.sme_early_payment_days,
        risk: read.risk,
        workers_initial: read.workers_initial,
        workers_noise_sd: read.workers_noise_sd,
        truck_availability,
        ..base.clone()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;
    use std::sync::OnceLock;

    /// A shipped scenario, read once for every test.
    fn scenario(name: &str) -> &'static ScenarioFile {
        static FILES: OnceLock<Vec<(String, ScenarioFile)>> = OnceLock::new();
        let files = FILES.get_or_init(|| {
            ["china-2020", "minimal"]
                .iter()
                .map(|n| {
                    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("scenarios")
                        .join(format!("{n}.toml"));
                    (n.to_string(), ScenarioFile::read(&path).unwrap())
                })
                .collect()
        });
        &files.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// The candidate as made and as built in full: the same model, or the same error.
    fn both(
        file: &ScenarioFile,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
    ) -> (String, String) {
        let shown = |m: Result<Model>| format!("{:?}", m.map_err(|e| e.to_string()));
        let base = super::super::build(file, variant).unwrap();
        (
            shown(build_candidate(file, variant, &base, settings, "c")),
            shown(build_with(file, variant, settings, "c")),
        )
    }

    /// Every parameter path the shipped calibrations and optimisations use (docs/validation.md,
    /// docs/calibration.md, docs/optimize.md, the tests): the candidate equals the model built
    /// in full, and one of the model's settings is made from the base.
    #[test]
    fn a_candidate_is_the_model_built_in_full() {
        let cases = [
            (
                "china-2020",
                "policy.productivity_under_controls",
                0.7,
                true,
            ),
            ("china-2020", "policy.priority_restart_factor", 0.45, true),
            ("china-2020", "workers.initial_share", 0.3, true),
            (
                "china-2020",
                "risk_levels.medium.worker_return_rate",
                0.05,
                true,
            ),
            (
                "china-2020",
                "risk_levels.high.worker_return_rate",
                0.01,
                true,
            ),
            (
                "china-2020",
                "risk_levels.high.restart_days_large.mode",
                40.0,
                true,
            ),
            (
                "china-2020",
                "transport.truck_availability.2.share",
                0.25,
                true,
            ),
            (
                "china-2020",
                "node.hubei-hospitals.stock.protective_suit",
                9000.0,
                false,
            ),
            (
                "china-2020",
                "node.national-reserve.stock.protective_suit",
                0.0,
                false,
            ),
            (
                "minimal",
                "node.jiangsu-meltblown.lines.0.rate_per_line",
                25000.0,
                false,
            ),
        ];
        for (name, path, value, swappable) in cases {
            let file = scenario(name);
            let variants = [None, Some("uncalibrated")];
            for variant in variants
                .iter()
                .filter(|v| v.is_none() || name == "china-2020")
            {
                let settings = [(path.to_string(), toml::Value::Float(value))];
                let base = super::super::build(file, *variant).unwrap();
                let made = swapped(file, *variant, &base, &settings, "c").unwrap();
                assert_eq!(made.is_some(), swappable, "{path} {variant:?}");
                let (candidate, full) = both(file, *variant, &settings);
                assert_eq!(candidate, full, "{path} {variant:?}");
                assert!(full.starts_with("Ok("), "{full}");
            }
        }
    }

    #[test]
    fn only_parameters_of_the_settings_are_swapped() {
        for path in [
            "policy.productivity_under_controls",
            "risk_levels.high.checkpoint_lanes",
            "workers.noise_sd",
            "transport.truck_availability.0.day",
        ] {
            assert!(is_parameter(path), "{path}");
        }
        for path in [
            "policy.conversion",
            "policy.productivity_under_controls_x",
            "risk_levels",
            "risk_levels.",
            "transport.modes.road.speed",
            "node.a.shifts",
        ] {
            assert!(!is_parameter(path), "{path}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Random values (some out of range, which the full build reports) of several
        /// parameters at once give the model, or the error, of the full build.
        #[test]
        fn random_parameters_give_the_full_build(
            productivity in -0.2f64..1.2,
            restart in 0.0f64..2.0,
            initial in 0.0f64..1.1,
            medium in 0.0f64..0.2,
            mode in 20.0f64..80.0,
            share in 0.0f64..1.05,
            uncalibrated in any::<bool>(),
        ) {
            let file = scenario("china-2020");
            let variant = uncalibrated.then_some("uncalibrated");
            let settings: Vec<(String, toml::Value)> = [
                ("policy.productivity_under_controls", productivity),
                ("policy.priority_restart_factor", restart),
                ("workers.initial_share", initial),
                ("risk_levels.medium.worker_return_rate", medium),
                ("risk_levels.high.restart_days_large.mode", mode),
                ("transport.truck_availability.2.share", share),
            ]
            .into_iter()
            .map(|(p, v)| (p.to_string(), toml::Value::Float(v)))
            .collect();
            let (candidate, full) = both(file, variant, &settings);
            prop_assert_eq!(candidate, full);
        }
    }
}
