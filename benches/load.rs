//! Benchmarks of loading a generated national network: the text parsed and read into the raw
//! scenario (`load/read`), the validated model built from it (`load/build`), and both with
//! every variant, as `medsupply validate` does (`load/validate`), with throughput in bytes of
//! scenario text.
//!
//! Run with `cargo bench --locked --bench load` (add `-- --quick` for a short run). The network
//! has 20,000 nodes under `cargo bench`; under `cargo test --benches`, which runs each benchmark
//! once, it has 2,000, to keep the check quick.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use medsupply::generate::{NationalSpec, national};
use medsupply::model::build::build;
use medsupply::model::validate::build_all;
use medsupply::scenario::ScenarioFile;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let nodes = if std::env::args().any(|a| a == "--bench") {
        20_000
    } else {
        2_000
    };
    let text = national(&NationalSpec {
        nodes,
        regions: 31,
        days: 365,
        seed: 7,
        min_cross_region_days: 0.5,
    })
    .expect("generated network");
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(format!("national-{nodes}.toml"));
    std::fs::write(&path, &text).expect("scenario written");

    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function(BenchmarkId::new("read", nodes), |b| {
        b.iter(|| ScenarioFile::read(black_box(&path)).expect("scenario read"))
    });
    let file = ScenarioFile::read(&path).expect("scenario read");
    group.bench_function(BenchmarkId::new("build", nodes), |b| {
        b.iter(|| build(black_box(&file), None).expect("model built"))
    });
    group.bench_function(BenchmarkId::new("validate", nodes), |b| {
        b.iter(|| {
            let file = ScenarioFile::read(black_box(&path)).expect("scenario read");
            build_all(&file).expect("models built")
        })
    });
    group.finish();
}

criterion_group! {
    name = load;
    // No plots: see benches/replication.rs (plotters finds no system font here).
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(load);
