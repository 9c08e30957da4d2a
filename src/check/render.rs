//! The human-readable report of `medsupply check`: provenance changes, differing files, notes,
//! the verdict and a table of what moved, largest first.

use super::schema::{CheckReport, Finding, Mode, Verdict};
use std::fmt::Write;

/// Rows of the text table; `--json` lists every finding.
const MAX_ROWS: usize = 100;

/// Hashes are shortened to this many characters in the text report.
const SHORT_HASH: usize = 12;

/// A number in at most six significant digits, without trailing zeros.
pub fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return x.to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-6..15).contains(&magnitude) {
        return format!("{x:.5e}");
    }
    let decimals = (5 - magnitude).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.into() }
}

/// A signed number.
fn signed(x: f64) -> String {
    let s = number(x);
    if x > 0.0 { format!("+{s}") } else { s }
}

/// A signed percentage in three significant digits.
fn percent(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return signed(x);
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 8) as usize;
    let s = format!("{x:+.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    s.to_string()
}

fn optional(x: Option<f64>) -> String {
    x.map_or_else(|| "undefined".into(), number)
}

fn difference(f: &Finding) -> String {
    match (f.difference, f.relative_difference) {
        (None, _) => "—".into(),
        (Some(d), Some(r)) => format!("{} ({}%)", signed(d), percent(r * 100.0)),
        (Some(d), None) => signed(d),
    }
}

fn allowed(f: &Finding) -> String {
    match f.interval {
        Some([lo, hi]) => format!("{}; CI [{}, {}]", number(f.allowed), signed(lo), signed(hi)),
        None => number(f.allowed),
    }
}

/// Shortens hex hashes for the text report.
fn short(field: &str, value: &str) -> String {
    if field.ends_with("hash") && value.len() > SHORT_HASH {
        format!("{}…", &value[..SHORT_HASH])
    } else {
        value.to_string()
    }
}

