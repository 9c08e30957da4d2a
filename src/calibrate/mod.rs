//! `medsupply calibrate`: fits scenario parameters to observed figures. Candidates are
//! simulated with common random numbers (the same seed and replications for every one): a
//! Latin hypercube over the parameters' box, Nelder–Mead from its best points, then a profile
//! of the discrepancy along each parameter through the optimum, from which its plausible range
//! is read (docs/calibration.md). Batches of candidates run side by side on the thread pool and
//! every output is the same for any thread count.

pub mod discrepancy;
pub mod observed;
mod outputs;
pub mod params;
pub mod report;
pub mod search;

use crate::engine::partitions::Partitions;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::build::{build, build_candidate};
use crate::model::validate::build_all;
use crate::scenario::ScenarioFile;
use crate::study::{Flow, Note, Observer, StudyOptions, pool, run_arms};
use crate::util::lock::DirLock;
use discrepancy::{Simulated, discrepancy};
use observed::{Observation, ObservedSeries};
use params::Param;
use rayon::prelude::*;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The rise of the discrepancy that bounds a plausible range: the 95 % quantile of χ² with one
/// degree of freedom (a likelihood-ratio interval for one parameter).
pub const THRESHOLD: f64 = 3.841_458_820_694_124;

/// The share of the budget the Latin hypercube takes (the rest goes to Nelder–Mead).
pub const LHS_SHARE: f64 = 0.6;

/// Candidates per parameter in each of the profile's two stages, unless told otherwise.
pub const PROFILE_POINTS: usize = 8;

/// What a calibration runs.
#[derive(Debug, Clone)]
pub struct CalibrateOptions {
    /// The observed file.
    pub observed: PathBuf,
    /// `PATH=LO..HI`, one per parameter.
    pub params: Vec<String>,
    /// Candidates simulated by the Latin hypercube and Nelder–Mead together.
    pub budget: usize,
    /// Candidates per parameter in each of the profile's two stages.
    pub profile_points: usize,
    /// The relative observation error σ.
    pub obs_error: f64,
    /// The variant the parameters apply to (None: the base).
    pub variant: Option<String>,
    /// Replications per candidate, the seed every candidate shares, threads, partitions, plots
    /// and the output directory (`out/<scenario>/calibration/`); a calibration is not sharded.
    pub study: StudyOptions,
    /// The command line that asked for it, the program first, as validation.md quotes it
    /// (empty: not quoted).
    pub command: Vec<OsString>,
}

/// The phase of the search that evaluated a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The scenario as given.
    Prior,
    /// The Latin hypercube.
    Lhs,
    /// Nelder–Mead.
    NelderMead,
    /// A profile through the optimum.
    Profile,
}

impl Phase {
    /// Its name in calibration.csv.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Prior => "prior",
            Phase::Lhs => "lhs",
            Phase::NelderMead => "nelder-mead",
            Phase::Profile => "profile",
        }
    }
}

/// One evaluated candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The phase that asked for it.
    pub phase: Phase,
    /// The parameters' values, in parameter order.
    pub values: Vec<f64>,
    /// Its discrepancy.
    pub discrepancy: f64,
    /// Each observed row as it simulated it.
    pub rows: Vec<Simulated>,
}

/// An observed series as one candidate simulated it over the whole horizon: each day across
/// the replications.
pub type Curve = Vec<Simulated>;

/// A finished calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The scenario's name.
    pub scenario: String,
    /// The parameters.
    pub params: Vec<Param>,
    /// The observed rows.
    pub rows: Vec<Observation>,
    /// Every candidate, in evaluation order (the prior first).
    pub evaluations: Vec<Evaluation>,
    /// The optimum: the best candidate of the search and the profiles.
    pub best: usize,
    /// Each parameter's plausible range.
    pub ranges: Vec<(f64, f64)>,
    /// The distinct series of the observed rows.
    pub series: Vec<ObservedSeries>,
    /// Each series as the scenario as given simulated it.
    pub prior_curves: Vec<Curve>,
    /// Each series as the optimum simulated it.
    pub calibrated_curves: Vec<Curve>,
    /// Where the outputs were written.
    pub dir: PathBuf,
}

