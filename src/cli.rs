//! Command-line interface: arguments parsed raw by clap, then turned into validated work.

use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::build::build;
use crate::output::{VariantRun, write_run};
use crate::scenario::ScenarioFile;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Output directory; results go to OUT/<scenario>/<variant>/.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Replications (default: the scenario's).
        #[arg(long)]
        replications: Option<u32>,
        /// Base seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (0 = all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Variant to run (repeatable); `base` is the scenario without overrides.
        #[arg(long = "variant")]
        variants: Vec<String>,
        /// Run the base and every variant the scenario defines.
        #[arg(long, conflicts_with = "variants")]
        all_variants: bool,
    },
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
        Command::Run {
            scenario,
            out,
            replications,
            seed,
            threads,
            variants,
            all_variants,
        } => run_scenario(
            &scenario,
            &out,
            replications,
            seed,
            threads,
            &variants,
            all_variants,
        ),
        Command::Validate { scenarios } => validate(&scenarios),
    }
}

/// Builds the models of the base and every variant of a file.
fn build_all(file: &ScenarioFile) -> Result<Vec<Model>> {
    let mut names = vec![None];
    names.extend(file.variant_names().into_iter().map(Some));
    let mut models = Vec::new();
    let mut diags = Vec::new();
    for v in &names {
        match build(file, v.as_deref()) {
            Ok(m) => models.push(m),
            Err(Error::Invalid(d)) => {
                for x in d {
                    if !diags.contains(&x) {
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

fn validate(scenarios: &[PathBuf]) -> Result<()> {
    let mut diags = Vec::new();
    for path in scenarios {
        match ScenarioFile::read(path).and_then(|f| build_all(&f)) {
            Ok(models) => eprintln!(
                "{}: ok ({} variant(s) besides base)",
                path.display(),
                models.len() - 1
            ),
            Err(Error::Invalid(d)) => diags.extend(d),
            Err(e) => return Err(e),
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(diags))
    }
}

#[allow(clippy::too_many_arguments)]
fn run_scenario(
    scenario: &Path,
    out: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: usize,
    variants: &[String],
    all_variants: bool,
) -> Result<()> {
    if replications == Some(0) {
        return Err(Error::Usage("--replications must be at least 1".into()));
    }
    let file = ScenarioFile::read(scenario)?;
    // Validate everything before running anything, so bad input never leaves files behind.
    let all = build_all(&file)?;
    let wanted: Vec<String> = if all_variants {
        all.iter().map(|m| m.variant.clone()).collect()
    } else if variants.is_empty() {
        vec!["base".to_string()]
    } else {
        variants.to_vec()
    };
    let mut models = Vec::new();
    for v in &wanted {
        match all.iter().find(|m| &m.variant == v) {
            Some(m) => models.push(m),
            None => {
                return Err(Error::Usage(format!(
                    "{}: no variant named `{v}` (variants: {})",
                    scenario.display(),
                    all.iter()
                        .map(|m| m.variant.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    for model in models {
        let reps = replications.unwrap_or(model.replications);
        let seed = seed.unwrap_or(model.seed);
        let started = Instant::now();
        let results = crate::study::run_replications(model, seed, reps, threads)?;
        let sim_time = started.elapsed();
        let events: u64 = results.iter().map(|r| r.events).sum();
        let dir = out.join(&model.name).join(&model.variant);
        let run = VariantRun {
            model,
            seed,
            reps: results,
        };
        write_run(&dir, &run)?;
        eprintln!(
            "{} / {}: {reps} replication(s), {events} events in {:.2} s ({:.0} events/s), outputs written in {:.2} s to {}",
            model.name,
            model.variant,
            sim_time.as_secs_f64(),
            events as f64 / sim_time.as_secs_f64().max(1e-9),
            (started.elapsed() - sim_time).as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}
