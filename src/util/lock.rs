//! An exclusive lock on an output directory, so two processes never write into it at once.
//!
//! The lock is an OS file lock on `<dir>/.lock`, held as long as the [`DirLock`] lives; the OS
//! releases it when the process exits, however it exits (even killed), so a stale `.lock`
//! file never blocks anyone. A second process refuses at once rather than waiting.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The name of the lock file in a locked directory.
pub const LOCK_FILE: &str = ".lock";

/// A held lock on a directory; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct DirLock {
    /// The locked directory.
    dir: PathBuf,
    /// The open lock file, which holds the lock.
    _file: File,
}

impl DirLock {
    /// Creates `dir` if needed and locks it, or fails with [`Error::Locked`] when another
    /// process holds its lock, and with a usage error when a file stands where `dir` or a
    /// folder above it would be (an `--out` naming a file, say).
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        std::fs::create_dir_all(dir).map_err(|source| match file_in_the_way(dir) {
            Some(file) => Error::Usage(format!(
                "cannot make the output folder {}: {} is a file, not a folder",
                dir.display(),
                file.display()
            )),
            None => Error::Write {
                path: dir.to_path_buf(),
                source,
            },
        })?;
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(DirLock {
                dir: dir.to_path_buf(),
                _file: file,
            }),
            Err(TryLockError::WouldBlock) => Err(Error::Locked {
                dir: dir.to_path_buf(),
            }),
            Err(TryLockError::Error(source)) => Err(Error::Write { path, source }),
        }
    }

    /// The locked directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The nearest of `dir` and the folders above it that exists and is not a folder.
fn file_in_the_way(dir: &Path) -> Option<&Path> {
    dir.ancestors()
        .find(|a| !a.as_os_str().is_empty() && a.exists() && !a.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_where_the_folder_would_be_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("out");
        std::fs::write(&file, "keep").unwrap();
        for dir in [file.clone(), file.join("china-2020")] {
            let e = DirLock::acquire(&dir).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{e:?}");
            let shown = e.to_string();
            assert!(
                shown.contains(&format!("{} is a file", file.display())),
                "{shown}"
            );
        }
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
    }

    #[test]
    fn a_second_lock_on_a_directory_is_refused_until_the_first_is_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(tmp.path()).unwrap();
        let err = DirLock::acquire(tmp.path()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        assert_eq!(err.exit_code(), 2);
        drop(first);
        DirLock::acquire(tmp.path()).unwrap();
    }
}
