//! `medsupply optimize`: finds the best setting of decision variables (dotted paths, as for
//! variants, sweeps and calibration) for a KPI, with a statistical guarantee. A finite set of
//! candidates goes straight to ranking and selection (KN, [`select`]); a larger or continuous
//! space is searched first by a seeded CMA-ES ([`search`]) on common random numbers, and its
//! best distinct candidates then go through the same selection on fresh replications, so the
//! final claim is not a lucky mean. Candidates run as arms of `study::run_arms`, side by side
//! on the thread pool; every output is the same for any thread count (docs/optimize.md).

mod outputs;
pub mod params;
pub mod search;
pub mod select;

use crate::engine::partitions::Partitions;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::build::{build, build_candidate};
use crate::model::validate::build_all;
use crate::scenario::ScenarioFile;
use crate::stats::kpi::kpis;
use crate::study::{Flow, Note, Observer, StudyOptions, pool, run_arms};
use crate::util::lock::DirLock;
use params::{Constraint, Cost, Decision, Measure, Objective};
use rayon::prelude::*;
use search::Fitness;
use select::{KnOptions, kn};
use std::cell::RefCell;
use std::ffi::OsString;
use std::path::Path;

/// What an optimisation runs.
#[derive(Debug, Clone)]
pub struct OptimizeOptions {
    /// `PATH=LO..HI` or `PATH=v1,v2,…`, one per decision variable.
    pub params: Vec<String>,
    /// `KPI:ITEM:REGION[:min|max]`: one, or two for a Pareto front (selection is on the first).
    pub objectives: Vec<String>,
    /// `KPI:ITEM:REGION<=X` or `>=X`, judged on the mean.
    pub constraints: Vec<String>,
    /// `PATH*COEF+…<=B`, a linear budget over range parameters.
    pub cost: Option<String>,
    /// The variant the parameters apply to (None: the base).
    pub variant: Option<String>,
    /// Simulations (candidate replications) for the global search.
    pub budget: usize,
    /// Candidates of the search that go on to selection.
    pub finalists: usize,
    /// A space of at most this many candidates is enumerated and selected from directly.
    pub max_candidates: usize,
    /// The selection's n0, replication cap, δ and α.
    pub kn: KnOptions,
    /// Replications per search candidate, the seed, threads, partitions, plots and the output
    /// directory (`out/<scenario>/optimization/`); an optimisation is not sharded.
    pub study: StudyOptions,
    /// The command line that asked for it, the program first (empty: not quoted).
    pub command: Vec<OsString>,
}

/// Evaluates candidates: the objectives' and the constraints' values of each point (one
/// coordinate per decision variable) in each replication. The simulation is one; tests plug
/// in a function.
pub trait Evaluate {
    /// `[point][replication][measure]` for replications `reps` (the same for every point:
    /// common random numbers), the measures being the objectives then the constraints.
    fn evaluate(&mut self, points: &[Vec<f64>], reps: &[u32]) -> Result<Vec<Vec<Vec<f64>>>>;
}

/// What an optimisation is asked, resolved.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The decision variables.
    pub decisions: Vec<Decision>,
    /// One or two objectives.
    pub objectives: Vec<Objective>,
    /// Constraints on KPI means.
    pub constraints: Vec<Constraint>,
    /// The budget over the decisions.
    pub cost: Option<Cost>,
}

impl Problem {
    /// Whether coordinates `x` are within the budget.
    pub fn affordable(&self, x: &[f64]) -> bool {
        self.cost.as_ref().is_none_or(|c| c.allows(x))
    }

    /// The coordinates at `u` in the unit cube.
    pub fn at(&self, u: &[f64]) -> Vec<f64> {
        self.decisions
            .iter()
            .zip(u)
            .map(|(d, &u)| d.at(u))
            .collect()
    }