impl Calibration {
    /// A few lines for a person: the fitted values with their ranges, and the discrepancy
    /// before and after.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} candidates simulated; discrepancy {:.3} as given, {:.3} calibrated\n",
            self.evaluations.len(),
            self.evaluations[0].discrepancy,
            self.evaluations[self.best].discrepancy
        );
        for (k, p) in self.params.iter().enumerate() {
            let (lo, hi) = self.ranges[k];
            s += &format!(
                "  {} = {} (was {}; plausible {}..{})\n",
                p.path,
                self.evaluations[self.best].values[k],
                p.prior,
                outputs::short(lo),
                outputs::short(hi)
            );
        }
        s + &format!("written to {}", self.dir.display())
    }
}

/// Runs a calibration of `scenario`: reads and checks the scenario, the parameters and the
/// observed file before anything runs (so bad input leaves no file behind), searches, and
/// writes `calibration.csv`, `fit.csv`, `forecast.csv`, the fit charts (unless the study's
/// `plots` is off), `validation.md`, `calibrated.toml` and `manifest.json`.
pub fn calibrate(
    scenario: &Path,
    options: &CalibrateOptions,
    observer: &dyn Observer,
) -> Result<Calibration> {
    let study = &options.study;
    if study.shard.is_some() {
        return Err(Error::Usage(
            "a calibration decides each candidate from the last: it cannot be sharded".into(),
        ));
    }
    let file = ScenarioFile::read_with(scenario, &study.input)?;
    build_all(&file)?;
    let variant = options.variant.as_deref();
    let prior = build(&file, variant)?;
    let params = options
        .params
        .iter()
        .map(|p| Param::resolve(p, &file, variant))
        .collect::<Result<Vec<_>>>()?;
    for (k, p) in params.iter().enumerate() {
        if params[..k].iter().any(|q| q.path == p.path) {
            return Err(Error::Usage(format!("--param `{}` is given twice", p.path)));
        }
    }
    // Both corners of the box must make a valid model: a range the model refuses is reported
    // now, not halfway through.
    for u in [0.0, 1.0] {
        let settings = settings(&params, &vec![u; params.len()]);
        build_candidate(&file, variant, &prior, &settings, "calibration")?;
    }
    let rows = observed::read(&options.observed, &prior)?;
    let most = study.input.limits.replications;
    let replications = study.replications.unwrap_or(prior.replications);
    if !(1..=most).contains(&i64::from(replications)) {
        return Err(Error::Usage(format!(
            "--replications must be between 1 and {most}, got {replications}"
        )));
    }
    let dims = params.len();
    if options.budget < 2 * (dims + 1) {
        return Err(Error::Usage(format!(
            "--budget must be at least {} for {dims} parameter(s) (twice a simplex)",
            2 * (dims + 1)
        )));
    }
    if !(options.obs_error > 0.0 && options.obs_error.is_finite()) {
        return Err(Error::Usage("--obs-error must be a number > 0".into()));
    }
    if options.profile_points < 2 {
        return Err(Error::Usage("--profile-points must be at least 2".into()));
    }
    let scenario_dir = study.out.join(&prior.name);
    // Held until the outputs are written: another process writing here is refused at once.
    let _lock = DirLock::acquire(&scenario_dir)?;
    let seed = study.seed.unwrap_or(prior.seed);
    let series = observed::series(&rows);
    let mut ev = Evaluator {
        file: &file,
        variant,
        base: &prior,
        params: &params,
        rows: &rows,
        row_series: rows
            .iter()
            .map(|r| series.iter().position(|s| s.holds(r)).expect("every row's"))
            .collect(),
        series: &series,
        sigma: options.obs_error,
        seed,
        reps: (0..replications).collect(),
        pool: pool(study.threads)?,
        partitions: study.partitions,
        observer,
        done: Vec::new(),
        best: None,
    };
    let profile = 2 * options.profile_points * dims;
    observer.start((1 + options.budget + profile) as u64 * u64::from(replications));
    let prior_curves = ev.simulate(std::slice::from_ref(&prior))?.remove(0);
    let sims = ev.rows_of(&prior_curves);
    ev.done.push(Evaluation {
        phase: Phase::Prior,
        values: params.iter().map(|p| p.prior).collect(),
        discrepancy: discrepancy(&rows, &sims, options.obs_error),
        rows: sims,
    });
    let lhs = ((options.budget as f64 * LHS_SHARE).ceil() as usize).max(dims + 1);
    let points = search::latin_hypercube(lhs, dims, seed);
    let values = ev.run(Phase::Lhs, &points)?;
    let mut ranked: Vec<(Vec<f64>, f64)> = points.into_iter().zip(values).collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    ranked.truncate(dims + 1);
    search::nelder_mead(ranked, options.budget - lhs, &mut |xs| {
        ev.run(Phase::NelderMead, xs)
    })?;
    let optimum = ev
        .best
        .as_ref()
        .map(|(b, _)| *b)
        .expect("candidates were evaluated");
    let profiled = ev.profile(optimum, options.profile_points)?;
    // A profile point may beat the optimum it went through: the best is the best of all, and
    // each range covers every candidate within the threshold of it, so it always holds the
    // fitted value (and reflects what the other parameters' freedom allows, not only a slice).
    let (best, calibrated_curves) = ev.best.take().expect("candidates were evaluated");
    let ranges = search::accepted_ranges(
        &ev.done[1..]
            .iter()
            .map(|e| (e.values.as_slice(), e.discrepancy))
            .collect::<Vec<_>>(),
        &profiled,
        ev.done[best].discrepancy + THRESHOLD,
    );
    observer.end();
    let evaluations = ev.done;
    let calibration = Calibration {
        scenario: prior.name.clone(),
        params,
        rows,
        evaluations,
        best,
        ranges,
        series,
        prior_curves,
        calibrated_curves,
        dir: scenario_dir.join("calibration"),
    };
    outputs::write(&calibration, &prior, &file, options, seed, replications)?;
    observer.note(Note::Calibrated(calibration.summary()));
    Ok(calibration)
}

