//! Need, demand and use on the shipped hubei-2020 scenario, whose contingency step switches on
//! when hospitals run short and off again when they recover.

use crate::{root, run_ok};
use serde_json::Value;

/// A row of timeseries.csv as column → value.
type Row = std::collections::HashMap<String, String>;

fn number(row: &Row, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|e| panic!("{column} = {:?}: {e}", row[column]))
}

#[test]
fn need_bounds_demand_which_bounds_use_and_conservation_ends() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    run_ok(
        &root().join("scenarios/hubei-2020.toml"),
        tmp.path(),
        &["--replications", "2", "--no-plots"],
    );
    let base = tmp.path().join("hubei-2020/base");
    let rows: Vec<Row> = csv::Reader::from_path(base.join("timeseries.csv"))
        .expect("timeseries.csv")
        .deserialize()
        .map(|r| r.expect("a row"))
        .collect();
    for r in &rows {
        let (need, demand, used) = (
            number(r, "need_mean"),
            number(r, "demand_mean"),
            number(r, "delivered_mean"),
        );
        assert!(
            need >= demand && demand >= used,
            "{} {} day {}: need {need}, demand {demand}, used {used}",
            r["item"],
            r["region"],
            r["day"]
        );
    }
    // N95 in Hubei: the contingency step cuts demand below need, and later ends everywhere.
    let n95: Vec<&Row> = rows
        .iter()
        .filter(|r| r["item"] == "n95" && r["region"] == "Hubei")
        .collect();
    let cut = |r: &Row| number(r, "need_mean") > number(r, "demand_mean");
    let first = n95
        .iter()
        .position(|r| cut(r))
        .expect("conservation triggers");
    assert!(
        n95[first..]
            .iter()
            .any(|r| !cut(r) && number(r, "need_mean") > 0.0),
        "conservation ends once stock recovers"
    );
    // Against need, the fill rate counts what the cut left unprotected.
    let summary: Value =
        serde_json::from_slice(&std::fs::read(base.join("summary.json")).expect("summary.json"))
            .expect("summary.json is JSON");
    let kpi = |product: &str, region: &str, name: &str| {
        summary["kpis"]
            .as_array()
            .expect("kpis")
            .iter()
            .find(|k| k["product"] == product && k["region"] == region && k["kpi"] == name)
            .and_then(|k| k["mean"].as_f64())
            .unwrap_or_else(|| panic!("{product}/{region}/{name}"))
    };
    for product in ["n95", "protective_suit", "surgical_mask"] {
        for region in ["Hubei", "national"] {
            let (vs_need, vs_demand) = (
                kpi(product, region, "fill_rate_vs_need"),
                kpi(product, region, "fill_rate"),
            );
            assert!(vs_need <= vs_demand, "{product}/{region}");
            let gap = kpi(product, region, "need") - kpi(product, region, "delivered");
            let unprotected = kpi(product, region, "unprotected");
            assert!(
                (unprotected - gap).abs() <= 1e-9 * gap.max(1.0),
                "{product}/{region}"
            );
        }
    }
    assert!(kpi("n95", "Hubei", "fill_rate_vs_need") < kpi("n95", "Hubei", "fill_rate"));
}
