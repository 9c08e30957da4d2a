//! `timeseries.csv`: tidy, one row per day × item × region (and national), each measure as
//! mean, P5 and P95 across replications, plus P(stockout by this day) with its Wilson interval.
//! P5 and P95 come from a quantile sketch, within 0.5 % of the exact percentile (see
//! [`crate::stats::sketch`]).

use super::{Exporter, VariantRun, push_num};
use crate::model::ItemKind;
use crate::results::{MEASURE_COUNT, MEASURE_NAMES};
use crate::stats::wilson;
use rayon::prelude::*;
use std::io::{self, Write};

/// Writes `timeseries.csv`.
pub struct TimeseriesCsv;

impl Exporter for TimeseriesCsv {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        let mut w = csv::Writer::from_writer(&mut *out);
        let mut header = vec![
            "day".to_string(),
            "date".into(),
            "item".into(),
            "kind".into(),
            "region".into(),
        ];
        for name in MEASURE_NAMES {
            for stat in ["mean", "p5", "p95"] {
                header.push(format!("{name}_{stat}"));
            }
        }
        header.extend([
            "p_stockout_by_day".into(),
            "p_stockout_low".into(),
            "p_stockout_high".into(),
        ]);
        w.write_record(&header)?;
        w.flush()?;
        drop(w);
        // Items are formatted side by side, each into its own buffer, and written in item order.
        let blocks = (0..m.items.len())
            .into_par_iter()
            .map(|item| item_rows(run, item))
            .collect::<io::Result<Vec<Vec<u8>>>>()?;
        for b in blocks {
            out.write_all(&b)?;
        }
        Ok(())
    }
}

/// The rows of one item, every region and day, as CSV bytes.
fn item_rows(run: &VariantRun, item: usize) -> io::Result<Vec<u8>> {
    let m = run.model;
    let mut w = csv::Writer::from_writer(Vec::new());
    let n = run.agg.replications();
    let kind = match m.items[item].kind {
        ItemKind::Material => "material",
        ItemKind::Consumable => "consumable",
        ItemKind::Durable => "durable",
    };
    // Each row is written field by field through one buffer: 40-odd numbers a row, thousands
    // of rows, so no string is allocated per cell.
    let mut buf = String::new();
    let mut number = |w: &mut csv::Writer<Vec<u8>>, x: f64| {
        buf.clear();
        push_num(&mut buf, x);
        w.write_field(&buf)
    };
    for slot in 0..run.slots() {
        // Replications whose first stockout was on each day, summed for P(stockout by day d).
        let mut by_day = 0;
        for (day, &first) in run.agg.first_stockouts(item, slot).iter().enumerate() {
            let date = m.start_date + chrono::Days::new(day as u64);
            w.write_field(day.to_string())?;
            w.write_field(date.to_string())?;
            w.write_field(&m.items[item].id)?;
            w.write_field(kind)?;
            w.write_field(run.slot_name(slot))?;
            for k in 0..MEASURE_COUNT {
                let cell = run.agg.daily(day, item, slot, k);
                number(&mut w, cell.mean())?;
                number(&mut w, cell.quantile(0.05))?;
                number(&mut w, cell.quantile(0.95))?;
            }
            by_day += first as usize;
            if kind == "material" {
                for _ in 0..3 {
                    w.write_field("")?;
                }
            } else {
                let p = wilson(by_day, n);
                for x in [p.p, p.low, p.high] {
                    number(&mut w, x)?;
                }
            }
            w.write_record(None::<&[u8]>)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error())
}
