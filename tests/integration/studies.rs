//! Studies: shards merged byte-identical to one machine, merge refusing parts that do not
//! belong together, comparisons and sweeps, and sequential stopping independent of threads.

use crate::{files_under, medsupply, minimal};
use std::path::Path;

/// `medsupply ARGS` with `--out OUT`, expecting success.
fn ok(args: &[&str], out: &Path) {
    let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    a.extend([
        "--out".to_string(),
        out.display().to_string(),
        "--quiet".to_string(),
    ]);
    medsupply(&a).assert_code(0);
}

/// Runs `cmd` (run, compare or sweep with its arguments) whole and in `n` shards, merges the
/// shards, and checks the outputs are byte-identical.
fn sharded_equals_whole(cmd: &[&str], n: u32) {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    ok(cmd, &whole);
    let mut parts = Vec::new();
    for i in 0..n {
        let part = tmp.path().join(format!("part{i}"));
        let mut c = cmd.to_vec();
        let shard = format!("{i}/{n}");
        c.extend(["--shard", shard.as_str()]);
        ok(&c, &part);
        parts.push(part.display().to_string());
    }
    let merged = tmp.path().join("merged");
    let mut m = vec!["merge".to_string()];
    // In reverse order: merge must not depend on the order parts are given.
    m.extend(parts.iter().rev().cloned());
    m.extend(["--out".to_string(), merged.display().to_string()]);
    medsupply(&m).assert_code(0);
    let (a, b) = (files_under(&whole), files_under(&merged));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    // The units shipped between regions travel in the parts too.
    assert!(
        a.iter()
            .any(|(k, v)| k.ends_with("flows.csv") && v.split(|&c| c == b'\n').count() > 2),
        "flows.csv with rows: {:?}",
        a.keys()
    );
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{} differs after merging {n} shards",
            k.display()
        );
    }
}

#[test]
fn shards_merge_to_the_one_machine_output() {
    let s = minimal().display().to_string();
    sharded_equals_whole(&["run", &s, "--replications", "7", "--all-variants"], 3);
    sharded_equals_whole(&["run", &s, "--replications", "5"], 1);
    // Longer than the reorder buffer, on two threads, in uneven shards.
    sharded_equals_whole(
        &[
            "run",
            &s,
            "--replications",
            "29",
            "--all-variants",
            "--no-plots",
            "--threads",
            "2",
        ],
        4,
    );
    sharded_equals_whole(&["compare", &s, "--all", "--replications", "6"], 4);
    sharded_equals_whole(
        &[
            "sweep",
            &s,
            "--set",
            "green_channel.start_day=0,20",
            "--replications",
            "4",
        ],
        2,
    );
}

#[test]
fn slurm_and_kubernetes_indices_select_the_shard() {
    let s = minimal().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let by_flag = tmp.path().join("flag");
    ok(
        &["run", &s, "--replications", "6", "--shard", "1/3"],
        &by_flag,
    );
    for (env, extra) in [
        (
            vec![
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            vec![],
        ),
        (
            vec![("JOB_COMPLETION_INDEX", "1")],
            vec!["--shard-count", "3"],
        ),
    ] {
        let out = tmp.path().join(env[0].0);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_medsupply"))
            .args(["run", &s, "--replications", "6", "--quiet", "--out"])
            .arg(&out)
            .args(&extra)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(files_under(&by_flag), files_under(&out), "{env:?}");
    }
}

#[test]
fn merge_refuses_missing_duplicated_and_mixed_parts() {
    let s = minimal().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let part = |i: u32, seed: &str| {
        let p = tmp.path().join(format!("p{i}-{seed}"));
        ok(
            &[
                "run",
                &s,
                "--replications",
                "6",
                "--seed",
                seed,
                "--shard",
                &format!("{i}/3"),
            ],
            &p,
        );
        p.display().to_string()
    };
    let (p0, p1, p2, q2) = (part(0, "1"), part(1, "1"), part(2, "1"), part(2, "9"));
    let out = tmp.path().join("out").display().to_string();
    for (parts, why) in [
        (vec![&p0, &p1], "is missing"),
        (vec![&p0, &p1, &p2, &p1], "more than one part"),
        (vec![&p0, &p1, &q2], "different seed"),
        (vec![&out], "cannot read"),
    ] {
        let mut a = vec!["merge".to_string()];
        a.extend(parts.iter().map(|p| p.to_string()));
        a.extend(["--out".to_string(), out.clone()]);
        let o = medsupply(&a);
        o.assert_code(2);
        assert!(o.stderr.contains(why), "want `{why}` in:\n{}", o.stderr);
        assert!(!Path::new(&out).exists(), "a refused merge wrote nothing");
    }
}

#[test]
fn compare_writes_paired_differences_and_prints_a_table() {
    let s = minimal().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let o = medsupply([
        "compare",
        &s,
        "--variants",
        "no-green-channel,no-conversion",
        "--replications",
        "8",
        "--quiet",
        "--out",
        &tmp.path().display().to_string(),
    ]);
    o.assert_code(0);
    assert!(
        o.stdout.contains("fill_rate") && o.stdout.contains("no-green-channel"),
        "{}",
        o.stdout
    );
    let dir = tmp.path().join("minimal");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("comparison.json")).unwrap()).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let lead = rows
        .iter()
        .find(|r| {
            r["variant"] == "no-green-channel"
                && r["kpi"] == "lead_time_mean_days"
                && r["region"] == "Hubei"
        })
        .expect("a lead-time row");
    assert!(
        lead["mean_diff"].as_f64().unwrap() > 0.0 && lead["ci95_low"].as_f64().unwrap() > 0.0,
        "{lead}"
    );
    // Two arms compared with the baseline: Bonferroni widens the interval.
    assert!(lead["adjusted_low"].as_f64().unwrap() < lead["ci95_low"].as_f64().unwrap());
    for arm in ["base", "no-green-channel", "no-conversion"] {
        assert!(dir.join(arm).join("summary.json").is_file(), "{arm}");
    }
    assert!(dir.join("comparison.csv").is_file());
}

