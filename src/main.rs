//! The `medsupply` command: parses arguments, runs, and turns errors into an exit code.

mod cli;

use clap::FromArgMatches;
use medsupply::error::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// Reading and building a large network makes millions of small allocations, which mimalloc
/// serves much faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args =
        cli::Cli::from_arg_matches(&cli::command().get_matches()).unwrap_or_else(|e| e.exit());
    on_interrupt();
    if let Err(e) = cli::run(args) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}

/// On Ctrl-C (SIGINT): removes the temporary files being written (no partial file is ever
/// left under a final name, and now none under a temporary one either) and exits with 130.
/// The handler runs on its own thread, not in signal context, so it may take the registry's
/// lock; once it has, no new temporary file can be created.
fn on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        medsupply::util::atomic::interrupt_cleanup();
        eprintln!("interrupted: temporary files removed; outputs left are complete or absent");
        std::process::exit(130);
    });
    if let Err(e) = installed {
        eprintln!(
            "warning: cannot handle Ctrl-C ({e}); an interrupted run may leave temporary files"
        );
    }
}

/// Writes text to standard output (a closed pipe is an error to report, not a panic).
pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: PathBuf::from("<standard output>"),
            source,
        })
}