    /// Every point of a space of at most `most` candidates (None when larger or continuous),
    /// the first decision varying slowest.
    pub fn grid(&self, most: usize) -> Option<Vec<Vec<f64>>> {
        let levels: Vec<usize> = self
            .decisions
            .iter()
            .map(|d| d.levels(most))
            .collect::<Option<_>>()?;
        let count = levels
            .iter()
            .try_fold(1usize, |n, &l| n.checked_mul(l).filter(|&n| n <= most))?;
        Some(
            (0..count)
                .map(|mut k| {
                    let mut x = vec![0.0; levels.len()];
                    for (i, &l) in levels.iter().enumerate().rev() {
                        x[i] = self.decisions[i].level(k % l);
                        k /= l;
                    }
                    x
                })
                .collect(),
        )
    }

    /// The measures' count: objectives, then constraints.
    fn measures(&self) -> usize {
        self.objectives.len() + self.constraints.len()
    }
}

/// What became of a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Over the cost budget: never simulated.
    OverBudget,
    /// Simulated by the search.
    Searched,
    /// Its mean over the first stage broke a constraint: out of the selection.
    Infeasible,
    /// Eliminated by the selection after this many replications.
    Eliminated(u32),
    /// Left at the replication cap with others (no guarantee among them).
    Survivor,
    /// Left with the selected one when every continuation region had closed: within δ of it.
    Tied,
    /// The selected candidate.
    Selected,
}

impl Outcome {
    /// Its words in optimization.csv.
    pub fn words(self) -> String {
        match self {
            Outcome::OverBudget => "over budget".into(),
            Outcome::Searched => "searched".into(),
            Outcome::Infeasible => "infeasible".into(),
            Outcome::Eliminated(r) => format!("eliminated after {r}"),
            Outcome::Survivor => "survivor at cap".into(),
            Outcome::Tied => "tied".into(),
            Outcome::Selected => "selected".into(),
        }
    }
}

/// One candidate and what it measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The search's generation that drew it (None: a candidate of the selection).
    pub generation: Option<usize>,
    /// Its coordinates.
    pub point: Vec<f64>,
    /// The first replication index it ran.
    pub first_rep: u32,
    /// Per measure (objectives, then constraints), its value in each replication it ran.
    pub values: Vec<Vec<f64>>,
    /// What became of it.
    pub outcome: Outcome,
}

impl Candidate {
    /// The mean of measure `m` (NaN when it never ran).
    pub fn mean(&self, m: usize) -> f64 {
        let v = &self.values[m];
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// Replications it ran.
    pub fn replications(&self) -> usize {
        self.values[0].len()
    }
}

/// A finished optimisation.
#[derive(Debug, Clone)]
pub struct Optimization {
    /// What it was asked.
    pub problem: Problem,
    /// Every candidate: the search's in evaluation order, then the selection's.
    pub candidates: Vec<Candidate>,
    /// The selected candidate.
    pub selected: usize,
    /// Whether the selection ended with one survivor (the guarantee holds).
    pub decided: bool,
    /// Whether a global search ran (else the space was enumerated).
    pub searched: bool,
    /// (simulations spent, best mean of the first objective so far) after each batch.
    pub progress: Vec<(u64, f64)>,
    /// The non-dominated candidates with two objectives (by mean, feasible only).
    pub pareto: Vec<usize>,
    /// The selection's options.
    pub kn: KnOptions,
}

impl Optimization {
    /// Whether candidate `c`'s means meet every constraint.
    pub fn feasible(&self, c: &Candidate) -> bool {
        c.outcome != Outcome::OverBudget && violation(&self.problem, c) == 0.0
    }

