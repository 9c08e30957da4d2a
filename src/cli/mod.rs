//! Command-line interface: arguments parsed by clap and turned into the library's options, one
//! file per subcommand; the library does the work and this module prints what it reports.
//! Each subcommand's long help (`--help`) is a text file in `docs/help/`, so the docs and the
//! help are one text.

mod baseline;
mod calibrate;
mod check;
mod compare;
mod generate;
mod init;
mod merge;
mod optimize;
mod plot;
mod run;
mod schema;
mod slurm;
mod study;
mod sweep;
mod validate;

use clap::{CommandFactory, Parser, Subcommand};
use medsupply::error::Result;
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
    Run(run::RunArgs),
    /// Compare policy variants against a baseline with common random numbers.
    Compare(compare::CompareArgs),
    /// Sweep a grid of parameter values (common random numbers across points).
    Sweep(sweep::SweepArgs),
    /// Fit parameters to observed figures: Latin hypercube, Nelder–Mead, profiles.
    Calibrate(calibrate::CalibrateArgs),
    /// Find the best setting of decision variables for a KPI: CMA-ES, then KN selection.
    Optimize(optimize::OptimizeArgs),
    /// Merge the part directories of a sharded study into one output.
    Merge(merge::MergeArgs),
    /// Write a synthetic national network as a scenario file.
    Generate(generate::GenerateArgs),
    /// Print a script that submits a sharded run to Slurm (array + dependent merge).
    Slurm(slurm::SlurmArgs),
    /// Re-draw the plots and report.html of a finished run from its saved outputs.
    Plot(plot::PlotArgs),
    /// Compare a run's results with a baseline: exit 0 within bounds, 1 regression, 2 impossible.
    Check(check::CheckArgs),
    /// Bless a run's results as a baseline for `check` (atomically; --force to replace).
    Baseline(baseline::BaselineArgs),
    /// Write a commented starting scenario, its data CSVs and the schema into a folder.
    Init(init::InitArgs),
    /// Print the JSON Schema of the scenario format (for editors and other tools).
    Schema,
    /// Check scenario files (base and every variant) and report every problem.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// How the scenarios are read.
        #[command(flatten)]
        input: study::InputArgs,
    },
}

/// Each subcommand's long help, `docs/help/<name>.txt`: its description, then its examples.
macro_rules! help {
    ($($name:literal),*) => { [$(($name, include_str!(concat!("../../docs/help/", $name, ".txt")))),*] };
}
#[rustfmt::skip]
const HELP: [(&str, &str); 14] = help!(
    "run", "compare", "sweep", "calibrate", "optimize", "merge", "generate", "slurm", "plot",
    "check", "baseline", "validate", "init", "schema"
);

/// The command line, each subcommand's `--help` with its description before the options and
/// its examples after them.
pub fn command() -> clap::Command {
    HELP.iter().fold(Cli::command(), |command, (name, text)| {
        let (about, examples) = text.split_once("\nExamples:\n").unwrap_or((text, ""));
        command.mut_subcommand(name, |sub| {
            sub.long_about(about.trim_end())
                .after_long_help(format!("Examples:\n{examples}"))
        })
    })
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Baseline(args) => baseline::baseline(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Optimize(args) => optimize::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Slurm(args) => slurm::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Plot(args) => plot::run(&args),
        Command::Validate { scenarios, input } => validate::validate(&scenarios, &input),
        Command::Init(args) => init::run(&args),
        Command::Schema => schema::schema(),
    }
}
