//! The calibration's files in `OUT/<scenario>/calibration/`: `calibration.csv`, `fit.csv`,
//! `forecast.csv`, `calibrated.toml`, the fit charts `fit-<measure>.{svg,png}`,
//! `validation.md` and `manifest.json`, each written whole or not at all, the manifest last
//! with the SHA-256 of the others (docs/outputs.md).

use super::discrepancy::contribution;
use super::observed::Observable;
use super::report::{Context, validation_md};
use super::{CalibrateOptions, Calibration, Curve, THRESHOLD};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::output::manifest::{MANIFEST, invalidate};
use crate::output::num;
use crate::output::schema::SCHEMA_VERSION;
use crate::plots::chart::{Chart, YFormat};
use crate::plots::charts::{FitData, FitSeries, Observed, fit_chart};
use crate::plots::data::Stat;
use crate::plots::format::{date_of, plural};
use crate::plots::write_charts;
use crate::scenario::ScenarioFile;
use crate::util::atomic::atomic_write;
use crate::util::hash::{HashingWriter, sha256};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// `x` to 6 significant digits, as short as it goes (`28125`, `0.85`).
pub fn short(x: f64) -> String {
    format!("{x:.5e}")
        .parse::<f64>()
        .expect("a formatted float parses")
        .to_string()
}

/// What `manifest.json` of a calibration records.
#[derive(Serialize)]
struct CalibrationManifest<'a> {
    schema_version: u32,
    program: &'static str,
    version: &'static str,
    scenario: &'a str,
    variant: &'a str,
    scenario_hash: &'a str,
    observed: String,
    observed_hash: String,
    seed: u64,
    replications: u32,
    budget: usize,
    profile_points: usize,
    obs_error: f64,
    parameters: Vec<String>,
    files: BTreeMap<String, String>,
}

/// Writes every file of `cal` (the caller holds the scenario directory's lock).
pub fn write(
    cal: &Calibration,
    prior: &Model,
    file: &ScenarioFile,
    options: &CalibrateOptions,
    seed: u64,
    replications: u32,
) -> Result<()> {
    let dir = &cal.dir;
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    invalidate(dir)?;
    let mut files = BTreeMap::new();
    let mut put = |name: &str, write: &dyn Fn(&mut dyn Write) -> io::Result<()>| {
        let mut hash = None;
        atomic_write(&dir.join(name), |w| {
            let mut h = HashingWriter::new(w);
            write(&mut h)?;
            hash = Some(h.hex());
            Ok(())
        })?;
        files.insert(name.to_string(), hash.expect("hashed"));
        Ok::<(), Error>(())
    };
    put("calibration.csv", &|w| calibration_csv(cal, w))?;
    put("fit.csv", &|w| fit_csv(cal, options.obs_error, w))?;
    put("forecast.csv", &|w| forecast_csv(cal, prior, w))?;
    put("calibrated.toml", &|w| {
        w.write_all(calibrated_toml(cal, file, options, seed, replications).as_bytes())
    })?;
    let charts = if options.study.plots {
        fit_charts(cal, prior, replications)
    } else {
        Vec::new()
    };
    // Charts of measures no longer observed, or all of them under --no-plots, go.
    write_charts(dir, &charts, &mut |name, bytes| {
        put(name, &|w| w.write_all(bytes))
    })?;
    let cx = Context {
        options,
        start: prior.start_date,
        seed,
        replications,
        charts: options.study.plots,
    };
    put("validation.md", &|w| {
        w.write_all(validation_md(cal, &cx).as_bytes())
    })?;
    let observed = std::fs::read(&options.observed).map_err(|source| Error::Read {
        path: options.observed.clone(),
        source,
    })?;
    let manifest = CalibrationManifest {
        schema_version: SCHEMA_VERSION,
        program: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        scenario: &prior.name,
        variant: &prior.variant,
        scenario_hash: &prior.input_hash,
        observed: file_name(&options.observed),
        observed_hash: sha256(&observed),
        seed,
        replications,
        budget: options.budget,
        profile_points: options.profile_points,
        obs_error: options.obs_error,
        parameters: cal.params.iter().map(|p| p.path.clone()).collect(),
        files,
    };
    atomic_write(&dir.join(MANIFEST), |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest)?;
        writeln!(w)
    })
}

