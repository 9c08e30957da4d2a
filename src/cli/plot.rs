//! `medsupply plot`: re-draw the charts and the report of a finished run from its saved
//! output files, without re-running the simulation.

use crate::error::{Error, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `medsupply plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A scenario's output directory (OUT/<scenario>), or one variant directory inside it
    /// (then only that variant's chart files are re-drawn; the report covers every variant).
    pub run_dir: PathBuf,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Where to draw: the scenario directory, and the one variant asked for, if any.
fn resolve(run_dir: &Path) -> Result<(PathBuf, Option<String>)> {
    if !run_dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a directory; give OUT/<scenario> as written by `medsupply run`",
            run_dir.display()
        )));
    }
    if run_dir.join("manifest.json").is_file() {
        let name = run_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let parent = run_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return Ok((parent.to_path_buf(), name));
    }
    Ok((run_dir.to_path_buf(), None))
}

/// Re-draws the plots and the report.
pub(crate) fn run(args: &PlotArgs) -> Result<()> {
    let started = Instant::now();
    let (dir, variant) = resolve(&args.run_dir)?;
    let only = variant.map(|v| vec![v]);
    let drawn = crate::plots::draw(&dir, only.as_deref(), args.threads)?;
    eprintln!(
        "{} chart(s) drawn, {} file(s) written, in {:.2} s; report: {}",
        drawn.charts,
        drawn.files,
        started.elapsed().as_secs_f64(),
        drawn.report.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_directory_resolves_to_its_scenario() {
        let tmp = tempfile::tempdir().unwrap();
        let v = tmp.path().join("minimal").join("base");
        std::fs::create_dir_all(&v).unwrap();
        std::fs::write(v.join("manifest.json"), "{}").unwrap();
        let (dir, only) = resolve(&v).unwrap();
        assert_eq!(dir, tmp.path().join("minimal"));
        assert_eq!(only.as_deref(), Some("base"));
        let (dir, only) = resolve(&tmp.path().join("minimal")).unwrap();
        assert_eq!((dir, only), (tmp.path().join("minimal"), None));
        let e = resolve(&tmp.path().join("nowhere")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }
}