    /// A few lines for a person: the choice, its mean and interval, and what it guarantees.
    pub fn summary(&self) -> String {
        let best = &self.candidates[self.selected];
        let o = &self.problem.objectives[0];
        let (mean, low, high) = outputs::interval(&best.values[0]);
        let mut s = format!(
            "{} candidate(s), {} simulation(s); selected (objective {} = {} [{}, {}] over {} replication(s)):\n",
            self.candidates.len(),
            self.progress.last().map_or(0, |p| p.0),
            o.measure.label,
            outputs::short(mean),
            outputs::short(low),
            outputs::short(high),
            best.replications(),
        );
        for (d, &x) in self.problem.decisions.iter().zip(&best.point) {
            s += &format!("  {} = {}\n", d.path(), d.show(x));
        }
        s += &self.guarantee();
        s
    }

    /// The guarantee of the selection, in words.
    pub fn guarantee(&self) -> String {
        let among = if self.searched {
            "the search's finalists"
        } else {
            "every candidate within the budget"
        };
        if self.decided {
            format!(
                "KN: within δ = {} of the best of {among} with probability ≥ {} (1 − α)",
                outputs::short(self.kn.delta),
                outputs::short(1.0 - self.kn.alpha)
            )
        } else {
            let left = self
                .candidates
                .iter()
                .filter(|c| c.outcome == Outcome::Survivor)
                .count()
                + 1;
            format!(
                "KN stopped at the cap of {} replications with {left} candidates left: no guarantee among them (the best mean is shown); raise --max-replications or --delta",
                self.kn.max_reps
            )
        }
    }
}

/// The sum of a candidate's constraint violations, by mean.
fn violation(problem: &Problem, c: &Candidate) -> f64 {
    let first = problem.objectives.len();
    problem
        .constraints
        .iter()
        .enumerate()
        .map(|(k, con)| con.violation(c.mean(first + k)))
        .sum()
}

/// The replication plan: the search's replications per candidate and the seed of its draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Simulations for the search.
    pub budget: usize,
    /// Replications per search candidate (common within a generation, fresh for each).
    pub replications: u32,
    /// Finalists that go on to selection.
    pub finalists: usize,
    /// Enumerate a space of at most this many candidates instead of searching it.
    pub max_candidates: usize,
    /// The search's seed.
    pub seed: u64,
    /// The selection.
    pub kn: KnOptions,
}

