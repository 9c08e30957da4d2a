//! Command-line interface: arguments parsed by clap and turned into the library's options, one
//! file per subcommand; the library does the work and this module prints what it reports.
//! Each subcommand's long help (`--help`) is a text file in `docs/help/`, so the docs and the
//! help are one text.

mod baseline;
mod check;
mod compare;
mod generate;
mod merge;
mod plot;
mod run;
mod slurm;
mod study;
mod sweep;
mod validate;

use clap::{Parser, Subcommand};
use medsupply::error::Error;
use medsupply::error::Result;
use std::io::Write;
use std::path::PathBuf;

/// medsupply: simulate medical protective-supply logistics in an epidemic surge.
#[derive(Debug, Parser)]
#[command(name = "medsupply", version, about, after_long_help = include_str!("../../docs/help/medsupply.txt"))]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write timeseries.csv, replications.csv, summary.json, manifest.json.
    #[command(long_about = include_str!("../../docs/help/run.txt"))]
    Run(run::RunArgs),
    /// Compare policy variants against a baseline with common random numbers.
    #[command(long_about = include_str!("../../docs/help/compare.txt"))]
    Compare(compare::CompareArgs),
    /// Sweep a grid of parameter values (common random numbers across points).
    #[command(long_about = include_str!("../../docs/help/sweep.txt"))]
    Sweep(sweep::SweepArgs),
    /// Merge the part directories of a sharded study into one output.
    #[command(long_about = include_str!("../../docs/help/merge.txt"))]
    Merge(merge::MergeArgs),
    /// Write a synthetic national network as a scenario file.
    #[command(long_about = include_str!("../../docs/help/generate.txt"))]
    Generate(generate::GenerateArgs),
    /// Print a script that submits a sharded run to Slurm (array + dependent merge).
    #[command(long_about = include_str!("../../docs/help/slurm.txt"))]
    Slurm(slurm::SlurmArgs),
    /// Re-draw the plots and report.html of a finished run from its saved outputs.
    #[command(long_about = include_str!("../../docs/help/plot.txt"))]
    Plot(plot::PlotArgs),
    /// Compare a run's results with a baseline: exit 0 within bounds, 1 regression, 2 impossible.
    #[command(long_about = include_str!("../../docs/help/check.txt"))]
    Check(check::CheckArgs),
    /// Bless a run's results as a baseline for `check` (atomically; --force to replace).
    #[command(long_about = include_str!("../../docs/help/baseline.txt"))]
    Baseline(baseline::BaselineArgs),
    /// Check scenario files (base and every variant) and report every problem.
    #[command(long_about = include_str!("../../docs/help/validate.txt"))]
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// How the scenarios are read.
        #[command(flatten)]
        input: study::InputArgs,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Baseline(args) => baseline::baseline(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Slurm(args) => slurm::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Plot(args) => plot::run(&args),
        Command::Validate { scenarios, input } => validate::validate(&scenarios, &input),
    }
}

/// Writes text to standard output (a closed pipe is an error to report, not a panic).
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: PathBuf::from("<standard output>"),
            source,
        })
}
