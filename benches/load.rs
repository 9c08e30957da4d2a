//! Benchmarks of loading a generated national network: the text parsed and read into the raw
//! scenario (`load/read`), the validated model built from it (`load/build`), and both with
//! every variant, as `medsupply validate` does (`load/validate`), with throughput in bytes of
//! scenario text; the same with 2,000 `[[link_group]]`s added, each from a factory to a prefix
//! of warehouses (`load/validate-groups`); and the same network generated as CSV tables
//! (`generate --tables`), read and validated (`load/read-tables`, `load/validate-tables`); and a
//! calibration's candidate that sets a parameter, made from the built base (`load/candidate`)
//! or built in full (`load/candidate-full`), one that sets a node's initial stock
//! (`load/candidate-stock`, `load/candidate-stock-full`), one that sets a link's toll
//! (`load/candidate-link`, `load/candidate-link-full`), one that sets a link's lead time
//! (`load/candidate-lead`, `load/candidate-lead-full`) and one that sets the lead time of a
//! link group of the layered network `benches/scenarios/layered-2000.toml`
//! (`load/candidate-group`, `load/candidate-group-full`, under N = 2,000 whatever the national
//! network's size).
//!
//! Run with `cargo bench --locked --bench load` (add `-- --quick` for a short run). The network
//! has 20,000 nodes under `cargo bench`; under `cargo test --benches`, which runs each benchmark
//! once, it has 2,000, to keep the check quick.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use medsupply::generate::{NationalSpec, national, national_tables};
use medsupply::model::Model;
use medsupply::model::build::{build, build_candidate, build_with};
use medsupply::model::validate::build_all;
use medsupply::scenario::ScenarioFile;
use std::hint::black_box;
use std::path::Path;

/// The allocator of the `medsupply` command, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn benches(c: &mut Criterion) {
    let nodes = if std::env::args().any(|a| a == "--bench") {
        20_000
    } else {
        2_000
    };
    let spec = NationalSpec {
        nodes,
        regions: 31,
        days: 365,
        seed: 7,
        min_cross_region_days: 0.5,
    };
    let text = national(&spec).expect("generated network");
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(format!("national-{nodes}.toml"));
    std::fs::write(&path, &text).expect("scenario written");
    let (tables_text, tables) = national_tables(&spec, "t").expect("generated network");
    let tables_path = dir.path().join("t.toml");
    std::fs::write(&tables_path, &tables_text).expect("scenario written");
    for (name, csv) in &tables {
        std::fs::write(dir.path().join(name), csv).expect("table written");
    }

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
    // The same network with 2,000 link groups as an author writes them, each from one factory
    // to the warehouses whose id starts with a digit (`W3*`: W3, W30–W39, W300–W399, …).
    let factories = text.matches("\nid = \"F").count();
    let groups: String = (0..2_000)
        .map(|k| {
            format!(
                "\n[[link_group]]\nfrom = [\"F{}\"]\nto = [\"W{}*\"]\nlead_time_days = {{ dist = \"fixed\", value = 1 }}\n",
                k % factories,
                k % 9 + 1
            )
        })
        .collect();
    let groups_path = dir.path().join("groups.toml");
    std::fs::write(&groups_path, format!("{text}{groups}")).expect("scenario written");
    group.bench_function(BenchmarkId::new("validate-groups", nodes), |b| {
        b.iter(|| {
            let file = ScenarioFile::read(black_box(&groups_path)).expect("scenario read");
            build_all(&file).expect("models built")
        })
    });
    group.bench_function(BenchmarkId::new("read-tables", nodes), |b| {
        b.iter(|| ScenarioFile::read(black_box(&tables_path)).expect("scenario read"))
    });
    group.bench_function(BenchmarkId::new("validate-tables", nodes), |b| {
        b.iter(|| {
            let file = ScenarioFile::read(black_box(&tables_path)).expect("scenario read");
            build_all(&file).expect("models built")
        })
    });
    // A calibration's or optimisation's candidate: a parameter set on the built base, against
    // the same candidate built in full; then one that sets a hospital's initial stock, as an
    // optimisation of reserves does, and two that set a link's toll and its lead time (the
    // generated links have no ids, so it is named by position); last, the lead time of a
    // `[[link_group]]` of SupplyNetPy's layered network (`layered-2000`: 454,775 links).
    let base = build(&file, None).expect("model built");
    let layered = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios/layered-2000.toml");
    let layered = ScenarioFile::read(&layered).expect("scenario read");
    let layered_base = build(&layered, None).expect("model built");
    let mut candidates = |name: &str,
                          (file, base, n): (&ScenarioFile, &Model, usize),
                          path: &str,
                          value| {
        let settings = [(path.to_string(), value)];
        build_candidate(file, None, base, &settings, "c").expect("model made");
        group.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| build_candidate(file, None, base, black_box(&settings), "c").expect("made"))
        });
        group.bench_function(BenchmarkId::new(format!("{name}-full"), n), |b| {
            b.iter(|| build_with(file, None, black_box(&settings), "c").expect("model built"))
        });
    };
    let national = (&file, &base, nodes);
    candidates(
        "candidate",
        national,
        "policy.productivity_under_controls",
        toml::Value::Float(0.8),
    );
    candidates(
        "candidate-stock",
        national,
        "node.H0.stock.mask",
        toml::Value::Integer(25_000),
    );
    candidates(
        "candidate-link",
        national,
        "link.100.toll_per_truck",
        toml::Value::Integer(50),
    );
    candidates(
        "candidate-lead",
        national,
        "link.100.lead_time_days.max",
        toml::Value::Float(3.0),
    );
    candidates(
        "candidate-group",
        (&layered, &layered_base, 2_000),
        "link_group.1.lead_time_days.mean",
        toml::Value::Float(2.0),
    );
    group.finish();
}

criterion_group! {
    name = load;
    // No plots: see benches/replication.rs (plotters finds no system font here).
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(load);