/// Solves `problem` with `evaluator`: enumerate or search, then select. Deterministic given
/// the evaluator.
pub fn solve(problem: Problem, plan: &Plan, evaluator: &mut dyn Evaluate) -> Result<Optimization> {
    plan.kn.check()?;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut progress: Vec<(u64, f64)> = Vec::new();
    let mut sims: u64 = 0;
    let measures = problem.measures();
    let ranked = |c: &Candidate| Fitness {
        violation: violation(&problem, c),
        value: problem.objectives[0].lower_better(c.mean(0)),
    };
    let (finalists, first_rep, searched) = match problem.grid(plan.max_candidates) {
        Some(grid) => {
            let mut finalists = Vec::new();
            for x in grid {
                if problem.affordable(&x) {
                    finalists.push(x);
                } else {
                    candidates.push(Candidate {
                        generation: None,
                        point: x,
                        first_rep: 0,
                        values: vec![Vec::new(); measures],
                        outcome: Outcome::OverBudget,
                    });
                }
            }
            if finalists.is_empty() {
                return Err(Error::Usage(
                    "no candidate is within the --cost budget".into(),
                ));
            }
            (finalists, 0, false)
        }
        None => {
            let dims = problem.decisions.len();
            let lambda = search::population(dims);
            let per = lambda * plan.replications as usize;
            let generations = plan.budget / per;
            if generations == 0 {
                return Err(Error::Usage(format!(
                    "--budget must be at least {per} simulations: a generation is {lambda} candidates × {} replication(s)",
                    plan.replications
                )));
            }
            let mut best = f64::INFINITY;
            let mut generation = 0;
            search::cmaes(
                dims,
                lambda,
                generations,
                plan.seed,
                &|u| problem.affordable(&problem.at(u)),
                &mut |units| {
                    let points: Vec<Vec<f64>> = units.iter().map(|u| problem.at(u)).collect();
                    let lo = generation as u32 * plan.replications;
                    let reps: Vec<u32> = (lo..lo + plan.replications).collect();
                    let values = evaluator.evaluate(&points, &reps)?;
                    let mut fit = Vec::with_capacity(points.len());
                    for (point, v) in points.into_iter().zip(values) {
                        let c = Candidate {
                            generation: Some(generation),
                            point,
                            first_rep: lo,
                            values: transpose(v, measures),
                            outcome: Outcome::Searched,
                        };
                        let f = ranked(&c);
                        if f.violation == 0.0 {
                            best = best.min(f.value);
                        }
                        fit.push(f);
                        candidates.push(c);
                    }
                    sims += (units.len() * reps.len()) as u64;
                    progress.push((sims, best));
                    generation += 1;
                    Ok(fit)
                },
            )?;
            let mut order: Vec<usize> = (0..candidates.len()).collect();
            order.sort_by(|&a, &b| {
                ranked(&candidates[a])
                    .order(&ranked(&candidates[b]))
                    .then(a.cmp(&b))
            });
            let mut finalists: Vec<Vec<f64>> = Vec::new();
            for k in order {
                if finalists.len() == plan.finalists {
                    break;
                }
                if !finalists.contains(&candidates[k].point) {
                    finalists.push(candidates[k].point.clone());
                }
            }
            (finalists, generations as u32 * plan.replications, true)
        }
    };
    // The selection, on replications the search never saw.
    let start = candidates.len();
    for x in &finalists {
        candidates.push(Candidate {
            generation: None,
            point: x.clone(),
            first_rep,
            values: vec![Vec::new(); measures],
            outcome: Outcome::Searched,
        });
    }
    let objective = problem.objectives[0].clone();
    let k = finalists.len();
    // Shared by the sampling (which adds replications) and the screening (which reads the
    // constraints' first-stage means).
    let shared = RefCell::new(candidates);
    let mut sample = |systems: &[usize], reps: &[u32]| -> Result<Vec<Vec<f64>>> {
        let points: Vec<Vec<f64>> = systems.iter().map(|&i| finalists[i].clone()).collect();
        let reps: Vec<u32> = reps.iter().map(|r| first_rep + r).collect();
        let values = evaluator.evaluate(&points, &reps)?;
        let mut candidates = shared.borrow_mut();
        let mut out = Vec::with_capacity(systems.len());
        for (&i, v) in systems.iter().zip(values) {
            let c = &mut candidates[start + i];
            for (m, column) in transpose(v, measures).into_iter().enumerate() {
                c.values[m].extend(column);
            }
            out.push(
                c.values[0][c.values[0].len() - reps.len()..]
                    .iter()
                    .map(|&v| objective.lower_better(v))
                    .collect(),
            );
        }
        sims += (systems.len() * reps.len()) as u64;
        // The best mean among the candidates still in the selection.
        let best = systems
            .iter()
            .map(|&i| objective.lower_better(candidates[start + i].mean(0)))
            .fold(f64::INFINITY, f64::min);
        progress.push((sims, best));
        Ok(out)
    };
    let outcome = if k == 1 {
        let first: Vec<u32> = (0..plan.kn.n0).collect();
        sample(&[0], &first)?;
        select::KnOutcome {
            selected: 0,
            decided: true,
            survivors: vec![0],
            eliminated_at: vec![None],
            samples: Vec::new(),
        }
    } else {
        let mut screen = |all: &[usize]| -> Vec<usize> {
            let candidates = shared.borrow();
            all.iter()
                .copied()
                .filter(|&i| violation(&problem, &candidates[start + i]) > 0.0)
                .collect()
        };
        kn(k, &plan.kn, &mut sample, &mut screen)?
    };
    let mut candidates = shared.into_inner();
    for i in 0..k {
        let c = &mut candidates[start + i];
        c.outcome = match outcome.eliminated_at[i] {
            _ if i == outcome.selected => Outcome::Selected,
            Some(r) if r == plan.kn.n0 && violation(&problem, c) > 0.0 => Outcome::Infeasible,
            Some(r) => Outcome::Eliminated(r),
            None if outcome.decided => Outcome::Tied,
            None => Outcome::Survivor,
        };
    }
    // Progress reads in the objective's own units.
    for p in &mut progress {
        p.1 = objective.lower_better(p.1);
    }
    let mut opt = Optimization {
        pareto: Vec::new(),
        selected: start + outcome.selected,
        decided: outcome.decided,
        searched,
        progress,
        kn: plan.kn,
        problem,
        candidates,
    };
    opt.pareto = pareto(&opt);
    Ok(opt)
}

