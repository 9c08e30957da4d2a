//! `medsupply baseline`: bless a run's results as a baseline, atomically.
//!
//! The result files of every variant found under the run directory (in any of the three forms)
//! are copied, with the same layout, into a temporary directory beside the target, flushed to
//! disk, and the temporary directory is renamed into place. An existing baseline is replaced
//! only with `force` (it is moved aside, the new one renamed in, then the old one removed), so
//! a reader never sees a half-written baseline. Plots and reports are not copied.

use super::layout::{Outputs, Side, load, result_files};
use crate::error::{Error, Result};
use crate::util::atomic::{create_temp, forget_temp};
use std::path::{Path, PathBuf};

/// Writes a baseline at `to` from the results under `run`; returns what was blessed.
pub fn bless(run: &Path, to: &Path, force: bool) -> Result<Outputs> {
    let outputs = load(run, Side::Run)?;
    if to.exists() && !force {
        return Err(Error::Usage(format!(
            "the baseline {} already exists; pass --force to replace it",
            to.display()
        )));
    }
    if to.exists() && !to.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a directory",
            to.display()
        )));
    }
    let name = to.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "{} cannot be a baseline directory: it has no name",
            to.display()
        ))
    })?;
    let parent = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (run_c, to_c) = (canon(run), canon(&parent).join(name));
    if run_c.starts_with(&to_c) || to_c.starts_with(&run_c) {
        return Err(Error::Usage(format!(
            "the baseline {} and the run {} must not contain one another",
            to.display(),
            run.display()
        )));
    }
    let sibling = |tag: &str| {
        parent.join(format!(
            ".{}.{tag}-{}",
            name.to_string_lossy(),
            std::process::id()
        ))
    };
    let tmp = sibling("tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(write_err(&tmp))?;
    }
    // Registered, so that Ctrl-C removes it.
    create_temp(&tmp, || {
        std::fs::create_dir_all(&tmp).map_err(write_err(&tmp))
    })?;
    if let Err(e) = copy_results(&outputs, &tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        forget_temp(&tmp);
        return Err(e);
    }
    let result = if to.exists() {
        let old = sibling("old");
        std::fs::rename(to, &old)
            .map_err(write_err(to))
            .and_then(|()| match std::fs::rename(&tmp, to) {
                Ok(()) => std::fs::remove_dir_all(&old).map_err(write_err(&old)),
                Err(e) => {
                    let _ = std::fs::rename(&old, to);
                    Err(write_err(to)(e))
                }
            })
    } else {
        std::fs::rename(&tmp, to).map_err(write_err(to))
    };
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    forget_temp(&tmp);
    result.map(|()| outputs)
}

/// Copies the result files of every variant into `dest`, keeping their relative layout, and
/// flushes each to disk.
fn copy_results(outputs: &Outputs, dest: &Path) -> Result<()> {
    for v in &outputs.variants {
        let dir = dest.join(&v.relative);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        // The result files every run writes, and any other file its manifest lists
        // (`customer_orders.csv`), so the manifest's hashes hold in the baseline too.
        let mut names: Vec<&str> = result_files();
        names.extend(v.manifest.files.keys().map(String::as_str));
        names.sort_unstable();
        names.dedup();
        for f in names {
            let (from, to) = (v.dir.join(f), dir.join(f));
            std::fs::copy(&from, &to)
                .and_then(|_| std::fs::File::open(&to)?.sync_all())
                .map_err(|source| Error::Write { path: to, source })?;
        }
    }
    Ok(())
}
