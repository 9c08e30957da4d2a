//! `medsupply init`: for each template, `init` then `validate` then `run` succeed as a planner
//! would type them; the scenario validates against the schema copy written beside it; the
//! national template's provinces all have outlines on the map; a folder
//! that is not empty is refused with exit code 2 and left as it was.

use crate::{files_under, medsupply};
use std::ffi::OsStr;

#[test]
fn each_template_inits_validates_and_runs() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    for template in ["minimal", "regional", "national"] {
        let dir = tmp.path().join(template);
        let o = medsupply([
            OsStr::new("init"),
            dir.as_os_str(),
            OsStr::new("--template"),
            OsStr::new(template),
        ]);
        o.assert_code(0);
        let scenario = dir.join("scenario.toml");
        // The next two commands, as printed.
        let next = format!(
            "medsupply validate {0}\n  medsupply run {0}",
            scenario.display()
        );
        assert!(o.stdout.contains(&next), "{template}: {}", o.stdout);
        assert!(
            dir.join("data")
                .read_dir()
                .is_ok_and(|mut d| d.next().is_some()),
            "{template}: no data CSV"
        );
        // The schema copy the directive names, and the scenario validates against it.
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("medsupply.schema.json")).expect("schema written"),
        )
        .expect("the schema copy is JSON");
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        let errors = crate::schema::schema_errors(&validator, &scenario);
        assert!(errors.is_empty(), "{template}: {errors:#?}");

        medsupply([OsStr::new("validate"), scenario.as_os_str()]).assert_code(0);
        let out = tmp.path().join(format!("{template}-out"));
        crate::run_ok(&scenario, &out, &["--replications", "2", "--no-plots"]);
        assert!(
            files_under(&out)
                .keys()
                .any(|p| p.ends_with("base/summary.json")),
            "{template}: no summary written"
        );
        if template == "national" {
            // Every province found its outline in the GeoJSON `init` wrote beside it.
            let (_, text) = files_under(&out)
                .into_iter()
                .find(|(p, _)| p.ends_with("base/outlines.geojson"))
                .expect("national: outlines.geojson written");
            let outlines: serde_json::Value =
                serde_json::from_slice(&text).expect("outlines.geojson is JSON");
            assert_eq!(outlines["features"].as_array().map(Vec::len), Some(31));
        }
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("study");
    std::fs::create_dir(&dir).expect("a folder");
    std::fs::write(dir.join("scenario.toml"), "# mine\n").expect("a file");
    let before = files_under(&dir);
    let o = medsupply([OsStr::new("init"), dir.as_os_str()]);
    o.assert_code(2);
    assert!(o.stderr.contains("is not empty"), "{}", o.stderr);
    assert!(o.stderr.contains("--force"), "{}", o.stderr);
    assert_eq!(files_under(&dir), before, "the folder was changed");
    // --force writes the template over it.
    medsupply([OsStr::new("init"), dir.as_os_str(), OsStr::new("--force")]).assert_code(0);
    let text = std::fs::read_to_string(dir.join("scenario.toml")).expect("written");
    assert!(text.starts_with("#:schema ./medsupply.schema.json\n"));
}
