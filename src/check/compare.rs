//! The comparisons themselves: byte equality of result files, KPI means within bounds, and
//! Welch intervals of the difference of means.

use super::layout::{Pair, result_files};
use super::rules::{Bound, PROBABILITY_PREFIX, Rules, Treatment};
use super::schema::{FileDifference, Finding, ProvenanceChange};
use crate::error::{Error, Result};
use crate::output::manifest::MANIFEST;
use crate::output::schema::Summary;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A compared quantity: (KPI, product, region).
pub type Key = (String, String, String);

/// A KPI across replications: what the comparison needs of `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Replications where it is defined.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
}

/// Every compared quantity of a summary: its KPIs, and its probabilities as the means of 0/1
/// indicators (`p_<event>`). A KPI undefined in every replication is absent.
pub fn quantities(summary: &Summary) -> BTreeMap<Key, Sample> {
    let mut out = BTreeMap::new();
    for k in &summary.kpis {
        out.insert(
            (k.kpi.clone(), k.product.clone(), k.region.clone()),
            Sample {
                n: k.n,
                mean: k.mean,
                sd: k.sd,
            },
        );
    }
    for p in &summary.probabilities {
        let n = p.n;
        let sd = if n > 1 {
            (p.p * (1.0 - p.p) * n as f64 / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        out.insert(
            (
                format!("{PROBABILITY_PREFIX}{}", p.event),
                p.product.clone(),
                p.region.clone(),
            ),
            Sample { n, mean: p.p, sd },
        );
    }
    out
}

/// The products and the regions a summary covers, sorted.
fn world(summary: &Summary) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let rows = summary
        .probabilities
        .iter()
        .map(|p| (p.product.as_str(), p.region.as_str()))
        .chain(
            summary
                .kpis
                .iter()
                .map(|k| (k.product.as_str(), k.region.as_str())),
        );
    let mut products = BTreeSet::new();
    let mut regions = BTreeSet::new();
    for (p, r) in rows {
        products.insert(p);
        regions.insert(r);
    }
    (products, regions)
}

/// Refuses a pair whose products or regions differ: that is another model, not a change of it.
pub fn same_world(pair: &Pair) -> Result<()> {
    let (bp, br) = world(&pair.baseline.summary);
    let (rp, rr) = world(&pair.run.summary);
    for (what, b, r) in [("products", bp, rp), ("regions", br, rr)] {
        if b != r {
            let list = |s: BTreeSet<&str>| s.into_iter().collect::<Vec<_>>().join(", ");
            return Err(Error::Incomparable(format!(
                "{}: the {what} do not match: the baseline {} has {}; the run {} has {}",
                pair.run.label(),
                pair.baseline.dir.display(),
                list(b),
                pair.run.dir.display(),
                list(r)
            )));
        }
    }
    Ok(())
}

/// The manifest fields that differ (all but the schema version, which must already match, and
/// the files' hashes, which differ whenever results do and are compared in full elsewhere).
pub fn provenance_changes(pair: &Pair) -> Vec<ProvenanceChange> {
    let as_map = |m| match serde_json::to_value(m) {
        Ok(serde_json::Value::Object(o)) => o,
        _ => serde_json::Map::new(),
    };
    let (b, r) = (as_map(&pair.baseline.manifest), as_map(&pair.run.manifest));
    let show = |v: Option<&serde_json::Value>| match v {
        None => "(absent)".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let fields: BTreeSet<&String> = b.keys().chain(r.keys()).collect();
    // Keep the manifest's own field order, which puts the important fields first.
    let mut ordered: Vec<&String> = b.keys().filter(|k| fields.contains(k)).collect();
    ordered.extend(r.keys().filter(|k| !b.contains_key(*k)));
    ordered
        .into_iter()
        .filter(|f| !matches!(f.as_str(), "schema_version" | "files") && b.get(*f) != r.get(*f))
        .map(|f| ProvenanceChange {
            field: f.clone(),
            baseline: show(b.get(f)),
            now: show(r.get(f)),
        })
        .collect()
}

/// Longest line quoted in a file difference.
const MAX_QUOTED: usize = 240;

/// Whether two `manifest.json` texts differ in anything but the files' hashes, which change
/// whenever another result file does (and that file is reported itself).
fn manifests_differ(b: &[u8], r: &[u8]) -> bool {
    let strip = |t: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(t)
            .ok()
            .map(|mut v| {
                if let Some(o) = v.as_object_mut() {
                    o.remove("files");
                }
                v
            })
    };
    match (strip(b), strip(r)) {
        (Some(b), Some(r)) => b != r,
        _ => true,
    }
}

/// Compares the result files byte for byte (`manifest.json` but for its hashes); returns
/// those that differ with their first differing line.
pub fn differing_files(pair: &Pair) -> Result<Vec<FileDifference>> {
    let read = |dir: &Path, f: &str| {
        let path = dir.join(f);
        std::fs::read(&path)
            .map_err(|e| Error::Incomparable(format!("cannot read {}: {e}", path.display())))
    };
    let mut out = Vec::new();
    for f in result_files() {
        let (b, r) = (read(&pair.baseline.dir, f)?, read(&pair.run.dir, f)?);
        if b != r && (f != MANIFEST || manifests_differ(&b, &r)) {
            out.push(first_difference(f, &b, &r));
        }
    }
    Ok(out)
}

/// Where two different files first differ, by line.
fn first_difference(file: &str, baseline: &[u8], now: &[u8]) -> FileDifference {
    let quote = |l: &[u8]| {
        let s = String::from_utf8_lossy(l);
        let s = s.trim_end_matches('\r');
        if s.chars().count() > MAX_QUOTED {
            format!("{}…", s.chars().take(MAX_QUOTED).collect::<String>())
        } else {
            s.to_string()
        }
    };
    fn lines(t: &[u8]) -> Vec<&[u8]> {
        t.split(|&c| c == b'\n').collect()
    }
    let (b, r) = (lines(baseline), lines(now));
    let at = (0..b.len().max(r.len()))
        .find(|&i| b.get(i) != r.get(i))
        .unwrap_or(0);
    // For a CSV file with the same header, name the first differing column (fields are plain:
    // the writers quote nothing medsupply's ids would need).
    let column = (file.ends_with(".csv") && at > 0 && b[0] == r[0])
        .then(|| {
            let fields = |l: Option<&&[u8]>| -> Vec<String> {
                l.map(|l| {
                    String::from_utf8_lossy(l)
                        .split(',')
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
            };
            let (header, x, y) = (fields(b.first()), fields(b.get(at)), fields(r.get(at)));
            (0..x.len().max(y.len()))
                .find(|&c| x.get(c) != y.get(c))
                .and_then(|c| header.get(c).cloned())
        })
        .flatten();
    FileDifference {
        file: file.to_string(),
        line: at + 1,
        column,
        baseline_line: b.get(at).map(|l| quote(l)),
        now_line: r.get(at).map(|l| quote(l)),
    }
}

/// A finding for `key` of `pair`, before its bound and interval are filled in.
fn finding(pair: &Pair, key: &Key, b: Option<&Sample>, r: Option<&Sample>) -> Finding {
    let (baseline, now) = (b.map(|s| s.mean), r.map(|s| s.mean));
    let difference = baseline.zip(now).map(|(b, n)| n - b);
    Finding {
        scenario: pair.run.manifest.scenario.clone(),
        variant: pair.run.manifest.variant.clone(),
        kpi: key.0.clone(),
        product: key.1.clone(),
        region: key.2.clone(),
        baseline,
        now,
        difference,
        relative_difference: difference
            .zip(baseline)
            .and_then(|(d, b)| (b != 0.0).then(|| d / b.abs())),
        allowed: 0.0,
        interval: None,
    }
}

/// What one pair's KPI comparison found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Comparisons made.
    pub compared: usize,
    /// Comparisons outside bounds (or, in exact mode, KPIs that changed at all).
    pub findings: Vec<Finding>,
    /// Statistical mode: KPIs with fewer than two defined replications on a side.
    pub untestable: usize,
}

/// Every compared quantity of a pair: the union of both sides' keys with their samples.
fn joined(pair: &Pair) -> Vec<(Key, Option<Sample>, Option<Sample>)> {
    let (b, r) = (
        quantities(&pair.baseline.summary),
        quantities(&pair.run.summary),
    );
    let keys: BTreeSet<&Key> = b.keys().chain(r.keys()).collect();
    keys.into_iter()
        .map(|k| (k.clone(), b.get(k).copied(), r.get(k).copied()))
        .collect()
}

/// The keys of a pair, for telling which rules matched something.
pub fn keys(pair: &Pair) -> Vec<Key> {
    joined(pair).into_iter().map(|(k, _, _)| k).collect()
}

/// Exact mode's KPI view: every quantity whose mean or definedness changed at all.
pub fn changed(pair: &Pair) -> Outcome {
    let joined = joined(pair);
    let findings = joined
        .iter()
        .filter(|(_, b, r)| b.map(|s| s.mean) != r.map(|s| s.mean))
        .map(|(k, b, r)| finding(pair, k, b.as_ref(), r.as_ref()))
        .collect();
    Outcome {
        compared: joined.len(),
        findings,
        untestable: 0,
    }
}

/// Tolerance mode: a mean moving by more than its bound fails, and so does a KPI defined on
/// one side only (e.g. a first stockout appearing).
pub fn tolerance(pair: &Pair, rules: &Rules, default: Bound) -> Outcome {
    let mut out = Outcome::default();
    for (key, b, r) in joined(pair) {
        let Treatment::Bounded(bound) = rules.treatment(default, &key.0, &key.1, &key.2).0 else {
            continue;
        };
        out.compared += 1;
        let mut f = finding(pair, &key, b.as_ref(), r.as_ref());
        f.allowed = bound.allowed(f.baseline.or(f.now).unwrap_or(0.0));
        if f.difference.is_none_or(|d| d.abs() > f.allowed) {
            out.findings.push(f);
        }
    }
    out
}

/// Whether either side of a pair ran fewer than 2 replications: then no KPI has an interval,
/// and statistical mode compares the pair as tolerance mode does.
pub fn single_replication(pair: &Pair) -> bool {
    pair.baseline.summary.replications < 2 || pair.run.summary.replications < 2
}

/// The comparisons statistical mode can test in a pair: bounded by the rules, and defined in
/// at least two replications on both sides; also the count of those it cannot test.
fn testable(
    pair: &Pair,
    rules: &Rules,
    default: Bound,
) -> (Vec<(Key, Sample, Sample, Bound)>, usize) {
    let mut out = Vec::new();
    let mut untestable = 0;
    for (key, b, r) in joined(pair) {
        let Treatment::Bounded(bound) = rules.treatment(default, &key.0, &key.1, &key.2).0 else {
            continue;
        };
        match b.zip(r) {
            Some((b, r)) if b.n >= 2 && r.n >= 2 => out.push((key, b, r, bound)),
            _ => untestable += 1,
        }
    }
    (out, untestable)
}

/// How many comparisons statistical mode tests in a pair (for the Bonferroni adjustment).
pub fn testable_count(pair: &Pair, rules: &Rules, default: Bound) -> usize {
    testable(pair, rules, default).0.len()
}

/// Statistical mode: a KPI fails when the Welch interval of the difference of means at
/// `comparison_level` excludes zero and the difference exceeds the practical threshold. KPIs
/// defined in fewer than two replications on a side cannot be tested and are counted apart.
pub fn statistical(pair: &Pair, rules: &Rules, default: Bound, comparison_level: f64) -> Outcome {
    let (tests, untestable) = testable(pair, rules, default);
    let mut out = Outcome {
        compared: tests.len(),
        findings: Vec::new(),
        untestable,
    };
    for (key, b, r, bound) in tests {
        let Some(interval) = welch_interval(b, r, comparison_level) else {
            continue;
        };
        let mut f = finding(pair, &key, Some(&b), Some(&r));
        f.allowed = bound.allowed(b.mean);
        f.interval = Some(interval);
        let significant = interval[0] > 0.0 || interval[1] < 0.0;
        if significant && f.difference.is_some_and(|d| d.abs() > f.allowed) {
            out.findings.push(f);
        }
    }
    out
}

/// Welch's interval for `now.mean − baseline.mean` at confidence `level` (two-sided); None when
/// a side has fewer than two values. Two constant samples give the degenerate interval at the
/// difference itself.
pub fn welch_interval(baseline: Sample, now: Sample, level: f64) -> Option<[f64; 2]> {
    if baseline.n < 2 || now.n < 2 {
        return None;
    }
    let d = now.mean - baseline.mean;
    let var = |s: Sample| s.sd * s.sd / s.n as f64;
    let (vb, vn) = (var(baseline), var(now));
    let se2 = vb + vn;
    if se2 == 0.0 {
        return Some([d, d]);
    }
    // Welch–Satterthwaite degrees of freedom; the pooled count if it under- or overflows.
    let df = se2 * se2 / (vb * vb / (baseline.n - 1) as f64 + vn * vn / (now.n - 1) as f64);
    let df = if df.is_finite() && df > 0.0 {
        df
    } else {
        (baseline.n + now.n - 2) as f64
    };
    let t = StudentsT::new(0.0, 1.0, df)
        .ok()?
        .inverse_cdf(0.5 + level / 2.0);
    let half = t * se2.sqrt();
    Some([d - half, d + half])
}

/// Sorts findings largest first: by relative change (a change from zero, or of definedness,
/// counts as infinite), then absolute change, then by name for a stable order.
pub fn sort_largest_first(findings: &mut [Finding]) {
    let size = |f: &Finding| {
        let rel = match (f.difference, f.relative_difference) {
            (None, _) => f64::INFINITY,
            (Some(_), Some(r)) => r.abs(),
            (Some(d), None) => {
                if d == 0.0 {
                    0.0
                } else {
                    f64::INFINITY
                }
            }
        };
        (rel, f.difference.map_or(f64::INFINITY, f64::abs))
    };
    findings.sort_by(|a, b| {
        let (sa, sb) = (size(a), size(b));
        sb.0.total_cmp(&sa.0)
            .then(sb.1.total_cmp(&sa.1))
            .then_with(|| {
                (&a.scenario, &a.variant, &a.kpi, &a.product, &a.region).cmp(&(
                    &b.scenario,
                    &b.variant,
                    &b.kpi,
                    &b.product,
                    &b.region,
                ))
            })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_names_its_line_and_csv_column() {
        let d = first_difference(
            "replications.csv",
            b"a,b,c\n1,2,3\n4,5,6\n",
            b"a,b,c\n1,2,3\n4,7,6\n",
        );
        assert_eq!((d.line, d.column.as_deref()), (3, Some("b")));
        assert_eq!(d.baseline_line.as_deref(), Some("4,5,6"));
        let d = first_difference("summary.json", b"{\n}\n", b"{\n}\n\n");
        assert_eq!((d.line, d.column), (4, None));
        assert_eq!((d.baseline_line, d.now_line.as_deref()), (None, Some("")));
        let d = first_difference("timeseries.csv", b"a,b\n1,2\n", b"a,c\n1,2\n");
        assert_eq!((d.line, d.column), (1, None));
    }
}
