//! Studies: sets of replications of one or more scenario variants (arms), run in parallel with
//! rayon, possibly one shard of many. Each replication is independent and results are handed on
//! in replication order as they finish (then dropped), so outputs depend on neither the thread
//! count nor the shard count, and memory does not grow with the replication count.

pub mod design;
mod execute;
pub mod observer;
pub mod parts;
pub mod slurm;
pub mod spec;
pub mod stopping;

/// A study's thread pool (see [`crate::util::threads`]).
pub use crate::util::threads::pool;
pub use design::{Design, Stopping, Variants};
pub use execute::{StudyOptions, merge, run_study};
pub use observer::{Note, Observer, Silent};

use crate::engine::partitions::Partitions;
use crate::engine::{RunContext, run_replication};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::results::Replication;
use crate::stats::aggregate::Aggregate;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

/// How arms draw their random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    /// Common random numbers: replication r of every arm draws the same numbers for the same
    /// purpose, so differences between arms are paired (the default; docs/model.md).
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

/// What a consumer of results wants after taking one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The next result, please.
    Continue,
    /// Enough: start no further job and hand over no further result.
    Stop,
}

/// Results finished but not yet taken, per worker thread: workers run at most this many jobs
/// ahead of the next one to take, so at most `AHEAD * threads` results are held.
const AHEAD: usize = 4;

/// Runs jobs `0..jobs` on `pool`'s threads and hands each result to `take` in job order as
/// soon as it and every job before it have finished. `take` runs on the workers themselves:
/// the worker that finishes the next result to take takes it, and every result after it that
/// is ready, while the others go on with jobs; so a study on T threads uses T cores, whatever
/// share of its work `take` is. Workers take jobs in order and wait while they are [`AHEAD`] ×
/// threads jobs ahead of the next result to take, so results finished out of order wait in a
/// reorder buffer of bounded size. The first error, in job order, stops everything and is
/// returned; a panic (a job's or `take`'s) stops everything and is raised again here. Call it
/// from outside `pool` (the calling thread waits for the workers).
pub fn run_ordered<T: Send>(
    pool: &rayon::ThreadPool,
    jobs: usize,
    job: impl Fn(usize) -> Result<T> + Sync,
    take: impl FnMut(usize, T) -> Result<Flow> + Send,
) -> Result<()> {
    struct State<T> {
        /// The next job to start.
        next: usize,
        /// The next job to take.
        taken: usize,
        /// Finished jobs not yet taken.
        done: BTreeMap<usize, Result<T>>,
        /// Whether a worker is taking results now (one at a time, in order).
        taking: bool,
        /// Set when `take` stops, on an error, or when a job or `take` panicked.
        stop: bool,
        /// The first error, in job order.
        outcome: Result<()>,
    }
    /// Stops everything when the thread holding it unwinds from a panic (a job's, or
    /// `take`'s), so that nobody waits for it.
    struct PanicGuard<'a, T>(&'a Mutex<State<T>>, &'a Condvar);
    impl<T> Drop for PanicGuard<'_, T> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                if let Ok(mut s) = self.0.lock() {
                    s.stop = true;
                }
                self.1.notify_all();
            }
        }
    }
    let threads = pool.current_num_threads();
    let window = AHEAD * threads;
    let state = Mutex::new(State {
        next: 0,
        taken: 0,
        done: BTreeMap::new(),
        taking: false,
        stop: false,
        outcome: Ok(()),
    });
    let changed = Condvar::new();
    let take = Mutex::new(take);
    let lock = || state.lock().expect("no worker panics holding the lock");
    pool.in_place_scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| {
                let _guard = PanicGuard(&state, &changed);
                loop {
                    let i = {
                        let mut s = lock();
                        while !s.stop && s.next < jobs && s.next >= s.taken + window {
                            s = changed.wait(s).expect("no worker panics holding the lock");
                        }
                        if s.stop || s.next >= jobs {
                            return;
                        }
                        s.next += 1;
                        s.next - 1
                    };
                    let result = job(i);
                    let mut s = lock();
                    s.done.insert(i, result);
                    if s.taking {
                        // The worker taking now takes this one too when its turn comes.
                        continue;
                    }
                    s.taking = true;
                    while !s.stop {
                        let i = s.taken;
                        let Some(result) = s.done.remove(&i) else {
                            break;
                        };
                        drop(s);
                        let flow = result.and_then(|t| {
                            let mut take = take.lock().expect("no panic while taking");
                            take(i, t)
                        });
                        s = lock();
                        match flow {
                            Ok(Flow::Continue) => s.taken += 1,
                            Ok(Flow::Stop) => s.stop = true,
                            Err(e) => {
                                s.stop = true;
                                s.outcome = Err(e);
                            }
                        }
                        changed.notify_all();
                    }
                    s.taking = false;
                }
            });
        }
    });
    state
        .into_inner()
        .expect("no worker panics holding the lock")
        .outcome
}

