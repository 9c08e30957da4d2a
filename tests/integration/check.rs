//! `medsupply baseline` and `medsupply check` as a CI pipeline uses them: exit code 0 within
//! bounds, 1 for a regression (with a table of what moved), 2 when no comparison is possible
//! (with the reason), and the `--json` verdict.

use crate::{Outcome, medsupply, minimal, run_ok};
use std::path::{Path, PathBuf};

/// Two runs of the tutorial scenario (base variant, 4 replications): seed 42 blessed as the
/// baseline, the same seed again, and seed 7.
struct Runs {
    _tmp: tempfile::TempDir,
    baseline: PathBuf,
    same: PathBuf,
    reseeded: PathBuf,
}

impl Runs {
    fn new() -> Runs {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let run = |dir: &str, seed: &str| {
            let out = tmp.path().join(dir);
            run_ok(
                &minimal(),
                &out,
                &[
                    "--replications",
                    "4",
                    "--seed",
                    seed,
                    "--no-plots",
                    "--quiet",
                ],
            );
            out.join("minimal")
        };
        let first = run("first", "42");
        let same = run("same", "42");
        let reseeded = run("reseeded", "7");
        let baseline = tmp.path().join("baselines/minimal");
        bless(&first, &baseline, false).assert_code(0);
        Runs {
            _tmp: tmp,
            baseline,
            same,
            reseeded,
        }
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn bless(run: &Path, to: &Path, force: bool) -> Outcome {
    let mut args = vec!["baseline", s(run), "--to", s(to)];
    if force {
        args.push("--force");
    }
    medsupply(args)
}

fn check(run: &Path, baseline: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["check", s(run), "--baseline", s(baseline)];
    args.extend(extra);
    medsupply(args)
}

fn json(o: &Outcome) -> serde_json::Value {
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "`medsupply {}` printed no JSON ({e}):\n{}",
            o.args, o.stdout
        )
    })
}

#[test]
fn exit_0_within_bounds_in_every_mode_and_directory_form() {
    let r = Runs::new();
    for extra in [
        &[][..],
        &["--mode", "exact"],
        &["--mode", "tolerance"],
        &["--mode", "statistical", "--level", "0.99"],
    ] {
        let o = check(&r.same, &r.baseline, extra);
        o.assert_code(0);
        assert!(o.stdout.contains("PASS"), "{}", o.stdout);
    }
    check(&r.same.join("base"), &r.baseline.join("base"), &[]).assert_code(0);
    check(r.same.parent().unwrap(), &r.baseline, &[]).assert_code(0);
    let o = check(&r.same, &r.baseline, &["--json"]);
    o.assert_code(0);
    let v = json(&o);
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["check_schema_version"], 1);
    assert_eq!(v["mode"], "exact");
    assert_eq!(v["failed"], 0);
}

#[test]
fn exit_1_on_a_regression_with_a_table_largest_first() {
    let r = Runs::new();
    let o = check(&r.reseeded, &r.baseline, &["--mode", "tolerance"]);
    o.assert_code(1);
    assert!(
        o.stdout.contains("provenance changed: seed 42 → 7"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("REGRESSION: "), "{}", o.stdout);
    let header = o
        .stdout
        .lines()
        .find(|l| l.starts_with("KPI"))
        .unwrap_or_else(|| panic!("no table:\n{}", o.stdout));
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        [
            "KPI",
            "product",
            "region",
            "baseline",
            "now",
            "difference",
            "allowed"
        ]
    );
    assert!(o.stderr.contains("error: regression: "), "{}", o.stderr);
    // Exact mode fails too, naming the files.
    let o = check(&r.reseeded, &r.baseline, &[]);
    o.assert_code(1);
    assert!(
        o.stdout.contains("manifest.json differs from line"),
        "{}",
        o.stdout
    );
    // --json: the same verdict, sorted largest relative change first.
    let o = check(&r.reseeded, &r.baseline, &["--mode", "tolerance", "--json"]);
    o.assert_code(1);
    let v = json(&o);
    assert_eq!(v["verdict"], "regression");
    let regs = v["regressions"].as_array().unwrap();
    assert!(!regs.is_empty());
    assert_eq!(v["failed"].as_u64(), Some(regs.len() as u64));
    let size = |f: &serde_json::Value| {
        f["relative_difference"]
            .as_f64()
            .map_or(f64::INFINITY, f64::abs)
    };
    assert!(
        regs.windows(2).all(|w| size(&w[0]) >= size(&w[1])),
        "{regs:#?}"
    );
    assert_eq!(
        v["variants"][0]["provenance_changes"][0]["field"], "seed",
        "{v:#}"
    );
    // A generous practical threshold makes the reseeded run pass the statistical check.
    check(
        &r.reseeded,
        &r.baseline,
        &["--mode", "statistical", "--rtol", "1", "--atol", "1"],
    )
    .assert_code(0);
}

