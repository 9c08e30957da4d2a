//! Unit tests of `check` and `baseline` on real outputs of the tutorial scenario, edited to
//! make each case.

use super::compare::{Sample, welch_interval};
use super::rules::{Bound, Rules};
use super::schema::Finding;
use super::*;
use crate::output::schema::Summary;
use crate::output::{VariantRun, write_run};
use crate::stats::aggregate::Aggregate;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Replications of the shared run.
const REPS: u32 = 4;

/// A run of every variant of `scenarios/minimal.toml` (written once): `<tmp>/out/minimal/...`.
fn shared_run() -> &'static Path {
    static RUN: OnceLock<tempfile::TempDir> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
        let file = crate::scenario::ScenarioFile::read(&path).unwrap();
        for model in crate::model::validate::build_all(&file).unwrap() {
            let reps = crate::study::run_replications(&model, model.seed, REPS, 1).unwrap();
            let agg = Aggregate::of(&model, &reps);
            let run = VariantRun {
                model: &model,
                seed: model.seed,
                agg: &agg,
            };
            let out = dir
                .path()
                .join("out")
                .join(&model.name)
                .join(&model.variant);
            write_run(&out, &run).unwrap();
        }
        dir
    })
    .path()
}

/// A fresh copy of the shared `out` directory inside a new temporary directory.
fn copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    copy_tree(&shared_run().join("out"), &out);
    (tmp, out)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The scenario directory of an `out` copy.
fn scen(out: &Path) -> PathBuf {
    out.join("minimal")
}

/// The base variant directory of an `out` copy.
fn base(out: &Path) -> PathBuf {
    out.join("minimal/base")
}

fn read_summary(dir: &Path) -> Summary {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn edit_summary(dir: &Path, f: impl FnOnce(&mut Summary)) {
    let mut s = read_summary(dir);
    f(&mut s);
    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&s).unwrap() + "\n",
    )
    .unwrap();
    rehash(dir);
}

/// Records the current SHA-256 of the files the manifest of `dir` lists, as if they had been
/// written so (a test's way of changing results without tripping tamper detection).
fn rehash(dir: &Path) {
    edit_manifest(dir, |m| {
        for (name, hash) in m["files"].as_object_mut().unwrap() {
            *hash = crate::util::hash::sha256_file(&dir.join(name))
                .unwrap()
                .into();
        }
    });
}

fn edit_manifest(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("manifest.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

/// The national `demand` KPI row's index in a summary (deterministic in the tutorial: SEIR).
fn national_demand(s: &Summary) -> usize {
    s.kpis
        .iter()
        .position(|k| k.kpi == "demand" && k.region == "national" && k.mean > 0.0)
        .expect("a national demand KPI")
}

fn opts(mode: Mode) -> Options {
    Options {
        mode,
        ..Options::default()
    }
}

fn tolerance(atol: f64, rtol: f64) -> Options {
    Options {
        mode: Mode::Tolerance,
        default_bound: Bound { atol, rtol },
        ..Options::default()
    }
}

/// The reason of an impossible comparison, failing on anything else.
fn incomparable(r: Result<CheckReport>) -> String {
    match r {
        Err(e @ Error::Incomparable(_)) => {
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        }
        other => panic!("expected an impossible comparison, got {other:?}"),
    }
}

fn only_finding(r: &CheckReport) -> &Finding {
    assert_eq!(r.regressions.len(), 1, "{:#?}", r.regressions);
    &r.regressions[0]
}

#[test]
fn exact_passes_on_identical_files_and_ignores_plots_and_reports() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    std::fs::create_dir_all(base(&r).join("plots")).unwrap();
    std::fs::write(base(&r).join("plots/supply.svg"), "<svg/>").unwrap();
    std::fs::write(base(&r).join("report.html"), "<html/>").unwrap();
    let rep = check(&scen(&r), &scen(&b), &opts(Mode::Exact)).unwrap();
    assert_eq!(rep.verdict, Verdict::Pass, "{rep:#?}");
    let variants = rep.variants.len();
    assert!(variants >= 2, "the tutorial has variants");
    let files = layout::result_files().len();
    assert_eq!((rep.compared, rep.failed), (files * variants, 0));
    assert!(rep.regressions.is_empty());
    assert!(rep.variants.iter().all(|v| v.provenance_changes.is_empty()));
}

#[test]
fn exact_flags_a_changed_file_and_shows_the_kpi_that_moved() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let mut moved = None;
    edit_summary(&base(&r), |s| {
        let i = national_demand(s);
        s.kpis[i].mean += 1.0;
        moved = Some(s.kpis[i].clone());
    });
    let moved = moved.unwrap();
    let rep = check(&scen(&r), &scen(&b), &opts(Mode::Exact)).unwrap();
    assert_eq!(rep.verdict, Verdict::Regression);
    assert_eq!(rep.failed, 1);
    let v = rep.variants.iter().find(|v| v.variant == "base").unwrap();
    assert_eq!(v.files_differing.len(), 1);
    let d = &v.files_differing[0];
    assert_eq!(d.file, "summary.json");
    assert!(d.now_line.as_deref().unwrap().contains("\"mean\""), "{d:?}");
    let f = only_finding(&rep);
    assert_eq!(
        (f.kpi.as_str(), f.region.as_str(), f.difference),
        ("demand", "national", Some(1.0))
    );
    assert_eq!(f.now, Some(moved.mean));
    assert_eq!(f.allowed, 0.0);
    let text = render::render(&rep);
    assert!(text.contains("REGRESSION: 1 of"), "{text}");
    assert!(text.contains("summary.json differs from line"), "{text}");
}