/// The last component of `path`, for messages and provenance.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `calibration.csv`: every candidate in evaluation order.
fn calibration_csv(cal: &Calibration, w: &mut dyn Write) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let mut header = vec!["index".to_string(), "phase".to_string()];
    header.extend(cal.params.iter().map(|p| p.path.clone()));
    header.push("discrepancy".into());
    c.write_record(&header)?;
    for (i, e) in cal.evaluations.iter().enumerate() {
        let mut row = vec![i.to_string(), e.phase.name().to_string()];
        row.extend(e.values.iter().map(|&v| short(v)));
        row.push(num(e.discrepancy));
        c.write_record(&row)?;
    }
    c.flush()
}

/// `fit.csv`: per observed row, the prior's and the calibrated simulation and each one's
/// contribution to the discrepancy.
fn fit_csv(cal: &Calibration, sigma: f64, w: &mut dyn Write) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "date",
        "item",
        "region",
        "measure",
        "kind",
        "observed",
        "weight",
        "prior_mean",
        "prior_p5",
        "prior_p95",
        "calibrated_mean",
        "calibrated_p5",
        "calibrated_p95",
        "contribution_prior",
        "contribution_calibrated",
    ])?;
    let (prior, best) = (&cal.evaluations[0], &cal.evaluations[cal.best]);
    for (k, o) in cal.rows.iter().enumerate() {
        let (p, b) = (&prior.rows[k], &best.rows[k]);
        let kind = if o.lower_bound {
            "lower bound"
        } else {
            "value"
        };
        let mut row = vec![
            o.date.clone(),
            o.item_id.clone(),
            o.region.clone(),
            o.observable.name().to_string(),
            kind.to_string(),
        ];
        row.extend(
            [o.value, o.weight, p.mean, p.p5, p.p95, b.mean, b.p5, b.p95]
                .into_iter()
                .chain([contribution(o, p, sigma), contribution(o, b, sigma)])
                .map(num),
        );
        c.write_record(&row)?;
    }
    c.flush()
}

/// `forecast.csv`: every series on every day of the horizon, the prior's mean and the
/// calibrated mean with P5–P95, and the observed value on the days the first row of that
/// series and date gives one.
fn forecast_csv(cal: &Calibration, prior: &Model, w: &mut dyn Write) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "date",
        "item",
        "region",
        "measure",
        "prior_mean",
        "calibrated_mean",
        "calibrated_p5",
        "calibrated_p95",
        "observed",
    ])?;
    for (k, s) in cal.series.iter().enumerate() {
        let (p, b) = (&cal.prior_curves[k], &cal.calibrated_curves[k]);
        for (day, (p, b)) in p.iter().zip(b).enumerate() {
            let observed = cal
                .rows
                .iter()
                .find(|r| r.day == day && s.holds(r))
                .map_or_else(String::new, |r| num(r.value));
            c.write_record([
                date_of(prior.start_date, day).to_string(),
                s.item_id.clone(),
                s.region.clone(),
                s.observable.name().to_string(),
                num(p.mean),
                num(b.mean),
                num(b.p5),
                num(b.p95),
                observed,
            ])?;
        }
    }
    c.flush()
}

/// The y-axis title of `observable` for an item counted in `unit`.
fn axis_title(observable: Observable, unit: &str) -> String {
    let units = plural(unit);
    match observable {
        Observable::ProducedPerDay => format!("{units} produced per day"),
        Observable::CapacityPerDay => format!("capacity, {units} per day"),
        Observable::CapacityUtilisation => "produced ÷ capacity".to_string(),
        Observable::DeliveredCumulative => format!("{units} delivered, cumulative"),
        Observable::NeedPerDay => format!("{units} needed per day"),
        Observable::ReceivedPerDay => format!("{units} received per day"),
    }
}

