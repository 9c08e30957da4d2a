//! What a study is, in a form that travels with its parts: the scenario file, the kind of
//! study, its arms (variants or sweep points), seed and replication count. A shard writes it
//! into its part directory and `merge` rebuilds the same models from it.

use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::build::{build_candidate, build_with};
use crate::scenario::ScenarioFile;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The kind of study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `medsupply run`.
    Run,
    /// `medsupply compare` against a baseline arm.
    Compare {
        /// Label of the baseline arm.
        baseline: String,
    },
    /// `medsupply sweep` over a grid of settings.
    Sweep {
        /// The swept parameters, in grid order (first varies slowest).
        parameters: Vec<String>,
        /// The KPI drawn against the first parameter in the sweep chart.
        plot_kpi: String,
    },
}

/// One arm: a variant (or the base) with optional further settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arm {
    /// Its name in outputs (the variant name, or a sweep point's label).
    pub label: String,
    /// The scenario variant it starts from (None = base).
    pub variant: Option<String>,
    /// Settings applied on top, as (dotted path, TOML value text).
    pub set: Vec<(String, String)>,
}

impl Arm {
    /// The name of the model it starts from: its variant's, or `base`.
    fn start_label(&self) -> &str {
        self.variant.as_deref().unwrap_or("base")
    }

    /// Whether it is a variant (or the base) as the file gives it, under its own name.
    fn is_plain(&self) -> bool {
        self.set.is_empty() && self.label == self.start_label()
    }
}

/// A study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudySpec {
    /// What kind.
    pub kind: Kind,
    /// The scenario file, as an absolute path.
    pub scenario_file: PathBuf,
    /// Its arms, in output order.
    pub arms: Vec<Arm>,
    /// Base seed.
    pub seed: u64,
    /// Replications per arm.
    pub replications: u32,
    /// Whether plots and report.html are drawn when the study finishes.
    pub plots: bool,
}

/// Parses a value given on the command line as TOML (`8`, `0.5`, `true`, `"x"`), falling back
/// to a bare string (`proportional`).
pub fn parse_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

impl StudySpec {
    /// Builds the models of every arm (validating each).
    pub fn models(&self, file: &ScenarioFile) -> Result<Vec<Model>> {
        self.build_arms(file, Vec::new())
    }

    /// The models of every arm, moving an arm without settings out of `built` (models of the
    /// base and variants as [`build`](crate::model::build::build) gives them) rather than
    /// building it a second time; every other arm is built. `file` is dropped once they are:
    /// its parsed tree (5 MB for 455,000 links in groups) is not needed to run them.
    pub fn models_from(&self, file: ScenarioFile, built: Vec<Model>) -> Result<Vec<Model>> {
        self.build_arms(&file, built)
    }

    /// See [`StudySpec::models_from`].
    fn build_arms(&self, file: &ScenarioFile, built: Vec<Model>) -> Result<Vec<Model>> {
        // Sweep points first, while every variant's model is still there to start from: one
        // whose settings are only parameters is that model with them swapped in, not a rebuild.
        let swept = self
            .arms
            .iter()
            .map(|a| {
                if a.is_plain() {
                    return Ok(None);
                }
                let settings: Vec<(String, toml::Value)> = a
                    .set
                    .iter()
                    .map(|(p, v)| (p.clone(), parse_value(v)))
                    .collect();
                let variant = a.variant.as_deref();
                let model = match built.iter().find(|m| m.variant == a.start_label()) {
                    Some(base) => build_candidate(file, variant, base, &settings, &a.label),
                    None => build_with(file, variant, &settings, &a.label),
                };
                model.map(Some)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut built: Vec<Option<Model>> = built.into_iter().map(Some).collect();
        self.arms
            .iter()
            .zip(swept)
            .map(|(a, swept)| {
                if let Some(m) = swept {
                    return Ok(m);
                }
                let reuse = built
                    .iter_mut()
                    .find(|m| m.as_ref().is_some_and(|m| m.variant == a.label))
                    .and_then(Option::take);
                match reuse {
                    Some(m) => Ok(m),
                    None => build_with(file, a.variant.as_deref(), &[], &a.label),
                }
            })
            .collect()
    }

    /// Index of the arm labelled `label`.
    pub fn arm(&self, label: &str) -> Result<usize> {
        self.arms
            .iter()
            .position(|a| a.label == label)
            .ok_or_else(|| {
                let known: Vec<&str> = self.arms.iter().map(|a| a.label.as_str()).collect();
                Error::Usage(format!(
                    "no arm `{label}` in this study ({})",
                    known.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_toml_or_fall_back_to_strings() {
        assert_eq!(parse_value("8"), toml::Value::Integer(8));
        assert_eq!(parse_value("0.5"), toml::Value::Float(0.5));
        assert_eq!(parse_value("false"), toml::Value::Boolean(false));
        assert_eq!(
            parse_value("proportional"),
            toml::Value::String("proportional".into())
        );
        assert_eq!(parse_value("\"a b\""), toml::Value::String("a b".into()));
    }

    #[test]
    fn arms_from_the_built_models_are_the_arms_built_in_full() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
        let file = ScenarioFile::read(&path).unwrap();
        let arm = |label: &str, variant: Option<&str>, set: &[(&str, &str)]| Arm {
            label: label.into(),
            variant: variant.map(String::from),
            set: set
                .iter()
                .map(|(p, v)| (p.to_string(), v.to_string()))
                .collect(),
        };
        let variant = file.variant_names().into_iter().next();
        let spec = StudySpec {
            kind: Kind::Run,
            scenario_file: path.clone(),
            arms: vec![
                // A parameter (swapped into the built model), a setting that is not (built in
                // full), the base and a variant as they are (moved out of the built models).
                arm("p", None, &[("policy.productivity_under_controls", "0.6")]),
                arm("g", None, &[("green_channel.start_day", "20")]),
                arm("base", None, &[]),
                arm("v", variant.as_deref(), &[("workers.initial_share", "0.4")]),
            ],
            seed: 1,
            replications: 1,
            plots: false,
        };
        let built = crate::model::validate::build_all(&file).unwrap();
        let shown = |models: Vec<Model>| format!("{models:?}");
        assert_eq!(
            shown(spec.models(&file).unwrap()),
            shown(spec.models_from(file, built).unwrap())
        );
    }
}