#[test]
fn tolerance_allows_what_the_bounds_allow_and_no_more() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let mut before = 0.0;
    edit_summary(&base(&r), |s| {
        let i = national_demand(s);
        before = s.kpis[i].mean;
        s.kpis[i].mean *= 1.01;
    });
    // 1 % moved: a 2 % bound passes, a 0.5 % bound fails, an absolute bound just above passes.
    let pass = check(&scen(&r), &scen(&b), &tolerance(0.0, 0.02)).unwrap();
    assert_eq!(pass.verdict, Verdict::Pass, "{pass:#?}");
    assert!(
        pass.compared > 50,
        "every KPI is compared: {}",
        pass.compared
    );
    let fail = check(&scen(&r), &scen(&b), &tolerance(0.0, 0.005)).unwrap();
    assert_eq!(fail.verdict, Verdict::Regression);
    let f = only_finding(&fail);
    assert!((f.allowed - 0.005 * before).abs() < 1e-9, "{f:?}");
    assert!(
        (f.relative_difference.unwrap() - 0.01).abs() < 1e-9,
        "{f:?}"
    );
    let abs = check(&scen(&r), &scen(&b), &tolerance(before * 0.011, 0.0)).unwrap();
    assert_eq!(abs.verdict, Verdict::Pass);
}

#[test]
fn tolerance_rules_bound_and_ignore_per_kpi_product_region() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    edit_summary(&base(&r), |s| {
        let i = national_demand(s);
        s.kpis[i].mean *= 1.10;
    });
    let with_rules = |text: &str| Options {
        rules: Rules::parse(Path::new("rules.toml"), text).unwrap(),
        ..tolerance(0.0, 0.0)
    };
    let strict = check(
        &scen(&r),
        &scen(&b),
        &with_rules("[[rule]]\nkpi = \"demand\"\nregion = \"Hubei\"\nrtol = 0.5\n"),
    )
    .unwrap();
    assert_eq!(strict.verdict, Verdict::Regression, "a Hubei rule");
    let loose = check(
        &scen(&r),
        &scen(&b),
        &with_rules("[[rule]]\nrtol = 0.01\n\n[[rule]]\nkpi = \"demand\"\nrtol = 0.2\n"),
    )
    .unwrap();
    assert_eq!(loose.verdict, Verdict::Pass, "{loose:#?}");
    let ignored = check(
        &scen(&r),
        &scen(&b),
        &with_rules("[[rule]]\nkpi = \"demand\"\nregion = \"national\"\nignore = true\n"),
    )
    .unwrap();
    assert_eq!(ignored.verdict, Verdict::Pass);
    assert!(ignored.compared < loose.compared);
    let unmatched = check(
        &scen(&r),
        &scen(&b),
        &with_rules("[[rule]]\nregion = \"Atlantis\"\natol = 1\n\n[[rule]]\nrtol = 1\n"),
    )
    .unwrap();
    assert_eq!(
        unmatched.notes,
        ["rules.toml:1:1: this rule matches nothing compared"]
    );
}

