//! A progress bar on stderr for long runs (replications done, rate, ETA); hidden when stderr is
//! not a terminal or when asked to be quiet.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Progress of a study's replications.
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar for `total` replications, shown only on a terminal and unless `quiet`.
    pub fn new(total: u64, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {pos}/{len} replications {wide_bar} {per_sec} ETA {eta}",
            )
            .expect("valid template"),
        );
        Progress(bar)
    }

    /// A bar that draws nothing.
    pub fn hidden() -> Progress {
        Progress(ProgressBar::hidden())
    }

    /// One replication done.
    pub fn tick(&self) {
        self.0.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
