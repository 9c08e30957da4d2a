//! Regression checking: compare a run's results with a committed baseline (`medsupply check`),
//! and write baselines (`medsupply baseline`).
//!
//! Both sides may be what `run --out DIR` wrote (`DIR`), one scenario's directory
//! (`DIR/<scenario>`), or one variant's directory (`DIR/<scenario>/<variant>`); see [`layout`].
//! Baseline variants are paired with the run's variants of the same scenario and name; two
//! variant directories are paired directly, so one variant can be checked against another.
//!
//! Before any comparison both sides must carry this program's output schema version, hold all
//! result files, be of the same scenario and cover the same products and regions; otherwise the
//! comparison is impossible ([`Error::Incomparable`], exit code 2). Provenance changes (scenario
//! hash, variant, version, seed, ...) are reported but never fail a check by themselves.
//!
//! The compared quantities are, per scenario variant, every KPI × product × region of
//! `summary.json` (its mean, standard deviation and count over the replications where it is
//! defined; the per-replication values of `replications.csv` summarised at full precision) and
//! every probability (`p_stockout_by_end`, as the mean of 0/1 indicators). See [`Mode`] for
//! the three ways to compare and [`rules`] for per-KPI bounds.
//!
//! A variant run with fewer than 2 replications (on either side) has no confidence intervals,
//! so statistical mode cannot test it: its KPIs are compared as tolerance mode compares them
//! (each mean within its bound, a KPI defined on one side only fails), and a note says so.
//! Otherwise a check with nothing it can test would pass silently.

pub mod bless;
pub mod compare;
pub mod layout;
pub mod render;
pub mod rules;
pub mod schema;

use crate::error::{Error, Result};
use layout::{Side, load, pair};
use rules::{Bound, Rules};
pub use schema::{CHECK_SCHEMA_VERSION, CheckReport, Mode, VariantCheck, Verdict};
use std::path::Path;

/// Default family-wise confidence level of statistical mode.
pub const DEFAULT_LEVEL: f64 = 0.95;

/// How to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The mode.
    pub mode: Mode,
    /// Bound for comparisons no rule matches (tolerance and statistical modes).
    pub default_bound: Bound,
    /// Per KPI / product / region bounds.
    pub rules: Rules,
    /// Statistical mode: confidence level held jointly over every KPI tested (Bonferroni).
    pub level: f64,
}

impl Options {
    /// Options from what a user gave, refusing meaningless combinations: bounds (`rtol`,
    /// `atol`, a rules file) need a tolerance or statistical mode, and a confidence `level`
    /// the statistical one.
    pub fn new(
        mode: Mode,
        rtol: Option<f64>,
        atol: Option<f64>,
        rules: Option<&Path>,
        level: Option<f64>,
    ) -> Result<Options> {
        let bounded = rtol.is_some() || atol.is_some() || rules.is_some();
        if mode == Mode::Exact && bounded {
            return Err(Error::Usage(
                "--rtol, --atol and --rules need --mode tolerance or --mode statistical".into(),
            ));
        }
        if mode != Mode::Statistical && level.is_some() {
            return Err(Error::Usage("--level needs --mode statistical".into()));
        }
        for (name, v) in [("--rtol", rtol), ("--atol", atol)] {
            if let Some(v) = v
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(Error::Usage(format!(
                    "{name} must be a finite number ≥ 0, not {v}"
                )));
            }
        }
        let level = level.unwrap_or(DEFAULT_LEVEL);
        if !(level > 0.0 && level < 1.0) {
            return Err(Error::Usage(format!(
                "--level must be between 0 and 1 (e.g. 0.95), not {level}"
            )));
        }
        let rules = match rules {
            Some(path) => Rules::read(path)?,
            None => Rules::default(),
        };
        Ok(Options {
            mode,
            default_bound: Bound {
                atol: atol.unwrap_or(0.0),
                rtol: rtol.unwrap_or(0.0),
            },
            rules,
            level,
        })
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Exact,
            default_bound: Bound::default(),
            rules: Rules::default(),
            level: DEFAULT_LEVEL,
        }
    }
}

/// A report for a comparison that could not be made, for `--json`.
pub fn incomparable_report(
    run: &Path,
    baseline: &Path,
    options: &Options,
    reason: &Error,
) -> CheckReport {
    let mut r = empty_report(run, baseline, options);
    r.verdict = Verdict::Incomparable;
    r.reason = Some(reason.to_string());
    r
}

