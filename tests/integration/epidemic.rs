//! The epidemic's uncertainty reaches the outputs: hubei-2020 draws its epidemic per
//! replication, so its demand has a P5–P95 band on its peak days.

use crate::{root, run_ok};

#[test]
fn hubei_2020_demand_has_a_band_on_its_peak_days() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    run_ok(
        &root().join("scenarios/hubei-2020.toml"),
        tmp.path(),
        &["--replications", "4", "--no-plots", "--quiet"],
    );
    let path = tmp.path().join("hubei-2020/base/timeseries.csv");
    let mut reader = csv::Reader::from_path(&path).expect("timeseries.csv");
    let headers = reader.headers().expect("a header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (item, region) = (col("item"), col("region"));
    let (mean, p5, p95) = (col("demand_mean"), col("demand_p5"), col("demand_p95"));
    // Products whose demand comes from the census (N95s, suits, ventilators) in Hubei.
    for product in ["n95", "protective_suit", "ventilator"] {
        let rows: Vec<[f64; 3]> = reader
            .records()
            .map(|r| r.expect("a row"))
            .filter(|r| &r[item] == product && &r[region] == "Hubei")
            .map(|r| [mean, p5, p95].map(|c| r[c].parse().expect("a number")))
            .collect();
        reader = csv::Reader::from_path(&path).expect("timeseries.csv");
        let peak = rows.iter().map(|r| r[0]).fold(0.0, f64::max);
        assert!(peak > 0.0, "{product} has demand in Hubei");
        let peak_days: Vec<usize> = (0..rows.len())
            .filter(|&d| rows[d][0] >= 0.9 * peak)
            .collect();
        assert!(!peak_days.is_empty());
        for d in peak_days {
            let [_, lo, hi] = rows[d];
            assert!(
                lo < hi,
                "{product} on day {d}: P5 {lo} is not below P95 {hi}"
            );
        }
    }
}
