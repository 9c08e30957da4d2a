//! `weekly.csv`: the fill rate of every product, region and week (days 0–6, 7–13, …) across
//! replications (MODEL.md §3: fill rate over the horizon and per week).

use super::{Exporter, VariantRun, num};
use crate::results::Measure;
use crate::stats::summarize;
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
        for item in run.products() {
            for slot in 0..run.slots() {
                for (week, start) in (0..days).step_by(7).enumerate() {
                    let range = start..(start + 7).min(days);
                    let sums: Vec<(f64, f64)> = run
                        .reps
                        .iter()
                        .map(|r| {
                            range.clone().fold((0.0, 0.0), |(d, x), day| {
                                (
                                    d + r.get(day, item, slot, Measure::Demand),
                                    x + r.get(day, item, slot, Measure::Delivered),
                                )
                            })
                        })
                        .collect();
                    let n = sums.len() as f64;
                    let rates: Vec<f64> = sums
                        .iter()
                        .filter(|(d, _)| *d > 0.0)
                        .map(|(d, x)| x / d)
                        .collect();
                    let date = m.start_date + chrono::Days::new(start as u64);
                    let mut row = vec![
                        week.to_string(),
                        date.format("%Y-%m-%d").to_string(),
                        m.items[item].id.clone(),
                        run.slot_name(slot).to_string(),
                        num(sums.iter().map(|s| s.0).sum::<f64>() / n),
                        num(sums.iter().map(|s| s.1).sum::<f64>() / n),
                        rates.len().to_string(),
                    ];
                    match summarize(&rates) {
                        Some(s) => row.extend([s.mean, s.ci_low, s.ci_high, s.p5, s.p95].map(num)),
                        None => row.extend(std::iter::repeat_n(String::new(), 5)),
                    }
                    w.write_record(&row)?;
                }
            }
        }
        w.flush()
    }
}