/// Runs replications `reps` of every arm in `models` on `pool` and hands each to `take` as
/// `(arm, replication)`, replication by replication (every arm's replication `reps[k]` before
/// any arm's `reps[k + 1]`) and arm by arm within one, each as soon as it and everything before
/// it have finished (see [`run_ordered`]).
pub fn run_arms(
    pool: &rayon::ThreadPool,
    models: &[Model],
    seed: u64,
    reps: &[u32],
    partitions: Partitions,
    observer: &dyn Observer,
    mut take: impl FnMut(usize, Replication) -> Result<Flow> + Send,
) -> Result<()> {
    let arms = models.len();
    let threads = pool.current_num_threads();
    let plans = models
        .iter()
        .map(|m| partitions.plan(m, threads, reps.len()))
        .collect::<Result<Vec<_>>>()?;
    // Each arm's census and route cache, shared by its replications.
    let contexts: Vec<RunContext> = models.iter().map(RunContext::new).collect();
    run_ordered(
        pool,
        reps.len() * arms,
        |j| {
            let (ctx, rep) = (&contexts[j % arms], reps[j / arms]);
            let r = match &plans[j % arms] {
                Some(plan) => plan.run(ctx, seed, rep).map(|(r, _)| r),
                None => run_replication(ctx, seed, rep),
            };
            observer.replication_done();
            r
        },
        |j, rep| take(j % arms, rep),
    )
}

/// Runs replications `reps` of every arm in `models` on `pool` (see [`run_arms`]) and folds
/// each arm's, in order, into its [`Aggregate`], finished: a study without a stopping rule.
pub fn fold_arms(
    pool: &rayon::ThreadPool,
    models: &[Model],
    seed: u64,
    reps: &[u32],
    partitions: Partitions,
    observer: &dyn Observer,
) -> Result<Vec<Aggregate>> {
    // Made and finished on the study's threads: a large network has millions of cells.
    let mut aggs = pool.install(|| Aggregate::for_arms(models));
    run_arms(
        pool,
        models,
        seed,
        reps,
        partitions,
        observer,
        |arm, rep| {
            aggs[arm].fold(&models[arm], rep);
            Ok(Flow::Continue)
        },
    )?;
    pool.install(|| aggs.iter_mut().for_each(Aggregate::finish));
    Ok(aggs)
}

/// Runs replications `0..replications` of `model` on `threads` threads (0 = all cores) and
/// returns them in order (for tests and benchmarks: a study folds them as they finish).
pub fn run_replications(
    model: &Model,
    seed: u64,
    replications: u32,
    threads: usize,
) -> Result<Vec<Replication>> {
    let reps: Vec<u32> = (0..replications).collect();
    let mut out = Vec::with_capacity(reps.len());
    run_arms(
        &pool(threads)?,
        std::slice::from_ref(model),
        seed,
        &reps,
        Partitions::default(),
        &Silent,
        |_, r| {
            out.push(r);
            Ok(Flow::Continue)
        },
    )?;
    Ok(out)
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
    fn results_come_in_job_order_and_few_are_held_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        /// A result that counts how many exist at once.
        struct Held<'a>(&'a AtomicUsize);
        impl Drop for Held<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        for threads in [1, 2, 4] {
            let pool = pool(threads).unwrap();
            let alive = AtomicUsize::new(0);
            let (mut order, mut most) = (Vec::new(), 0);
            // Threads that ran a job or took a result: the pool's, and no other.
            let ran = std::sync::Mutex::new(std::collections::BTreeSet::new());
            let note = || {
                ran.lock()
                    .unwrap()
                    .insert(format!("{:?}", std::thread::current().id()))
            };
            run_ordered(
                &pool,
                500,
                |i| {
                    note();
                    // Every tenth job is slow, so later ones finish first.
                    if i % 10 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    alive.fetch_add(1, Ordering::SeqCst);
                    Ok((i, Held(&alive)))
                },
                |i, (j, held)| {
                    note();
                    assert!(rayon::current_thread_index().is_some(), "taken on a worker");
                    assert_eq!(i, j);
                    order.push(i);
                    most = most.max(alive.load(Ordering::SeqCst));
                    drop(held);
                    Ok(Flow::Continue)
                },
            )
            .unwrap();
            assert_eq!(order, (0..500).collect::<Vec<_>>());
            assert!(
                most <= AHEAD * threads,
                "{most} results held on {threads} thread(s)"
            );
            assert_eq!(alive.load(Ordering::SeqCst), 0);
            let ran = ran.lock().unwrap().len();
            assert!(ran <= threads, "{ran} threads busy for {threads}");
        }
    }

    #[test]
    fn the_consumer_can_stop_and_errors_come_in_job_order() {
        let pool = pool(3).unwrap();
        let mut seen = Vec::new();
        run_ordered(&pool, 100, Ok, |i, _| {
            seen.push(i);
            Ok(if i == 9 { Flow::Stop } else { Flow::Continue })
        })
        .unwrap();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        let err = run_ordered(
            &pool,
            100,
            |i| {
                if i >= 40 {
                    Err(Error::Usage(format!("job {i}")))
                } else {
                    Ok(i)
                }
            },
            |_, _| Ok(Flow::Continue),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), Error::Usage("job 40".into()).to_string());
    }

    #[test]
    fn a_panic_in_a_job_or_the_consumer_is_raised_again_rather_than_waited_for() {
        let pool = pool(2).unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_ordered(
                &pool,
                50,
                |i| {
                    assert_ne!(i, 5, "job 5 fails");
                    Ok(i)
                },
                |_, _| Ok(Flow::Continue),
            )
        }));
        assert!(outcome.is_err());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_ordered(&pool, 50, Ok, |i, _| {
                assert_ne!(i, 3, "the consumer fails at 3");
                Ok(Flow::Continue)
            })
        }));
        assert!(outcome.is_err());
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