#[test]
fn exit_2_when_no_comparison_is_possible() {
    let r = Runs::new();
    let cases: Vec<(PathBuf, Vec<&str>, &str)> = vec![
        (r.baseline.join("nowhere"), vec![], "does not exist"),
        (
            r.baseline.clone(),
            vec!["--mode", "exact", "--rtol", "0.1"],
            "need --mode tolerance",
        ),
        (r.baseline.clone(), vec!["--level", "0.9"], "--level needs"),
    ];
    for (baseline, extra, says) in cases {
        let o = check(&r.same, &baseline, &extra);
        o.assert_code(2);
        assert!(o.stderr.contains(says), "{}: {}", o.args, o.stderr);
    }
    // Another scenario.
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other");
    run_ok(
        Path::new("tests/good/base.toml"),
        &other,
        &["--replications", "2", "--no-plots", "--quiet"],
    );
    let dirs: Vec<_> = std::fs::read_dir(&other).unwrap().collect();
    let other_scenario = dirs[0].as_ref().unwrap().path();
    let o = check(&other_scenario, &r.baseline, &["--json"]);
    o.assert_code(2);
    assert!(o.stderr.contains("another scenario"), "{}", o.stderr);
    let v = json(&o);
    assert_eq!(v["verdict"], "incomparable");
    assert!(
        v["reason"].as_str().unwrap().contains("another scenario"),
        "{v:#}"
    );
    // A missing file.
    std::fs::remove_file(r.same.join("base/replications.csv")).unwrap();
    let o = check(&r.same, &r.baseline, &[]);
    o.assert_code(2);
    assert!(o.stderr.contains("lacks replications.csv"), "{}", o.stderr);
}

#[test]
fn an_incompatible_schema_version_is_refused() {
    let r = Runs::new();
    let manifest = r.baseline.join("base/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let (head, tail) = text.split_once("\"schema_version\": ").unwrap();
    let rest = tail.split_once(',').unwrap().1;
    std::fs::write(&manifest, format!("{head}\"schema_version\": 1000,{rest}")).unwrap();
    let o = check(&r.same, &r.baseline, &["--mode", "tolerance"]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("output schema version 1000") && o.stderr.contains("re-bless"),
        "{}",
        o.stderr
    );
    // Nor can such a directory be blessed.
    let to = r.baseline.with_file_name("again");
    bless(&r.baseline, &to, false).assert_code(2);
    assert!(!to.exists());
}

#[test]
fn a_bad_rules_file_is_reported_with_its_position() {
    let r = Runs::new();
    let rules = r.baseline.with_file_name("rules.toml");
    std::fs::write(&rules, "[[rule]]\nkpi = \"fil_rate\"\natol = 0.1\n").unwrap();
    let o = check(
        &r.same,
        &r.baseline,
        &["--mode", "tolerance", "--rules", s(&rules)],
    );
    o.assert_code(2);
    let at = format!(
        "{}:2:7: rule[0].kpi: unknown KPI `fil_rate`",
        rules.display()
    );
    assert!(o.stderr.contains(&at), "{}", o.stderr);
    // A good one bounds what it selects.
    std::fs::write(&rules, "[[rule]]\nrtol = 10\natol = 1000\n\n[[rule]]\nkpi = \"lead_time_p95_days\"\nignore = true\n").unwrap();
    let o = check(
        &r.reseeded,
        &r.baseline,
        &["--mode", "statistical", "--rules", s(&rules)],
    );
    o.assert_code(0);
}

#[test]
fn baseline_refuses_to_overwrite_without_force() {
    let r = Runs::new();
    let o = bless(&r.reseeded, &r.baseline, false);
    o.assert_code(2);
    assert!(o.stderr.contains("--force"), "{}", o.stderr);
    check(&r.same, &r.baseline, &[]).assert_code(0);
    bless(&r.reseeded, &r.baseline, true).assert_code(0);
    check(&r.reseeded, &r.baseline, &[]).assert_code(0);
    check(&r.same, &r.baseline, &[]).assert_code(1);
}