#[test]
fn tolerance_flags_a_kpi_that_appears_or_disappears() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let mut gone = None;
    edit_summary(&base(&r), |s| {
        gone = Some(s.kpis.remove(national_demand(s)))
    });
    let rep = check(&scen(&r), &scen(&b), &tolerance(1e9, 1e9)).unwrap();
    let f = only_finding(&rep);
    assert_eq!((f.now, f.difference), (None, None));
    assert_eq!(f.baseline, Some(gone.unwrap().mean));
}

/// A summary of one KPI with the given samples, replacing whatever the file had.
fn set_sample(dir: &Path, s: Sample) {
    edit_summary(dir, |sum| {
        let i = national_demand(sum);
        sum.kpis[i].n = s.n;
        sum.kpis[i].mean = s.mean;
        sum.kpis[i].sd = s.sd;
    });
}

#[test]
fn statistical_flags_a_significant_and_large_change_only() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let stat = |atol: f64, level: f64| Options {
        mode: Mode::Statistical,
        default_bound: Bound { atol, rtol: 0.0 },
        level,
        ..Options::default()
    };
    let sample = |mean, sd| Sample { n: 10, mean, sd };
    set_sample(&base(&b), sample(100.0, 5.0));
    // A shift of 10 with se = sqrt(5) ≈ 2.24 on 18 df.
    set_sample(&base(&r), sample(110.0, 5.0));
    let flagged = check(&scen(&r), &scen(&b), &stat(0.0, 0.95)).unwrap();
    assert_eq!(flagged.verdict, Verdict::Regression, "{flagged:#?}");
    // Bonferroni: each interval is at 1 − 0.05 / m over the m KPIs tested.
    let m = flagged.compared as f64;
    assert!(m > 50.0, "{m}");
    let each = flagged.comparison_level.unwrap();
    assert!((each - (1.0 - 0.05 / m)).abs() < 1e-12, "{each}");
    assert_eq!(flagged.level, Some(0.95));
    let f = only_finding(&flagged);
    let t = StudentsT::new(0.0, 1.0, 18.0)
        .unwrap()
        .inverse_cdf(0.5 + each / 2.0);
    let [lo, hi] = f.interval.unwrap();
    assert!((lo - (10.0 - t * 5f64.sqrt())).abs() < 1e-6, "{f:?}");
    assert!((hi - (10.0 + t * 5f64.sqrt())).abs() < 1e-6, "{f:?}");
    // Significant, but not larger than the practical threshold: passes.
    let small = check(&scen(&r), &scen(&b), &stat(12.0, 0.95)).unwrap();
    assert_eq!(small.verdict, Verdict::Pass);
    // At 99.99 % jointly, each interval (10 ± about 15) includes zero: passes.
    let strict = check(&scen(&r), &scen(&b), &stat(0.0, 0.9999)).unwrap();
    assert_eq!(strict.verdict, Verdict::Pass, "{strict:#?}");
    // Noise: a shift of 3 against sd 5 is not significant.
    set_sample(&base(&r), sample(103.0, 5.0));
    let noise = check(&scen(&r), &scen(&b), &stat(0.0, 0.95)).unwrap();
    assert_eq!(noise.verdict, Verdict::Pass, "{noise:#?}");
}

#[test]
fn statistical_notes_kpis_it_cannot_test() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    set_sample(
        &base(&r),
        Sample {
            n: 1,
            mean: 1e9,
            sd: 0.0,
        },
    );
    let rep = check(&scen(&r), &scen(&b), &opts(Mode::Statistical)).unwrap();
    assert_eq!(rep.verdict, Verdict::Pass, "{rep:#?}");
    assert!(
        rep.notes.iter().any(|n| n.contains("could not be tested")),
        "{:?}",
        rep.notes
    );
}

