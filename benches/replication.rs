//! Benchmarks of the simulator on the shipped scenarios.
//!
//! - `replication/<scenario>`: one replication (index 0, the scenario's seed) of the base variant
//!   of every `scenarios/*.toml`, with throughput in events handled.
//! - `study/<scenario>/threads`: a study of 48 replications of the largest shipped scenario
//!   (most events per replication) on 1 and 2 threads, as `medsupply run` does it: replications
//!   folded in order into the statistics the outputs are written from (`stats::Aggregate`).
//!
//! Run with `cargo bench --locked --bench replication` (add `-- --quick` for a short run).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use medsupply::engine::RunContext;
use medsupply::engine::partitions::Partitions;
use medsupply::model::Model;
use medsupply::scenario::ScenarioFile;
use medsupply::stats::aggregate::Aggregate;
use medsupply::study::Silent;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// Replications in the study benchmark (three batches of folding).
const STUDY_REPLICATIONS: u32 = 48;

/// A study of `model` on `threads` threads, folded as the command line folds it.
fn fold_study(model: &Model, threads: usize) -> Aggregate {
    let reps: Vec<u32> = (0..STUDY_REPLICATIONS).collect();
    let pool = medsupply::study::pool(threads).expect("thread pool");
    medsupply::study::fold_arms(
        &pool,
        std::slice::from_ref(model),
        model.seed,
        &reps,
        Partitions::default(),
        &Silent,
    )
    .expect("replications run")
    .remove(0)
}

/// A shipped scenario, built, with the events of its first replication.
struct Shipped {
    name: String,
    model: Model,
    events: u64,
}

/// Every `scenarios/*.toml`, in file-name order, built as its base variant.
fn shipped() -> Vec<Shipped> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no scenarios in {}", dir.display());
    paths
        .iter()
        .map(|path| {
            let file = ScenarioFile::read(path).unwrap_or_else(|e| panic!("{e}"));
            let model =
                medsupply::model::build::build(&file, None).unwrap_or_else(|e| panic!("{e}"));
            let first = medsupply::engine::run_replication(&RunContext::new(&model), model.seed, 0)
                .unwrap_or_else(|e| panic!("{e}"));
            let name = path
                .file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            Shipped {
                name,
                events: first.events,
                model,
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let scenarios = shipped();

    let mut one = c.benchmark_group("replication");
    for s in &scenarios {
        one.throughput(Throughput::Elements(s.events));
        one.bench_with_input(
            BenchmarkId::from_parameter(&s.name),
            &s.model,
            |b, model| {
                // The census and route cache are shared by a study's replications.
                let ctx = RunContext::new(model);
                b.iter(|| {
                    medsupply::engine::run_replication(black_box(&ctx), model.seed, 0)
                        .expect("replication runs")
                })
            },
        );
    }
    one.finish();

    let largest = scenarios
        .iter()
        .max_by_key(|s| s.events)
        .expect("at least one scenario");
    let events = fold_study(&largest.model, 1).events();
    let mut study = c.benchmark_group(format!("study/{}", largest.name));
    study.sample_size(10);
    study.throughput(Throughput::Elements(events));
    for threads in [1usize, 2] {
        study.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| b.iter(|| fold_study(black_box(&largest.model), threads)),
        );
    }
    study.finish();
}

criterion_group! {
    name = replication;
    // No plots: the crate enables plotters' `ab_glyph` feature, under which plotters finds no
    // system font, and criterion's plotting backend would panic (`FontUnavailable`).
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(replication);