/// `[replication][measure]` as `[measure][replication]`.
fn transpose(v: Vec<Vec<f64>>, measures: usize) -> Vec<Vec<f64>> {
    (0..measures)
        .map(|m| v.iter().map(|r| r[m]).collect())
        .collect()
}

/// The non-dominated feasible candidates by their means of two objectives (none with one):
/// those no other candidate matches or beats on both and beats on one.
fn pareto(opt: &Optimization) -> Vec<usize> {
    if opt.problem.objectives.len() < 2 {
        return Vec::new();
    }
    let score = |c: &Candidate| -> Option<(f64, f64)> {
        (c.replications() > 0 && opt.feasible(c)).then(|| {
            (
                opt.problem.objectives[0].lower_better(c.mean(0)),
                opt.problem.objectives[1].lower_better(c.mean(1)),
            )
        })
    };
    let scored: Vec<(usize, (f64, f64))> = opt
        .candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| score(c).map(|s| (i, s)))
        .collect();
    scored
        .iter()
        .filter(|(_, a)| {
            !scored
                .iter()
                .any(|(_, b)| b.0 <= a.0 && b.1 <= a.1 && (b.0 < a.0 || b.1 < a.1))
        })
        .map(|&(i, _)| i)
        .collect()
}

/// Runs an optimisation of `scenario`: reads and checks the scenario, the parameters, the
/// objectives, the constraints and the cost before anything runs (so bad input leaves no file
/// behind), searches and selects, and writes `optimization.csv`, `best.toml`, the progress
/// chart (and the Pareto front with two objectives; unless the study's `plots` is off) and
/// `report.html` into `out/<scenario>/optimization/`.
pub fn optimize(
    scenario: &Path,
    options: &OptimizeOptions,
    observer: &dyn Observer,
) -> Result<Optimization> {
    let study = &options.study;
    if study.shard.is_some() {
        return Err(Error::Usage(
            "an optimisation decides each candidate from the last: it cannot be sharded".into(),
        ));
    }
    let file = ScenarioFile::read_with(scenario, &study.input)?;
    build_all(&file)?;
    let variant = options.variant.as_deref();
    let base = build(&file, variant)?;
    let problem = resolve(options, &file, &base)?;
    let most = study.input.limits.replications;
    let replications = study.replications.unwrap_or(base.replications);
    if !(1..=most).contains(&i64::from(replications)) {
        return Err(Error::Usage(format!(
            "--replications must be between 1 and {most}, got {replications}"
        )));
    }
    if options.finalists < 2 {
        return Err(Error::Usage("--finalists must be at least 2".into()));
    }
    options.kn.check()?;
    let seed = study.seed.unwrap_or(base.seed);
    let mut sim = Simulator {
        file: &file,
        variant,
        base: &base,
        problem: &problem,
        seed,
        pool: pool(study.threads)?,
        partitions: study.partitions,
        observer,
        cache: Vec::new(),
    };
    // Every set value, and both corners of the ranges, must make a valid model: what the
    // model refuses is reported now, not halfway through.
    let mut probes: Vec<Vec<f64>> = [0.0, 1.0]
        .iter()
        .map(|&u| problem.at(&vec![u; problem.decisions.len()]))
        .collect();
    for (i, d) in problem.decisions.iter().enumerate() {
        if let Decision::Set { values, .. } = d {
            for k in 1..values.len() {
                let mut x = probes[0].clone();
                x[i] = d.level(k);
                probes.push(x);
            }
        }
    }
    sim.models(&probes)?;
    let scenario_dir = study.out.join(&base.name);
    // Held until the outputs are written: another process writing here is refused at once.
    let _lock = DirLock::acquire(&scenario_dir)?;
    let plan = Plan {
        budget: options.budget,
        replications,
        finalists: options.finalists,
        max_candidates: options.max_candidates,
        seed,
        kn: options.kn,
    };
    let finalists = problem
        .grid(plan.max_candidates)
        .map_or(plan.finalists, |g| g.len());
    let bound = if problem.grid(plan.max_candidates).is_some() {
        0
    } else {
        plan.budget
    } + finalists * plan.kn.max_reps as usize;
    observer.start(bound as u64);
    let opt = solve(problem.clone(), &plan, &mut sim)?;
    observer.end();
    let dir = scenario_dir.join("optimization");
    outputs::write(&opt, &dir, &base, &file, options, seed, replications)?;
    observer.note(Note::Optimized(format!(
        "{}\nwritten to {}",
        opt.summary(),
        dir.display()
    )));
    Ok(opt)
}

