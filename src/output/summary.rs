//! `summary.json`: every KPI across replications, and stockout probabilities. The KPIs of every
//! replication are kept, so their percentiles are exact.

use super::schema::{KpiSummary, ProbabilitySummary, SCHEMA_VERSION, Summary};
use super::{Exporter, VariantRun};
use crate::stats::kpi::KPI_NAMES;
use crate::stats::{summarize, wilson};
use std::io::{self, Write};

/// Writes `summary.json`.
pub struct SummaryJson;

/// Index of the first-stockout KPI.
const FIRST_STOCKOUT: usize = 7;

impl Exporter for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let mut kpi_rows = Vec::new();
        let mut probabilities = Vec::new();
        let agg = run.agg;
        for (p, &item) in run.products().iter().enumerate() {
            for slot in 0..run.slots() {
                let product = run.model.items[item].id.clone();
                let region = run.slot_name(slot).to_string();
                for (k, name) in KPI_NAMES.iter().enumerate() {
                    if let Some(s) = summarize(&agg.kpi_values(p, slot, k)) {
                        kpi_rows.push(KpiSummary {
                            product: product.clone(),
                            region: region.clone(),
                            kpi: name.to_string(),
                            n: s.n,
                            mean: s.mean,
                            sd: s.sd,
                            ci95_low: s.ci.map(|i| i.low),
                            ci95_high: s.ci.map(|i| i.high),
                            p5: s.p5,
                            p50: s.p50,
                            p95: s.p95,
                        });
                    }
                }
                let stockouts = agg.kpi_values(p, slot, FIRST_STOCKOUT).len();
                let w = wilson(stockouts, agg.replications());
                probabilities.push(ProbabilitySummary {
                    product,
                    region,
                    event: "stockout_by_end".to_string(),
                    successes: w.successes,
                    n: w.n,
                    p: w.p,
                    wilson_low: w.low,
                    wilson_high: w.high,
                });
            }
        }
        let summary = Summary {
            schema_version: SCHEMA_VERSION,
            scenario: run.model.name.clone(),
            variant: run.model.variant.clone(),
            replications: agg.replications(),
            kpis: kpi_rows,
            probabilities,
        };
        serde_json::to_writer_pretty(&mut *out, &summary)?;
        writeln!(out)
    }
}
