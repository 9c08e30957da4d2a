//! Typed errors of the library; `main` turns them into a message and an exit code.

use std::fmt;
use std::path::PathBuf;

/// One problem found in an input file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// The field path (`node[3].region`) or CSV column the problem concerns.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.field, self.message)
        }
    }
}

/// Every error the library reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario (or a file it references) is invalid; every problem found is listed.
    #[error("{} problem(s) found:\n{}", .0.len(), .0.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),
    /// An input file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An output file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A saved output file (read back by `medsupply plot`) is incomplete or malformed.
    #[error("{}: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where in the file.
        message: String,
    },
    /// A chart could not be drawn.
    #[error("cannot draw {}: {message}", path.display())]
    Plot {
        /// The chart file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Conservation of units failed: a bug in the engine, never a user error.
    #[error("internal error: unit ledger does not balance: {0}")]
    Ledger(String),
    /// `check` found results outside the allowed bounds (the report says which).
    #[error("regression: {failed} of {compared} comparison(s) outside the allowed bounds")]
    Regression {
        /// Comparisons outside their bounds.
        failed: usize,
        /// Comparisons made.
        compared: usize,
    },
    /// `check` cannot compare a run with a baseline (another scenario, an incompatible schema,
    /// missing files); the message says why.
    #[error("cannot compare: {0}")]
    Incomparable(String),
    /// An output or part directory was not finished: a run writing it was killed or is still
    /// running (no completion marker, or temporary files left in it).
    #[error(
        "{} is incomplete: {why}; the run that wrote it was interrupted or is still running: \
         run it again",
        dir.display()
    )]
    Incomplete {
        /// The directory.
        dir: PathBuf,
        /// What shows it.
        why: String,
    },
    /// A finished output or part file differs from the SHA-256 its directory's marker recorded
    /// when it was written.
    #[error(
        "{}: altered after it was written (its SHA-256 is not the one {marker} recorded); \
         run it again",
        path.display()
    )]
    Tampered {
        /// The file.
        path: PathBuf,
        /// The marker file that recorded its hash (`manifest.json`, `part.json`).
        marker: String,
    },
    /// Another process is writing into the same output directory.
    #[error(
        "{} is in use by another medsupply process (it holds {}/.lock); wait for it to finish \
         or give another --out",
        dir.display(),
        dir.display()
    )]
    Locked {
        /// The directory.
        dir: PathBuf,
    },
    /// The process was interrupted (Ctrl-C) while writing.
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// Process exit code: 2 for bad input, usage, an impossible comparison, an incomplete or
    /// altered output, or an output directory in use; 1 for I/O trouble or a regression found by
    /// `check`; 3 for an engine bug; 130 when interrupted.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_)
            | Error::Usage(_)
            | Error::Read { .. }
            | Error::Corrupt { .. }
            | Error::Incomparable(_)
            | Error::Incomplete { .. }
            | Error::Tampered { .. }
            | Error::Locked { .. } => 2,
            Error::Write { .. } | Error::Plot { .. } | Error::Regression { .. } => 1,
            Error::Ledger(_) => 3,
            Error::Interrupted => 130,
        }
    }
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
