//! Tables from spreadsheets through the real binary: a scenario whose network comes from CSV
//! tables runs exactly as the same scenario written inline.

use crate::{assert_same_files, files_under, medsupply, root, run_ok};
use std::path::Path;

/// Runs `scenario` and returns its written files, the manifest (which hashes the input files,
/// different by design) left out.
fn outputs(scenario: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    run_ok(
        scenario,
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
    let tables = outputs(&root().join("tests/good/tables.toml"));
    assert!(tables.len() > 3, "{:?}", tables.keys());
    assert_same_files(
        "tables.toml against base.toml",
        &tables,
        &outputs(&root().join("tests/good/base.toml")),
    );
}

#[test]
fn a_network_generated_as_tables_runs_as_the_one_generated_inline() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let generate = |file: &Path, extra: &[&str]| {
        let args = [
            "generate",
            "--nodes",
            "400",
            "--regions",
            "7",
            "--days",
            "60",
        ];
        medsupply(
            args.iter()
                .chain(extra)
                .map(std::ffi::OsStr::new)
                .chain([std::ffi::OsStr::new("--out"), file.as_os_str()]),
        )
        .assert_code(0);
    };
    let inline = tmp.path().join("inline.toml");
    let tables = tmp.path().join("net.toml");
    generate(&inline, &[]);
    generate(&tables, &["--tables"]);
    for name in ["nodes", "links", "lines", "replenish"] {
        let csv = tmp.path().join(format!("net-{name}.csv"));
        assert!(csv.is_file(), "{} written", csv.display());
    }
    let text = std::fs::read_to_string(&tables).expect("the scenario");
    assert!(
        !text.contains("[[node]]") && text.contains("[[node_table]]"),
        "{text}"
    );
    assert_same_files(
        "generated --tables against inline",
        &outputs(&tables),
        &outputs(&inline),
    );
    // Without --out there is nowhere to put the tables.
    medsupply(["generate", "--nodes", "400", "--tables"]).assert_code(2);
}
