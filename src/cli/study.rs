//! What `run`, `compare`, `sweep` and `merge` share: the study options and how a study's
//! progress and notes are shown on stderr.

use super::progress::Progress;
use clap::Args;
use medsupply::engine::partitions::Partitions;
use medsupply::error::Result;
use medsupply::study::{Note, Observer, Shard, StudyOptions};
use std::path::Path;

/// Options every study command takes.
#[derive(Debug, Clone, Args)]
pub struct StudyArgs {
    /// Replications per variant (default: the scenario's).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Split each replication into K region partitions that advance in parallel time windows
    /// (`auto`: several per thread when there are fewer replications than threads and the
    /// network is large; 1 = sequential). Outputs are identical for every K.
    #[arg(long, default_value = "1", value_name = "K|auto")]
    pub partitions: Partitions,
    /// Run only shard I of N (`I/N`, 0-based) and write a part directory for `merge`.
    /// Without it, read from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or from
    /// JOB_COMPLETION_INDEX with --shard-count (Kubernetes Indexed Job).
    #[arg(long)]
    pub shard: Option<String>,
    /// Number of shards when the index comes from JOB_COMPLETION_INDEX.
    #[arg(long)]
    pub shard_count: Option<u32>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Skip the plots and report.html (for benchmarks, sweeps and large studies); the tabular
    /// outputs are the same either way, and `medsupply plot` can draw them later.
    #[arg(long)]
    pub no_plots: bool,
}

impl StudyArgs {
    /// The study options, writing under `out`.
    pub fn options(&self, out: &Path) -> Result<StudyOptions> {
        let shard = Shard::from_env(self.shard.as_deref(), self.shard_count, &|k| {
            std::env::var(k).ok()
        })?;
        Ok(StudyOptions {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            partitions: self.partitions,
            shard,
            plots: !self.no_plots,
            out: out.to_path_buf(),
        })
    }
}

/// Shows a study on the terminal: a progress bar (unless quiet or not a terminal) and its
/// notes on stderr (the comparison table on stdout).
pub struct Terminal {
    /// The bar, made when the replications start.
    bar: std::sync::OnceLock<Progress>,
    /// No progress bar, and no note on partitions.
    quiet: bool,
}

impl Terminal {
    /// A terminal observer.
    pub fn new(quiet: bool) -> Terminal {
        Terminal {
            bar: std::sync::OnceLock::new(),
            quiet,
        }
    }
}

impl Observer for Terminal {
    fn start(&self, total: u64) {
        let _ = self.bar.set(Progress::new(total, self.quiet));
    }

    fn replication_done(&self) {
        if let Some(bar) = self.bar.get() {
            bar.tick();
        }
    }

    fn end(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish();
        }
    }

    fn note(&self, note: Note) {
        match note {
            Note::Partitioned { .. } | Note::Sequential { .. } if self.quiet => {}
            Note::Partitioned { parts, hours } => eprintln!(
                "each replication runs in {parts} region partitions, windows of at most {hours:.2} h"
            ),
            Note::Sequential { threads } => eprintln!(
                "each replication runs sequentially (one region group, or `auto` found replications enough to fill {threads} threads)"
            ),
            Note::ShardWritten {
                index,
                count,
                replications,
                arms,
                seconds,
                dir,
            } => eprintln!(
                "shard {index}/{count}: replications {replications:?} of {arms} arm(s) in {seconds:.2} s, part written to {}",
                dir.display()
            ),
            Note::Simulated {
                scenario,
                arms,
                replications,
                events,
                seconds,
            } => eprintln!(
                "{scenario}: {arms} arm(s) × {replications} replication(s), {events} events in {seconds:.2} s ({:.0} events/s)",
                events as f64 / seconds.max(1e-9)
            ),
            Note::PrecisionNotReached { max_reps } => {
                eprintln!("warning: target precision not reached within --max-reps {max_reps}")
            }
            Note::Stopped { replications } => {
                eprintln!("sequential stopping: n = {replications} replications")
            }
            Note::ComparisonTable(table) => print!("{table}"),
            Note::OutputsWritten { seconds, dir } => {
                eprintln!("outputs written in {seconds:.2} s to {}", dir.display())
            }
            Note::ChartsDrawn {
                charts,
                seconds,
                report,
            } => eprintln!(
                "{charts} chart(s) drawn in {seconds:.2} s; report: {}",
                report.display()
            ),
            Note::Merged { parts, dir } => {
                eprintln!("merged {parts} part(s) into {}", dir.display())
            }
        }
    }
}
