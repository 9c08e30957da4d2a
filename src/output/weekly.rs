//! `weekly.csv`: the fill rate of every product, region and week (days 0–6, 7–13, …) across
//! replications (docs/model.md: fill rate over the horizon and per week). The fill rate's P5 and
//! P95 come from a quantile sketch, within 0.5 % of the exact percentile (see
//! [`crate::stats::sketch`]); its mean has the bytes of a sum in replication order, its standard
//! deviation is Welford's.

use super::{Exporter, VariantRun, num, opt_num};
use crate::stats::aggregate::WEEK;
use std::io::{self, Write};

/// Writes `weekly.csv`.
pub struct WeeklyCsv;

impl Exporter for WeeklyCsv {
    fn file_name(&self) -> &'static str {
        "weekly.csv"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "week",
            "start_date",
            "product",
            "region",
            "demand_mean",
            "delivered_mean",
            "n",
            "fill_rate_mean",
            "fill_rate_ci95_low",
            "fill_rate_ci95_high",
            "fill_rate_p5",
            "fill_rate_p95",
        ])?;
        let days = m.days as usize;
        let n = run.agg.replications() as f64;
        for (p, &item) in run.products().iter().enumerate() {
            for slot in 0..run.slots() {
                for (week, start) in (0..days).step_by(WEEK).enumerate() {
                    let cell = run.agg.week(p, slot, week);
                    let rates = cell.fill_rate();
                    let date = m.start_date + chrono::Days::new(start as u64);
                    let mut row = vec![
                        week.to_string(),
                        date.format("%Y-%m-%d").to_string(),
                        m.items[item].id.clone(),
                        run.slot_name(slot).to_string(),
                        num(cell.demand_sum() / n),
                        num(cell.delivered_sum() / n),
                    ];
                    match rates.summary() {
                        Some(s) => {
                            row.push(s.n.to_string());
                            row.push(num(s.mean));
                            // One replication with demand: no interval, empty cells.
                            row.extend([s.ci.map(|i| i.low), s.ci.map(|i| i.high)].map(opt_num));
                            row.extend([s.p5, s.p95].map(num));
                        }
                        None => {
                            row.push("0".into());
                            row.extend(std::iter::repeat_n(String::new(), 5));
                        }
                    }
                    w.write_record(&row)?;
                }
            }
        }
        w.flush()
    }
}
