//! Golden outputs: each shipped scenario, run with a few replications, must reproduce the
//! baseline committed under `tests/golden/<scenario>/` byte for byte (`check --mode exact`).
//!
//! When the model changes on purpose, re-bless them all with one line, and say why in the
//! commit that does it (see `tests/golden/README.md`):
//!
//! ```text
//! MEDSUPPLY_BLESS=1 cargo test --profile checked --locked --test integration golden
//! ```

use crate::{medsupply, root, run_ok};
use std::path::{Path, PathBuf};

/// Replications of a golden run: few, so the files stay small and the test fast.
const REPLICATIONS: &str = "4";

/// The command that re-blesses, for messages.
const BLESS: &str =
    "MEDSUPPLY_BLESS=1 cargo test --profile checked --locked --test integration golden";

/// Which variants of a scenario are golden.
enum Variants {
    /// The base and every variant.
    All,
    /// The base only: all ten variants of the 2020 scenarios would put ~50 MB in the
    /// repository at every bless; their overrides are covered by unit and engine tests.
    Base,
}

/// Whether this test run re-blesses instead of checking.
fn blessing() -> bool {
    std::env::var_os("MEDSUPPLY_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs `scenario`, then checks it against its golden baseline (or re-blesses it).
fn golden(scenario: &str, variants: Variants) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let out = tmp.path().join("out");
    let mut extra = vec!["--replications", REPLICATIONS, "--no-plots", "--quiet"];
    if let Variants::All = variants {
        extra.push("--all-variants");
    }
    run_ok(&root().join(scenario), &out, &extra);
    let dirs: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("the run wrote its output directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    let [run] = dirs.as_slice() else {
        panic!("{scenario}: expected one scenario directory, found {dirs:?}");
    };
    let name = run.file_name().expect("a scenario directory name");
    let golden = Path::new("tests/golden").join(name);
    if blessing() {
        medsupply([
            "baseline".as_ref(),
            run.as_os_str(),
            "--to".as_ref(),
            golden.as_os_str(),
            "--force".as_ref(),
        ])
        .assert_code(0);
        eprintln!("re-blessed {}", golden.display());
        return;
    }
    assert!(
        root().join(&golden).is_dir(),
        "{scenario} has no golden baseline in {}; create it with `{BLESS}`",
        golden.display()
    );
    let o = medsupply([
        "check".as_ref(),
        run.as_os_str(),
        "--baseline".as_ref(),
        golden.as_os_str(),
        "--mode".as_ref(),
        "exact".as_ref(),
    ]);
    o.assert_no_panic();
    assert_eq!(
        o.code,
        Some(0),
        "{scenario} no longer reproduces {}.\n{}{}\nIf the change is intended, re-bless with \
         `{BLESS}` and say why in the commit message.",
        golden.display(),
        o.stdout,
        o.stderr
    );
}

#[test]
fn minimal_reproduces_its_golden_outputs() {
    golden("scenarios/minimal.toml", Variants::All);
}

#[test]
fn hubei_2020_reproduces_its_golden_outputs() {
    golden("scenarios/hubei-2020.toml", Variants::Base);
}

#[test]
fn china_2020_reproduces_its_golden_outputs() {
    golden("scenarios/china-2020.toml", Variants::Base);
}