#[test]
fn sequential_stopping_does_not_depend_on_threads() {
    let s = minimal().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "4"] {
        let out = tmp.path().join(threads);
        let o = medsupply([
            "compare",
            &s,
            "--variants",
            "no-conversion",
            "--target-rel-hw",
            "0.002",
            "--min-reps",
            "5",
            "--max-reps",
            "60",
            "--threads",
            threads,
            "--quiet",
            "--out",
            &out.display().to_string(),
        ]);
        o.assert_code(0);
        assert!(
            o.stderr.contains("sequential stopping: n = "),
            "{}",
            o.stderr
        );
        outs.push((
            o.stderr
                .lines()
                .find(|l| l.contains("sequential stopping"))
                .unwrap()
                .to_string(),
            files_under(&out),
        ));
    }
    assert_eq!(outs[0], outs[1]);
}

#[test]
fn sweep_writes_one_row_per_point_and_kpi() {
    let s = minimal().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    ok(
        &[
            "sweep",
            &s,
            "--set",
            "green_channel.start_day=0,30",
            "--set",
            "policy.conversion=true,false",
            "--replications",
            "3",
        ],
        tmp.path(),
    );
    let text = std::fs::read_to_string(tmp.path().join("minimal/sweep.csv")).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("point,green_channel.start_day,policy.conversion,product,region,kpi"),
        "{header}"
    );
    let points: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(points.len(), 4, "{points:?}");
    let bad = medsupply([
        "sweep",
        &s,
        "--set",
        "policy.nonsense=1,2",
        "--out",
        &tmp.path().display().to_string(),
    ]);
    bad.assert_code(2);
}

#[test]
fn slurm_prints_an_array_and_a_dependent_merge() {
    let s = minimal().display().to_string();
    let o = medsupply([
        "slurm",
        &s,
        "--shards",
        "4",
        "--replications",
        "40",
        "--out",
        "/tmp/medsupply-study",
    ]);
    o.assert_code(0);
    for want in [
        "--array=0-3",
        "--dependency=afterok:$ARRAY",
        " merge ",
        "--replications 40",
        "SLURM_ARRAY_TASK_ID",
    ] {
        assert!(o.stdout.contains(want), "want `{want}` in:\n{}", o.stdout);
    }
}

/// The cells of `column` in a CSV file.
fn csv_column(path: &Path, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let at = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{}: no column {column}", path.display()));
    r.records()
        .map(|rec| rec.unwrap()[at].to_string())
        .collect()
}

#[test]
fn one_replication_gives_null_intervals_empty_cells_and_no_verdict() {
    let s = minimal().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().display().to_string();
    let o = medsupply([
        "compare",
        &s,
        "--variants",
        "no-green-channel,no-conversion",
        "--replications",
        "1",
        "--quiet",
        "--out",
        &out,
    ]);
    o.assert_code(0);
    assert!(o.stdout.contains("n/a: 1 replication"), "{}", o.stdout);
    let dir = tmp.path().join("minimal");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("base/summary.json")).unwrap()).unwrap();
    let kpis = summary["kpis"].as_array().unwrap();
    assert!(!kpis.is_empty());
    for k in kpis {
        assert!(k["ci95_low"].is_null() && k["ci95_high"].is_null(), "{k}");
        assert!(k["mean"].is_number() && k["p50"].is_number(), "{k}");
    }
    let weekly = dir.join("base/weekly.csv");
    for column in ["fill_rate_ci95_low", "fill_rate_ci95_high"] {
        assert!(
            csv_column(&weekly, column).iter().all(String::is_empty),
            "{column}"
        );
    }
    assert!(
        csv_column(&weekly, "fill_rate_mean")
            .iter()
            .any(|c| !c.is_empty())
    );
    let comparison: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("comparison.json")).unwrap()).unwrap();
    for r in comparison["rows"].as_array().unwrap() {
        for key in ["ci95_low", "ci95_high", "adjusted_low", "adjusted_high"] {
            assert!(r[key].is_null(), "{key}: {r}");
        }
    }
    for column in ["ci95_low", "ci95_high", "adjusted_low", "adjusted_high"] {
        let cells = csv_column(&dir.join("comparison.csv"), column);
        assert!(
            !cells.is_empty() && cells.iter().all(String::is_empty),
            "{column}"
        );
    }
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        report.contains("1 replication: no interval; run with --replications ≥ 2"),
        "the report says why"
    );
    assert!(report.contains("n/a: 1 replication</span>"));
    assert!(!report.contains("class=\"better\">Better</span></td>"));
    assert!(!report.contains("class=\"worse\">Worse</span></td>"));

    let o = medsupply([
        "sweep",
        &s,
        "--set",
        "green_channel.start_day=0,20",
        "--replications",
        "1",
        "--quiet",
        "--no-plots",
        "--out",
        &out,
    ]);
    o.assert_code(0);
    for column in ["ci95_low", "ci95_high"] {
        let cells = csv_column(&dir.join("sweep.csv"), column);
        assert!(
            !cells.is_empty() && cells.iter().all(String::is_empty),
            "{column}"
        );
    }
}
