//! Writers: one exporter per output file behind a trait, each written to a temporary name and
//! renamed, so a run never leaves a half-written file. A variant's `manifest.json` is written
//! last, with the SHA-256 of every other file, and marks the variant complete.

pub mod census;
pub mod comparison;
pub mod customer_orders;
pub mod flows;
pub mod manifest;
pub mod outlines;
pub mod regions;
pub mod replications;
pub mod schema;
pub mod summary;
pub mod sweep;
pub mod timeseries;
pub mod weekly;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::stats::aggregate::Aggregate;
use crate::util::atomic::atomic_write;
use crate::util::hash::HashingWriter;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// The results of one scenario variant, ready to export.
pub struct VariantRun<'a> {
    /// The model that ran.
    pub model: &'a Model,
    /// The base seed.
    pub seed: u64,
    /// Its replications, folded in index order.
    pub agg: &'a Aggregate,
}

impl VariantRun<'_> {
    /// Name of a region slot (the last one is `national`).
    pub fn slot_name(&self, slot: usize) -> &str {
        self.model
            .regions
            .get(slot)
            .map_or("national", |r| r.id.as_str())
    }

    /// Number of region slots including the national one.
    pub fn slots(&self) -> usize {
        self.model.regions.len() + 1
    }

    /// Indices of the products (materials have no demand KPIs).
    pub fn products(&self) -> &[usize] {
        self.agg.products()
    }
}

/// One output file.
pub trait Exporter: Sync {
    /// The file name inside the variant directory.
    fn file_name(&self) -> &'static str;
    /// Writes the file's content.
    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()>;
}

/// Every exporter of the result files every run writes (`manifest.json`, written after them,
/// aside).
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(timeseries::TimeseriesCsv),
        Box::new(replications::ReplicationsCsv),
        Box::new(weekly::WeeklyCsv),
        Box::new(summary::SummaryJson),
        Box::new(census::CensusCsv),
        Box::new(flows::FlowsCsv),
    ]
}

/// The result files every run writes, `manifest.json` last.
pub fn result_files() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = exporters().iter().map(|e| e.file_name()).collect();
    names.push(manifest::MANIFEST);
    names
}

/// Writes every output file of `run` into `dir`: first the manifest of an earlier run there
/// is removed (so the directory reads as incomplete until this one is done) with any temporary
/// file a killed run left, then every result file, then `manifest.json` with their hashes.
/// The caller holds the output directory's lock.
pub fn write_run(dir: &Path, run: &VariantRun) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    manifest::invalidate(dir)?;
    let mut all = exporters();
    if customer_orders::CustomerOrdersCsv::applies(run) {
        all.push(Box::new(customer_orders::CustomerOrdersCsv));
    }
    if regions::RegionsCsv::applies(run) {
        all.push(Box::new(regions::RegionsCsv));
    }
    if outlines::OutlinesGeojson::applies(run) {
        all.push(Box::new(outlines::OutlinesGeojson));
    }
    // Each exporter writes its own file, so they can run side by side; the first error in
    // exporter order is the one reported.
    let files = all
        .par_iter()
        .map(|e| {
            let mut hash = None;
            atomic_write(&dir.join(e.file_name()), |w| {
                let mut h = HashingWriter::new(w);
                e.write(run, &mut h)?;
                hash = Some(h.hex());
                Ok(())
            })?;
            Ok((e.file_name().to_string(), hash.expect("hashed")))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<BTreeMap<String, String>>>()?;
    let m = manifest::manifest(run, files);
    atomic_write(&dir.join(manifest::MANIFEST), |w| manifest::write(&m, w))
}

/// Formats a number for CSV: whole numbers without decimals, others rounded to at most 4
/// decimals (trailing zeros dropped). Integer arithmetic, not `{:.4}`: writing the tables is
/// otherwise dominated by exact float formatting.
pub fn num(x: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, x);
    s
}

/// Appends [`num`]`(x)` to `out`: no allocation of its own, and `itoa` rather than the
/// formatting machinery, as tables hold tens of thousands of numbers.
pub fn push_num(out: &mut String, x: f64) {
    let mut digits = itoa::Buffer::new();
    if x.fract() == 0.0 && x.abs() < 1e15 {
        out.push_str(digits.format(x as i64));
        return;
    }
    let scaled = (x * 1e4).round();
    if scaled.is_nan() || scaled.abs() >= 9e15 {
        out.push_str(&format!("{x:.4}"));
        return;
    }
    let n = scaled as i64;
    let (int, frac) = (n.unsigned_abs() / 10_000, n.unsigned_abs() % 10_000);
    if n < 0 {
        out.push('-');
    }
    out.push_str(digits.format(int));
    if frac > 0 {
        // The four decimals without their trailing zeros.
        out.push('.');
        let mut rest = frac;
        for place in [1000, 100, 10, 1] {
            if rest == 0 {
                break;
            }
            out.push(char::from(b'0' + (rest / place) as u8));
            rest %= place;
        }
    }
}

/// Formats an optional number (empty when undefined).
pub fn opt_num(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.30000000000000004), "0.3");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(-1234.56789), "-1234.5679");
        assert_eq!(num(0.00004), "0");
        assert_eq!(num(0.00005), "0.0001");
        assert_eq!(num(1e300), format!("{:.4}", 1e300));
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(-2.0001), "-2.0001");
        assert_eq!(num(0.01), "0.01");
        assert_eq!(num(-7.25e-3), "-0.0073");
        assert_eq!(opt_num(None), "");
    }
}
