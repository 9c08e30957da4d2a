//! Command-line interface: arguments parsed raw by clap, then turned into validated work.
//! One file per subcommand.

pub mod baseline;
pub mod check;
pub mod compare;
pub mod generate;
pub mod merge;
pub mod plot;
pub mod run;
pub mod slurm;
pub mod study;
pub mod sweep;
pub mod validate;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::build::build;
use crate::scenario::ScenarioFile;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// medsupply: simulate medical protective-supply logistics in an epidemic surge.
#[derive(Debug, Parser)]
#[command(name = "medsupply", version, about)]
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
    /// Check scenario files (base and every variant) and report every problem.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
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
        Command::Validate { scenarios } => validate::validate(&scenarios),
    }
}

/// Builds the models of the base and every variant of a file.
pub(crate) fn build_all(file: &ScenarioFile) -> Result<Vec<Model>> {
    let mut names = vec![None];
    names.extend(file.variant_names().into_iter().map(Some));
    let mut models = Vec::new();
    let mut diags = Vec::new();
    for v in &names {
        match build(file, v.as_deref()) {
            Ok(m) => models.push(m),
            Err(Error::Invalid(d)) => {
                // A problem of the base shows again in every variant: report it once, at the base.
                for x in d {
                    if !diags
                        .iter()
                        .any(|b: &crate::error::Diagnostic| b.field == x.field)
                    {
                        diags.push(x);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if diags.is_empty() {
        Ok(models)
    } else {
        Err(Error::Invalid(diags))
    }
}
