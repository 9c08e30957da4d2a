//! Running replications in parallel: each replication is independent, results are collected in
//! replication order, so outputs do not depend on the thread count.

use crate::engine::run_replication;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::results::Replication;
use rayon::prelude::*;

/// Runs replications `0..replications` of `model` on `threads` threads (0 = all cores).
pub fn run_replications(
    model: &Model,
    seed: u64,
    replications: u32,
    threads: usize,
) -> Result<Vec<Replication>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;
    pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|rep| run_replication(model, seed, rep))
            .collect::<Result<Vec<_>>>()
    })
}
