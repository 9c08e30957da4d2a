//! Tables from spreadsheets through the real binary: a scenario whose network comes from CSV
//! tables runs exactly as the same scenario written inline.

use crate::{assert_same_files, files_under, root, run_ok};

/// Runs `scenario` and returns its written files, the manifest (which hashes the input files,
/// different by design) left out.
fn outputs(scenario: &str) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    run_ok(
        &root().join(scenario),
        tmp.path(),
        &["--replications", "3", "--no-plots", "--quiet"],
    );
    files_under(tmp.path())
        .into_iter()
        .filter(|(p, _)| !p.ends_with("manifest.json"))
        .collect()
}

#[test]
fn a_scenario_from_tables_runs_as_the_same_scenario_written_inline() {
    let tables = outputs("tests/good/tables.toml");
    assert!(tables.len() > 3, "{:?}", tables.keys());
    assert_same_files(
        "tables.toml against base.toml",
        &tables,
        &outputs("tests/good/base.toml"),
    );
}
