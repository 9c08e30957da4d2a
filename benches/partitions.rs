//! One replication of a generated national network, sequential (`--partitions 1`) against
//! region partitions advancing in parallel windows, side by side in one process.
//!
//! ```text
//! cargo bench --bench partitions -- --nodes 20000 --regions 31 --days 365 \
//!     --cross-days 0.1,0.5,1 --threads 2 --partitions auto --runs 3
//! ```
//!
//! For every `--nodes` and `--cross-days` (the minimum lead time of links and orders between
//! regions, which is the lookahead), it generates the network (`medsupply generate`), then runs
//! replication 0 sequentially and in partitions, alternating, `--runs` times each, and prints
//! one JSON line: the medians, the speed-up, windows, events per window, messages, the time
//! spent at barriers, each partition's events and the speed-up their balance allows. Both runs must give the same replication (checked every time).
//! Without `--bench` (as under `cargo test --benches`) it is a smoke test on a small network.

use medsupply::engine::partitions::{Partitions, WindowStats};
use medsupply::generate::{NationalSpec, national};
use medsupply::model::Model;
use std::process::ExitCode;
use std::time::Instant;

struct Params {
    nodes: Vec<usize>,
    regions: usize,
    days: u32,
    cross_days: Vec<f64>,
    threads: usize,
    partitions: Partitions,
    runs: usize,
}

fn list<T: std::str::FromStr>(v: &str, flag: &str) -> Result<Vec<T>, String> {
    v.split(',')
        .map(|x| {
            x.trim()
                .parse()
                .map_err(|_| format!("{flag}: bad value `{x}`"))
        })
        .collect()
}

fn parse(args: impl Iterator<Item = String>) -> Result<(Params, bool), String> {
    let mut p = Params {
        nodes: vec![5000, 20000],
        regions: 31,
        days: 365,
        cross_days: vec![0.1, 0.5, 1.0],
        threads: 2,
        partitions: Partitions::Auto,
        runs: 3,
    };
    let mut bench = false;
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--bench" => bench = true,
            "--nodes" => p.nodes = list(&value()?, "--nodes")?,
            "--regions" => p.regions = list(&value()?, "--regions")?[0],
            "--days" => p.days = list(&value()?, "--days")?[0],
            "--cross-days" => p.cross_days = list(&value()?, "--cross-days")?,
            "--threads" => p.threads = list(&value()?, "--threads")?[0],
            "--partitions" => p.partitions = value()?.parse()?,
            "--runs" => p.runs = list(&value()?, "--runs")?[0],
            _ => {} // cargo's own flags
        }
    }
    Ok((p, bench))
}

fn network(nodes: usize, p: &Params, cross: f64) -> Result<Model, String> {
    let spec = NationalSpec {
        nodes,
        regions: p.regions,
        days: p.days,
        seed: 1,
        min_cross_region_days: cross,
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join(format!("national-{nodes}.toml"));
    std::fs::write(&path, national(&spec)?).map_err(|e| e.to_string())?;
    let file = medsupply::scenario::ScenarioFile::read(&path).map_err(|e| e.to_string())?;
    medsupply::model::build::build(&file, None).map_err(|e| e.to_string())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs one configuration; returns the JSON line.
fn compare(m: &Model, p: &Params, nodes: usize, cross: f64) -> Result<String, String> {
    let pool = medsupply::study::pool(p.threads).map_err(|e| e.to_string())?;
    let plan = p
        .partitions
        .plan(m, p.threads, 1)
        .map_err(|e| e.to_string())?
        .ok_or("the network does not split: use more nodes or --partitions K")?;
    let (mut seq_s, mut par_s) = (Vec::new(), Vec::new());
    let mut stats = WindowStats::default();
    let mut events = 0;
    let ctx = medsupply::engine::RunContext::new(m);
    for _ in 0..p.runs {
        let t = Instant::now();
        let a = medsupply::engine::run_replication(&ctx, m.seed, 0).map_err(|e| e.to_string())?;
        seq_s.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (b, s) = pool
            .install(|| plan.run(&ctx, m.seed, 0))
            .map_err(|e| e.to_string())?;
        par_s.push(t.elapsed().as_secs_f64());
        if a != b {
            return Err(format!(
                "{} partitions gave another replication",
                plan.parts
            ));
        }
        events = a.events;
        stats = s;
    }
    let (seq, par) = (median(seq_s), median(par_s));
    Ok(format!(
        "{{\"nodes\": {nodes}, \"cross_region_days\": {cross}, \"lookahead_hours\": {:.2}, \"partitions\": {}, \"threads\": {}, \"events\": {events}, \"sequential_s\": {seq:.3}, \"partitioned_s\": {par:.3}, \"speedup\": {:.2}, \"windows\": {}, \"events_per_window\": {:.0}, \"messages\": {}, \"barrier_s\": {:.3}, \"partition_events\": {:?}, \"balance_bound\": {:.2}}}",
        plan.lookahead as f64 / 60.0,
        plan.parts,
        p.threads,
        seq / par,
        stats.windows,
        events as f64 / stats.windows.max(1) as f64,
        stats.messages,
        stats.barrier.as_secs_f64(),
        stats.part_events,
        events as f64 / stats.critical_events.max(1) as f64
    ))
}

fn main() -> ExitCode {
    let result = parse(std::env::args().skip(1)).and_then(|(mut p, bench)| {
        if !bench {
            // Smoke test: small and quick, still split and still checked.
            p = Params {
                nodes: vec![1200],
                days: 30,
                cross_days: vec![0.5],
                runs: 1,
                partitions: Partitions::Count(8),
                ..p
            };
        }
        for &nodes in &p.nodes {
            for &cross in &p.cross_days {
                let m = network(nodes, &p, cross)?;
                println!("{}", compare(&m, &p, nodes, cross)?);
            }
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("partitions: {e}");
            ExitCode::FAILURE
        }
    }
}
