//! How much a scenario file is trusted: the limits on input sizes, refused before anything is
//! allocated, and whether the CSV files it names may lie outside its folder. A scenario
//! received from someone else cannot raise either; only the person running it can (flags).

use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// Limits on input sizes; each can be raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest horizon, days (`days=`).
    pub days: i64,
    /// Most replications per arm (`replications=`).
    pub replications: i64,
    /// Largest scenario or CSV file, MiB (`file-mb=`).
    pub file_mb: u64,
    /// Most links in a network (`links=`): a `[[link_group]]` of a few lines joins every
    /// node of one set to every node of another, so the file's size does not bound them.
    pub links: u64,
}

/// The largest `links=` limit: a run numbers its nodes, both ends of its links and its regions
/// with 32-bit integers.
const MOST_LINKS: u64 = 2_000_000_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            days: 3650,
            replications: 1_000_000,
            file_mb: 512,
            links: 100_000_000,
        }
    }
}

impl Limits {
    /// Raises (or lowers) one limit from `KEY=N`: `days`, `replications`, `file-mb` or `links`.
    pub fn set(&mut self, setting: &str) -> Result<()> {
        let bad = || {
            Error::Usage(format!(
                "--limit takes days=N, replications=N, file-mb=N or links=N (N ≥ 1), got `{setting}`"
            ))
        };
        let (key, value) = setting.split_once('=').ok_or_else(bad)?;
        let value: u64 = value.trim().parse().map_err(|_| bad())?;
        if value == 0 {
            return Err(bad());
        }
        let signed = i64::try_from(value).map_err(|_| bad())?;
        match key.trim() {
            "days" => self.days = signed.min(i64::from(u32::MAX)),
            "replications" => self.replications = signed.min(i64::from(u32::MAX)),
            "file-mb" => self.file_mb = value.min(u64::MAX >> 20),
            "links" => self.links = value.min(MOST_LINKS),
            _ => return Err(bad()),
        }
        Ok(())
    }

    /// Checks the size of the file at `path` before it is read.
    pub fn check_file(&self, path: &Path) -> Result<()> {
        let Ok(meta) = std::fs::metadata(path) else {
            // The read that follows reports a missing or unreadable file.
            return Ok(());
        };
        if meta.len() > self.file_mb << 20 {
            return Err(Error::Usage(format!(
                "{}: {} MiB is over the limit of {} MiB for an input file (raise it with --limit file-mb=N)",
                path.display(),
                meta.len() >> 20,
                self.file_mb
            )));
        }
        Ok(())
    }
}

/// How a scenario file and the files it names are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Let CSV paths be absolute or leave the scenario's folder (`..`).
    pub allow_outside_paths: bool,
    /// Limits on input sizes.
    pub limits: Limits,
}

impl ReadOptions {
    /// Options from the command line: the flag, and `KEY=N` limit settings.
    pub fn new(allow_outside_paths: bool, limits: &[String]) -> Result<ReadOptions> {
        let mut options = ReadOptions {
            allow_outside_paths,
            limits: Limits::default(),
        };
        for setting in limits {
            options.limits.set(setting)?;
        }
        Ok(options)
    }

    /// The path of a data file named `relative` in a scenario whose folder is `base`: it must
    /// stay inside that folder (no absolute path, no `..` that climbs out of it) unless
    /// outside paths are allowed. The check is on the text of the path; a symbolic link inside
    /// the folder is followed.
    pub fn data_path(&self, base: &Path, relative: &str) -> std::result::Result<PathBuf, String> {
        let path = Path::new(relative);
        if self.allow_outside_paths {
            return Ok(base.join(path));
        }
        let mut depth = 0usize;
        for component in path.components() {
            match component {
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                Component::ParentDir if depth > 0 => depth -= 1,
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(format!(
                        "`{relative}` leaves the scenario's folder: data files must be inside it \
                         (or run with --allow-outside-paths)"
                    ));
                }
            }
        }
        if depth == 0 {
            return Err(format!("`{relative}` is not a file name"));
        }
        Ok(base.join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_stay_in_the_scenario_folder() {
        let strict = ReadOptions::default();
        let base = Path::new("scenarios");
        assert_eq!(
            strict.data_path(base, "data/a.csv").unwrap(),
            Path::new("scenarios/data/a.csv")
        );
        assert!(strict.data_path(base, "data/../a.csv").is_ok());
        for outside in [
            "../a.csv",
            "data/../../a.csv",
            "/etc/passwd",
            "",
            ".",
            "data/..",
        ] {
            assert!(strict.data_path(base, outside).is_err(), "{outside}");
        }
        let open = ReadOptions::new(true, &[]).unwrap();
        assert_eq!(
            open.data_path(base, "../a.csv").unwrap(),
            Path::new("scenarios/../a.csv")
        );
    }

    #[test]
    fn limits_are_raised_by_key() {
        let o = ReadOptions::new(
            false,
            &["days=36500".into(), "file-mb=4096".into(), "links=5".into()],
        )
        .unwrap();
        assert_eq!(o.limits.days, 36500);
        assert_eq!(o.limits.file_mb, 4096);
        assert_eq!(o.limits.links, 5);
        // A run numbers both ends of every link with 32-bit integers.
        let most = ReadOptions::new(false, &["links=99999999999".into()]).unwrap();
        assert_eq!(most.limits.links, MOST_LINKS);
        assert_eq!(o.limits.replications, Limits::default().replications);
        for bad in ["days", "days=0", "days=-1", "weeks=3", "days=x"] {
            assert!(ReadOptions::new(false, &[bad.into()]).is_err(), "{bad}");
        }
    }
}
