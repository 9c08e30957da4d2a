//! Faults and concurrent use: a run killed at any moment leaves no partial file under a final
//! name, and `check`, `plot` and `merge` refuse what it left unfinished; Ctrl-C exits 130 and
//! removes its temporary files; two runs into one output directory never interleave; and a
//! part or baseline altered after it was written is refused.

use crate::{files_under, medsupply, minimal, root};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `medsupply ARGS...` in the package root without waiting.
fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_medsupply"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the medsupply binary starts")
}

/// Sends `signal` (`-KILL`, `-INT`) to a child.
fn signal(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill {signal} {} failed", child.id());
}

/// Waits until `path` exists (the run has started writing), at most 60 s.
fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether a file name is a temporary name (`….tmp-<pid>…`).
fn is_temp(p: &Path) -> bool {
    let name = p.file_name().unwrap_or_default().to_string_lossy();
    name.match_indices(".tmp-").any(|(k, m)| {
        name[k + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// A few pseudo-random fractions in [lo, hi), from a seed (splitmix64).
fn fractions(seed: u64, n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            lo + (hi - lo) * (z >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

const REPS: &str = "40";

#[test]
fn a_killed_run_leaves_no_partial_file_and_its_leftovers_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = minimal();
    let args = |out: &Path, plots: bool| -> Vec<String> {
        ["run", s(&scenario), "--out", s(out), "--replications", REPS]
            .into_iter()
            .chain(["--threads", "2", "--quiet"])
            .chain(if plots { None } else { Some("--no-plots") })
            .map(str::to_string)
            .collect()
    };
    // How long the results take, and the whole run with its charts.
    let started = Instant::now();
    medsupply(args(&tmp.path().join("timing"), false)).assert_code(0);
    let results = started.elapsed();
    // The reference: the same run, finished. Outputs are deterministic, so every file a killed
    // run left under a final name must be byte-identical to the reference's.
    let reference = tmp.path().join("ref");
    let started = Instant::now();
    medsupply(args(&reference, true)).assert_code(0);
    let whole = started.elapsed();
    let expected = files_under(&reference);
    // Kill points: two while simulating or writing results, two anywhere (mostly drawing).
    let points = fractions(23, 2, 0.5, 1.1)
        .into_iter()
        .map(|f| results.mul_f64(f))
        .chain(
            fractions(29, 2, 0.05, 0.95)
                .into_iter()
                .map(|f| whole.mul_f64(f)),
        );
    for (i, at) in points.enumerate() {
        let out = tmp.path().join(format!("killed{i}"));
        let mut child = spawn(
            &args(&out, true)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        std::thread::sleep(at);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if !out.exists() {
            continue;
        }
        let left = files_under(&out);
        for (path, bytes) in &left {
            if is_temp(path) {
                continue;
            }
            assert_eq!(
                Some(bytes),
                expected.get(path),
                "killed after {at:?}: {} differs from the finished run's",
                path.display()
            );
        }
        let scen = out.join("minimal");
        // The results are complete once every variant's manifest.json is there and no
        // temporary result file is left; charts are drawn after them and can be re-drawn
        // with `plot`, so a kill while drawing leaves complete results.
        let in_plots = |p: &Path| p.components().any(|c| c.as_os_str() == "plots");
        let complete = expected
            .keys()
            .filter(|p| p.ends_with("manifest.json"))
            .all(|p| left.contains_key(p))
            && !left.keys().any(|p| is_temp(p) && !in_plots(p));
        assert!(
            !finished || (complete && !left.keys().any(|p| is_temp(p))),
            "a finished run left an incomplete directory"
        );
        if complete {
            continue;
        }
        refused(
            &scen,
            &reference,
            left.keys().any(|p| !p.ends_with(".lock")),
        );
    }
    // Deterministically: a variant without its manifest, or with a temporary file left.
    let copy = tmp.path().join("copy");
    for (path, bytes) in &expected {
        std::fs::create_dir_all(copy.join(path).parent().unwrap()).unwrap();
        std::fs::write(copy.join(path), bytes).unwrap();
    }
    std::fs::rename(
        copy.join("minimal/base/manifest.json"),
        copy.join("minimal/base/manifest.tmp-99"),
    )
    .unwrap();
    refused(&copy.join("minimal"), &reference, true);
    std::fs::remove_file(copy.join("minimal/base/manifest.tmp-99")).unwrap();
    refused(&copy.join("minimal"), &reference, true);
    // A killed shard's part is refused by merge.
    for (i, f) in fractions(5, 2, 0.1, 0.8).into_iter().enumerate() {
        let part = tmp.path().join(format!("part{i}"));
        let mut child = spawn(&[
            "run",
            s(&scenario),
            "--out",
            s(&part),
            "--replications",
            REPS,
            "--all-variants",
            "--threads",
            "2",
            "--quiet",
            "--shard",
            "0/2",
        ]);
        std::thread::sleep(results.mul_f64(f));
        let _ = child.kill();
        let _ = child.wait();
        if part.join("minimal/part.json").is_file() {
            continue;
        }
        let o = medsupply(["merge", s(&part), "--out", s(&tmp.path().join("merged"))]);
        o.assert_code(2);
        assert!(
            !tmp.path()
                .join("merged/minimal/base/manifest.json")
                .exists(),
            "merge wrote outputs from an incomplete part"
        );
    }
}

#[test]
fn ctrl_c_exits_130_and_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // A shard appends to temporary part files for as long as it simulates.
    let mut child = spawn(&[
        "run",
        s(&minimal()),
        "--out",
        s(&out),
        "--replications",
        "400",
        "--threads",
        "1",
        "--quiet",
        "--shard",
        "0/1",
    ]);
    let scen = out.join("minimal");
    let start = Instant::now();
    while !std::fs::read_dir(&scen)
        .map(|d| d.flatten().any(|e| is_temp(&e.path())))
        .unwrap_or(false)
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    signal(&child, "-INT");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "exit after SIGINT: {status:?}");
    let temps: Vec<PathBuf> = files_under(&out)
        .into_keys()
        .filter(|p| is_temp(p))
        .collect();
    assert!(temps.is_empty(), "temporary files left: {temps:?}");
    assert!(!scen.join("part.json").exists());
}

#[test]
fn a_second_run_into_the_same_directory_is_refused_while_the_first_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let m = minimal();
    let args = [
        "run",
        s(&m),
        "--out",
        s(&out),
        "--replications",
        "200",
        "--threads",
        "1",
        "--no-plots",
        "--quiet",
    ];
    let first = spawn(&args);
    wait_for(&out.join("minimal/.lock"));
    let second = medsupply(args);
    second.assert_code(2);
    assert!(
        second
            .stderr
            .contains("in use by another medsupply process")
            && second.stderr.contains(s(&out.join("minimal"))),
        "{}",
        second.stderr
    );
    let done = first.wait_with_output().unwrap();
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(out.join("minimal/base/manifest.json").is_file());
    // Once the first has finished, the directory is free again.
    medsupply(args).assert_code(0);
}

/// Asserts that `check` and `plot` refuse the unfinished scenario directory `scen` with exit
/// code 2 (saying it is incomplete when `wrote`: anything but the lock file was written).
#[track_caller]
fn refused(scen: &Path, reference: &Path, wrote: bool) {
    let o = medsupply([
        "check",
        s(scen),
        "--baseline",
        s(&reference.join("minimal")),
    ]);
    o.assert_code(2);
    assert!(
        !wrote || (o.stderr.contains("is incomplete") && o.stderr.contains(s(scen))),
        "check: {}",
        o.stderr
    );
    if scen.is_dir() {
        let o = medsupply(["plot", s(scen)]);
        o.assert_code(2);
        assert!(
            !wrote || o.stderr.contains("is incomplete"),
            "plot: {}",
            o.stderr
        );
    }
}

/// Flips one byte in the middle of a file.
fn alter(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let k = bytes.len() / 2;
    bytes[k] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn an_altered_part_or_baseline_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let m = minimal();
    let part = |i: u32| tmp.path().join(format!("p{i}"));
    for i in 0..2 {
        let shard = format!("{i}/2");
        medsupply([
            "run",
            s(&m),
            "--out",
            s(&part(i)),
            "--replications",
            "4",
            "--quiet",
            "--shard",
            &shard,
        ])
        .assert_code(0);
    }
    alter(&part(1).join("minimal/part-base.bin"));
    let o = medsupply([
        "merge",
        s(&part(0)),
        s(&part(1)),
        "--out",
        s(&tmp.path().join("merged")),
    ]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("part-base.bin") && o.stderr.contains("altered"),
        "{}",
        o.stderr
    );
    // A baseline altered after it was blessed.
    let run = tmp.path().join("run");
    medsupply([
        "run",
        s(&m),
        "--out",
        s(&run),
        "--replications",
        "4",
        "--no-plots",
        "--quiet",
    ])
    .assert_code(0);
    let baseline = tmp.path().join("baseline");
    medsupply(["baseline", s(&run), "--to", s(&baseline)]).assert_code(0);
    medsupply(["check", s(&run), "--baseline", s(&baseline)]).assert_code(0);
    alter(&baseline.join("minimal/base/summary.json"));
    let o = medsupply(["check", s(&run), "--baseline", s(&baseline)]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("summary.json") && o.stderr.contains("altered"),
        "{}",
        o.stderr
    );
}
