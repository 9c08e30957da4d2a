//! One replication split into region partitions (`--partitions K`): the same bytes as the
//! sequential engine for every partition count and thread count, on the shipped scenarios and
//! on a generated national network.

use crate::{assert_same_files, files_under, medsupply, run_ok};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Tabular outputs of `run SCENARIO` with `--partitions k --threads t`.
fn outputs(scenario: &Path, reps: &str, k: &str, t: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let args = [
        "--replications",
        reps,
        "--partitions",
        k,
        "--threads",
        t,
        "--no-plots",
        "--quiet",
    ];
    run_ok(scenario, tmp.path(), &args);
    files_under(tmp.path())
}

/// K in {1, 2, 8, 31} × threads in {1, 2, 4} all give the sequential bytes.
fn matrix(scenario: &Path, reps: &str) {
    let sequential = outputs(scenario, reps, "1", "1");
    assert!(sequential.keys().any(|p| p.ends_with("timeseries.csv")));
    for k in ["1", "2", "8", "31"] {
        for t in ["1", "2", "4"] {
            let what = format!("{}: --partitions {k} --threads {t}", scenario.display());
            assert_same_files(&what, &sequential, &outputs(scenario, reps, k, t));
        }
    }
}

#[test]
fn shipped_scenarios_give_the_same_bytes_in_any_number_of_partitions() {
    for s in ["china-2020", "hubei-2020", "minimal"] {
        matrix(&Path::new("scenarios").join(format!("{s}.toml")), "2");
    }
}

#[test]
fn a_generated_national_network_gives_the_same_bytes_in_any_number_of_partitions() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let file = tmp.path().join("national.toml");
    medsupply(
        [
            "generate",
            "--nodes",
            "1500",
            "--regions",
            "31",
            "--days",
            "90",
            "--seed",
            "4",
            "--out",
        ]
        .iter()
        .map(std::ffi::OsStr::new)
        .chain([file.as_os_str()]),
    )
    .assert_code(0);
    matrix(&file, "1");
    // auto splits a single replication of a large network when threads are free.
    assert_same_files(
        "--partitions auto",
        &outputs(&file, "1", "1", "1"),
        &outputs(&file, "1", "auto", "2"),
    );
}

#[test]
fn a_bad_partition_count_is_a_usage_error() {
    for bad in ["0", "many", "-2"] {
        let flag = format!("--partitions={bad}");
        let o = medsupply(["run", "scenarios/minimal.toml", &flag, "--no-plots"]);
        o.assert_code(2).assert_no_panic();
        assert!(o.stderr.contains("--partitions"), "{}", o.stderr);
    }
}
