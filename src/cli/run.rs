//! `medsupply run`: run scenario variants and write their outputs.

use super::build_all;
use crate::error::{Error, Result};
use crate::output::{VariantRun, write_run};
use crate::scenario::ScenarioFile;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `medsupply run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory; results go to OUT/<scenario>/<variant>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replications (default: the scenario's).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Variant to run (repeatable); `base` is the scenario without overrides.
    #[arg(long = "variant")]
    pub variants: Vec<String>,
    /// Run the base and every variant the scenario defines.
    #[arg(long, conflicts_with = "variants")]
    pub all_variants: bool,
}

/// Runs the requested variants and writes their outputs.
pub(crate) fn run(args: &RunArgs) -> Result<()> {
    let RunArgs {
        scenario,
        out,
        replications,
        seed,
        threads,
        variants,
        all_variants,
    } = args;
    let (replications, seed, threads, all_variants) =
        (*replications, *seed, *threads, *all_variants);
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
