//! `medsupply slurm`: print a script that submits a sharded run to Slurm (`study::slurm`).

use clap::Args;
use medsupply::error::{Error, Result};
use medsupply::study::slurm::{SlurmJob, script};
use std::path::PathBuf;

/// Arguments of `medsupply slurm`.
#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of shards (array tasks).
    #[arg(long)]
    pub shards: u32,
    /// Final output directory (parts go to OUT/parts, logs to OUT/logs).
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// CPUs per array task (each shard runs its replications on them).
    #[arg(long, default_value_t = 2)]
    pub cpus_per_task: u32,
    /// Slurm partition.
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit per task (Slurm syntax, e.g. 01:00:00).
    #[arg(long)]
    pub time: Option<String>,
    /// Variant to run (repeatable).
    #[arg(long = "variant")]
    pub variants: Vec<String>,
    /// Run every variant.
    #[arg(long, conflicts_with = "variants")]
    pub all_variants: bool,
    /// Replications per variant.
    #[arg(long)]
    pub replications: Option<u32>,
    /// Base seed.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl SlurmArgs {
    /// The job the arguments describe.
    fn job(&self) -> SlurmJob {
        SlurmJob {
            scenario: self.scenario.clone(),
            shards: self.shards,
            out: self.out.clone(),
            cpus_per_task: self.cpus_per_task,
            partition: self.partition.clone(),
            time: self.time.clone(),
            variants: self.variants.clone(),
            all_variants: self.all_variants,
            replications: self.replications,
            seed: self.seed,
        }
    }
}

/// Prints the script.
pub fn run(args: &SlurmArgs) -> Result<()> {
    let exe = std::env::current_exe().map_err(|source| Error::Read {
        path: PathBuf::from("medsupply"),
        source,
    })?;
    crate::print(&script(&args.job(), &exe.display().to_string())?)
}
