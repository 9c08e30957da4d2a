//! What `run`, `compare`, `sweep` and `merge` share: the study options, running a study (whole,
//! one shard, or until precise enough) and writing its outputs.

use super::build_all;
use crate::engine::partitions::Partitions;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::output::{VariantRun, write_run};
use crate::scenario::ScenarioFile;
use crate::stats::aggregate::Aggregate;
use crate::study::parts::{PartInfo, PartWriter};
use crate::study::progress::Progress;
use crate::study::spec::{Arm, Kind, StudySpec};
use crate::study::stopping::precise_enough;
use crate::study::{Flow, Shard, fold_arms, pool, run_arms};
use clap::Args;
use std::path::Path;
use std::time::Instant;

/// Options every study command takes.
#[derive(Debug, Clone, Args)]
pub struct StudyArgs {
    /// Replications per variant (default: the scenario's).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Split each replication into K region partitions that advance in parallel time windows
    /// (`auto`: several per thread when there are fewer replications than threads and the
    /// network is large; 1 = sequential). Outputs are identical for every K.
    #[arg(long, default_value = "1", value_name = "K|auto")]
    pub partitions: Partitions,
    /// Run only shard I of N (`I/N`, 0-based) and write a part directory for `merge`.
    /// Without it, read from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or from
    /// JOB_COMPLETION_INDEX with --shard-count (Kubernetes Indexed Job).
    #[arg(long)]
    pub shard: Option<String>,
    /// Number of shards when the index comes from JOB_COMPLETION_INDEX.
    #[arg(long)]
    pub shard_count: Option<u32>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Skip the plots and report.html (for benchmarks, sweeps and large studies); the tabular
    /// outputs are the same either way, and `medsupply plot` can draw them later.
    #[arg(long)]
    pub no_plots: bool,
}

/// Sequential stopping options (Law's relative-precision rule).
#[derive(Debug, Clone)]
pub struct Stopping {
    /// Target relative half-width.
    pub target: f64,
    /// Minimum replications.
    pub min_reps: u32,
    /// Maximum replications.
    pub max_reps: u32,
    /// KPI watched (national, every product, every arm).
    pub kpi: usize,
}

/// Reads a scenario and checks the base and every variant before anything runs, so bad input
/// never leaves files behind.
pub fn load(scenario: &Path) -> Result<(ScenarioFile, Vec<Model>)> {
    let file = ScenarioFile::read(scenario)?;
    let all = build_all(&file)?;
    Ok((file, all))
}

