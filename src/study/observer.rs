//! What a running study tells its caller: progress, one replication at a time, and notes on
//! what it did. The library never prints; the command line renders these.

use std::fmt;
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// Something a study did, for the caller to show (or not).
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The scenario was read and every arm's model built and checked.
    Loaded {
        /// The scenario's name.
        scenario: String,
        /// Arms.
        arms: usize,
        /// Nodes in the base model.
        nodes: usize,
        /// Wall-clock seconds.
        seconds: f64,
    },
    /// Each replication runs in this many region partitions, in windows of at most `hours`.
    Partitioned {
        /// Partitions per replication.
        parts: usize,
        /// The longest time window, in hours.
        hours: f64,
    },
    /// Each replication runs sequentially (`threads` are filled by replications instead).
    Sequential {
        /// The pool's threads.
        threads: usize,
    },
    /// One shard of a study ran and its part directory was written.
    ShardWritten {
        /// 0-based shard index.
        index: u32,
        /// Number of shards.
        count: u32,
        /// The replications it ran, if any.
        replications: Option<RangeInclusive<u32>>,
        /// Arms.
        arms: usize,
        /// Wall-clock seconds.
        seconds: f64,
        /// The part directory.
        dir: PathBuf,
    },
    /// A whole study's replications ran.
    Simulated {
        /// The scenario's name.
        scenario: String,
        /// Arms.
        arms: usize,
        /// Replications per arm.
        replications: u32,
        /// Events handled in all.
        events: u64,
        /// Wall-clock seconds.
        seconds: f64,
    },
    /// Sequential stopping ran `max_reps` without reaching the target precision.
    PrecisionNotReached {
        /// The cap.
        max_reps: u32,
    },
    /// Sequential stopping settled on `replications`.
    Stopped {
        /// Replications per arm.
        replications: u32,
    },
    /// The comparison table, as text for a terminal.
    ComparisonTable(String),
    /// The tabular outputs were written into `dir`.
    OutputsWritten {
        /// Wall-clock seconds.
        seconds: f64,
        /// The scenario's output directory.
        dir: PathBuf,
    },
    /// Charts and the report were drawn.
    ChartsDrawn {
        /// Charts drawn.
        charts: usize,
        /// Wall-clock seconds.
        seconds: f64,
        /// The report's path.
        report: PathBuf,
    },
    /// A calibration finished: its fitted values, plausible ranges and discrepancies, as text
    /// for a terminal.
    Calibrated(String),
    /// An optimisation finished: its choice, mean and guarantee, as text for a terminal.
    Optimized(String),
    /// Part directories were merged into the scenario's output directory `dir`.
    Merged {
        /// Parts merged.
        parts: usize,
        /// The scenario's output directory.
        dir: PathBuf,
    },
}

impl fmt::Display for Note {
    /// The note as one line (or, for the comparison table, several) for a person to read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Loaded {
                scenario,
                arms,
                nodes,
                seconds,
            } => write!(
                f,
                "{scenario}: {arms} arm(s) of {nodes} nodes read and built in {seconds:.2} s"
            ),
            Note::Partitioned { parts, hours } => write!(
                f,
                "each replication runs in {parts} region partitions, windows of at most {hours:.2} h"
            ),
            Note::Sequential { threads } => write!(
                f,
                "each replication runs sequentially (one region group, or `auto` found replications enough to fill {threads} threads)"
            ),
            Note::ShardWritten {
                index,
                count,
                replications,
                arms,
                seconds,
                dir,
            } => {
                let ran = match replications {
                    Some(r) => format!("replications {}..={}", r.start(), r.end()),
                    // More shards than replications: this one's part says so, for `merge`.
                    None => "no replications (more shards than replications)".to_string(),
                };
                write!(
                    f,
                    "shard {index}/{count}: {ran} of {arms} arm(s) in {seconds:.2} s, part written to {}",
                    dir.display()
                )
            }
            Note::Simulated {
                scenario,
                arms,
                replications,
                events,
                seconds,
            } => write!(
                f,
                "{scenario}: {arms} arm(s) × {replications} replication(s), {events} events in {seconds:.2} s ({:.0} events/s)",
                *events as f64 / seconds.max(1e-9)
            ),
            Note::PrecisionNotReached { max_reps } => write!(
                f,
                "warning: target precision not reached within --max-reps {max_reps}"
            ),
            Note::Stopped { replications } => {
                write!(f, "sequential stopping: n = {replications} replications")
            }
            Note::ComparisonTable(table) | Note::Calibrated(table) | Note::Optimized(table) => {
                write!(f, "{}", table.trim_end())
            }
            Note::OutputsWritten { seconds, dir } => {
                write!(f, "outputs written in {seconds:.2} s to {}", dir.display())
            }
            Note::ChartsDrawn {
                charts,
                seconds,
                report,
            } => write!(
                f,
                "{charts} chart(s) drawn in {seconds:.2} s; report: {}",
                report.display()
            ),
            Note::Merged { parts, dir } => {
                write!(f, "merged {parts} part(s) into {}", dir.display())
            }
        }
    }
}

/// Receives a study's progress and notes; called from the study's worker threads.
pub trait Observer: Sync {
    /// `total` replications are about to run.
    fn start(&self, total: u64);
    /// One more replication finished.
    fn replication_done(&self);
    /// The replications are over (the study may still be writing).
    fn end(&self);
    /// The study did something worth telling.
    fn note(&self, note: Note);
}

/// An observer that ignores everything (tests, benchmarks, library callers).
pub struct Silent;

impl Observer for Silent {
    fn start(&self, _: u64) {}
    fn replication_done(&self) {}
    fn end(&self) {}
    fn note(&self, _: Note) {}
}

#[cfg(test)]
mod tests {
    use super::Note;
    use std::path::PathBuf;

    #[test]
    fn a_shard_says_which_replications_it_ran_or_that_it_ran_none() {
        let note = |replications| {
            Note::ShardWritten {
                index: 1,
                count: 4,
                replications,
                arms: 2,
                seconds: 0.5,
                dir: PathBuf::from("out/minimal"),
            }
            .to_string()
        };
        assert_eq!(
            note(Some(5..=9)),
            "shard 1/4: replications 5..=9 of 2 arm(s) in 0.50 s, part written to out/minimal"
        );
        assert!(note(None).contains("shard 1/4: no replications (more shards than replications)"));
    }
}
