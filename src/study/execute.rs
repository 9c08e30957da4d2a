//! The study entry points: load a scenario, run its arms (whole, one shard, or until precise
//! enough), fold the replications, and write every output; or merge a sharded study's parts.

use super::design::{Design, Stopping};
use super::observer::{Note, Observer};
use super::parts::{PartInfo, PartWriter, read_parts};
use super::spec::{Kind, StudySpec};
use super::stopping::precise_enough;
use super::{Flow, Shard, fold_arms, pool, run_arms};
use crate::engine::partitions::Partitions;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::validate::build_all;
use crate::output::sweep::GridPoint;
use crate::output::{VariantRun, write_run};
use crate::scenario::ScenarioFile;
use crate::scenario::policy::ReadOptions;
use crate::stats::aggregate::Aggregate;
use crate::util::atomic::remove_stale_temps;
use crate::util::check_file_name;
use crate::util::lock::DirLock;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How a study runs, whatever its design.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// Replications per arm (None: the scenario's).
    pub replications: Option<u32>,
    /// Base seed (None: the scenario's).
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Region partitions per replication.
    pub partitions: Partitions,
    /// Run only this shard and write a part directory for [`merge`].
    pub shard: Option<Shard>,
    /// Draw the plots and report.html when the study finishes.
    pub plots: bool,
    /// The output directory; the study writes `out/<scenario name>/`.
    pub out: PathBuf,
    /// How the scenario file and its data files are read.
    pub input: ReadOptions,
}

/// Runs the study `design` of the scenario file `scenario`: reads it and checks the base and
/// every variant before anything runs (so bad input never leaves files behind), runs every
/// arm's replications, and writes the outputs (or, for a shard, its part directory).
pub fn run_study(
    scenario: &Path,
    design: &Design,
    options: &StudyOptions,
    observer: &dyn Observer,
) -> Result<()> {
    let started = Instant::now();
    let file = ScenarioFile::read_with(scenario, &options.input)?;
    let all = build_all(&file)?;
    let (kind, arms) = design.arms(&all, scenario)?;
    let most = options.input.limits.replications;
    if let Some(n) = options.replications
        && !(1..=most).contains(&i64::from(n))
    {
        return Err(Error::Usage(format!(
            "--replications must be between 1 and {most}, got {n} (raise the limit with --limit replications=N)"
        )));
    }
    let scenario_file = std::path::absolute(scenario).map_err(|source| Error::Read {
        path: scenario.to_path_buf(),
        source,
    })?;
    let spec = StudySpec {
        kind,
        scenario_file,
        arms,
        seed: options.seed.unwrap_or(all[0].seed),
        replications: options.replications.unwrap_or(all[0].replications),
        plots: options.plots,
    };
    let models = spec.models_from(file, all)?;
    observer.note(Note::Loaded {
        scenario: models[0].name.clone(),
        arms: models.len(),
        nodes: models[0].nodes.len(),
        seconds: started.elapsed().as_secs_f64(),
    });
    execute(spec, &models, options, design.stopping(), observer)
}