/// The fit chart of every observed measure, one panel per series.
fn fit_charts(cal: &Calibration, prior: &Model, replications: u32) -> Vec<Chart> {
    let mut measures: Vec<Observable> = cal.series.iter().map(|s| s.observable).collect();
    measures.dedup();
    let mean = |c: &Curve| c.iter().map(|s| s.mean).collect::<Vec<_>>();
    measures
        .into_iter()
        .map(|m| {
            let series = cal
                .series
                .iter()
                .enumerate()
                .filter(|(_, s)| s.observable == m)
                .map(|(k, s)| {
                    let c = &cal.calibrated_curves[k];
                    FitSeries {
                        item: s.item_id.clone(),
                        place: s.region.clone(),
                        y_label: axis_title(m, &prior.items[s.item].unit),
                        observed: cal
                            .rows
                            .iter()
                            .filter(|r| s.holds(r))
                            .map(|r| Observed {
                                day: r.day,
                                value: r.value,
                                lower_bound: r.lower_bound,
                            })
                            .collect(),
                        prior: mean(&cal.prior_curves[k]),
                        calibrated: Stat {
                            mean: mean(c),
                            p5: c.iter().map(|s| s.p5).collect(),
                            p95: c.iter().map(|s| s.p95).collect(),
                        },
                    }
                })
                .collect();
            fit_chart(&FitData {
                scenario: cal.scenario.clone(),
                measure: m.name().to_string(),
                format: if m.is_share() {
                    YFormat::Percent
                } else {
                    YFormat::Count
                },
                start: prior.start_date,
                days: prior.days as usize,
                replications,
                series,
            })
        })
        .collect()
}

/// `calibrated.toml`: a `[[variant]]` block to paste into the scenario, the fitted values with
/// their plausible ranges in comments (and, from `--variant V`, V's own settings first).
fn calibrated_toml(
    cal: &Calibration,
    file: &ScenarioFile,
    options: &CalibrateOptions,
    seed: u64,
    replications: u32,
) -> String {
    let best = &cal.evaluations[cal.best];
    let observed = file_name(&options.observed);
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut t = format!(
        "# Fitted by `medsupply calibrate` ({} {}) to {observed}: {} row(s), seed {seed},\n\
         # {replications} replication(s) per candidate, relative observation error {}.\n\
         # Discrepancy (weighted sum of squared standardised log errors, docs/calibration.md):\n\
         # {} as given, {} calibrated, {} candidates.\n\
         # Plausible range: the values of candidates whose discrepancy is within {} (χ² 95 %,\n\
         # 1 degree of freedom) of the fitted one, and the profile's crossings of that level.\n\
         [[variant]]\nname = \"calibrated\"\ndescription = {}\n\n[variant.set]\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        cal.rows.iter().filter(|r| r.weight > 0.0).count(),
        options.obs_error,
        num(cal.evaluations[0].discrepancy),
        num(best.discrepancy),
        cal.evaluations.len(),
        short(THRESHOLD),
        quote(&format!("Calibrated to {observed}")),
    );
    if let Some(v) = &options.variant {
        t += &format!("# From variant `{v}`:\n");
        for (path, value) in file.variant_set(v).unwrap_or_default() {
            if !cal.params.iter().any(|p| p.path == path) {
                t += &format!("{} = {value}\n", quote(&path));
            }
        }
    }
    for (k, p) in cal.params.iter().enumerate() {
        let (lo, hi) = cal.ranges[k];
        t += &format!(
            "# plausible {}..{} (searched {}..{}; was {})\n{} = {}\n",
            short(lo),
            short(hi),
            short(p.lo),
            short(p.hi),
            short(p.prior),
            quote(&p.path),
            p.toml(best.values[k])
        );
    }
    t
}
