//! Same scenario, same seed: the same bytes, whatever the thread count and however often it runs.

use crate::{assert_same_files, files_under, ids, minimal, minimal_toml, run_ok};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const OUTPUTS: [&str; 8] = [
    "timeseries.csv",
    "census.csv",
    "flows.csv",
    "regions.csv",
    "replications.csv",
    "weekly.csv",
    "summary.json",
    "manifest.json",
];

/// Runs every variant of minimal.toml with `args` and returns all files written.
fn run_all_variants(args: &[&str]) -> BTreeMap<PathBuf, Vec<u8>> {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    run_ok(
        &minimal(),
        tmp.path(),
        &[&["--all-variants"], args].concat(),
    );
    files_under(tmp.path())
}

/// Runs every variant of minimal.toml with a fixed seed and returns all files written.
fn all_variants(threads: &str, seed: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    run_all_variants(&["--replications", "6", "--seed", seed, "--threads", threads])
}

#[test]
fn same_seed_gives_identical_bytes_for_any_thread_count_and_run() {
    let one = all_variants("1", "11");
    let four = all_variants("4", "11");
    let again = all_variants("4", "11");
    // Plots and report.html are report.rs's to check (their bytes are compared below too).
    let tabular = one
        .keys()
        .filter(|p| {
            // The lock file (`.lock`, empty) is not an output.
            !p.ends_with("report.html")
                && !p.ends_with(".lock")
                && !p.components().any(|c| c.as_os_str() == "plots")
        })
        .count();
    assert_eq!(tabular, 3 * OUTPUTS.len(), "files: {:?}", one.keys());
    assert_same_files("--threads 1 vs --threads 4", &one, &four);
    assert_same_files("two runs with --threads 4", &four, &again);
}

#[test]
fn a_study_longer_than_the_reorder_buffer_gives_identical_bytes_on_1_2_and_4_threads() {
    // 3 variants × 30 replications: far more than the two replications per thread that workers
    // may run ahead of the one being folded, so replications finish out of order and wait.
    let run = |threads: &str| {
        run_all_variants(&[
            "--replications",
            "30",
            "--seed",
            "5",
            "--threads",
            threads,
            "--no-plots",
            "--quiet",
        ])
    };
    let one = run("1");
    let outputs = one.keys().filter(|p| !p.ends_with(".lock")).count();
    assert_eq!(outputs, 3 * OUTPUTS.len(), "files: {:?}", one.keys());
    assert_same_files("--threads 1 vs --threads 2", &one, &run("2"));
    assert_same_files("--threads 1 vs --threads 4", &one, &run("4"));
}

#[test]
fn a_different_seed_changes_the_timeseries() {
    let a = all_variants("0", "11");
    let b = all_variants("0", "12");
    let ts = Path::new("minimal/base/timeseries.csv");
    assert_ne!(
        a[ts], b[ts],
        "--seed 11 and --seed 12 gave the same timeseries.csv"
    );
    // The seed is provenance, so the manifest records it.
    let manifest = Path::new("minimal/base/manifest.json");
    assert_ne!(a[manifest], b[manifest]);
}

#[test]
fn all_variants_writes_every_variant_and_each_matches_a_run_of_its_own() {
    let all = all_variants("0", "11");
    let mut variants = vec!["base".to_string()];
    variants.extend(ids(&minimal_toml(), "variant", "name"));
    assert_eq!(variants.len(), 3, "minimal.toml defines two variants");
    let expected: Vec<PathBuf> = variants
        .iter()
        .flat_map(|v| {
            OUTPUTS
                .iter()
                .map(move |f| Path::new("minimal").join(v).join(f))
        })
        .collect();
    // Plots and report.html are report.rs's to check.
    let mut written: Vec<PathBuf> = all
        .keys()
        .filter(|p| {
            // The lock file (`.lock`, empty) is not an output.
            !p.ends_with("report.html")
                && !p.ends_with(".lock")
                && !p.components().any(|c| c.as_os_str() == "plots")
        })
        .cloned()
        .collect();
    let mut wanted = expected.clone();
    written.sort();
    wanted.sort();
    assert_eq!(written, wanted);
    // A variant's results do not depend on which other variants ran with it.
    let tmp = tempfile::tempdir().expect("a temporary directory");
    run_ok(
        &minimal(),
        tmp.path(),
        &[
            "--variant",
            "no-conversion",
            "--replications",
            "6",
            "--seed",
            "11",
        ],
    );
    // (Charts are not compared: each variant's colour is its place among those drawn together.)
    // Nor is the lock file, written wherever a run writes.
    let charts = |p: &Path| {
        p.ends_with("report.html")
            || p.ends_with(".lock")
            || p.components().any(|c| c.as_os_str() == "plots")
    };
    let alone: BTreeMap<PathBuf, Vec<u8>> = files_under(tmp.path())
        .into_iter()
        .filter(|(p, _)| !charts(p))
        .collect();
    let together: BTreeMap<PathBuf, Vec<u8>> = all
        .into_iter()
        .filter(|(p, _)| p.starts_with("minimal/no-conversion") && !charts(p))
        .collect();
    assert_same_files(
        "--variant no-conversion vs --all-variants",
        &alone,
        &together,
    );
}

