//! `replications.csv`: one row per replication × product × region with its KPIs.

use super::{Exporter, VariantRun, opt_num};
use crate::stats::kpi::{KPI_NAMES, kpis};
use std::io::{self, Write};

/// Writes `replications.csv`.
pub struct ReplicationsCsv;

impl Exporter for ReplicationsCsv {
    fn file_name(&self) -> &'static str {
        "replications.csv"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec!["replication", "product", "region"];
        header.extend(KPI_NAMES);
        w.write_record(&header)?;
        for rep in &run.reps {
            for item in run.products() {
                for slot in 0..run.slots() {
                    let mut row = vec![
                        rep.index.to_string(),
                        run.model.items[item].id.clone(),
                        run.slot_name(slot).to_string(),
                    ];
                    row.extend(kpis(run.model, rep, item, slot).into_iter().map(opt_num));
                    w.write_record(&row)?;
                }
            }
        }
        w.flush()
    }
}