#[test]
fn statistical_compares_one_replication_within_bounds_as_tolerance_does() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let one = |dir: &Path, mean: f64| {
        edit_summary(dir, |sum| {
            sum.replications = 1;
            for k in &mut sum.kpis {
                (k.n, k.sd, k.ci95_low, k.ci95_high) = (1, 0.0, None, None);
            }
        });
        set_sample(
            dir,
            Sample {
                n: 1,
                mean,
                sd: 0.0,
            },
        );
    };
    one(&base(&b), 100.0);
    one(&base(&r), 104.0);
    let stat = |atol: f64| Options {
        mode: Mode::Statistical,
        default_bound: Bound { atol, rtol: 0.0 },
        ..Options::default()
    };
    // Without an interval the change of 4 is judged by its size alone.
    let rep = check(&scen(&r), &scen(&b), &stat(3.0)).unwrap();
    assert_eq!(rep.verdict, Verdict::Regression, "{rep:#?}");
    assert_eq!(rep.regressions[0].interval, None);
    assert!(
        rep.notes
            .iter()
            .any(|n| n.contains("minimal / base: fewer than 2 replications")),
        "{:?}",
        rep.notes
    );
    let within = check(&scen(&r), &scen(&b), &stat(5.0)).unwrap();
    assert_eq!(within.verdict, Verdict::Pass, "{within:#?}");
}

#[test]
fn welch_interval_matches_textbook_values() {
    // Equal sizes and variances: df = 2(n − 1) = 18, t(0.975, 18) = 2.100922.
    let a = Sample {
        n: 10,
        mean: 100.0,
        sd: 5.0,
    };
    let b = Sample { mean: 110.0, ..a };
    let [lo, hi] = welch_interval(a, b, 0.95).unwrap();
    let half = 2.100_922 * (2.0 * 25.0 / 10.0f64).sqrt();
    assert!((lo - (10.0 - half)).abs() < 1e-5 && (hi - (10.0 + half)).abs() < 1e-5);
    // One constant side: df = n − 1 of the other (t(0.975, 4) = 2.776445).
    let c = Sample {
        n: 5,
        mean: 1.0,
        sd: 0.0,
    };
    let d = Sample {
        n: 5,
        mean: 2.0,
        sd: 1.0,
    };
    let [lo, _] = welch_interval(c, d, 0.95).unwrap();
    assert!((lo - (1.0 - 2.776_445 / 5f64.sqrt())).abs() < 1e-5, "{lo}");
    // Two constant samples: the degenerate interval at the difference.
    assert_eq!(
        welch_interval(c, Sample { mean: 3.0, ..c }, 0.95),
        Some([2.0, 2.0])
    );
    assert_eq!(welch_interval(Sample { n: 1, ..c }, d, 0.95), None);
}

#[test]
fn every_directory_form_works() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let n = std::fs::read_dir(scen(&b)).unwrap().count();
    for (run, baseline, pairs) in [
        (r.clone(), b.clone(), n),
        (scen(&r), scen(&b), n),
        (base(&r), base(&b), 1),
        (base(&r), scen(&b), usize::MAX),
        (scen(&r), base(&b), 1),
        (r.clone(), base(&b), 1),
    ] {
        let rep = check(&run, &baseline, &opts(Mode::Exact));
        if pairs == usize::MAX {
            // One run variant against a scenario's baseline: the other variants are missing.
            let why = incomparable(rep);
            assert!(why.contains("has no results for minimal / "), "{why}");
        } else {
            let rep = rep.unwrap();
            assert_eq!(rep.variants.len(), pairs, "{run:?} vs {baseline:?}");
            assert_eq!(rep.verdict, Verdict::Pass);
        }
    }
}

#[test]
fn another_variant_is_compared_with_its_provenance_reported() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    let other = std::fs::read_dir(scen(&r))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.ends_with("base"))
        .unwrap();
    let rep = check(&other, &base(&b), &tolerance(0.0, 0.0)).unwrap();
    let changes = &rep.variants[0].provenance_changes;
    assert!(changes.iter().any(|c| c.field == "variant"), "{changes:?}");
    // A changed seed alone is reported, and the KPIs decide.
    edit_manifest(&base(&r), |m| m["seed"] = 7.into());
    let rep = check(&base(&r), &base(&b), &tolerance(0.0, 0.0)).unwrap();
    assert_eq!(rep.verdict, Verdict::Pass);
    let c = &rep.variants[0].provenance_changes;
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].baseline.as_str(), c[0].now.as_str()), ("42", "7"));
    assert!(render::render(&rep).contains("provenance changed: seed 42 → 7"));
}

