//! `medsupply sweep`: a grid of parameter values, with common random numbers across points.

use super::study::StudyArgs;
use clap::Args;
use medsupply::error::Result;
use medsupply::output::sweep::DEFAULT_PLOT_KPI;
use medsupply::study::Design;

/// Arguments of `medsupply sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
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
    /// Study options.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// Runs the sweep.
pub fn run(args: &SweepArgs) -> Result<()> {
    let design = Design::Sweep {
        sets: args.set.clone(),
        variant: args.variant.clone(),
        plot_kpi: args.plot_kpi.clone(),
    };
    args.study.run(&design)
}
