//! What `run`, `compare`, `sweep`, `calibrate`, `optimize` and `merge` share: the study options and how a study's
//! progress and notes are shown on stderr.

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use medsupply::engine::partitions::Partitions;
use medsupply::error::Result;
use medsupply::scenario::policy::ReadOptions;
use medsupply::study::{Design, Note, Observer, Shard, StudyOptions, run_study};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The progress bar's layout.
const BAR: &str = "{spinner} {pos}/{len} replications {wide_bar} {per_sec} ETA {eta}";

/// Options every study command takes.
#[derive(Debug, Clone, Args)]
pub struct StudyArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory; results go to OUT/<scenario>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
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
    /// How the scenario is read.
    #[command(flatten)]
    pub input: InputArgs,
}

/// How scenario files are read: what a scenario received from someone else cannot change.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Let the CSV paths of a scenario be absolute or leave its folder (`..`).
    #[arg(long)]
    pub allow_outside_paths: bool,
    /// Raise a limit on input sizes (repeatable): days=N (default 3650), replications=N
    /// (1000000), file-mb=N (512, for the scenario and each CSV file), links=N (100000000,
    /// counting every link a `[[link_group]]` makes).
    #[arg(long, value_name = "KEY=N")]
    pub limit: Vec<String>,
}

impl InputArgs {
    /// The read options.
    pub fn options(&self) -> Result<ReadOptions> {
        ReadOptions::new(self.allow_outside_paths, &self.limit)
    }
}

impl StudyArgs {
    /// Runs the study `design` of the scenario with these options and shows it on the terminal.
    pub fn run(&self, design: &Design) -> Result<()> {
        let options = self.options()?;
        run_study(&self.scenario, design, &options, &Terminal::new(self.quiet))
    }

    /// The study options.
    pub fn options(&self) -> Result<StudyOptions> {
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
            out: self.out.clone(),
            input: self.input.options()?,
        })
    }
}

/// Shows a study on the terminal: a progress bar on stderr (replications done, rate, ETA;
/// hidden when stderr is not a terminal or when quiet) and its notes on stderr (the comparison
/// table on stdout).
pub struct Terminal {
    /// The bar, made when the replications start.
    bar: OnceLock<ProgressBar>,
    /// No progress bar, and no note on partitions.
    quiet: bool,
}

impl Terminal {
    /// A terminal observer.
    pub fn new(quiet: bool) -> Terminal {
        Terminal {
            bar: OnceLock::new(),
            quiet,
        }
    }
}

impl Observer for Terminal {
    fn start(&self, total: u64) {
        let bar = if self.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_style(ProgressStyle::with_template(BAR).expect("a valid template"))
        };
        let _ = self.bar.set(bar);
    }

    fn replication_done(&self) {
        self.bar.get().inspect(|bar| bar.inc(1));
    }

    fn end(&self) {
        self.bar.get().inspect(|bar| bar.finish_and_clear());
    }

    fn note(&self, note: Note) {
        match note {
            Note::Partitioned { .. } | Note::Sequential { .. } if self.quiet => {}
            // The table is also in comparison.csv: a closed stdout loses only this copy.
            Note::ComparisonTable(table) => drop(crate::print(&table)),
            note => eprintln!("{note}"),
        }
    }
}
