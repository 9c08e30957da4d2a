//! What a study runs: which arms (variants, a baseline and its rivals, or a sweep's grid
//! points) and, for a comparison, when to stop adding replications.

use super::spec::{Arm, Kind};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::stats::kpi::kpi_index;
use crate::util::MAX_FILE_NAME;
use crate::util::hash::hex;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Which of a scenario's variants a study runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Variants {
    /// These, by name (`base` is the scenario without a variant).
    Named(Vec<String>),
    /// The base and every variant, in file order.
    All,
}

impl Variants {
    /// Every variant when `all`, else the ones `named`.
    pub fn new(all: bool, named: &[String]) -> Variants {
        if all {
            Variants::All
        } else {
            Variants::Named(named.to_vec())
        }
    }
}

/// Sequential stopping options (Law's relative-precision rule).
#[derive(Debug, Clone)]
pub struct Stopping {
    /// Target relative half-width.
    pub target: f64,
    /// Minimum replications.
    pub min_reps: u32,
    /// Maximum replications.
    pub max_reps: u32,
    /// KPI watched (national, every product, every arm).
    pub kpi: usize,
}

impl Stopping {
    /// A stopping rule: relative half-width `target` of the KPI named `kpi`, after at least
    /// `min_reps` and at most `max_reps` replications.
    pub fn new(target: f64, min_reps: u32, max_reps: u32, kpi: &str) -> Result<Stopping> {
        if !(target > 0.0 && target.is_finite()) || min_reps < 2 || max_reps < min_reps {
            return Err(Error::Usage(
                "need --target-rel-hw > 0 and 2 <= --min-reps <= --max-reps".into(),
            ));
        }
        Ok(Stopping {
            target,
            min_reps,
            max_reps,
            kpi: kpi_index(kpi)?,
        })
    }
}

/// A study's design.
#[derive(Debug, Clone)]
pub enum Design {
    /// Variants side by side, each written in full (`run`; no names means the base).
    Run {
        /// The variants.
        variants: Variants,
    },
    /// Variants against a baseline, paired by common random numbers.
    Compare {
        /// The variants (the baseline is added first when not named).
        variants: Variants,
        /// The baseline's name.
        baseline: String,
        /// Stop once every watched KPI is precise enough (else the replication count).
        stopping: Option<Stopping>,
    },
    /// A grid of parameter settings over one variant.
    Sweep {
        /// `PATH=v1,v2,…`, one per parameter; the grid is their product, the first slowest.
        sets: Vec<String>,
        /// The variant the settings apply to (None = base).
        variant: Option<String>,
        /// The KPI the sweep chart draws.
        plot_kpi: String,
    },
}

impl Design {
    /// The study's kind and arms, checked against the models of the scenario's base and
    /// variants (`all`).
    pub(crate) fn arms(&self, all: &[Model], scenario: &Path) -> Result<(Kind, Vec<Arm>)> {
        let (kind, arms) = self.all_arms(all, scenario)?;
        // Each arm names an output folder: two arms with one name would write over each other.
        for (k, arm) in arms.iter().enumerate() {
            if arms[..k].iter().any(|a| a.label == arm.label) {
                return Err(Error::Usage(format!(
                    "`{}` is asked for twice: each variant or grid point runs once",
                    arm.label
                )));
            }
        }
        Ok((kind, arms))
    }

    /// The study's kind and its arms, in order.
    fn all_arms(&self, all: &[Model], scenario: &Path) -> Result<(Kind, Vec<Arm>)> {
        let names = |v: &Variants| match v {
            Variants::All => all.iter().map(|m| m.variant.clone()).collect(),
            Variants::Named(n) => n.clone(),
        };
        match self {
            Design::Run { variants } => {
                let mut names: Vec<String> = names(variants);
                if names.is_empty() {
                    names.push("base".into());
                }
                Ok((Kind::Run, variant_arms(all, scenario, &names)?))
            }
            Design::Compare {
                variants, baseline, ..
            } => {
                let mut names: Vec<String> = names(variants);
                if !names.contains(baseline) {
                    names.insert(0, baseline.clone());
                }
                if names.len() < 2 {
                    return Err(Error::Usage(
                        "compare needs at least one variant besides the baseline (--variants a,b or --all)"
                            .into(),
                    ));
                }
                let kind = Kind::Compare {
                    baseline: baseline.clone(),
                };
                Ok((kind, variant_arms(all, scenario, &names)?))
            }
            Design::Sweep {
                sets,
                variant,
                plot_kpi,
            } => {
                kpi_index(plot_kpi)?;
                let (parameters, points) = grid(sets)?;
                let arms = points
                    .into_iter()
                    .map(|set| Arm {
                        label: label(&set),
                        variant: variant.clone(),
                        set,
                    })
                    .collect();
                let kind = Kind::Sweep {
                    parameters,
                    plot_kpi: plot_kpi.clone(),
                };
                Ok((kind, arms))
            }
        }
    }

