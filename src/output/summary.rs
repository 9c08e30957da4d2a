//! `summary.json`: every KPI across replications, and stockout probabilities.

use super::schema::{KpiSummary, ProbabilitySummary, SCHEMA_VERSION, Summary};
use super::{Exporter, VariantRun};
use crate::stats::kpi::{KPI_NAMES, kpis};
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
        for item in run.products() {
            for slot in 0..run.slots() {
                let per_rep: Vec<Vec<Option<f64>>> = run
                    .reps
                    .iter()
                    .map(|r| kpis(run.model, r, item, slot))
                    .collect();
                let product = run.model.items[item].id.clone();
                let region = run.slot_name(slot).to_string();
                for (k, name) in KPI_NAMES.iter().enumerate() {
                    let values: Vec<f64> = per_rep.iter().filter_map(|v| v[k]).collect();
                    if let Some(s) = summarize(&values) {
                        kpi_rows.push(KpiSummary {
                            product: product.clone(),
                            region: region.clone(),
                            kpi: name.to_string(),
                            n: s.n,
                            mean: s.mean,
                            sd: s.sd,
                            ci95_low: s.ci_low,
                            ci95_high: s.ci_high,
                            p5: s.p5,
                            p50: s.p50,
                            p95: s.p95,
                        });
                    }
                }
                let stockouts = per_rep
                    .iter()
                    .filter(|v| v[FIRST_STOCKOUT].is_some())
                    .count();
                let w = wilson(stockouts, run.reps.len());
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
            replications: run.reps.len(),
            kpis: kpi_rows,
            probabilities,
        };
        serde_json::to_writer_pretty(&mut *out, &summary)?;
        writeln!(out)
    }
}