/// What `medsupply check` prints and how it ends: the report as text (or JSON), and the error
/// of a regression or of an impossible comparison (`options` failing counts as one). With
/// `json`, an impossible comparison's report is printed too, with the `mode` asked for.
pub fn verdict(
    run: &Path,
    baseline: &Path,
    options: Result<Options>,
    mode: Mode,
    json: bool,
) -> (Option<String>, Result<()>) {
    let (report, outcome) = match options.and_then(|o| check(run, baseline, &o)) {
        Ok(report) => {
            let outcome = match report.verdict {
                Verdict::Regression => Err(Error::Regression {
                    failed: report.failed,
                    compared: report.compared,
                }),
                Verdict::Pass | Verdict::Incomparable => Ok(()),
            };
            (report, outcome)
        }
        Err(e) if json => {
            let shown = Options {
                mode,
                ..Options::default()
            };
            (incomparable_report(run, baseline, &shown, &e), Err(e))
        }
        Err(e) => return (None, Err(e)),
    };
    let text = if json {
        render::json(&report)
    } else {
        Ok(render::render(&report))
    };
    match text {
        Ok(text) => (Some(text), outcome),
        Err(e) => (None, Err(e)),
    }
}

fn empty_report(run: &Path, baseline: &Path, options: &Options) -> CheckReport {
    CheckReport {
        check_schema_version: CHECK_SCHEMA_VERSION,
        medsupply_version: env!("CARGO_PKG_VERSION").to_string(),
        verdict: Verdict::Pass,
        reason: None,
        mode: options.mode,
        level: (options.mode == Mode::Statistical).then_some(options.level),
        comparison_level: None,
        run: run.display().to_string(),
        baseline: baseline.display().to_string(),
        compared: 0,
        failed: 0,
        variants: Vec::new(),
        regressions: Vec::new(),
        notes: Vec::new(),
    }
}

/// Compares the results under `run` with those under `baseline`. Returns the report (whose
/// verdict is pass or regression), or [`Error::Incomparable`] when no comparison is possible.
pub fn check(run: &Path, baseline: &Path, options: &Options) -> Result<CheckReport> {
    let base = load(baseline, Side::Baseline)?;
    let now = load(run, Side::Run)?;
    let (pairs, notes) = pair(&base, &now)?;
    for p in &pairs {
        compare::same_world(p)?;
    }
    let mut report = empty_report(run, baseline, options);
    report.notes = notes;
    // Statistical mode holds the family-wise level over every KPI it tests (Bonferroni), so
    // that a run that differs from its baseline only by noise fails with probability at most
    // 1 − level, however many KPIs the scenario has.
    let comparison_level = (options.mode == Mode::Statistical).then(|| {
        let m: usize = pairs
            .iter()
            .map(|p| compare::testable_count(p, &options.rules, options.default_bound))
            .sum();
        1.0 - (1.0 - options.level) / m.max(1) as f64
    });
    report.comparison_level = comparison_level;
    let mut untestable = 0;
    let mut keys = Vec::new();
    for p in &pairs {
        let mut variant = VariantCheck {
            scenario: p.run.manifest.scenario.clone(),
            variant: p.run.manifest.variant.clone(),
            baseline_variant: p.baseline.manifest.variant.clone(),
            run_dir: p.run.dir.display().to_string(),
            baseline_dir: p.baseline.dir.display().to_string(),
            provenance_changes: compare::provenance_changes(p),
            files_differing: Vec::new(),
        };
        let outcome = match options.mode {
            Mode::Exact => {
                variant.files_differing = compare::differing_files(p)?;
                report.compared += layout::result_files().len();
                report.failed += variant.files_differing.len();
                compare::changed(p)
            }
            Mode::Tolerance => compare::tolerance(p, &options.rules, options.default_bound),
            Mode::Statistical if compare::single_replication(p) => {
                report.notes.push(format!(
                    "{}: fewer than 2 replications on a side, so no intervals: compared as in \
                     tolerance mode (each mean within atol + rtol × |baseline|)",
                    p.run.label()
                ));
                compare::tolerance(p, &options.rules, options.default_bound)
            }
            Mode::Statistical => compare::statistical(
                p,
                &options.rules,
                options.default_bound,
                comparison_level.unwrap_or(options.level),
            ),
        };
        if options.mode != Mode::Exact {
            report.compared += outcome.compared;
            report.failed += outcome.findings.len();
        }
        untestable += outcome.untestable;
        report.regressions.extend(outcome.findings);
        report.variants.push(variant);
        keys.extend(compare::keys(p));
    }
    compare::sort_largest_first(&mut report.regressions);
    if untestable > 0 {
        report.notes.push(format!(
            "{untestable} KPI(s) could not be tested: defined in fewer than 2 replications on a \
             side"
        ));
    }
    for r in &options.rules.rules {
        if !keys.iter().any(|(k, p, g)| r.matches(k, p, g)) {
            report.notes.push(format!(
                "{}: this rule matches nothing compared",
                r.location
            ));
        }
    }
    if report.failed > 0 {
        report.verdict = Verdict::Regression;
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
