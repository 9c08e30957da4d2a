//! `medsupply compare`: policy variants against a baseline with common random numbers.

use super::study::StudyArgs;
use clap::Args;
use medsupply::error::Result;
use medsupply::study::{Design, Stopping, Variants};

/// Arguments of `medsupply compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Variants to compare, comma-separated (the baseline is added if missing).
    #[arg(long, value_delimiter = ',', conflicts_with = "all")]
    pub variants: Vec<String>,
    /// Compare every variant the scenario defines.
    #[arg(long)]
    pub all: bool,
    /// The arm the others are compared with.
    #[arg(long, default_value = "base")]
    pub baseline: String,
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
pub fn run(args: &CompareArgs) -> Result<()> {
    let variants = Variants::new(args.all, &args.variants);
    let stopping = args
        .target_rel_hw
        .map(|h| Stopping::new(h, args.min_reps, args.max_reps, &args.stop_kpi))
        .transpose()?;
    let design = Design::Compare {
        variants,
        baseline: args.baseline.clone(),
        stopping,
    };
    args.study.run(&design)
}
