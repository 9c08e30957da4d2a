//! Files written whole or not at all: written under a temporary name in the same directory,
//! synced, then renamed into place.
//!
//! Every temporary name this process has created and not yet renamed or removed is kept in a
//! registry, so that an interrupted process (Ctrl-C) can remove them with
//! [`interrupt_cleanup`] before it exits. Once that has run, no new temporary file can be
//! created: [`AtomicFile::create`] fails with [`Error::Interrupted`].

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The temporary files (and directories) of this process, and whether it was interrupted.
struct Live {
    /// Set by [`interrupt_cleanup`]: no temporary file may be created any more.
    interrupted: bool,
    /// Temporary paths that may exist.
    paths: BTreeSet<PathBuf>,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    interrupted: false,
    paths: BTreeSet::new(),
});

fn live() -> MutexGuard<'static, Live> {
    // A panic while holding the lock leaves the registry as consistent as it was.
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers the temporary `path` and runs `create` (which creates it) while no interrupt can
/// be cleaning up: either the path is created and will be removed by [`interrupt_cleanup`], or
/// the process was interrupted and nothing is created.
pub fn create_temp<T>(path: &Path, create: impl FnOnce() -> Result<T>) -> Result<T> {
    let mut live = live();
    if live.interrupted {
        return Err(Error::Interrupted);
    }
    let made = create()?;
    live.paths.insert(path.to_path_buf());
    Ok(made)
}

/// Forgets the temporary `path` (renamed into place or removed).
pub fn forget_temp(path: &Path) {
    live().paths.remove(path);
}

/// Removes every temporary file and directory this process has not finished with, and stops
/// any more from being created; for a signal handler, just before the process exits.
/// Returns the paths removed.
pub fn interrupt_cleanup() -> Vec<PathBuf> {
    let mut live = live();
    live.interrupted = true;
    let paths = std::mem::take(&mut live.paths);
    paths
        .into_iter()
        .filter(|p| {
            if p.is_dir() {
                std::fs::remove_dir_all(p).is_ok()
            } else {
                std::fs::remove_file(p).is_ok()
            }
        })
        .collect()
}

/// The temporary name of `path` for this process: `<stem>.tmp-<pid>` beside it.
pub fn temp_path(path: &Path) -> PathBuf {
    path.with_extension(format!("tmp-{}", std::process::id()))
}

/// Whether a file name is a temporary name (`….tmp-<pid>`, possibly followed by an
/// extension), as [`temp_path`] and the other writers of this crate make them.
pub fn is_temp_name(name: &str) -> bool {
    name.match_indices(".tmp-").any(|(k, m)| {
        name[k + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The temporary files left in `dir` (not recursive), sorted; none if it cannot be listed.
pub fn temp_files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| is_temp_name(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Removes the temporary files left in `dir` by processes that were killed; call it only while
/// holding the directory's lock ([`super::lock::DirLock`]), so none of them is live.
pub fn remove_stale_temps(dir: &Path) -> Result<()> {
    for p in temp_files_in(dir) {
        let removed = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        removed.map_err(|source| Error::Write { path: p, source })?;
    }
    Ok(())
}

/// A file written under a temporary name in the same directory and renamed into place by
/// [`AtomicFile::commit`]; dropped before that, it removes the temporary file.
pub struct AtomicFile {
    /// The final name.
    path: PathBuf,
    /// The temporary name.
    tmp: PathBuf,
    /// The writer, until committed.
    w: Option<BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let tmp = temp_path(path);
        let f = create_temp(&tmp, || {
            std::fs::File::create(&tmp).map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            w: Some(BufWriter::new(f)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<std::fs::File> {
        self.w.as_mut().expect("not yet committed")
    }

    /// An error writing this file.
    pub fn error(&self, source: io::Error) -> Error {
        Error::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let mut w = self.w.take().expect("committed once");
        let done = w.flush().and_then(|()| w.get_ref().sync_all());
        drop(w);
        let result = done
            .and_then(|()| std::fs::rename(&self.tmp, &self.path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&self.tmp);
                self.error(e)
            });
        forget_temp(&self.tmp);
        result
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.w.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
            forget_temp(&self.tmp);
        }
    }
}

/// Writes `path` through a temporary file in the same directory, then renames it into place.
pub fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).map_err(|e| file.error(e))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        assert!(is_temp_name("timeseries.tmp-123"));
        assert!(is_temp_name("n95-national-stock.tmp-9.png"));
        assert!(is_temp_name(".golden.tmp-42"));
        assert!(!is_temp_name("timeseries.csv"));
        assert!(!is_temp_name("a.tmp-x"));
        let p = Path::new("/x/summary.json");
        assert!(is_temp_name(
            &temp_path(p).file_name().unwrap().to_string_lossy()
        ));
    }
}