/// Runs a study: one shard into a part directory, or the whole study (until precise enough
/// when `stopping` is given) into finished outputs. Replications are folded (or appended to the
/// part) in order as they finish, then dropped.
fn execute(
    spec: StudySpec,
    models: &[Model],
    options: &StudyOptions,
    stopping: Option<&Stopping>,
    observer: &dyn Observer,
) -> Result<()> {
    check_names(models)?;
    // Before the output folder is made: a refused thread count leaves nothing behind.
    let pool = pool(options.threads)?;
    // Held until the outputs are written: another process writing here is refused at once.
    let _lock = DirLock::acquire(&options.out.join(&models[0].name))?;
    if options.partitions != Partitions::Count(1) {
        let threads = pool.current_num_threads();
        let plan = options
            .partitions
            .plan(&models[0], threads, spec.replications as usize)?;
        observer.note(match plan {
            Some(p) => Note::Partitioned {
                parts: p.parts,
                hours: p.lookahead as f64 / 60.0,
            },
            None => Note::Sequential { threads },
        });
    }
    let started = Instant::now();
    if let Some(shard) = options.shard {
        if stopping.is_some() {
            return Err(Error::Usage("sequential stopping decides the replication count as it goes; it cannot be sharded".into()));
        }
        let info = PartInfo::new(
            &spec,
            &models[0].name,
            models.iter().map(|m| m.input_hash.clone()).collect(),
            shard,
        );
        let reps = info.replications.clone();
        observer.start((reps.len() * models.len()) as u64);
        let mut part = PartWriter::create(&options.out, info)?;
        run_arms(
            &pool,
            models,
            spec.seed,
            &reps,
            options.partitions,
            observer,
            |arm, rep| part.append(arm, &rep).map(|()| Flow::Continue),
        )?;
        observer.end();
        let dir = part.finish()?;
        observer.note(Note::ShardWritten {
            index: shard.index,
            count: shard.count,
            replications: reps.first().zip(reps.last()).map(|(a, b)| *a..=*b),
            arms: models.len(),
            seconds: started.elapsed().as_secs_f64(),
            dir,
        });
        return Ok(());
    }
    let (spec, aggs) = match stopping {
        None => {
            let all: Vec<u32> = (0..spec.replications).collect();
            observer.start(all.len() as u64 * models.len() as u64);
            let aggs = fold_arms(&pool, models, spec.seed, &all, options.partitions, observer)?;
            observer.end();
            (spec, aggs)
        }
        Some(stop) => run_until_precise(spec, models, &pool, stop, options, observer)?,
    };
    let sim = started.elapsed();
    observer.note(Note::Simulated {
        scenario: models[0].name.clone(),
        arms: models.len(),
        replications: spec.replications,
        events: aggs.iter().map(Aggregate::events).sum(),
        seconds: sim.as_secs_f64(),
    });
    finish(&spec, models, &aggs, &options.out, &pool, observer)?;
    observer.note(Note::OutputsWritten {
        seconds: (started.elapsed() - sim).as_secs_f64(),
        dir: options.out.join(&models[0].name),
    });
    Ok(())
}

/// Runs replications until every watched KPI is precise enough (or `max_reps` ran): the
/// decision is taken after each replication of every arm is folded, on replications 0..n in
/// order, so it does not depend on the thread count.
fn run_until_precise(
    mut spec: StudySpec,
    models: &[Model],
    pool: &rayon::ThreadPool,
    stop: &Stopping,
    options: &StudyOptions,
    observer: &dyn Observer,
) -> Result<(StudySpec, Vec<Aggregate>)> {
    observer.start(stop.max_reps as u64 * models.len() as u64);
    let mut aggs = pool.install(|| Aggregate::for_arms(models));
    let all: Vec<u32> = (0..stop.max_reps).collect();
    let n0 = stop.min_reps.max(2) as usize;
    let mut reached = false;
    run_arms(
        pool,
        models,
        spec.seed,
        &all,
        options.partitions,
        observer,
        |arm, rep| {
            aggs[arm].fold(&models[arm], rep);
            let n = aggs[arm].replications();
            if arm + 1 < models.len() || n < n0 {
                return Ok(Flow::Continue);
            }
            reached = precise_enough(&watched(&aggs, stop.kpi), stop.target);
            Ok(if reached { Flow::Stop } else { Flow::Continue })
        },
    )?;
    observer.end();
    pool.install(|| aggs.iter_mut().for_each(Aggregate::finish));
    let n = aggs[0].replications() as u32;
    if !reached {
        observer.note(Note::PrecisionNotReached {
            max_reps: stop.max_reps,
        });
    }
    observer.note(Note::Stopped { replications: n });
    spec.replications = n;
    Ok((spec, aggs))
}