#[test]
fn manifest_holds_no_timestamp_or_path() {
    // Run the same scenario from two places, by relative and by absolute path, into two
    // different output directories: the manifests must be identical.
    let copy_dir = tempfile::tempdir().expect("a temporary directory");
    let copy = copy_dir.path().join("elsewhere.toml");
    std::fs::copy(minimal(), &copy).expect("minimal.toml can be copied");
    let out1 = tempfile::tempdir().expect("a temporary directory");
    let out2 = tempfile::tempdir().expect("a temporary directory");
    let args = ["--replications", "2", "--threads", "1"];
    run_ok(Path::new("scenarios/minimal.toml"), out1.path(), &args);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_ok(&copy, out2.path(), &args);
    let m = Path::new("minimal/base/manifest.json");
    let a = std::fs::read(out1.path().join(m)).expect("manifest.json written");
    let b = std::fs::read(out2.path().join(m)).expect("manifest.json written");
    assert_eq!(
        String::from_utf8_lossy(&a),
        String::from_utf8_lossy(&b),
        "manifest.json differs between two runs of the same scenario"
    );
    // And nothing in it looks like a path or a time of day.
    let json: serde_json::Value = serde_json::from_slice(&a).expect("manifest.json parses");
    let mut strings = Vec::new();
    collect_strings(&json, "", &mut strings);
    for (key, s) in strings {
        // `files` maps result file names (`timeseries.csv`) to their SHA-256.
        if key.starts_with(".files.") {
            assert!(
                s.is_empty() || (s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit())),
                "manifest.json `{key}` is not a SHA-256: {s:?}"
            );
            continue;
        }
        let low = key.to_lowercase();
        assert!(
            !["time", "created", "host", "user", "path", "dir", "cwd"]
                .iter()
                .any(|w| low.contains(w)),
            "manifest.json has a key `{key}` that may vary between runs"
        );
        assert!(
            !s.starts_with('/') && !s.starts_with('~') && !s.contains(":\\"),
            "manifest.json `{key}` looks like an absolute path: {s:?}"
        );
        assert!(
            !looks_like_time_of_day(&s),
            "manifest.json `{key}` looks like a timestamp: {s:?}"
        );
        for dir in [out1.path(), copy_dir.path(), crate::root()] {
            assert!(
                !s.contains(&*dir.to_string_lossy()),
                "manifest.json `{key}` names {dir:?}"
            );
        }
    }
}

fn collect_strings(v: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => out.push((at.to_string(), s.clone())),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| collect_strings(v, &format!("{at}[{i}]"), out)),
        serde_json::Value::Object(o) => {
            for (k, v) in o {
                out.push((format!("{at}.{k}"), String::new()));
                collect_strings(v, &format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// `12:34` anywhere (as in `2020-01-24T12:34:56Z`).
fn looks_like_time_of_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    })
}

/// The layered benchmark network (link groups, make to order, customer orders, whole orders):
/// the same bytes for any thread count, `customer_orders.csv` included.
#[test]
fn the_layered_network_is_deterministic_across_thread_counts() {
    let scenario = crate::root().join("benches/scenarios/layered-50.toml");
    let run = |threads: &str| {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        run_ok(
            &scenario,
            tmp.path(),
            &[
                "--replications",
                "3",
                "--seed",
                "5",
                "--threads",
                threads,
                "--no-plots",
            ],
        );
        files_under(tmp.path())
    };
    let (one, two) = (run("1"), run("2"));
    assert!(
        one.keys().any(|p| p.ends_with("customer_orders.csv")),
        "{:?}",
        one.keys()
    );
    assert_same_files("layered-50: --threads 1 vs --threads 2", &one, &two);
}
