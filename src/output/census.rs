//! `census.csv`: patients in care per day, region (and national) and severity class, as mean,
//! P5 and P95 across replications: the census that drives the hospitals' demand (their share
//! of the region's epidemic, or their CSV series), summed over each region's hospitals. Only
//! regions with such a hospital have rows (and the national total, when any region has). P5 and
//! P95 come from a quantile sketch, like `timeseries.csv`'s.

use super::schema::CENSUS_COLUMNS;
use super::{Exporter, VariantRun, push_num};
use crate::results::{SEVERITY_CLASSES, SEVERITY_NAMES};
use std::io::{self, Write};

/// Writes `census.csv`.
pub struct CensusCsv;

impl Exporter for CensusCsv {
    fn file_name(&self) -> &'static str {
        "census.csv"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        let mut w = csv::Writer::from_writer(out);
        w.write_record(CENSUS_COLUMNS)?;
        let mut slots: Vec<usize> = (0..m.regions.len())
            .filter(|&r| m.nodes.iter().any(|n| n.region == r && n.census.is_some()))
            .collect();
        if !slots.is_empty() {
            slots.push(m.regions.len());
        }
        let mut buf = String::new();
        for slot in slots {
            for day in 0..m.days as usize {
                let date = (m.start_date + chrono::Days::new(day as u64)).to_string();
                for (k, severity) in SEVERITY_NAMES.iter().enumerate().take(SEVERITY_CLASSES) {
                    w.write_field(day.to_string())?;
                    w.write_field(&date)?;
                    w.write_field(run.slot_name(slot))?;
                    w.write_field(severity)?;
                    let cell = run.agg.census(day, slot, k);
                    for x in [cell.mean(), cell.quantile(0.05), cell.quantile(0.95)] {
                        buf.clear();
                        push_num(&mut buf, x);
                        w.write_field(&buf)?;
                    }
                    w.write_record(None::<&[u8]>)?;
                }
            }
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::aggregate::Aggregate;

    #[test]
    fn one_row_per_day_region_and_class_with_the_national_total() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
        let file = crate::scenario::ScenarioFile::read(&path).unwrap();
        let m = crate::model::build::build(&file, None).unwrap();
        let reps = crate::study::run_replications(&m, 3, 4, 1).unwrap();
        let agg = Aggregate::of(&m, &reps);
        let run = VariantRun {
            model: &m,
            seed: 3,
            agg: &agg,
        };
        let mut bytes = Vec::new();
        CensusCsv.write(&run, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("day,date,region,severity,mean,p5,p95"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let regions: Vec<&str> = m
            .regions
            .iter()
            .enumerate()
            .filter(|(r, _)| m.nodes.iter().any(|n| n.region == *r && n.census.is_some()))
            .map(|(_, r)| r.id.as_str())
            .collect();
        assert!(
            !regions.is_empty(),
            "minimal.toml has census-driven hospitals"
        );
        assert_eq!(rows.len(), (regions.len() + 1) * m.days as usize * 4);
        // The national rows are the sums of the regions' (means of sums, as replications
        // are summed in the same order).
        let national = m.regions.len();
        for day in [0, m.days as usize / 2] {
            for k in 0..4 {
                let total: f64 = (0..national).map(|s| agg.census(day, s, k).mean()).sum();
                let got = agg.census(day, national, k).mean();
                assert!((got - total).abs() <= 1e-9 * total.abs().max(1.0));
            }
        }
        let row = &rows[rows.len() - 1];
        assert_eq!((row[2], row[3]), ("national", "critical"));
    }
}
