//! Integration tests: they drive the real `medsupply` binary as a user would.
//!
//! - `architecture`: the library's module graph is the pinned one (no cycles, no printing).
//! - `bad_input`: every kind of broken scenario is rejected with exit code 2 and a message that
//!   names the file, the position, the field and the problem; nothing is written.
//! - `calibrate`: a known parameter is recovered; outputs the same on 1 and 2 threads; bad
//!   observed rows and paths exit 2 naming them.
//! - `check`: `baseline` and `check` exit 0/1/2 as a CI pipeline needs, with `--json` verdicts.
//! - `determinism`: outputs are byte-identical whatever the thread count, and across runs.
//! - `faults`: killed runs leave no partial file and their leftovers are refused; Ctrl-C exits
//!   130 without temporary files; concurrent runs into one directory; altered parts/baselines.
//! - `fuzz`: mutants of the small scenarios and their CSV files (seeded, structured with
//!   `toml_edit`) are rejected with exit 2 or run; never a panic, hang or write outside `--out`.
//! - `help`: every subcommand's `--help` has its description and examples.
//! - `init`: each template `init` writes validates (against the schema too) and runs as written;
//!   a folder that is not empty is refused.
//! - `invariants`: every variant of the 2020 scenarios runs 20 replications with the engine's
//!   debug assertions on (in the `checked` profile the tests run in).
//! - `optimize`: a split whose optimum is known is found; outputs the same on 1 and 2 threads;
//!   best.toml runs as a variant; bad objectives, params, constraints and costs exit 2.
//! - `golden`: the shipped scenarios reproduce their committed outputs in `tests/golden/`.
//! - `report`: plots and report.html are deterministic, re-drawn identically by `plot`, refused
//!   with exit 2 from corrupt outputs, and render in headless Chromium.
//! - `run_outputs`: the layout and internal consistency of the four output files.
//! - `schema`: the shipped JSON Schema is the generated one, every shipped scenario validates
//!   against it, and files with shape errors fail it.
//!
//! The binary runs in the package root, so scenario paths in its messages are the short
//! relative paths the tests pass (`tests/bad/unknown_region.toml`).

mod architecture;
mod bad_input;
mod calibrate;
mod check;
mod determinism;
mod epidemic;
mod faults;
mod fuzz;
mod golden;
mod help;
mod init;
mod invariants;
mod need;
mod optimize;
mod partitions;
mod report;
mod run_outputs;
mod schema;
mod studies;
mod tables;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    /// The arguments, for messages.
    pub args: String,
    /// Exit code; `None` when killed by a signal.
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Outcome {
    /// Fails unless the run exited with `code` and did not panic.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        self.assert_no_panic();
        assert_eq!(
            self.code,
            Some(code),
            "`medsupply {}` exited with {:?}, expected {code}\nstderr:\n{}",
            self.args,
            self.code,
            self.stderr
        );
        self
    }

    /// Fails if the run panicked (exit code 101 or a `panicked` message) or was killed.
    #[track_caller]
    pub fn assert_no_panic(&self) -> &Self {
        assert!(
            self.code.is_some() && self.code != Some(101) && !self.stderr.contains("panicked"),
            "`medsupply {}` panicked or was killed (exit {:?})\nstderr:\n{}",
            self.args,
            self.code,
            self.stderr
        );
        self
    }
}

/// The package root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `medsupply ARGS...` in the package root and waits for it.
pub fn medsupply<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_medsupply"))
        .args(&args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the medsupply binary starts");
    Outcome {
        args: args
            .iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" "),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `medsupply run SCENARIO --out OUT EXTRA...`, expecting success.
#[track_caller]
pub fn run_ok(scenario: &Path, out: &Path, extra: &[&str]) -> Outcome {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("run"),
        scenario.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let o = medsupply(args);
    o.assert_code(0);
    o
}

/// Every file under `dir` (recursively), by path relative to `dir`, with its bytes.
pub fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let bytes = std::fs::read(&p).expect("an output file is readable");
                out.insert(
                    p.strip_prefix(base).expect("under base").to_path_buf(),
                    bytes,
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts that two sets of files (from [`files_under`]) have the same names and bytes, naming
/// the files that differ.
#[track_caller]
pub fn assert_same_files(
    what: &str,
    a: &BTreeMap<PathBuf, Vec<u8>>,
    b: &BTreeMap<PathBuf, Vec<u8>>,
) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: different files written"
    );
    let differing: Vec<_> = a
        .iter()
        .filter(|(p, bytes)| b[*p] != **bytes)
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(
        differing.is_empty(),
        "{what}: these files differ: {differing:?}"
    );
}

/// The tutorial scenario every run test uses.
pub fn minimal() -> PathBuf {
    root().join("scenarios/minimal.toml")
}

/// The parsed TOML of the tutorial scenario, to derive expectations from.
pub fn minimal_toml() -> toml::Table {
    std::fs::read_to_string(minimal())
        .expect("scenarios/minimal.toml is readable")
        .parse()
        .expect("scenarios/minimal.toml is valid TOML")
}

/// The `id`s (or another string key) of an array of tables, in file order.
pub fn ids(t: &toml::Table, array: &str, key: &str) -> Vec<String> {
    t.get(array)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.get(key).and_then(|x| x.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
