//! Studies: sets of replications of one or more scenario variants (arms), run in parallel with
//! rayon, possibly one shard of many. Each replication is independent and results are kept in
//! replication order, so outputs depend on neither the thread count nor the shard count.

pub mod compare;
pub mod parts;
pub mod progress;
pub mod spec;
pub mod stopping;

use crate::engine::partitions::Partitions;
use crate::engine::run_replication;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::results::Replication;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// How arms draw their random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    /// Common random numbers: replication r of every arm draws the same numbers for the same
    /// purpose, so differences between arms are paired (the default, MODEL.md §4).
    Common,
    /// Each arm gets its own seed (only to measure what common random numbers buy).
    Independent,
}

/// The seed an arm runs with.
pub fn arm_seed(seed: u64, variant: &str, streams: Streams) -> u64 {
    match streams {
        Streams::Common => seed,
        Streams::Independent => {
            let h = Sha256::new()
                .chain_update(seed.to_le_bytes())
                .chain_update(variant.as_bytes())
                .finalize();
            u64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
        }
    }
}

/// A thread pool of `threads` threads (0 = all cores).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))
}

/// Runs the given replications of `model` on `pool`, each in `partitions`, returned in the
/// order asked for.
pub fn run_some(
    pool: &rayon::ThreadPool,
    model: &Model,
    seed: u64,
    reps: &[u32],
    partitions: Partitions,
    progress: &progress::Progress,
) -> Result<Vec<Replication>> {
    let plan = partitions.plan(model, pool.current_num_threads(), reps.len())?;
    pool.install(|| {
        reps.par_iter()
            .map(|&rep| {
                let r = match &plan {
                    Some(plan) => plan.run(model, seed, rep).map(|(r, _)| r),
                    None => run_replication(model, seed, rep),
                };
                progress.tick();
                r
            })
            .collect::<Result<Vec<_>>>()
    })
}

/// Runs replications `0..replications` of `model` on `threads` threads (0 = all cores).
pub fn run_replications(
    model: &Model,
    seed: u64,
    replications: u32,
    threads: usize,
) -> Result<Vec<Replication>> {
    let reps: Vec<u32> = (0..replications).collect();
    run_some(
        &pool(threads)?,
        model,
        seed,
        &reps,
        Partitions::default(),
        &progress::Progress::hidden(),
    )
}

/// Which share of a study's replications this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// The whole study.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `i/n` (0-based i < n).
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::Usage(format!("--shard must be i/n with 0 <= i < n, got `{s}`"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<u32>().map_err(|_| bad())?,
            n.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard from `--shard`, else from a Slurm job array (`SLURM_ARRAY_TASK_ID` and
    /// `SLURM_ARRAY_TASK_COUNT`), else from a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`
    /// with `--shard-count`); None when none is given.
    pub fn from_env(
        flag: Option<&str>,
        shard_count: Option<u32>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>> {
        if let Some(f) = flag {
            return Shard::parse(f).map(Some);
        }
        if let (Some(i), Some(n)) = (env("SLURM_ARRAY_TASK_ID"), env("SLURM_ARRAY_TASK_COUNT")) {
            return Shard::parse(&format!("{i}/{n}")).map(Some);
        }
        if let Some(i) = env("JOB_COMPLETION_INDEX") {
            let n = shard_count.ok_or_else(|| {
                Error::Usage(
                    "JOB_COMPLETION_INDEX is set: give --shard-count N (the Job's completions)"
                        .into(),
                )
            })?;
            return Shard::parse(&format!("{i}/{n}")).map(Some);
        }
        if shard_count.is_some() {
            return Err(Error::Usage(
                "--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)".into(),
            ));
        }
        Ok(None)
    }

    /// This shard's replications of `0..total`: a contiguous block, by replication index.
    pub fn replications(&self, total: u32) -> Vec<u32> {
        let lo = (total as u64 * self.index as u64 / self.count as u64) as u32;
        let hi = (total as u64 * (self.index as u64 + 1) / self.count as u64) as u32;
        (lo..hi).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_replications() {
        for n in 1..7 {
            let all: Vec<u32> = (0..n)
                .flat_map(|i| Shard { index: i, count: n }.replications(10))
                .collect();
            assert_eq!(all, (0..10).collect::<Vec<_>>());
        }
        assert!(
            Shard::parse("3/3").is_err()
                && Shard::parse("x").is_err()
                && Shard::parse("0/0").is_err()
        );
    }

    #[test]
    fn shard_comes_from_flag_slurm_or_kubernetes() {
        let none = |_: &str| None;
        assert_eq!(Shard::from_env(None, None, &none).unwrap(), None);
        let slurm = |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some("2".to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some("4".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::from_env(None, None, &slurm).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        assert_eq!(
            Shard::from_env(Some("1/3"), None, &slurm).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "5".to_string());
        assert_eq!(
            Shard::from_env(None, Some(8), &k8s).unwrap(),
            Some(Shard { index: 5, count: 8 })
        );
        assert!(Shard::from_env(None, None, &k8s).is_err());
    }

    #[test]
    fn independent_streams_change_the_seed_per_arm_only_when_asked() {
        assert_eq!(arm_seed(7, "a", Streams::Common), 7);
        assert_ne!(
            arm_seed(7, "a", Streams::Independent),
            arm_seed(7, "b", Streams::Independent)
        );
    }
}
