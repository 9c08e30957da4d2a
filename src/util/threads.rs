//! The worker thread pools of studies and of chart drawing.

use crate::error::{Error, Result};

/// Most worker threads a pool may have (`--threads`). Far more threads than cores only adds
/// memory (each runs a replication of its own); and past the operating system's limits a
/// thread that cannot get its stack aborts the whole process instead of failing.
pub const MAX_THREADS: usize = 1024;

/// A thread pool of `threads` threads (0 = all cores), at most [`MAX_THREADS`].
pub fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    if threads > MAX_THREADS {
        return Err(Error::Usage(format!(
            "--threads must be at most {MAX_THREADS} (0 = all cores), got {threads}"
        )));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_of_more_than_the_most_threads_is_refused_before_any_starts() {
        assert_eq!(pool(3).unwrap().current_num_threads(), 3);
        let e = pool(MAX_THREADS + 1).unwrap_err().to_string();
        assert!(e.contains("--threads must be at most 1024"), "{e}");
        assert!(e.contains("got 1025"), "{e}");
    }
}