#[test]
fn an_incompatible_schema_version_is_refused_on_either_side() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    edit_manifest(&base(&b), |m| m["schema_version"] = 999.into());
    let why = incomparable(check(&scen(&r), &scen(&b), &opts(Mode::Tolerance)));
    assert!(
        why.contains("the baseline was written with output schema version 999")
            && why.contains("re-bless"),
        "{why}"
    );
    let why = incomparable(check(&scen(&b), &scen(&r), &opts(Mode::Tolerance)));
    assert!(
        why.contains("the run was written with output schema version 999"),
        "{why}"
    );
    // Blessing such a run is refused as well.
    let err = bless::bless(&scen(&b), &b.with_file_name("blessed"), false).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(!b.with_file_name("blessed").exists());
}

#[test]
fn impossible_comparisons_say_why() {
    let (_t, b) = copy();
    // Another scenario.
    let (_u, r) = copy();
    for dir in std::fs::read_dir(scen(&r)).unwrap() {
        let dir = dir.unwrap().path();
        edit_manifest(&dir, |m| m["scenario"] = "other".into());
        edit_summary(&dir, |s| s.scenario = "other".into());
    }
    let why = incomparable(check(&scen(&r), &scen(&b), &opts(Mode::Exact)));
    assert!(why.contains("another scenario altogether"), "{why}");
    // Other products.
    let (_u, r) = copy();
    edit_summary(&base(&r), |s| {
        for p in &mut s.probabilities {
            p.product = "widget".into();
        }
        for k in &mut s.kpis {
            k.product = "widget".into();
        }
    });
    let why = incomparable(check(&scen(&r), &scen(&b), &opts(Mode::Tolerance)));
    assert!(why.contains("the products do not match"), "{why}");
    // Other regions.
    let (_u, r) = copy();
    edit_summary(&base(&r), |s| s.probabilities[0].region = "Atlantis".into());
    let why = incomparable(check(&base(&r), &base(&b), &opts(Mode::Tolerance)));
    assert!(why.contains("the regions do not match"), "{why}");
    // A missing file.
    let (_u, r) = copy();
    std::fs::remove_file(base(&r).join("timeseries.csv")).unwrap();
    let why = incomparable(check(&scen(&r), &scen(&b), &opts(Mode::Tolerance)));
    assert!(why.contains("lacks timeseries.csv"), "{why}");
    // No results at all, or no directory.
    let why = incomparable(check(
        &r.join("minimal/base/.."),
        &b.join("nope"),
        &opts(Mode::Exact),
    ));
    assert!(why.contains("does not exist"), "{why}");
    let empty = tempfile::tempdir().unwrap();
    let why = incomparable(check(empty.path(), &scen(&b), &opts(Mode::Exact)));
    assert!(why.contains("holds no medsupply results"), "{why}");
    // Malformed JSON.
    let (_u, r) = copy();
    std::fs::write(base(&r).join("summary.json"), "{ not json").unwrap();
    rehash(&base(&r));
    let why = incomparable(check(&base(&r), &base(&b), &opts(Mode::Exact)));
    assert!(why.contains("not valid JSON"), "{why}");
}

#[test]
fn findings_sort_largest_relative_change_first() {
    let f = |kpi: &str, baseline: Option<f64>, now: Option<f64>| {
        let difference = baseline.zip(now).map(|(b, n)| n - b);
        Finding {
            scenario: "s".into(),
            variant: "base".into(),
            kpi: kpi.into(),
            product: "p".into(),
            region: "r".into(),
            baseline,
            now,
            difference,
            relative_difference: difference
                .zip(baseline)
                .and_then(|(d, b)| (b != 0.0).then(|| d / b.abs())),
            allowed: 0.0,
            interval: None,
        }
    };
    let mut v = vec![
        f("a", Some(1000.0), Some(1100.0)),
        f("b", Some(1.0), Some(0.5)),
        f("c", Some(0.0), Some(1.0)),
        f("d", None, Some(3.0)),
        f("e", Some(10.0), Some(11.0)),
    ];
    compare::sort_largest_first(&mut v);
    let order: String = v.iter().map(|f| f.kpi.as_str()).collect();
    assert_eq!(order, "dcbae");
}