/// The arms for variant names, each checked to exist.
pub fn variant_arms(all: &[Model], scenario: &Path, names: &[String]) -> Result<Vec<Arm>> {
    names
        .iter()
        .map(|v| {
            if !all.iter().any(|m| &m.variant == v) {
                return Err(Error::Usage(format!(
                    "{}: no variant named `{v}` (variants: {})",
                    scenario.display(),
                    all.iter()
                        .map(|m| m.variant.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Ok(Arm {
                label: v.clone(),
                variant: (v != "base").then(|| v.clone()),
                set: vec![],
            })
        })
        .collect()
}

/// A study spec from its arms and the study options (defaults from the base scenario).
pub fn spec(
    kind: Kind,
    scenario: &Path,
    base: &Model,
    arms: Vec<Arm>,
    args: &StudyArgs,
) -> Result<StudySpec> {
    if args.replications == Some(0) {
        return Err(Error::Usage("--replications must be at least 1".into()));
    }
    let scenario_file = std::path::absolute(scenario).map_err(|source| Error::Read {
        path: scenario.to_path_buf(),
        source,
    })?;
    Ok(StudySpec {
        kind,
        scenario_file,
        arms,
        seed: args.seed.unwrap_or(base.seed),
        replications: args.replications.unwrap_or(base.replications),
        plots: !args.no_plots,
    })
}

/// Runs a study: one shard into a part directory, or the whole study (until precise enough
/// when `stopping` is given) into finished outputs. Replications are folded (or appended to the
/// part) in order as they finish, then dropped.
pub fn execute(
    spec: StudySpec,
    models: &[Model],
    args: &StudyArgs,
    out: &Path,
    stopping: Option<Stopping>,
) -> Result<()> {
    let shard = Shard::from_env(args.shard.as_deref(), args.shard_count, &|k| {
        std::env::var(k).ok()
    })?;
    let pool = pool(args.threads)?;
    if args.partitions != Partitions::Count(1) && !args.quiet {
        let threads = pool.current_num_threads();
        match args
            .partitions
            .plan(&models[0], threads, spec.replications as usize)?
        {
            Some(p) => eprintln!(
                "each replication runs in {} region partitions, windows of at most {:.2} h",
                p.parts,
                p.lookahead as f64 / 60.0
            ),
            None => eprintln!(
                "each replication runs sequentially (one region group, or `auto` found replications enough to fill {threads} threads)"
            ),
        }
    }
    let started = Instant::now();
    if let Some(shard) = shard {
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
        let progress = Progress::new((reps.len() * models.len()) as u64, args.quiet);
        let mut part = PartWriter::create(out, info)?;
        run_arms(
            &pool,
            models,
            spec.seed,
            &reps,
            args.partitions,
            &progress,
            |arm, rep| part.append(arm, &rep).map(|()| Flow::Continue),
        )?;
        progress.finish();
        let dir = part.finish()?;
        eprintln!(
            "shard {}/{}: replications {:?} of {} arm(s) in {:.2} s, part written to {}",
            shard.index,
            shard.count,
            reps.first().zip(reps.last()).map(|(a, b)| a..=b),
            models.len(),
            started.elapsed().as_secs_f64(),
            dir.display()
        );
        return Ok(());
    }
    let (spec, aggs) = match stopping {
        None => {
            let all: Vec<u32> = (0..spec.replications).collect();
            let progress = Progress::new(all.len() as u64 * models.len() as u64, args.quiet);
            let aggs = fold_arms(&pool, models, spec.seed, &all, args.partitions, &progress)?;
            progress.finish();
            (spec, aggs)
        }
        Some(stop) => run_until_precise(spec, models, &pool, &stop, args)?,
    };
    let sim = started.elapsed();
    let events: u64 = aggs.iter().map(Aggregate::events).sum();
    eprintln!(
        "{}: {} arm(s) × {} replication(s), {events} events in {:.2} s ({:.0} events/s)",
        models[0].name,
        models.len(),
        spec.replications,
        sim.as_secs_f64(),
        events as f64 / sim.as_secs_f64().max(1e-9)
    );
    finish(&spec, models, &aggs, out, args.threads)?;
    eprintln!(
        "outputs written in {:.2} s to {}",
        (started.elapsed() - sim).as_secs_f64(),
        out.join(&models[0].name).display()
    );
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
    args: &StudyArgs,
) -> Result<(StudySpec, Vec<Aggregate>)> {
    let progress = Progress::new(stop.max_reps as u64 * models.len() as u64, args.quiet);
    let mut aggs: Vec<Aggregate> = models.iter().map(Aggregate::new).collect();
    let all: Vec<u32> = (0..stop.max_reps).collect();
    let n0 = stop.min_reps.max(2) as usize;
    let mut reached = false;
    run_arms(
        pool,
        models,
        spec.seed,
        &all,
        args.partitions,
        &progress,
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
    progress.finish();
    aggs.iter_mut().for_each(Aggregate::finish);
    let n = aggs[0].replications() as u32;
    if !reached {
        eprintln!(
            "warning: target precision not reached within --max-reps {}",
            stop.max_reps
        );
    }
    eprintln!("sequential stopping: n = {n} replications");
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

/// Writes every output of a finished study: each arm's files, the comparison or sweep table,
/// and (unless the study says no) the plots and report drawn from them.
pub fn finish(
    spec: &StudySpec,
    models: &[Model],
    aggs: &[Aggregate],
    out: &Path,
    threads: usize,
) -> Result<()> {
    let dir = out.join(&models[0].name);
    if let Kind::Compare { baseline } = &spec.kind {
        let b = spec.arm(baseline)?;
        let rows = crate::study::compare::compare(models, aggs, b);
        crate::output::comparison::write(&dir, &rows)?;
        crate::output::comparison::print_table(&rows);
    }
    if let Kind::Sweep {
        parameters,
        plot_kpi,
    } = &spec.kind
    {
        crate::output::sweep::write(&dir, spec, parameters, plot_kpi, models, aggs)?;
    }
    let pool = crate::study::pool(threads)?;
    for (model, agg) in models.iter().zip(aggs) {
        pool.install(|| {
            write_run(
                &dir.join(&model.variant),
                &VariantRun {
                    model,
                    seed: spec.seed,
                    agg,
                },
            )
        })?;
    }
    if spec.plots {
        let started = Instant::now();
        let labels: Vec<String> = spec.arms.iter().map(|a| a.label.clone()).collect();
        let drawn = crate::plots::draw(&dir, Some(&labels), threads)?;
        eprintln!(
            "{} chart(s) drawn in {:.2} s; report: {}",
            drawn.charts,
            started.elapsed().as_secs_f64(),
            drawn.report.display()
        );
    }
    Ok(())
}
