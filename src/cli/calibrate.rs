//! `medsupply calibrate`: fit parameters to observed figures (`medsupply::calibrate`).

use super::study::{StudyArgs, Terminal};
use clap::Args;
use medsupply::calibrate::{CalibrateOptions, PROFILE_POINTS, calibrate};
use std::path::PathBuf;

/// Arguments of `medsupply calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The observations: CSV `date,item,region,measure,value` (optional `weight`, `kind`).
    #[arg(long)]
    pub observed: PathBuf,
    /// A parameter and its range, `PATH=LO..HI` (repeatable); PATH as in variants.
    #[arg(long = "param", required = true)]
    pub params: Vec<String>,
    /// Candidates for the Latin hypercube (60 %) and Nelder–Mead together.
    #[arg(long, default_value_t = 60)]
    pub budget: usize,
    /// Relative observation error σ of the discrepancy.
    #[arg(long, default_value_t = 0.1)]
    pub obs_error: f64,
    /// The variant the parameters apply to.
    #[arg(long)]
    pub variant: Option<String>,
    /// Study options; --replications and --seed are each candidate's, the same for all.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// Runs the calibration.
pub fn run(args: &CalibrateArgs) -> medsupply::error::Result<()> {
    let options = CalibrateOptions {
        observed: args.observed.clone(),
        params: args.params.clone(),
        budget: args.budget,
        profile_points: PROFILE_POINTS,
        obs_error: args.obs_error,
        variant: args.variant.clone(),
        study: args.study.options()?,
        command: std::env::args_os().collect(),
    };
    let terminal = Terminal::new(args.study.quiet);
    calibrate(&args.study.scenario, &options, &terminal).map(drop)
}