/// The watched KPI, national, per arm and product, one value per replication in order
/// (replications where it is undefined are left out, and so are products where it never is).
fn watched(aggs: &[Aggregate], kpi: usize) -> Vec<Vec<f64>> {
    aggs.iter()
        .flat_map(|a| {
            let national = a.slots() - 1;
            (0..a.products().len()).map(move |p| a.kpi_values(p, national, kpi))
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Merges the part directories of a sharded study into the outputs a one-machine run would
/// have written, byte for byte, under `out`.
pub fn merge(
    part_dirs: &[PathBuf],
    out: &Path,
    input: &ReadOptions,
    observer: &dyn Observer,
) -> Result<()> {
    let parts = read_parts(part_dirs)?;
    let info = &parts.info;
    let file = ScenarioFile::read_with(&info.study.scenario_file, input)?;
    let models = info.study.models(&file)?;
    check_names(&models)?;
    let hashes: Vec<String> = models.iter().map(|m| m.input_hash.clone()).collect();
    if hashes != info.arm_hashes {
        return Err(Error::Usage(format!(
            "{} (or a CSV it reads) changed since the shards ran: re-run them",
            info.study.scenario_file.display()
        )));
    }
    // Taken once the names are known to be plain file names (a part file could be altered),
    // and the parts to fit the scenario, so a refused merge leaves no folder behind.
    let _lock = DirLock::acquire(&out.join(&models[0].name))?;
    // Each arm's replications are folded in order, one at a time, as a one-machine run folds
    // them.
    let mut aggs = Vec::with_capacity(models.len());
    for (arm, model) in models.iter().enumerate() {
        let mut agg = Aggregate::new(model);
        parts.replay(arm, |rep| {
            agg.fold(model, rep);
            Ok(())
        })?;
        agg.finish();
        aggs.push(agg);
    }
    finish(&info.study, &models, &aggs, out, &pool(0)?, observer)?;
    observer.note(Note::Merged {
        parts: part_dirs.len(),
        dir: out.join(&models[0].name),
    });
    Ok(())
}

/// Checks that the names that become folders (the scenario's, each arm's) are plain file names,
/// so nothing is written outside the output folder. Building the models checks the scenario's
/// and its variants' names; this holds for every arm whatever its source (a part file's too).
fn check_names(models: &[Model]) -> Result<()> {
    let names = models
        .iter()
        .take(1)
        .map(|m| &m.name)
        .chain(models.iter().map(|m| &m.variant));
    // A grid point's label also joins its settings with `=` and `+`, safe in a file name.
    for name in names.map(|n| n.replace(['=', '+'], "_")) {
        check_file_name(&name)
            .map_err(|problem| Error::Usage(format!("the output folder name {problem}")))?;
    }
    Ok(())
}

/// Writes every output of a finished study: each arm's files, the comparison or sweep table,
/// and (unless the study says no) the plots and report drawn from them, all on `pool`, the
/// study's (no writer starts threads of its own). First every arm's
/// `manifest.json` from an earlier run is removed, so until each arm is rewritten whole its
/// directory reads as incomplete, and temporary files killed runs left are removed. The
/// caller holds the scenario directory's lock.
fn finish(
    spec: &StudySpec,
    models: &[Model],
    aggs: &[Aggregate],
    out: &Path,
    pool: &rayon::ThreadPool,
    observer: &dyn Observer,
) -> Result<()> {
    let dir = out.join(&models[0].name);
    for model in models {
        crate::output::manifest::invalidate(&dir.join(&model.variant))?;
    }
    remove_stale_temps(&dir)?;
    if let Kind::Compare { baseline } = &spec.kind {
        let b = spec.arm(baseline)?;
        let rows = crate::stats::compare::compare(models, aggs, b);
        crate::output::comparison::write(&dir, &rows)?;
        observer.note(Note::ComparisonTable(crate::output::comparison::table(
            &rows,
        )));
    }
    if let Kind::Sweep {
        parameters,
        plot_kpi,
    } = &spec.kind
    {
        let points: Vec<GridPoint> = spec
            .arms
            .iter()
            .map(|a| GridPoint {
                label: &a.label,
                values: a.set.iter().map(|(_, v)| v.as_str()).collect(),
            })
            .collect();
        crate::output::sweep::write(&dir, &points, parameters, plot_kpi, models, aggs)?;
    }
    // Arms side by side, and each arm's files side by side; the first error in arm order is
    // the one reported.
    pool.install(|| {
        models
            .par_iter()
            .zip(aggs)
            .map(|(model, agg)| {
                write_run(
                    &dir.join(&model.variant),
                    &VariantRun {
                        model,
                        seed: spec.seed,
                        agg,
                    },
                )
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .collect::<Result<()>>()?;
    if spec.plots {
        for d in std::iter::once(dir.clone()).chain(models.iter().map(|m| dir.join(&m.variant))) {
            remove_stale_temps(&d.join(crate::plots::PLOTS))?;
        }
        let started = Instant::now();
        let labels: Vec<String> = spec.arms.iter().map(|a| a.label.clone()).collect();
        let drawn = crate::plots::draw(&dir, Some(&labels), pool)?;
        observer.note(Note::ChartsDrawn {
            charts: drawn.charts,
            seconds: started.elapsed().as_secs_f64(),
            report: drawn.report,
        });
    }
    Ok(())
}
