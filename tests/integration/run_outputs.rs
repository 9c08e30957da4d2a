//! The four output files of a run: their layout, and that their numbers hang together.
//! Expectations (dates, items, regions, variants) are read from scenarios/minimal.toml.

use crate::{files_under, ids, minimal, minimal_toml, run_ok};
use chrono::{Days, NaiveDate};
use medsupply::results::MEASURE_NAMES;
use medsupply::stats::kpi::KPI_NAMES;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Replications per run. With at most 13 replications the P5 and P95 written (statrs'
/// quantile definition) are the sample minimum and maximum, so P5 ≤ mean ≤ P95 must hold exactly.
const REPS: usize = 5;

/// A finished run of every variant of minimal.toml.
struct Run {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Run {
    fn new() -> Run {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        run_ok(
            &minimal(),
            tmp.path(),
            &["--all-variants", "--replications", &REPS.to_string()],
        );
        let dir = tmp.path().join("minimal");
        Run { _tmp: tmp, dir }
    }

    fn path(&self, variant: &str, file: &str) -> PathBuf {
        self.dir.join(variant).join(file)
    }

    fn csv(&self, variant: &str, file: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_path(self.path(variant, file))
            .unwrap_or_else(|e| panic!("{variant}/{file}: {e}"));
        let header = r
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = r
            .records()
            .map(|rec| {
                rec.expect("a well-formed row")
                    .iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        (header, rows)
    }

    fn summary(&self, variant: &str) -> Value {
        let text =
            std::fs::read_to_string(self.path(variant, "summary.json")).expect("summary.json");
        serde_json::from_str(&text).expect("summary.json parses")
    }
}

/// What the scenario says the outputs must cover.
struct Expect {
    start: NaiveDate,
    days: usize,
    /// Region slots: every region, then `national`.
    slots: Vec<String>,
    /// Every item with its kind column.
    items: Vec<(String, String)>,
    products: Vec<String>,
}

fn expect() -> Expect {
    let t = minimal_toml();
    let s = t["scenario"].as_table().expect("[scenario]");
    let start =
        NaiveDate::parse_from_str(s["start_date"].as_str().expect("a start date"), "%Y-%m-%d")
            .expect("start_date is a date");
    let days = s["days"].as_integer().expect("days") as usize;
    let mut slots = ids(&t, "region", "id");
    slots.push("national".to_string());
    let mut items: Vec<(String, String)> = ids(&t, "material", "id")
        .into_iter()
        .map(|m| (m, "material".to_string()))
        .collect();
    let products = ids(&t, "product", "id");
    items.extend(products.iter().cloned().zip(ids(&t, "product", "kind")));
    Expect {
        start,
        days,
        slots,
        items,
        products,
    }
}

fn num(s: &str, what: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{what}: `{s}` is not a number"))
}

/// `a ≤ b` up to the 4-decimal rounding of the CSV (or float noise in JSON).
fn le(a: f64, b: f64) -> bool {
    a <= b + 1e-4 + 1e-9 * b.abs()
}

#[test]
fn a_run_writes_exactly_the_tabular_files_per_variant() {
    let run = Run::new();
    // Plots and report.html are report.rs's to check.
    let files: Vec<PathBuf> = files_under(&run.dir)
        .into_keys()
        .filter(|p| {
            p != Path::new("report.html") && !p.components().any(|c| c.as_os_str() == "plots")
        })
        .collect();
    // The lock file (empty; see docs/ci.md#failure-behaviour), then each variant's files.
    let mut want = vec![PathBuf::from(".lock")];
    for v in ["base", "no-conversion", "no-green-channel"] {
        for f in [
            "census.csv",
            "flows.csv",
            "manifest.json",
            "regions.csv",
            "replications.csv",
            "summary.json",
            "timeseries.csv",
            "weekly.csv",
        ] {
            want.push(Path::new(v).join(f));
        }
    }
    assert_eq!(files, want, "no other (e.g. half-written temporary) files");
}

#[test]
fn timeseries_is_one_row_per_day_item_and_region_with_dates() {
    let run = Run::new();
    let e = expect();
    let (header, rows) = run.csv("base", "timeseries.csv");
    assert_eq!(header[..5], ["day", "date", "item", "kind", "region"]);
    // Then `<measure>_mean, _p5, _p95` for each measure, in triples.
    let mut measures = Vec::new();
    let mut i = 5;
    while i < header.len() && header[i].ends_with("_mean") {
        let m = header[i].trim_end_matches("_mean");
        assert_eq!(
            header[i..i + 3],
            [format!("{m}_mean"), format!("{m}_p5"), format!("{m}_p95")],
            "columns {i}..{}",
            i + 3
        );
        measures.push(m.to_string());
        i += 3;
    }
    assert_eq!(measures, MEASURE_NAMES, "a column triple per measure");
    for m in ["demand", "delivered", "unmet", "produced", "capacity"] {
        assert!(measures.iter().any(|x| x == m), "no measure {m}");
    }
    assert!(
        header[i..].iter().all(|h| h.starts_with("p_stockout")),
        "unexpected trailing columns {:?}",
        &header[i..]
    );
    // Dates follow the day from the scenario's start date.
    assert_eq!(rows[0][0], "0");
    assert_eq!(rows[0][1], e.start.format("%Y-%m-%d").to_string());
    let mut seen = BTreeSet::new();
    for r in &rows {
        assert_eq!(r.len(), header.len());
        let day: usize = r[0].parse().expect("a day number");
        assert!(day < e.days, "day {day} beyond the horizon");
        let date = e.start + Days::new(day as u64);
        assert_eq!(
            r[1],
            date.format("%Y-%m-%d").to_string(),
            "date of day {day}"
        );
        let kind = &e
            .items
            .iter()
            .find(|(id, _)| *id == r[2])
            .unwrap_or_else(|| panic!("unknown item {}", r[2]))
            .1;
        assert_eq!(&r[3], kind, "kind of {}", r[2]);
        assert!(e.slots.contains(&r[4]), "unknown region {}", r[4]);
        assert!(
            seen.insert((day, r[2].clone(), r[4].clone())),
            "day {day} × {} × {} twice",
            r[2],
            r[4]
        );
    }
    assert_eq!(rows.len(), e.days * e.items.len() * e.slots.len());
}

#[test]
fn replications_csv_is_one_row_per_replication_product_and_region() {
    let run = Run::new();
    let e = expect();
    let (header, rows) = run.csv("base", "replications.csv");
    assert_eq!(header[..3], ["replication", "product", "region"]);
    assert_eq!(header[3..], KPI_NAMES);
    let mut seen = BTreeSet::new();
    for r in &rows {
        assert_eq!(r.len(), header.len());
        let rep: usize = r[0].parse().expect("a replication index");
        assert!(rep < REPS);
        assert!(e.products.contains(&r[1]), "{} is not a product", r[1]);
        assert!(e.slots.contains(&r[2]), "unknown region {}", r[2]);
        assert!(
            seen.insert((rep, r[1].clone(), r[2].clone())),
            "{r:?} twice"
        );
    }
    assert_eq!(rows.len(), REPS * e.products.len() * e.slots.len());
}

#[test]
fn summary_json_has_a_schema_version_and_full_kpi_statistics() {
    let run = Run::new();
    let e = expect();
    let s = run.summary("base");
    let version = s["schema_version"]
        .as_u64()
        .expect("an integer schema_version");
    assert!(version >= 1);
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(run.path("base", "manifest.json")).expect("manifest.json"),
    )
    .expect("manifest.json parses");
    assert_eq!(manifest["schema_version"].as_u64(), Some(version));
    assert_eq!(manifest["replications"].as_u64(), Some(REPS as u64));
    assert_eq!(s["scenario"], "minimal");
    assert_eq!(s["variant"], "base");
    assert_eq!(s["replications"].as_u64(), Some(REPS as u64));
    let kpis = s["kpis"].as_array().expect("a kpis array");
    assert!(!kpis.is_empty());
    let mut demand_slots = BTreeSet::new();
    for k in kpis {
        let name = k["kpi"].as_str().expect("a kpi name");
        assert!(KPI_NAMES.contains(&name), "unknown KPI {name}");
        let product = k["product"].as_str().expect("a product");
        let region = k["region"].as_str().expect("a region");
        assert!(e.products.iter().any(|p| p == product), "{product}");
        assert!(e.slots.iter().any(|r| r == region), "{region}");
        let f = |key: &str| {
            k[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{product}/{region}/{name}: `{key}` is not a number"))
        };
        let mean = f("mean");
        let (p5, p50, p95) = (f("p5"), f("p50"), f("p95"));
        let at = format!("{product}/{region}/{name}: {k}");
        if k["n"].as_u64() >= Some(2) {
            let (lo, hi) = (f("ci95_low"), f("ci95_high"));
            assert!(
                le(lo, mean) && le(mean, hi),
                "CI does not hold the mean: {at}"
            );
        } else {
            // Defined in one replication only: no interval.
            assert!(k["ci95_low"].is_null() && k["ci95_high"].is_null(), "{at}");
        }
        assert!(
            le(p5, p50) && le(p50, p95),
            "percentiles out of order: {at}"
        );
        assert!(k["n"].as_u64().is_some_and(|n| n as usize <= REPS), "{at}");
        if name == "demand" {
            demand_slots.insert((product.to_string(), region.to_string()));
        }
    }
    assert_eq!(
        demand_slots.len(),
        e.products.len() * e.slots.len(),
        "a demand KPI for every product and region"
    );
    for p in s["probabilities"]
        .as_array()
        .expect("a probabilities array")
    {
        let f = |key: &str| p[key].as_f64().expect("a number");
        let (lo, est, hi) = (f("wilson_low"), f("p"), f("wilson_high"));
        assert!(
            (0.0..=1.0).contains(&lo) && le(lo, est) && le(est, hi) && hi <= 1.0 + 1e-12,
            "{p}"
        );
    }
}

#[test]
fn p5_mean_p95_are_in_order_in_every_row() {
    let run = Run::new();
    for variant in ["base", "no-green-channel", "no-conversion"] {
        let (header, rows) = run.csv(variant, "timeseries.csv");
        let means: Vec<usize> = (0..header.len())
            .filter(|&i| header[i].ends_with("_mean"))
            .collect();
        assert!(!means.is_empty());
        for r in &rows {
            for &i in &means {
                let at = || format!("{variant} day {} {} {} {}", r[0], r[2], r[4], header[i]);
                let mean = num(&r[i], &at());
                let p5 = num(&r[i + 1], &at());
                let p95 = num(&r[i + 2], &at());
                assert!(
                    le(p5, mean) && le(mean, p95),
                    "{}: p5 {p5}, mean {mean}, p95 {p95}",
                    at()
                );
            }
        }
        for k in run.summary(variant)["kpis"].as_array().expect("kpis") {
            let f = |key: &str| k[key].as_f64().expect("a number");
            assert!(
                le(f("p5"), f("mean")) && le(f("mean"), f("p95")),
                "{variant}: {k}"
            );
        }
    }
}

/// The mean of a KPI in a variant's summary.json.
fn kpi_mean(run: &Run, variant: &str, product: &str, region: &str, kpi: &str) -> f64 {
    let s = run.summary(variant);
    let found: Vec<f64> = s["kpis"]
        .as_array()
        .expect("kpis")
        .iter()
        .filter(|k| k["product"] == product && k["region"] == region && k["kpi"] == kpi)
        .map(|k| k["mean"].as_f64().expect("a mean"))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{variant}: {product}/{region}/{kpi} {found:?}"
    );
    found[0]
}

#[test]
fn variants_move_their_kpis_the_right_way() {
    let run = Run::new();
    let lead = |v| kpi_mean(&run, v, "surgical_mask", "Hubei", "lead_time_mean_days");
    let (base, no_green) = (lead("base"), lead("no-green-channel"));
    assert!(
        no_green > base,
        "without the green channel masks should take longer to reach Hubei: {no_green} vs {base} days"
    );
    let capacity = |v| kpi_mean(&run, v, "surgical_mask", "national", "capacity");
    let (base, no_conversion) = (capacity("base"), capacity("no-conversion"));
    assert!(
        no_conversion < base,
        "without line conversion national capacity should be lower: {no_conversion} vs {base}"
    );
}

#[test]
fn flows_are_the_units_shipped_between_regions_with_their_interval() {
    let run = Run::new();
    let e = expect();
    let regions = &e.slots[..e.slots.len() - 1];
    let items: Vec<&String> = e.items.iter().map(|(i, _)| i).collect();
    let (header, rows) = run.csv("base", "flows.csv");
    assert_eq!(
        header,
        [
            "from_region",
            "to_region",
            "item",
            "shipped_mean",
            "shipped_ci_low",
            "shipped_ci_high"
        ]
    );
    assert!(
        rows.iter().any(|r| r[0] != r[1]),
        "minimal.toml ships between regions"
    );
    let mut into = std::collections::BTreeMap::<(String, String), f64>::new();
    for r in &rows {
        assert!(regions.contains(&r[0]) && regions.contains(&r[1]), "{r:?}");
        assert!(items.contains(&&r[2]), "{r:?}");
        let (mean, low, high) = (
            num(&r[3], "shipped_mean"),
            num(&r[4], "shipped_ci_low"),
            num(&r[5], "shipped_ci_high"),
        );
        assert!(mean > 0.0 && le(low, mean) && le(mean, high), "{r:?}");
        *into.entry((r[1].clone(), r[2].clone())).or_default() += mean;
    }
    // What the hospitals of a region received came in shipments dispatched to it.
    let (th, ts) = run.csv("base", "timeseries.csv");
    let col = |n: &str| th.iter().position(|h| h == n).unwrap();
    let (c_item, c_region, c_received) = (col("item"), col("region"), col("received_mean"));
    let mut received = std::collections::BTreeMap::<(String, String), f64>::new();
    for r in ts.iter().filter(|r| r[c_region] != "national") {
        *received
            .entry((r[c_region].clone(), r[c_item].clone()))
            .or_default() += num(&r[c_received], "received_mean");
    }
    assert!(received.values().any(|&v| v > 0.0));
    for (key, got) in &received {
        let shipped = into.get(key).copied().unwrap_or(0.0);
        assert!(
            le(*got, shipped + 1e-3 * e.days as f64),
            "{key:?}: {got} > {shipped}"
        );
    }
}