#[test]
fn bless_writes_atomically_and_never_overwrites_silently() {
    let (_t, r) = copy();
    std::fs::create_dir_all(base(&r).join("plots")).unwrap();
    std::fs::write(base(&r).join("report.html"), "<html/>").unwrap();
    let dest_root = tempfile::tempdir().unwrap();
    let to = dest_root.path().join("golden/minimal");
    let blessed = bless::bless(&scen(&r), &to, false).unwrap();
    let n = blessed.variants.len();
    assert!(n >= 2);
    for v in &blessed.variants {
        for f in layout::result_files() {
            let a = std::fs::read(v.dir.join(f)).unwrap();
            assert_eq!(a, std::fs::read(to.join(&v.relative).join(f)).unwrap());
        }
    }
    assert!(!to.join("base/plots").exists() && !to.join("base/report.html").exists());
    let rep = check(&scen(&r), &to, &opts(Mode::Exact)).unwrap();
    assert_eq!(rep.verdict, Verdict::Pass);
    // A second bless is refused without --force, and leaves the first intact.
    edit_manifest(&base(&r), |m| m["seed"] = 7.into());
    let err = bless::bless(&scen(&r), &to, false).unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--force"));
    assert_eq!(check(&scen(&r), &to, &opts(Mode::Exact)).unwrap().failed, 1);
    // With --force it is replaced, and nothing is left beside it.
    bless::bless(&scen(&r), &to, true).unwrap();
    assert_eq!(check(&scen(&r), &to, &opts(Mode::Exact)).unwrap().failed, 0);
    let beside: Vec<_> = std::fs::read_dir(to.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["minimal"]);
    // One variant directory blesses as its result files.
    let one = dest_root.path().join("one");
    bless::bless(&base(&r), &one, false).unwrap();
    assert!(one.join("manifest.json").is_file());
    // A baseline inside the run (or the run itself) is refused.
    let err = bless::bless(&scen(&r), &scen(&r), true).unwrap_err();
    assert!(err.to_string().contains("contain one another"), "{err}");
}

#[test]
fn altered_or_incomplete_results_are_refused_naming_the_file_or_directory() {
    let (_t, b) = copy();
    let (_u, r) = copy();
    check(&scen(&r), &scen(&b), &opts(Mode::Exact)).unwrap();
    // One byte of a result file changed after it was written, on either side.
    for side in [&r, &b] {
        let (_v, altered) = copy();
        let csv = base(&altered).join("replications.csv");
        let mut bytes = std::fs::read(&csv).unwrap();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'1' { b'2' } else { b'1' };
        std::fs::write(&csv, bytes).unwrap();
        let (run, baseline) = if std::ptr::eq(side, &r) {
            (scen(&altered), scen(&b))
        } else {
            (scen(&r), scen(&altered))
        };
        let err = check(&run, &baseline, &opts(Mode::Exact)).unwrap_err();
        assert!(matches!(err, Error::Tampered { .. }), "{err}");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("replications.csv"), "{err}");
    }
    // No manifest: the run did not finish.
    let (_w, r2) = copy();
    std::fs::remove_file(base(&r2).join("manifest.json")).unwrap();
    let err = check(&scen(&r2), &scen(&b), &opts(Mode::Exact)).unwrap_err();
    assert!(matches!(err, Error::Incomplete { .. }), "{err}");
    assert!(
        err.to_string().contains(&base(&r2).display().to_string()),
        "{err}"
    );
    // A temporary file left by a killed writer.
    let (_x, r3) = copy();
    std::fs::write(base(&r3).join("timeseries.tmp-4242"), "day,").unwrap();
    let err = check(&scen(&r3), &scen(&b), &opts(Mode::Exact)).unwrap_err();
    assert!(matches!(err, Error::Incomplete { .. }), "{err}");
    assert_eq!(err.exit_code(), 2);
}