    /// The stopping rule, if the study has one.
    pub(crate) fn stopping(&self) -> Option<&Stopping> {
        match self {
            Design::Compare { stopping, .. } => stopping.as_ref(),
            _ => None,
        }
    }
}

/// The arms for variant names, each checked to exist.
fn variant_arms(all: &[Model], scenario: &Path, names: &[String]) -> Result<Vec<Arm>> {
    names
        .iter()
        .map(|v| {
            if !all.iter().any(|m| &m.variant == v) {
                return Err(Error::Usage(format!(
                    "{}: no variant named `{v}` (variants: {})",
                    scenario.display(),
                    all.iter()
                        .map(|m| m.variant.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Ok(Arm {
                label: v.clone(),
                variant: (v != "base").then(|| v.clone()),
                set: vec![],
            })
        })
        .collect()
}

/// One grid point: (dotted path, value) per parameter.
type Point = Vec<(String, String)>;

/// A grid point's label: `path=value` joined by `+`, with characters outside `[A-Za-z0-9._=+-]`
/// replaced by `_` (it names a directory); a label longer than a file name may be is cut and
/// ends with a hash of the whole, so it stays unique.
fn label(settings: &[(String, String)]) -> String {
    let full: String = settings
        .iter()
        .map(|(p, v)| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join("+")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._=+-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if full.len() <= MAX_FILE_NAME {
        return full;
    }
    let hex = hex(&Sha256::digest(full.as_bytes())[..8]);
    format!("{}-{hex}", &full[..MAX_FILE_NAME - hex.len() - 1])
}

/// Most points of a sweep's grid: each is an arm of the study, with a model and running
/// statistics of its own.
pub const MAX_POINTS: usize = 10_000;

/// The parameters and the grid of `PATH=v1,v2,…` settings: their product, the first slowest.
fn grid(sets: &[String]) -> Result<(Vec<String>, Vec<Point>)> {
    let mut axes = Vec::with_capacity(sets.len());
    for s in sets {
        let (path, values) = s
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--set needs PATH=v1,v2,…, got `{s}`")))?;
        let values: Vec<&str> = values
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if path.is_empty() || values.is_empty() {
            return Err(Error::Usage(format!("--set needs PATH=v1,v2,…, got `{s}`")));
        }
        axes.push((path, values));
    }
    // Counted before the points are made: a few long lists multiply past any memory.
    let count = axes
        .iter()
        .fold(1usize, |n, (_, values)| n.saturating_mul(values.len()));
    if count > MAX_POINTS {
        let count = match count {
            usize::MAX => "over 10¹⁹".to_string(),
            n => n.to_string(),
        };
        return Err(Error::Usage(format!(
            "a sweep has at most {MAX_POINTS} grid points, and these --set values make {count}: sweep fewer values, or split the grid into several sweeps"
        )));
    }
    let params = axes.iter().map(|(path, _)| path.to_string()).collect();
    let mut points: Vec<Point> = vec![vec![]];
    for (path, values) in &axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                values
                    .iter()
                    .map(move |v| [p.clone(), vec![(path.to_string(), v.to_string())]].concat())
            })
            .collect();
    }
    Ok((params, points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_the_product_first_slowest() {
        let (params, points) = grid(&["a.b=1,2".into(), "c=x,y,z".into()]).unwrap();
        assert_eq!(params, vec!["a.b", "c"]);
        assert_eq!(points.len(), 6);
        assert_eq!(label(&points[0]), "a.b=1+c=x");
        assert_eq!(label(&points[5]), "a.b=2+c=z");
        assert!(grid(&["nothing".into()]).is_err());
        // 100 values of each of 5 parameters: 10¹⁰ points once filled the memory.
        let hundred = format!(
            "={}",
            (1..=100)
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let sets: Vec<String> = (0..5).map(|k| format!("p{k}{hundred}")).collect();
        let e = grid(&sets).unwrap_err().to_string();
        assert!(
            e.contains("at most 10000 grid points, and these --set values make 10000000000"),
            "{e}"
        );
        assert_eq!(grid(&sets[..2]).unwrap().1.len(), MAX_POINTS);
        let long = label(&[("a".into(), "x".repeat(300))]);
        assert_eq!(long.len(), MAX_FILE_NAME);
        assert_ne!(long, label(&[("a".into(), "x".repeat(301))]));
    }
}
