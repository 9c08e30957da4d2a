//! `medsupply baseline`: bless a run's results as the baseline `check` compares with.

use clap::Args;
use medsupply::error::Result;
use std::path::PathBuf;

/// Arguments of `medsupply baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The run's results: the `--out` directory, one scenario's or one variant's directory.
    pub run_dir: PathBuf,
    /// Where to write the baseline (same layout, result files only).
    #[arg(long)]
    pub to: PathBuf,
    /// Replace an existing baseline.
    #[arg(long)]
    pub force: bool,
}

/// Writes the baseline and says what it holds.
pub fn baseline(args: &BaselineArgs) -> Result<()> {
    let blessed = medsupply::check::bless::bless(&args.run_dir, &args.to, args.force)?;
    let variants: Vec<String> = blessed.variants.iter().map(|v| v.label()).collect();
    eprintln!(
        "baseline {} written from {}: {}",
        args.to.display(),
        args.run_dir.display(),
        variants.join(", ")
    );
    Ok(())
}
