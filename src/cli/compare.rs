//! `medsupply compare`: policy variants against a baseline with common random numbers.

use super::study::{Stopping, StudyArgs, execute, load, spec, variant_arms};
use crate::error::{Error, Result};
use crate::stats::kpi::kpi_index;
use crate::study::spec::Kind;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `medsupply compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Variants to compare, comma-separated (the baseline is added if missing).
    #[arg(long, value_delimiter = ',', conflicts_with = "all")]
    pub variants: Vec<String>,
    /// Compare every variant the scenario defines.
    #[arg(long)]
    pub all: bool,
    /// The arm the others are compared with.
    #[arg(long, default_value = "base")]
    pub baseline: String,
    /// Output directory; results go to OUT/<scenario>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Sequential stopping: continue until the 95 % CI half-width of the watched KPI is within
    /// this fraction of its mean (national, every product, every variant).
    #[arg(long, conflicts_with = "replications")]
    pub target_rel_hw: Option<f64>,
    /// KPI watched by --target-rel-hw.
    #[arg(long, default_value = "fill_rate", requires = "target_rel_hw")]
    pub stop_kpi: String,
    /// Minimum replications with --target-rel-hw.
    #[arg(long, default_value_t = 10, requires = "target_rel_hw")]
    pub min_reps: u32,
    /// Maximum replications with --target-rel-hw.
    #[arg(long, default_value_t = 1000, requires = "target_rel_hw")]
    pub max_reps: u32,
    /// Study options.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// Runs the comparison.
pub(crate) fn run(args: &CompareArgs) -> Result<()> {
    let (file, all) = load(&args.scenario)?;
    let mut names: Vec<String> = if args.all {
        all.iter().map(|m| m.variant.clone()).collect()
    } else {
        args.variants.clone()
    };
    if !names.contains(&args.baseline) {
        names.insert(0, args.baseline.clone());
    }
    if names.len() < 2 {
        return Err(Error::Usage(
            "compare needs at least one variant besides the baseline (--variants a,b or --all)"
                .into(),
        ));
    }
    let arms = variant_arms(&all, &args.scenario, &names)?;
    let stopping = match args.target_rel_hw {
        None => None,
        Some(h) => {
            if !(h > 0.0 && h.is_finite()) || args.min_reps < 2 || args.max_reps < args.min_reps {
                return Err(Error::Usage(
                    "need --target-rel-hw > 0 and 2 <= --min-reps <= --max-reps".into(),
                ));
            }
            let kpi = kpi_index(&args.stop_kpi)?;
            Some(Stopping {
                target: h,
                min_reps: args.min_reps,
                max_reps: args.max_reps,
                kpi,
            })
        }
    };
    let spec = spec(
        Kind::Compare {
            baseline: args.baseline.clone(),
        },
        &args.scenario,
        &all[0],
        arms,
        &args.study,
    )?;
    let models = spec.models_from(file, all)?;
    execute(spec, &models, &args.study, &args.out, stopping)
}
