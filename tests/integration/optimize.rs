//! `medsupply optimize`: finds a split of a fixed stock whose optimum is known (each hospital
//! gets exactly its deterministic demand), writes the same files for any thread count, writes
//! a `best.toml` that `run --variant` accepts once pasted into the scenario, selects among a
//! finite set, and refuses bad objectives, parameters, constraints and costs with exit 2,
//! naming them, before anything is written.

use crate::{assert_same_files, files_under, medsupply, root, run_ok};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Two hospitals with fixed epidemics sharing a stock, and nothing else (see the file).
fn two_hospitals() -> PathBuf {
    root().join("tests/good/two_hospitals.toml")
}

const HUBEI: &str = "node.hubei-hospital.stock.surgical_mask";
const HUNAN: &str = "node.hunan-hospital.stock.surgical_mask";

/// Each region's total mask demand over the horizon, as a plain run measures it.
fn demands(tmp: &Path) -> (f64, f64) {
    let out = tmp.join("demand");
    run_ok(
        &two_hospitals(),
        &out,
        &["--replications", "2", "--no-plots", "--quiet"],
    );
    let mut reader =
        csv::Reader::from_path(out.join("two-hospitals/base/replications.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut found = (None, None);
    for r in reader.records().map(Result::unwrap) {
        let demand: f64 = r[col("demand")].parse().unwrap();
        match &r[col("region")] {
            "Hubei" => found.0 = Some(demand),
            "Hunan" => found.1 = Some(demand),
            _ => {}
        }
    }
    (found.0.unwrap(), found.1.unwrap())
}

/// Runs `medsupply optimize SCENARIO ARGS... --out OUT --quiet`.
fn optimize(scenario: &Path, out: &Path, args: &[&str]) -> crate::Outcome {
    let mut all: Vec<&OsStr> = vec![OsStr::new("optimize"), scenario.as_os_str()];
    all.extend(args.iter().map(OsStr::new));
    all.extend([OsStr::new("--out"), out.as_os_str(), OsStr::new("--quiet")]);
    medsupply(all)
}

/// The split question: both stocks in 0..total under the budget total.
fn split_args(total: f64) -> Vec<String> {
    vec![
        "--objective".into(),
        "shortage:surgical_mask:national:min".into(),
        "--param".into(),
        format!("{HUBEI}=0..{total}"),
        "--param".into(),
        format!("{HUNAN}=0..{total}"),
        "--cost".into(),
        format!("{HUBEI}*1+{HUNAN}*1<={total}"),
        "--delta".into(),
        "50".into(),
        "--replications".into(),
        "1".into(),
        "--budget".into(),
        "300".into(),
    ]
}

#[test]
fn the_split_that_matches_each_hospitals_demand_is_found_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let (hubei, hunan) = demands(tmp.path());
    let total = hubei + hunan;
    let args = split_args(total);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut written = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}"));
        let mut with = args.clone();
        with.extend(["--threads", threads]);
        optimize(&two_hospitals(), &out, &with).assert_code(0);
        written.push(files_under(&out));
    }
    assert_same_files("optimize on 1 and 2 threads", &written[0], &written[1]);
    let dir = tmp.path().join("t1/two-hospitals/optimization");
    for f in [
        "optimization.csv",
        "best.toml",
        "progress.svg",
        "progress.png",
        "report.html",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    // The selected row of optimization.csv holds the split.
    let mut reader = csv::Reader::from_path(dir.join("optimization.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let chosen: Vec<csv::StringRecord> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[col("outcome")] == "selected")
        .collect();
    assert_eq!(chosen.len(), 1);
    let (a, b): (f64, f64) = (
        chosen[0][col(HUBEI)].parse().unwrap(),
        chosen[0][col(HUNAN)].parse().unwrap(),
    );
    let tolerance = 0.02 * total;
    assert!(
        (a - hubei).abs() <= tolerance && (b - hunan).abs() <= tolerance,
        "chose {a} + {b}, the demands are {hubei} + {hunan}"
    );
    assert!(a + b <= total, "over the budget: {a} + {b} > {total}");
    // best.toml pasted into the scenario is a variant `run --variant` accepts.
    let best = std::fs::read_to_string(dir.join("best.toml")).unwrap();
    assert!(
        best.contains("name = \"optimized\"") && best.contains("within δ = 50"),
        "{best}"
    );
    let pasted = tmp.path().join("pasted.toml");
    let text = std::fs::read_to_string(two_hospitals()).unwrap();
    std::fs::write(&pasted, format!("{text}\n{best}")).unwrap();
    let out = tmp.path().join("pasted-run");
    run_ok(
        &pasted,
        &out,
        &[
            "--variant",
            "optimized",
            "--replications",
            "1",
            "--no-plots",
            "--quiet",
        ],
    );
    let runs =
        std::fs::read_to_string(out.join("two-hospitals/optimized/replications.csv")).unwrap();
    let national = runs.lines().find(|l| l.contains(",national,")).unwrap();
    let shortage = national.split(',').nth(col_of(&runs, "shortage")).unwrap();
    let shortage: f64 = shortage.parse().unwrap();
    assert!(
        shortage <= tolerance,
        "the pasted variant leaves {shortage} short"
    );
}

/// The index of column `name` in the header of CSV `text`.
fn col_of(text: &str, name: &str) -> usize {
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == name)
        .unwrap()
}

#[test]
fn a_finite_set_is_enumerated_and_each_candidate_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    optimize(
        &two_hospitals(),
        &out,
        &[
            "--objective",
            "shortage:surgical_mask:Hubei",
            "--objective",
            "shortage:surgical_mask:Hunan",
            "--param",
            &format!("{HUBEI}=0,5000,10000,15000"),
            "--param",
            &format!("{HUNAN}=0,2000,5000"),
            "--delta",
            "10",
            "--replications",
            "1",
            "--threads",
            "2",
        ],
    )
    .assert_code(0);
    let dir = out.join("two-hospitals/optimization");
    let csv = std::fs::read_to_string(dir.join("optimization.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 12, "{csv}");
    // Hubei's shortage is least with the most stock (ties go to the first candidate).
    let selected = rows.iter().find(|r| r.contains(",selected,")).unwrap();
    assert!(selected.contains(",selection,15000,0,"), "{selected}");
    // Two objectives: the front is drawn and flagged.
    assert!(dir.join("pareto.svg").is_file());
    assert!(rows.iter().any(|r| r.ends_with(",true")), "{csv}");
}

#[test]
fn bad_objectives_params_constraints_and_costs_exit_2_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let good_param = format!("{HUBEI}=0..1000");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--objective".into(), "nope:surgical_mask:Hubei".into()],
            "nope:surgical_mask:Hubei",
        ),
        (
            vec!["--objective".into(), "shortage:gloves:Hubei".into()],
            "shortage:gloves:Hubei",
        ),
        (
            vec![
                "--objective".into(),
                "shortage:surgical_mask:Mars:min".into(),
            ],
            "shortage:surgical_mask:Mars:min",
        ),
        (
            vec![
                "--objective".into(),
                "shortage:surgical_mask:Hubei".into(),
                "--constraint".into(),
                "shortage:surgical_mask:Hunan<0".into(),
            ],
            "shortage:surgical_mask:Hunan<0",
        ),
        (
            vec![
                "--objective".into(),
                "shortage:surgical_mask:Hubei".into(),
                "--constraint".into(),
                "nope:surgical_mask:Hunan<=0".into(),
            ],
            "nope:surgical_mask:Hunan<=0",
        ),
        (
            vec![
                "--objective".into(),
                "shortage:surgical_mask:Hubei".into(),
                "--cost".into(),
                "node.nowhere.stock.x*2<=5".into(),
            ],
            "node.nowhere.stock.x*2<=5",
        ),
        (
            vec![
                "--objective".into(),
                "shortage:surgical_mask:Hubei".into(),
                "--param".into(),
                "node.nowhere.stock.x=1..2".into(),
            ],
            "node.nowhere.stock.x=1..2",
        ),
        (
            vec![
                "--objective".into(),
                "shortage:surgical_mask:Hubei".into(),
                "--param".into(),
                "node.hubei-hospital.stockk=1,2".into(),
            ],
            "stockk",
        ),
    ];
    for (extra, named) in cases {
        let mut args: Vec<&str> = vec!["--param", &good_param, "--delta", "1"];
        args.extend(extra.iter().map(String::as_str));
        let o = optimize(&two_hospitals(), &out, &args);
        o.assert_code(2);
        assert!(o.stderr.contains(named), "{named} not named:\n{}", o.stderr);
    }
    assert!(!out.exists(), "nothing is written for bad input");
}
