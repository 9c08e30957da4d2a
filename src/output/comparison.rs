//! `comparison.csv` and `comparison.json`: paired differences of each variant against the
//! baseline, and a readable table of the headline KPIs on stdout.

use super::{num, opt_num};
use crate::error::Result;
use crate::output::schema::SCHEMA_VERSION;
use crate::stats::compare::Paired;
use crate::util::atomic::atomic_write;
use std::path::Path;

/// `comparison.json`.
#[derive(Debug, serde::Serialize)]
struct ComparisonJson<'a> {
    schema_version: u32,
    rows: &'a [Paired],
}

/// Writes both files into `dir`.
pub fn write(dir: &Path, rows: &[Paired]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| crate::error::Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    atomic_write(&dir.join("comparison.csv"), |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "variant",
            "baseline",
            "kpi",
            "product",
            "region",
            "n",
            "mean_variant",
            "mean_baseline",
            "mean_diff",
            "ci95_low",
            "ci95_high",
            "adjusted_low",
            "adjusted_high",
            "correlation",
        ])?;
        for r in rows {
            c.write_record([
                r.variant.clone(),
                r.baseline.clone(),
                r.kpi.clone(),
                r.product.clone(),
                r.region.clone(),
                r.n.to_string(),
                num(r.mean_variant),
                num(r.mean_baseline),
                num(r.mean_diff),
                opt_num(r.ci95_low),
                opt_num(r.ci95_high),
                opt_num(r.adjusted_low),
                opt_num(r.adjusted_high),
                opt_num(r.correlation),
            ])?;
        }
        c.flush()
    })?;
    atomic_write(&dir.join("comparison.json"), |w| {
        serde_json::to_writer_pretty(
            &mut *w,
            &ComparisonJson {
                schema_version: SCHEMA_VERSION,
                rows,
            },
        )?;
        writeln!(w)
    })
}

/// The national fill rate and shortage of every product and variant, as a text table for a
/// terminal (one line per row, a header first), with the verdict the adjusted interval gives
/// (none from one replication).
pub fn table(rows: &[Paired]) -> String {
    let mut text = format!(
        "{:<22} {:<18} {:<14} {:>12} {:>12} {:>12} {:>26} {:>6}  {}\n",
        "variant",
        "product",
        "kpi",
        "baseline",
        "variant",
        "diff",
        "95% CI (adjusted)",
        "corr",
        "verdict"
    );
    for r in rows
        .iter()
        .filter(|r| r.region == "national" && (r.kpi == "fill_rate" || r.kpi == "shortage"))
    {
        text += &format!(
            "{:<22} {:<18} {:<14} {:>12} {:>12} {:>12} {:>26} {:>6}  {}\n",
            r.variant,
            r.product,
            r.kpi,
            num(r.mean_baseline),
            num(r.mean_variant),
            num(r.mean_diff),
            r.adjusted().map_or("n/a".to_string(), |i| format!(
                "[{}, {}]",
                num(i.low),
                num(i.high)
            )),
            r.correlation.map_or("-".to_string(), |c| format!("{c:.2}")),
            r.verdict(r.kpi == "fill_rate").words(),
        );
    }
    text
}
