//! `medsupply check`: compare a run's results with a baseline and exit 0 (within bounds),
//! 1 (a regression) or 2 (the comparison is impossible).

use crate::print;
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use medsupply::check::{Mode, Options, verdict};
use medsupply::error::Result;
use std::path::PathBuf;

/// Arguments of `medsupply check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The run's results: the `--out` directory, one scenario's or one variant's directory.
    pub run_dir: PathBuf,
    /// The baseline, in any of the same three forms.
    #[arg(long)]
    pub baseline: PathBuf,
    /// exact: result files byte-identical; tolerance: KPI means within bounds; statistical:
    /// significant (Welch) and larger than the bounds.
    #[arg(long, default_value = "exact", value_parser = PossibleValuesParser::new(Mode::NAMES).try_map(|s| s.parse::<Mode>()))]
    pub mode: Mode,
    /// Relative bound, a fraction of the baseline, for KPIs no rule matches.
    #[arg(long)]
    pub rtol: Option<f64>,
    /// Absolute bound for KPIs no rule matches.
    #[arg(long)]
    pub atol: Option<f64>,
    /// TOML file of bounds per KPI, product and region (see docs/ci.md).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Statistical mode: confidence level held jointly over the KPIs tested (each Welch
    /// interval at 1 − (1 − level)/m, Bonferroni); default 0.95.
    #[arg(long)]
    pub level: Option<f64>,
    /// Write the verdict as JSON on standard output instead of the text report.
    #[arg(long)]
    pub json: bool,
}

/// Runs the check, prints the report, and turns a regression into its error. With `--json`,
/// an impossible comparison is reported on standard output too.
pub fn check(args: &CheckArgs) -> Result<()> {
    let (run, baseline) = (&args.run_dir, &args.baseline);
    let options = Options::new(
        args.mode,
        args.rtol,
        args.atol,
        args.rules.as_deref(),
        args.level,
    );
    let (text, outcome) = verdict(run, baseline, options, args.mode, args.json);
    text.map_or(Ok(()), |t| print(&t)).and(outcome)
}