/// The problem the options ask, checked against the scenario and its model.
fn resolve(options: &OptimizeOptions, file: &ScenarioFile, model: &Model) -> Result<Problem> {
    let variant = options.variant.as_deref();
    let decisions = options
        .params
        .iter()
        .map(|p| Decision::resolve(p, file, variant))
        .collect::<Result<Vec<_>>>()?;
    if decisions.is_empty() {
        return Err(Error::Usage("give at least one --param".into()));
    }
    for (k, d) in decisions.iter().enumerate() {
        if decisions[..k].iter().any(|e| e.path() == d.path()) {
            return Err(Error::Usage(format!(
                "--param `{}` is given twice",
                d.path()
            )));
        }
    }
    let objectives = options
        .objectives
        .iter()
        .map(|o| Objective::resolve(o, model))
        .collect::<Result<Vec<_>>>()?;
    if !(1..=2).contains(&objectives.len()) {
        return Err(Error::Usage(
            "give one --objective, or two for a Pareto front".into(),
        ));
    }
    let constraints = options
        .constraints
        .iter()
        .map(|c| Constraint::resolve(c, model))
        .collect::<Result<Vec<_>>>()?;
    let cost = options
        .cost
        .as_deref()
        .map(|c| Cost::resolve(c, &decisions))
        .transpose()?;
    Ok(Problem {
        decisions,
        objectives,
        constraints,
        cost,
    })
}

/// Simulates candidates: builds each point's model (kept while the next batch asks for the
/// same points, as the selection's stages do) and runs them as arms with common random numbers.
struct Simulator<'a> {
    file: &'a ScenarioFile,
    variant: Option<&'a str>,
    /// The variant's model, which a candidate that sets only parameters is made from.
    base: &'a Model,
    problem: &'a Problem,
    seed: u64,
    pool: rayon::ThreadPool,
    partitions: Partitions,
    observer: &'a dyn Observer,
    /// The models of the last batch, by point.
    cache: Vec<(Vec<f64>, Model)>,
}

