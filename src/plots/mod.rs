//! Plots and the HTML report, drawn from a run's saved output files alone, so
//! `medsupply plot` can re-draw them without re-running the simulation.
//!
//! A chart is first data ([`chart::Chart`], built in [`charts`] from what [`data`] reads back),
//! then drawn by [`render`] as SVG and PNG with the bundled font ([`font`]). [`report`] puts
//! the headline KPIs, a comparison's paired differences and every chart into one
//! self-contained `report.html`, with the charts' SVG made small by [`compact`] and the page's
//! bulk (charts, long tables) compressed by [`pack`].
//!
//! Layout: `OUT/<scenario>/<variant>/plots/<product>-<place>-<chart>.{svg,png}`, charts across
//! variants (and a sweep's `<product>-national-sweep` charts) in `OUT/<scenario>/plots/`, and
//! `OUT/<scenario>/report.html`.

pub mod chart;
pub mod charts;
pub mod compact;
pub mod data;
pub mod font;
pub mod format;
pub mod map;
pub mod pack;
pub mod render;
pub mod report;

use crate::error::{Error, Result};
use crate::util::atomic::{atomic_write, is_temp_name, remove_stale_temps, temp_files_in};
use crate::util::lock::DirLock;
use chart::Chart;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A chart drawn as SVG, and where its files went.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The chart.
    pub chart: Chart,
    /// Its SVG document.
    pub svg: String,
    /// Its SVG file, relative to the scenario directory (a PNG lies beside it).
    pub file: String,
    /// Whether this drawing wrote its files.
    pub written: bool,
}

/// What [`draw`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// Charts drawn (each as SVG, and as SVG + PNG files when written).
    pub charts: usize,
    /// Chart files written.
    pub files: usize,
    /// The report.
    pub report: PathBuf,
}

/// The name of the chart directories.
pub const PLOTS: &str = "plots";

/// Draws the charts and report of a finished run: `run_dir` is a scenario's output directory
/// (OUT/<scenario>), or one variant's directory in it (then only that variant is drawn). The
/// scenario directory is locked while drawing, so a run cannot write into it meanwhile.
pub fn draw_run(run_dir: &Path, threads: usize) -> Result<Drawn> {
    let (dir, variant) = resolve(run_dir)?;
    let only = variant.map(|v| vec![v]);
    let pool = crate::util::threads::pool(threads)?;
    let _lock = DirLock::acquire(&dir)?;
    remove_stale_plot_temps(&dir)?;
    draw(&dir, only.as_deref(), &pool)
}

/// Removes the temporary chart and report files an interrupted drawing left in the scenario
/// directory `dir` (they are re-drawn); temporary result files are left, and make the
/// directory incomplete. The caller holds the directory's lock.
fn remove_stale_plot_temps(dir: &Path) -> Result<()> {
    let report = |p: &PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("report.tmp-"))
    };
    for p in temp_files_in(dir).into_iter().filter(report) {
        std::fs::remove_file(&p).map_err(|source| Error::Write { path: p, source })?;
    }
    remove_stale_temps(&dir.join(PLOTS))?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let plots = e.path().join(PLOTS);
            if plots.is_dir() && !is_temp_name(&e.file_name().to_string_lossy()) {
                remove_stale_temps(&plots)?;
            }
        }
    }
    Ok(())
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

