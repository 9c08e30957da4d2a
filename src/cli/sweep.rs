//! `medsupply sweep`: a grid of parameter values, with common random numbers across points.

use super::study::{StudyArgs, execute, load, spec};
use crate::error::{Error, Result};
use crate::output::sweep::DEFAULT_PLOT_KPI;
use crate::stats::kpi::kpi_index;
use crate::study::spec::{Arm, Kind};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `medsupply sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// A parameter and its values: `PATH=v1,v2,…` (repeatable; the grid is their product,
    /// the first varying slowest). PATH is a dotted path as in variants.
    #[arg(long = "set", required = true)]
    pub set: Vec<String>,
    /// The KPI the sweep chart draws against the first parameter (national, per product, with
    /// 95 % confidence intervals); one of the KPI columns of replications.csv.
    #[arg(long, default_value = DEFAULT_PLOT_KPI)]
    pub plot_kpi: String,
    /// The variant the grid starts from.
    #[arg(long)]
    pub variant: Option<String>,
    /// Output directory; results go to OUT/<scenario>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Study options.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// A directory-safe label for a grid point.
fn label(settings: &[(String, String)]) -> String {
    settings
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
        .collect()
}

/// A grid point: (dotted path, value text) per swept parameter.
pub type Point = Vec<(String, String)>;

/// The swept parameters and grid points of `--set` arguments.
pub fn grid(sets: &[String]) -> Result<(Vec<String>, Vec<Point>)> {
    let mut params = Vec::new();
    let mut points: Vec<Point> = vec![vec![]];
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
        params.push(path.to_string());
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

/// Runs the sweep.
pub(crate) fn run(args: &SweepArgs) -> Result<()> {
    kpi_index(&args.plot_kpi)?;
    let (file, all) = load(&args.scenario)?;
    let (parameters, points) = grid(&args.set)?;
    let arms: Vec<Arm> = points
        .into_iter()
        .map(|set| Arm {
            label: label(&set),
            variant: args.variant.clone(),
            set,
        })
        .collect();
    let spec = spec(
        Kind::Sweep {
            parameters,
            plot_kpi: args.plot_kpi.clone(),
        },
        &args.scenario,
        &all[0],
        arms,
        &args.study,
    )?;
    let models = spec.models_from(file, all)?;
    execute(spec, &models, &args.study, &args.out, None)
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
    }
}