impl Simulator<'_> {
    /// The settings (dotted path, value) of point `x`.
    fn settings(&self, x: &[f64]) -> Vec<(String, toml::Value)> {
        self.problem
            .decisions
            .iter()
            .zip(x)
            .map(|(d, &x)| (d.path().to_string(), d.toml(x)))
            .collect()
    }

    /// The models of `points`, built on the pool where the last batch did not have them; the
    /// cache then holds these.
    fn models(&mut self, points: &[Vec<f64>]) -> Result<Vec<Model>> {
        let cache = std::mem::take(&mut self.cache);
        let built = self.pool.install(|| {
            points
                .par_iter()
                .map(|x| match cache.iter().find(|(p, _)| p == x) {
                    Some((_, m)) => Ok(m.clone()),
                    None => build_candidate(
                        self.file,
                        self.variant,
                        self.base,
                        &self.settings(x),
                        "optimized",
                    ),
                })
                .collect::<Result<Vec<_>>>()
        })?;
        self.cache = points.iter().cloned().zip(built.iter().cloned()).collect();
        Ok(built)
    }
}

impl Evaluate for Simulator<'_> {
    fn evaluate(&mut self, points: &[Vec<f64>], reps: &[u32]) -> Result<Vec<Vec<Vec<f64>>>> {
        let models = self.models(points)?;
        let measures: Vec<&Measure> = self
            .problem
            .objectives
            .iter()
            .map(|o| &o.measure)
            .chain(self.problem.constraints.iter().map(|c| &c.measure))
            .collect();
        let mut out: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(reps.len()); points.len()];
        run_arms(
            &self.pool,
            &models,
            self.seed,
            reps,
            self.partitions,
            self.observer,
            |arm, rep| {
                let row = measures
                    .iter()
                    .map(|m| {
                        kpis(&models[arm], &rep, m.item, m.slot)[m.kpi].ok_or_else(|| {
                            Error::Usage(format!(
                                "`{}` is undefined in replication {} (a rate without demand?): optimise a KPI every replication defines",
                                m.label, rep.index
                            ))
                        })
                    })
                    .collect::<Result<Vec<f64>>>()?;
                out[arm].push(row);
                Ok(Flow::Continue)
            },
        )?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::params::Sense;
    use super::*;
    use crate::calibrate::params::Param;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    /// A noisy quadratic with its minimum at `optimum`: f(x) = Σ (x − x*)² + σ·ε, ε standard
    /// normal, the same ε for every point in one replication (common random numbers) plus a
    /// smaller part of each point's own. Every measure (objectives and constraints) reads it.
    struct Quadratic {
        optimum: Vec<f64>,
        sigma: f64,
        measures: usize,
        calls: usize,
    }

    impl Evaluate for Quadratic {
        fn evaluate(&mut self, points: &[Vec<f64>], reps: &[u32]) -> Result<Vec<Vec<Vec<f64>>>> {
            self.calls += points.len() * reps.len();
            Ok(points
                .iter()
                .map(|x| {
                    reps.iter()
                        .map(|&r| {
                            let mut common = ChaCha8Rng::seed_from_u64(u64::from(r));
                            let bits = x
                                .iter()
                                .fold(u64::from(r), |h, v| h.rotate_left(13) ^ v.to_bits());
                            let mut own = ChaCha8Rng::seed_from_u64(bits);
                            let c: f64 = StandardNormal.sample(&mut common);
                            let e: f64 = StandardNormal.sample(&mut own);
                            let f: f64 = x
                                .iter()
                                .zip(&self.optimum)
                                .map(|(a, b)| (a - b) * (a - b))
                                .sum();
                            vec![f + self.sigma * (c + 0.3 * e); self.measures]
                        })
                        .collect()
                })
                .collect())
        }
    }

    fn range(path: &str, lo: f64, hi: f64) -> Decision {
        Decision::Range(Param {
            path: path.into(),
            lo,
            hi,
            integer: false,
            prior: lo,
        })
    }

    fn objective() -> Objective {
        Objective {
            measure: Measure {
                label: "f".into(),
                kpi: 0,
                item: 0,
                slot: 0,
            },
            sense: Sense::Min,
        }
    }

    #[test]
    fn the_search_and_selection_find_a_noisy_quadratics_minimum() {
        let problem = Problem {
            decisions: vec![range("x", -2.0, 3.0), range("y", 0.0, 10.0)],
            objectives: vec![objective()],
            constraints: Vec::new(),
            cost: None,
        };
        let plan = Plan {
            budget: 2400,
            replications: 4,
            finalists: 5,
            max_candidates: 200,
            seed: 3,
            kn: KnOptions {
                n0: 10,
                max_reps: 400,
                delta: 0.05,
                alpha: 0.05,
            },
        };
        let mut f = Quadratic {
            optimum: vec![0.7, 6.2],
            sigma: 0.5,
            measures: 1,
            calls: 0,
        };
        let opt = solve(problem, &plan, &mut f).unwrap();
        let best = &opt.candidates[opt.selected].point;
        let error: f64 = best
            .iter()
            .zip(&f.optimum)
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        // The selection guarantees the true value within δ of the finalists' best.
        assert!(error < 0.1, "{best:?}: squared error {error}");
        assert!(opt.searched && opt.decided);
        assert_eq!(opt.progress.last().unwrap().0 as usize, f.calls);
        // The same plan gives the same answer.
        let again = solve(opt.problem.clone(), &plan, &mut f).unwrap();
        assert_eq!(again.candidates, opt.candidates);
    }

    #[test]
    fn a_finite_space_is_enumerated_and_the_budget_and_constraints_hold() {
        let set = |path: &str, values: &[i64]| Decision::Set {
            path: path.into(),
            values: values.iter().map(|&v| toml::Value::Integer(v)).collect(),
        };
        let ints = Param {
            path: "b".into(),
            lo: 0.0,
            hi: 4.0,
            integer: true,
            prior: 0.0,
        };
        let decisions = vec![set("a", &[0, 1, 2]), Decision::Range(ints)];
        let cost = Cost::resolve("b*1<=3", &decisions).unwrap();
        // The measure itself as a constraint: its mean must stay at least 0.5 (so b = 2 with
        // a = 1, the unconstrained best of the quadratic at (1, 2), is out of reach only
        // through the constraint when it bites).
        let constraint = Constraint {
            measure: objective().measure,
            at_most: false,
            bound: 0.5,
            text: "f>=0.5".into(),
        };
        let problem = Problem {
            decisions,
            objectives: vec![objective()],
            constraints: vec![constraint],
            cost: Some(cost),
        };
        let plan = Plan {
            budget: 0,
            replications: 1,
            finalists: 2,
            max_candidates: 50,
            seed: 1,
            kn: KnOptions {
                n0: 10,
                max_reps: 1000,
                delta: 0.2,
                alpha: 0.05,
            },
        };
        let mut f = Quadratic {
            optimum: vec![1.0, 2.0],
            sigma: 0.1,
            measures: 2,
            calls: 0,
        };
        let opt = solve(problem, &plan, &mut f).unwrap();
        assert!(!opt.searched);
        assert_eq!(opt.candidates.len(), 15);
        let over: Vec<&Candidate> = opt
            .candidates
            .iter()
            .filter(|c| c.outcome == Outcome::OverBudget)
            .collect();
        assert_eq!(over.len(), 3);
        assert!(
            over.iter()
                .all(|c| c.point[1] == 4.0 && c.replications() == 0)
        );
        // f ≥ 0.5 rules out the points within 0.7 of (1, 2); of the rest the best are at
        // squared distance 1: (0, 2), (2, 2), (1, 1), (1, 3) — all within δ of each other.
        let best = &opt.candidates[opt.selected];
        let d2 = (best.point[0] - 1.0).powi(2) + (best.point[1] - 2.0).powi(2);
        assert_eq!(d2, 1.0, "{:?}", best.point);
        assert!(opt.feasible(best));
        assert!(
            opt.candidates
                .iter()
                .any(|c| c.point == vec![1.0, 2.0] && c.outcome == Outcome::Infeasible)
        );
    }
}