/// Lays out rows as aligned columns.
fn table(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The report as pretty JSON with a final newline, as `check --json` prints it.
pub fn json(report: &CheckReport) -> crate::error::Result<String> {
    serde_json::to_string_pretty(report)
        .map(|json| json + "\n")
        .map_err(|e| crate::error::Error::Write {
            path: "<standard output>".into(),
            source: e.into(),
        })
}

/// The text report.
pub fn render(report: &CheckReport) -> String {
    let mut out = String::new();
    let mode = match report.mode {
        Mode::Exact => "exact",
        Mode::Tolerance => "tolerance",
        Mode::Statistical => "statistical",
    };
    let _ = writeln!(
        out,
        "medsupply check ({mode}): {} against baseline {}",
        report.run, report.baseline
    );
    for v in &report.variants {
        let label = format!("{} / {}", v.scenario, v.variant);
        if !v.provenance_changes.is_empty() {
            let changes: Vec<String> = v
                .provenance_changes
                .iter()
                .map(|c| {
                    format!(
                        "{} {} → {}",
                        c.field,
                        short(&c.field, &c.baseline),
                        short(&c.field, &c.now)
                    )
                })
                .collect();
            let _ = writeln!(out, "{label}: provenance changed: {}", changes.join("; "));
        }
        for d in &v.files_differing {
            let column = d
                .column
                .as_ref()
                .map_or_else(String::new, |c| format!(", column {c}"));
            let _ = writeln!(
                out,
                "{label}: {} differs from line {}{column}:\n    baseline: {}\n    now:      {}",
                d.file,
                d.line,
                d.baseline_line.as_deref().unwrap_or("(end of file)"),
                d.now_line.as_deref().unwrap_or("(end of file)")
            );
        }
    }
    if let (Some(level), Some(each)) = (report.level, report.comparison_level) {
        let _ = writeln!(
            out,
            "statistical: {}% jointly over the KPIs tested, so each Welch interval (CI) is at {}%",
            number(level * 100.0),
            number(each * 100.0)
        );
    }
    for n in &report.notes {
        let _ = writeln!(out, "note: {n}");
    }
    let what = if report.mode == Mode::Exact {
        "result file(s)"
    } else {
        "KPI comparison(s)"
    };
    match report.verdict {
        Verdict::Pass => {
            let _ = writeln!(out, "PASS: {} {what} within bounds", report.compared);
        }
        Verdict::Incomparable => {
            let _ = writeln!(
                out,
                "INCOMPARABLE: {}",
                report.reason.as_deref().unwrap_or("")
            );
        }
        Verdict::Regression => {
            let _ = writeln!(
                out,
                "REGRESSION: {} of {} {what} outside bounds",
                report.failed, report.compared
            );
        }
    }
    if report.regressions.is_empty() {
        if report.mode == Mode::Exact && report.verdict == Verdict::Regression {
            let _ = writeln!(out, "No KPI mean changed.");
        }
        return out;
    }
    if report.mode == Mode::Exact {
        let _ = writeln!(out, "KPI means that changed, largest first:");
    } else {
        let _ = writeln!(out, "Outside bounds, largest first:");
    }
    let several = report.variants.len() > 1;
    let mut header: Vec<String> = Vec::new();
    if several {
        header.push("variant".into());
    }
    header.extend(
        [
            "KPI",
            "product",
            "region",
            "baseline",
            "now",
            "difference",
            "allowed",
        ]
        .map(String::from),
    );
    let mut rows = vec![header];
    for f in report.regressions.iter().take(MAX_ROWS) {
        let mut row = Vec::new();
        if several {
            row.push(format!("{} / {}", f.scenario, f.variant));
        }
        row.extend([
            f.kpi.clone(),
            f.product.clone(),
            f.region.clone(),
            optional(f.baseline),
            optional(f.now),
            difference(f),
            allowed(f),
        ]);
        rows.push(row);
    }
    out.push_str(&table(&rows));
    if report.regressions.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "... and {} more (--json lists them all)",
            report.regressions.len() - MAX_ROWS
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Options, empty_report};
    use std::path::Path;

    #[test]
    fn the_table_is_aligned_and_long_ones_are_cut() {
        let mut r = empty_report(Path::new("run"), Path::new("base"), &Options::default());
        r.verdict = Verdict::Regression;
        r.mode = Mode::Tolerance;
        r.compared = 500;
        r.failed = 150;
        r.regressions = (0..150)
            .map(|i| Finding {
                scenario: "s".into(),
                variant: "base".into(),
                kpi: "shortage".into(),
                product: "mask".into(),
                region: format!("r{i}"),
                baseline: Some(100.0),
                now: Some(100.0 + f64::from(i)),
                difference: Some(f64::from(i)),
                relative_difference: Some(f64::from(i) / 100.0),
                allowed: 0.5,
                interval: None,
            })
            .collect();
        let text = render(&r);
        assert!(text.contains("REGRESSION: 150 of 500 KPI comparison(s) outside bounds"));
        let lines: Vec<&str> = text.lines().collect();
        let header = lines.iter().position(|l| l.starts_with("KPI")).unwrap();
        assert_eq!(
            lines[header],
            "KPI       product  region  baseline  now  difference  allowed"
        );
        assert_eq!(
            lines[header + 2],
            "shortage  mask     r1      100       101  +1 (+1%)    0.5"
        );
        assert_eq!(lines.len(), header + 1 + MAX_ROWS + 1);
        assert_eq!(
            lines.last(),
            Some(&"... and 50 more (--json lists them all)")
        );
    }

    #[test]
    fn numbers_keep_six_significant_digits() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(51810.0), "51810");
        assert_eq!(number(0.999_954_321), "0.999954");
        assert_eq!(number(-0.00001), "-0.00001");
        assert_eq!(number(177.423_123), "177.423");
        assert_eq!(number(2.5e20), "2.50000e20");
        assert_eq!(signed(3.0), "+3");
        assert_eq!(signed(-3.0), "-3");
        assert_eq!(percent(-10.4595), "-10.5");
        assert_eq!(percent(0.012_345), "+0.0123");
        assert_eq!(percent(250.0), "+250");
    }
}
