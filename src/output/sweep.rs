//! `sweep.csv`: one row per grid point × KPI × product × region with the KPI across
//! replications, the swept parameters as columns; and `sweep.json`, the parameters and the KPI
//! the sweep chart draws.

use super::schema::{SCHEMA_VERSION, SweepInfo};
use super::{num, opt_num};
use crate::error::Result;
use crate::model::Model;
use crate::stats::aggregate::Aggregate;
use crate::stats::kpi::KPI_NAMES;
use crate::stats::summarize;
use crate::util::atomic::atomic_write;
use std::path::Path;

/// The KPI the sweep chart draws unless `--plot-kpi` says otherwise.
pub const DEFAULT_PLOT_KPI: &str = "fill_rate";

/// One grid point of a sweep: its label and the value of each parameter, in parameter order.
pub struct GridPoint<'a> {
    /// The point's label (its arm's name).
    pub label: &'a str,
    /// The parameters' values, as written in the scenario's TOML.
    pub values: Vec<&'a str>,
}

/// Writes `sweep.csv` and `sweep.json` into `dir`, a row per point, product, place and KPI.
pub fn write(
    dir: &Path,
    points: &[GridPoint],
    parameters: &[String],
    plot_kpi: &str,
    models: &[Model],
    aggs: &[Aggregate],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| crate::error::Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    atomic_write(&dir.join("sweep.csv"), |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut header = vec!["point".to_string()];
        header.extend(parameters.iter().cloned());
        header.extend(
            [
                "product",
                "region",
                "kpi",
                "n",
                "mean",
                "sd",
                "ci95_low",
                "ci95_high",
                "p5",
                "p50",
                "p95",
            ]
            .map(String::from),
        );
        c.write_record(&header)?;
        for ((point, m), agg) in points.iter().zip(models).zip(aggs) {
            for (p, &item) in agg.products().iter().enumerate() {
                for slot in 0..agg.slots() {
                    for (k, name) in KPI_NAMES.iter().enumerate() {
                        let Some(s) = summarize(&agg.kpi_values(p, slot, k)) else {
                            continue;
                        };
                        let mut row = vec![point.label.to_string()];
                        row.extend(point.values.iter().map(|v| v.to_string()));
                        row.push(m.items[item].id.clone());
                        row.push(
                            m.regions
                                .get(slot)
                                .map_or("national".to_string(), |r| r.id.clone()),
                        );
                        row.push(name.to_string());
                        row.push(s.n.to_string());
                        row.extend([s.mean, s.sd].map(num));
                        // No interval from one replication: empty cells.
                        row.extend([s.ci.map(|i| i.low), s.ci.map(|i| i.high)].map(opt_num));
                        row.extend([s.p5, s.p50, s.p95].map(num));
                        c.write_record(&row)?;
                    }
                }
            }
        }
        c.flush()
    })?;
    atomic_write(&dir.join("sweep.json"), |w| {
        serde_json::to_writer_pretty(
            &mut *w,
            &SweepInfo {
                schema_version: SCHEMA_VERSION,
                parameters: parameters.to_vec(),
                plot_kpi: plot_kpi.to_string(),
            },
        )?;
        writeln!(w)
    })
}
