//! `medsupply calibrate`: recovers a known parameter from observations a run of its own made,
//! forecasts every observed series over the whole horizon (forecast.csv, the fit charts,
//! validation.md), writes the same files for any thread count, and refuses bad observed rows
//! and bad paths with exit 2, naming them, before anything is written.

use crate::{files_under, medsupply, minimal};
use std::path::{Path, PathBuf};

/// The melt-blown supplier's rate per line in `minimal.toml` (40,000 there).
const RATE: &str = "node.jiangsu-meltblown.lines.0.rate_per_line";

/// The rate the observations are made with.
const TRUE_RATE: f64 = 30_000.0;

/// `minimal.toml` with the melt-blown rate set to `rate`, written into `dir`.
fn minimal_with_rate(dir: &Path, rate: f64) -> PathBuf {
    let text = std::fs::read_to_string(minimal()).unwrap();
    assert!(
        text.contains("rate_per_line = 40_000"),
        "minimal.toml changed"
    );
    let path = dir.join("minimal.toml");
    std::fs::write(
        &path,
        text.replacen(
            "rate_per_line = 40_000",
            &format!("rate_per_line = {rate}"),
            1,
        ),
    )
    .unwrap();
    path
}

/// An observed file from a real run at the true rate (seed 7, not the calibration's): national
/// surgical-mask output every 4 days from day 12, once the supplier's rate binds.
fn observed(dir: &Path) -> PathBuf {
    let truth = minimal_with_rate(dir, TRUE_RATE);
    let out = dir.join("truth");
    let o = medsupply([
        "run".as_ref(),
        truth.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--replications".as_ref(),
        "8".as_ref(),
        "--seed".as_ref(),
        "7".as_ref(),
        "--no-plots".as_ref(),
        "--quiet".as_ref(),
    ]);
    o.assert_code(0);
    let mut reader = csv::Reader::from_path(out.join("minimal/base/timeseries.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut text = String::from("date,item,region,measure,value,source\n");
    for r in reader.records().map(Result::unwrap) {
        let day: usize = r[col("day")].parse().unwrap();
        if &r[col("item")] == "surgical_mask"
            && &r[col("region")] == "national"
            && day >= 12
            && day.is_multiple_of(4)
        {
            text += &format!(
                "{},surgical_mask,national,produced_per_day,{},a run\n",
                &r[col("date")],
                &r[col("produced_mean")]
            );
        }
    }
    let path = dir.join("observed.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// The dates of the horizon, from the run that made the observations.
fn horizon(tmp: &Path) -> Vec<String> {
    let path = tmp.join("truth/minimal/base/timeseries.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    // day,date,item,kind,region,…: national surgical masks, one row a day.
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[2] == "surgical_mask" && &r[4] == "national")
        .map(|r| r[1].to_string())
        .collect()
}

/// forecast.csv holds the one observed series on every date of `dates`, in order, and on the
/// observed dates the calibrated mean and the observation of fit.csv.
fn forecast_matches_fit(dir: &Path, dates: &[String]) {
    let read = |name: &str| -> Vec<csv::StringRecord> {
        let mut r = csv::Reader::from_path(dir.join(name)).unwrap();
        r.records().map(Result::unwrap).collect()
    };
    let (forecast, fit) = (read("forecast.csv"), read("fit.csv"));
    let got: Vec<&str> = forecast.iter().map(|r| &r[0]).collect();
    assert_eq!(got, dates, "one row per series and day of the horizon");
    let mut observed = 0;
    for f in &forecast {
        assert_eq!(
            (&f[1], &f[2], &f[3]),
            ("surgical_mask", "national", "produced_per_day")
        );
        let Some(row) = fit.iter().find(|r| r[0] == f[0]) else {
            assert_eq!(&f[8], "", "{f:?}: an observation on a date fit.csv lacks");
            continue;
        };
        // fit.csv: date,…,observed (5),…,calibrated_mean (10)
        assert_eq!((&f[5], &f[8]), (&row[10], &row[5]), "{f:?} against {row:?}");
        observed += 1;
    }
    assert_eq!(observed, fit.len());
}

/// Runs `calibrate` on minimal.toml for the rate with a small budget.
fn calibrate(observed: &Path, out: &Path, extra: &[&str]) -> crate::Outcome {
    let mut args = vec![
        "calibrate".to_string(),
        minimal().display().to_string(),
        "--observed".into(),
        observed.display().to_string(),
        "--param".into(),
        format!("{RATE}=10000..60000"),
        "--budget".into(),
        "20".into(),
        "--replications".into(),
        "4".into(),
        "--out".into(),
        out.display().to_string(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    medsupply(args)
}

#[test]
fn a_known_rate_is_recovered_and_its_plausible_range_holds_it() {
    let tmp = tempfile::tempdir().unwrap();
    let observed = observed(tmp.path());
    let out = tmp.path().join("out");
    calibrate(&observed, &out, &["--threads", "2"]).assert_code(0);
    let dir = out.join("minimal/calibration");
    let toml = std::fs::read_to_string(dir.join("calibrated.toml")).unwrap();
    let line = |prefix: &str| {
        toml.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` in\n{toml}"))
    };
    let fitted: f64 = line(&format!("\"{RATE}\" = "))
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (fitted - TRUE_RATE).abs() <= 0.1 * TRUE_RATE,
        "fitted {fitted}\n{toml}"
    );
    let range = line("# plausible ")
        .trim_start_matches("# plausible ")
        .split(' ')
        .next()
        .unwrap();
    let (lo, hi) = range.split_once("..").unwrap();
    let (lo, hi): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
    assert!(
        lo <= TRUE_RATE && TRUE_RATE <= hi && lo <= fitted && fitted <= hi,
        "range {lo}..{hi}, fitted {fitted}"
    );
    // fit.csv: a row per observation, the calibrated run closer than the prior.
    let fit = std::fs::read_to_string(dir.join("fit.csv")).unwrap();
    assert_eq!(fit.lines().count(), 1 + 12, "{fit}");
    let calibration = std::fs::read_to_string(dir.join("calibration.csv")).unwrap();
    assert!(
        calibration.starts_with(&format!("index,phase,{RATE},discrepancy\n0,prior,40000,")),
        "{calibration}"
    );
    for phase in ["lhs", "nelder-mead", "profile"] {
        assert!(
            calibration.contains(&format!(",{phase},")),
            "no {phase} row"
        );
    }
    forecast_matches_fit(&dir, &horizon(tmp.path()));
    for file in ["fit-produced_per_day.svg", "fit-produced_per_day.png"] {
        assert!(dir.join(file).is_file(), "no {file}");
    }
    let report = std::fs::read_to_string(dir.join("validation.md")).unwrap();
    for part in [
        "```sh\nmedsupply calibrate ",
        &format!("--param {RATE}=10000..60000 --budget 20 --replications 4\n"),
        "D = Σ_rows",
        &format!("| `{RATE}` | 40 k |"),
        "## Fit to the observed rows",
        "| 2020-02-05 | surgical_mask | national | produced_per_day | value | 1 |",
        "### Surgical mask, national total: produced per day",
        "(fit-produced_per_day.svg)",
    ] {
        assert!(report.contains(part), "no `{part}` in\n{report}");
    }
    let command = report
        .lines()
        .find(|l| l.starts_with("medsupply "))
        .unwrap();
    assert!(!command.contains("--out") && !command.contains("--threads"));
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    for file in ["forecast.csv", "validation.md", "fit-produced_per_day.svg"] {
        assert!(
            manifest.contains(&format!("\"{file}\"")),
            "{file} not in the manifest"
        );
    }
    // The variant block pastes into the scenario and validates.
    let pasted = tmp.path().join("pasted.toml");
    let text = std::fs::read_to_string(minimal()).unwrap();
    std::fs::write(&pasted, format!("{text}\n{toml}")).unwrap();
    medsupply(["validate".as_ref(), pasted.as_os_str()]).assert_code(0);
}

#[test]
fn calibration_outputs_are_the_same_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let observed = observed(tmp.path());
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    calibrate(&observed, &one, &["--threads", "1"]).assert_code(0);
    calibrate(&observed, &two, &["--threads", "2"]).assert_code(0);
    let (a, b) = (
        files_under(&one.join("minimal/calibration")),
        files_under(&two.join("minimal/calibration")),
    );
    for file in [
        "calibration.csv",
        "validation.md",
        "fit-produced_per_day.png",
    ] {
        assert!(a.contains_key(Path::new(file)), "no {file}");
    }
    crate::assert_same_files("calibration on 1 and 2 threads", &a, &b);
    // Without plots, the charts of the run before go, and the report says why.
    calibrate(&observed, &one, &["--no-plots"]).assert_code(0);
    let dir = one.join("minimal/calibration");
    let left: Vec<_> = files_under(&dir).into_keys().collect();
    assert!(
        left.iter()
            .all(|p| !p.to_string_lossy().starts_with("fit-")),
        "{left:?}"
    );
    let report = std::fs::read_to_string(dir.join("validation.md")).unwrap();
    assert!(report.contains("Not drawn (`--no-plots`)"), "{report}");
}

#[test]
fn bad_observed_rows_and_bad_paths_exit_2_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let good = "2020-02-05,surgical_mask,national,produced_per_day,50000";
    for (row, field, says) in [
        (
            "2020-02-05,gloves,national,produced_per_day,5",
            "item",
            "no item `gloves`",
        ),
        (
            "2020-02-05,surgical_mask,Mars,produced_per_day,5",
            "region",
            "no region `Mars`",
        ),
        (
            "2020-02-05,surgical_mask,national,made_per_day,5",
            "measure",
            "unknown measure `made_per_day`",
        ),
        (
            "2021-02-05,surgical_mask,national,produced_per_day,5",
            "date",
            "outside the horizon",
        ),
        (
            "5 Feb,surgical_mask,national,produced_per_day,5",
            "date",
            "is not a date",
        ),
        (
            "2020-02-05,surgical_mask,national,produced_per_day,many",
            "value",
            "`many` is not a number",
        ),
    ] {
        let path = tmp.path().join("observed.csv");
        std::fs::write(
            &path,
            format!("date,item,region,measure,value\n{good}\n{row}\n"),
        )
        .unwrap();
        let o = calibrate(&path, &out, &[]);
        o.assert_code(2);
        let at = format!("{}:3:1: {field}: ", path.display());
        assert!(
            o.stderr.contains(&at) && o.stderr.contains(says),
            "{row}: expected `{at}…{says}` in\n{}",
            o.stderr
        );
        assert!(!out.exists(), "{row}: something was written");
    }
    let path = tmp.path().join("observed.csv");
    std::fs::write(&path, format!("date,item,region,measure,value\n{good}\n")).unwrap();
    for (param, says) in [
        ("node.nowhere.lines.0.rate_per_line=1..2", "names no value"),
        ("policy.conversion=0..1", "is not a number"),
        (&format!("{RATE}=60000..10000")[..], "LO must be below HI"),
        (&format!("{RATE}=-5..10"), "rate_per_line"),
    ] {
        let o = medsupply([
            "calibrate".as_ref(),
            minimal().as_os_str(),
            "--observed".as_ref(),
            path.as_os_str(),
            "--param".as_ref(),
            param.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        o.assert_code(2);
        let name = param.split('=').next().unwrap();
        let named = name.rsplit('.').next().unwrap();
        assert!(
            o.stderr.contains(named) && o.stderr.contains(says),
            "{param}: expected `{says}` in\n{}",
            o.stderr
        );
        assert!(!out.exists(), "{param}: something was written");
    }
}
