//! `replications.csv`: one row per replication × product × region with its KPIs.

use super::{Exporter, VariantRun, opt_num};
use crate::stats::kpi::KPI_NAMES;
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
        for rep in run.agg.reps() {
            for (p, &item) in run.products().iter().enumerate() {
                for slot in 0..run.slots() {
                    let mut row = vec![
                        rep.index.to_string(),
                        run.model.items[item].id.clone(),
                        run.slot_name(slot).to_string(),
                    ];
                    row.extend(rep.kpis(run.slots(), p, slot).map(opt_num));
                    w.write_record(&row)?;
                }
            }
        }
        w.flush()
    }
}
