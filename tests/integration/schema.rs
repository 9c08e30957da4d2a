//! The scenario format's JSON Schema: `medsupply schema` prints exactly the shipped copy
//! (`scenarios/medsupply.schema.json`), every shipped scenario validates against it and names
//! it in taplo's `#:schema` directive, and files with shape errors (unknown fields, wrong
//! types, missing fields) fail it.
//!
//! When the scenario types change, re-bless the shipped copy with
//!
//! ```text
//! MEDSUPPLY_BLESS=1 cargo test --profile checked --locked --test integration schema
//! ```

use crate::{medsupply, root};
use std::path::{Path, PathBuf};

/// The shipped copy of the schema.
const SHIPPED: &str = "scenarios/medsupply.schema.json";

/// The schema as `medsupply schema` prints it.
fn printed_schema() -> String {
    let o = medsupply(["schema"]);
    o.assert_code(0);
    o.stdout
}

/// A validator of the printed schema.
fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&printed_schema()).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid draft-7 schema")
}

/// What the schema says about the TOML file `path`: every error with where it is.
pub fn schema_errors(validator: &jsonschema::Validator, path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()));
    let instance = serde_json::to_value(&table).expect("TOML converts to JSON");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The TOML files under `dir` (relative to the package root) whose name ends in `.toml`.
fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn blessing() -> bool {
    std::env::var_os("MEDSUPPLY_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn the_shipped_schema_is_the_generated_one() {
    let printed = printed_schema();
    assert_eq!(
        printed,
        printed_schema(),
        "the schema is printed the same twice"
    );
    let shipped_path = root().join(SHIPPED);
    if blessing() {
        std::fs::write(&shipped_path, &printed).expect("the shipped schema is writable");
        eprintln!("re-blessed {SHIPPED}");
        return;
    }
    let shipped = std::fs::read_to_string(&shipped_path).unwrap_or_default();
    assert!(
        shipped == printed,
        "{SHIPPED} differs from `medsupply schema`; re-bless it with \
         `MEDSUPPLY_BLESS=1 cargo test --profile checked --locked --test integration schema`"
    );
}

#[test]
fn every_shipped_scenario_validates_against_the_schema_it_names() {
    let validator = validator();
    let files: Vec<PathBuf> = ["scenarios", "benches/scenarios", "tests/good"]
        .iter()
        .flat_map(|d| toml_files(d))
        .collect();
    assert!(files.len() >= 7, "found only {files:?}");
    let shipped = root()
        .join(SHIPPED)
        .canonicalize()
        .expect("the shipped schema");
    for file in &files {
        let errors = schema_errors(&validator, file);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        // taplo reads `#:schema PATH` on the first line, PATH relative to the file.
        let text = std::fs::read_to_string(file).expect("readable");
        let first = text.lines().next().unwrap_or_default();
        let named = first.strip_prefix("#:schema ").unwrap_or_else(|| {
            panic!("{}: first line is not a #:schema directive", file.display())
        });
        let target = file.parent().expect("a folder").join(named);
        assert_eq!(
            target.canonicalize().ok().as_ref(),
            Some(&shipped),
            "{}: the directive names {named}",
            file.display()
        );
    }
}

#[test]
fn files_with_shape_errors_fail_the_schema_where_the_parser_does() {
    let validator = validator();
    // (bad file, what the schema's errors must name: the places the parser reports)
    let cases: [(&str, &[&str]); 5] = [
        ("unknown_field_top_level.toml", &["colour"]),
        ("unknown_field_in_node.toml", &["beds"]),
        (
            "unknown_field_in_distribution.toml",
            &["/replenish/0/order_delay_hours"],
        ),
        (
            "several_type_errors.toml",
            &["/scenario/days", "/capacity/0/trucks_per_day"],
        ),
        ("missing_required_field.toml", &["/scenario"]),
    ];
    for (name, wanted) in cases {
        let file = root().join("tests/bad").join(name);
        let errors = schema_errors(&validator, &file);
        for want in wanted {
            assert!(
                errors.iter().any(|e| e.contains(want)),
                "{name}: no schema error names `{want}`: {errors:#?}"
            );
        }
        // The parser refuses it too (the schema says no more than the parser).
        medsupply(["validate".as_ref(), file.as_os_str()]).assert_code(2);
    }
}