/// Draws the charts and the report of the scenario run in `dir` (`OUT/<scenario>`) on `pool`
/// (a study draws on the pool its replications ran on). The report covers every variant found there;
/// chart files are written for the variants in `only` (all when `None`) and, across
/// variants, for the scenario. Stale chart files in those `plots/` directories are removed,
/// so the plot set is always what the saved outputs give.
pub fn draw(dir: &Path, only: Option<&[String]>, pool: &rayon::ThreadPool) -> Result<Drawn> {
    font::register()?;
    let scenario = data::load_scenario(dir)?;
    if let Some(names) = only
        && let Some(missing) = names.iter().find(|n| scenario.variant_index(n).is_none())
    {
        return Err(Error::Usage(format!(
            "{}: no outputs of variant `{missing}`",
            dir.display()
        )));
    }
    // Each chart with its plots directory, and whether to write its files there.
    let mut jobs: Vec<(Chart, PathBuf, bool)> = Vec::new();
    let mut plot_dirs = Vec::new();
    for (i, v) in scenario.variants.iter().enumerate() {
        let write = only.is_none_or(|o| o.iter().any(|n| n == v.name()));
        let out = v.dir.join(PLOTS);
        if write {
            plot_dirs.push(out.clone());
        }
        jobs.extend(
            charts::variant_charts(&scenario, i)
                .into_iter()
                .map(|c| (c, out.clone(), write)),
        );
    }
    let across = dir.join(PLOTS);
    plot_dirs.push(across.clone());
    jobs.extend(
        charts::overlay_charts(&scenario)
            .into_iter()
            .chain(map::map_charts(&scenario)?)
            .chain(charts::sweep_charts(&scenario))
            .map(|c| (c, across.clone(), true)),
    );
    for d in &plot_dirs {
        if jobs.iter().any(|(_, o, w)| *w && o == d) {
            std::fs::create_dir_all(d).map_err(|source| Error::Write {
                path: d.clone(),
                source,
            })?;
        }
    }
    let rendered: Vec<Rendered> = pool.install(|| {
        jobs.into_par_iter()
            .map(|(chart, out, write)| render_one(dir, chart, &out, write))
            .collect::<Result<Vec<_>>>()
    })?;
    let written: Vec<&Rendered> = rendered.iter().filter(|r| r.written).collect();
    let keep: BTreeSet<PathBuf> = written
        .iter()
        .flat_map(|r| {
            let svg = dir.join(&r.file);
            [svg.with_extension("png"), svg]
        })
        .collect();
    for d in &plot_dirs {
        prune(d, &keep)?;
    }
    let report = dir.join("report.html");
    let page = report::html(&scenario, &rendered);
    atomic_write(&report, |w| w.write_all(page.as_bytes()))?;
    Ok(Drawn {
        charts: rendered.len(),
        files: written.len() * 2,
        report,
    })
}

/// Draws one chart as SVG and, when `write`, writes its SVG and PNG files into `out`.
fn render_one(dir: &Path, chart: Chart, out: &Path, write: bool) -> Result<Rendered> {
    let svg = render::svg(&chart)?;
    let path = out.join(format!("{}.svg", chart.file_stem));
    if write {
        // A map repeats its outlines on every small multiple: its file defines each once.
        let file = match chart.map {
            Some(_) => std::borrow::Cow::Owned(compact::Compactor::standalone(&svg)),
            None => std::borrow::Cow::Borrowed(&svg),
        };
        atomic_write(&path, |w| w.write_all(file.as_bytes()))?;
        render::png(&chart, &path.with_extension("png"))?;
    }
    let file = path
        .strip_prefix(dir)
        .unwrap_or(&path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Ok(Rendered {
        chart,
        svg,
        file,
        written: write,
    })
}

/// Renders each chart as SVG and PNG and hands every file to `put` by name (`<stem>.svg`,
/// `<stem>.png`), then removes the chart files in `dir` it did not write: a study's own charts
/// (calibration fits, optimisation progress) are the files `put` writes into `dir`.
pub fn write_charts(
    dir: &Path,
    charts: &[Chart],
    put: &mut dyn FnMut(&str, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut keep = BTreeSet::new();
    for chart in charts {
        let svg = render::svg(chart)?;
        let png = render::png_bytes(chart)?;
        for (ext, bytes) in [("svg", svg.as_bytes()), ("png", &png[..])] {
            let name = format!("{}.{ext}", chart.file_stem);
            put(&name, bytes)?;
            keep.insert(dir.join(name));
        }
    }
    prune(dir, &keep)
}

/// Removes chart files (SVG and PNG) in `plots` that are not in `keep` (and the directory, if
/// that leaves it empty).
pub fn prune(plots: &Path, keep: &BTreeSet<PathBuf>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(plots) else {
        return Ok(());
    };
    let mut left = 0;
    for e in entries.flatten() {
        let p = e.path();
        let chart_file = matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("svg") | Some("png")
        );
        if chart_file && !keep.contains(&p) {
            std::fs::remove_file(&p).map_err(|source| Error::Write {
                path: p.clone(),
                source,
            })?;
        } else {
            left += 1;
        }
    }
    if left == 0 {
        let _ = std::fs::remove_dir(plots);
    }
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