/// The settings (dotted path, value) of the point `u` of the unit cube.
fn settings(params: &[Param], u: &[f64]) -> Vec<(String, toml::Value)> {
    params
        .iter()
        .zip(u)
        .map(|(p, &u)| (p.path.clone(), p.toml(p.value(u))))
        .collect()
}

/// Simulates candidates and keeps every one it evaluated, and the series of the best so far.
struct Evaluator<'a> {
    file: &'a ScenarioFile,
    variant: Option<&'a str>,
    /// The variant's model, which a candidate that sets only parameters is made from.
    base: &'a Model,
    params: &'a [Param],
    rows: &'a [Observation],
    /// The series of each row.
    row_series: Vec<usize>,
    series: &'a [ObservedSeries],
    sigma: f64,
    seed: u64,
    reps: Vec<u32>,
    pool: rayon::ThreadPool,
    partitions: Partitions,
    observer: &'a dyn Observer,
    done: Vec<Evaluation>,
    /// The best candidate so far (the first of the lowest discrepancy, the prior aside) and its
    /// series.
    best: Option<(usize, Vec<Curve>)>,
}

impl Evaluator<'_> {
    /// Each model's observed series across the replications: every replication of every model
    /// runs on the pool, and each day's values are kept in replication order.
    fn simulate(&self, models: &[Model]) -> Result<Vec<Vec<Curve>>> {
        let mut values: Vec<Vec<Vec<Vec<f64>>>> = models
            .iter()
            .map(|m| {
                let days = vec![Vec::with_capacity(self.reps.len()); m.days as usize];
                vec![days; self.series.len()]
            })
            .collect();
        run_arms(
            &self.pool,
            models,
            self.seed,
            &self.reps,
            self.partitions,
            self.observer,
            |arm, rep| {
                for (s, days) in self.series.iter().zip(values[arm].iter_mut()) {
                    for (day, v) in days.iter_mut().zip(s.daily(&rep)) {
                        day.push(v);
                    }
                }
                Ok(Flow::Continue)
            },
        )?;
        Ok(values
            .iter()
            .map(|series| {
                series
                    .iter()
                    .map(|days| days.iter().map(|v| Simulated::new(v)).collect())
                    .collect()
            })
            .collect())
    }

    /// Each observed row of a candidate's series.
    fn rows_of(&self, curves: &[Curve]) -> Vec<Simulated> {
        self.rows
            .iter()
            .zip(&self.row_series)
            .map(|(r, &s)| curves[s][r.day])
            .collect()
    }

    /// Evaluates the points `units` of the unit cube side by side, records them under `phase`,
    /// and returns their discrepancies.
    fn run(&mut self, phase: Phase, units: &[Vec<f64>]) -> Result<Vec<f64>> {
        let models = self.pool.install(|| {
            units
                .par_iter()
                .map(|u| {
                    build_candidate(
                        self.file,
                        self.variant,
                        self.base,
                        &settings(self.params, u),
                        "calibration",
                    )
                })
                .collect::<Result<Vec<_>>>()
        })?;
        let sims = self.simulate(&models)?;
        let mut out = Vec::with_capacity(units.len());
        for (u, curves) in units.iter().zip(sims) {
            let rows = self.rows_of(&curves);
            let d = discrepancy(self.rows, &rows, self.sigma);
            out.push(d);
            let better = match &self.best {
                None => true,
                Some((b, _)) => d.total_cmp(&self.done[*b].discrepancy).is_lt(),
            };
            if better {
                self.best = Some((self.done.len(), curves));
            }
            self.done.push(Evaluation {
                phase,
                values: self
                    .params
                    .iter()
                    .zip(u)
                    .map(|(p, &u)| p.value(u))
                    .collect(),
                discrepancy: d,
                rows,
            });
        }
        Ok(out)
    }

    /// The profile through the candidate `best` along every parameter, in two batches (a
    /// stage of `k` points across each box, then `k` inside the brackets of each range's ends),
    /// and each parameter's plausible range.
    fn profile(&mut self, best: usize, k: usize) -> Result<Vec<(f64, f64)>> {
        let optimum: Vec<f64> = self
            .params
            .iter()
            .zip(&self.done[best].values)
            .map(|(p, &v)| p.unit(v))
            .collect();
        let through = |d: usize, at: &[f64]| -> Vec<Vec<f64>> {
            at.iter()
                .map(|&x| {
                    let mut u = optimum.clone();
                    u[d] = x;
                    u
                })
                .collect()
        };
        let dims = self.params.len();
        let across: Vec<f64> = (0..k).map(|j| j as f64 / (k - 1) as f64).collect();
        let first: Vec<Vec<f64>> = (0..dims).flat_map(|d| through(d, &across)).collect();
        let start = self.done.len();
        self.run(Phase::Profile, &first)?;
        let stage = |ev: &Self, d: usize, from: usize, per: usize| -> Vec<(f64, f64)> {
            let mut pts: Vec<(f64, f64)> = ev.done[from + d * per..from + (d + 1) * per]
                .iter()
                .map(|e| (ev.params[d].unit(e.values[d]), e.discrepancy))
                .collect();
            pts.push((optimum[d], ev.done[best].discrepancy));
            pts
        };
        let first_stage: Vec<Vec<(f64, f64)>> =
            (0..dims).map(|d| stage(self, d, start, k)).collect();
        let finer: Vec<Vec<f64>> = first_stage
            .iter()
            .map(|pts| search::refine(pts, THRESHOLD, k))
            .collect();
        let second: Vec<Vec<f64>> = (0..dims).flat_map(|d| through(d, &finer[d])).collect();
        let start = self.done.len();
        self.run(Phase::Profile, &second)?;
        let mut at = start;
        Ok((0..dims)
            .map(|d| {
                let mut pts = first_stage[d].clone();
                pts.extend(
                    self.done[at..at + finer[d].len()]
                        .iter()
                        .map(|e| (self.params[d].unit(e.values[d]), e.discrepancy)),
                );
                at += finer[d].len();
                let (lo, hi) = search::plausible_range(&pts, THRESHOLD);
                (self.params[d].value(lo), self.params[d].value(hi))
            })
            .collect())
    }
}
