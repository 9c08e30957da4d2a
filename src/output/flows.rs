//! `flows.csv`: per origin region, destination region and item with any units shipped, the
//! mean units shipped per replication and its 95 % confidence interval. A unit counts when it
//! is dispatched (taken from the origin node's stock and sent towards the destination node),
//! whether or not it arrives within the horizon; shipments within a region are rows whose
//! origin and destination are the same region.

use super::{Exporter, VariantRun, num, opt_num};
use std::io::{self, Write};

/// Writes `flows.csv`.
pub struct FlowsCsv;

/// The file's name.
pub const FLOWS_CSV: &str = "flows.csv";

/// Its columns.
pub const FLOWS_COLUMNS: [&str; 6] = [
    "from_region",
    "to_region",
    "item",
    "shipped_mean",
    "shipped_ci_low",
    "shipped_ci_high",
];

impl Exporter for FlowsCsv {
    fn file_name(&self) -> &'static str {
        FLOWS_CSV
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        let mut w = csv::Writer::from_writer(out);
        w.write_record(FLOWS_COLUMNS)?;
        for f in run.agg.flows().nonzero() {
            w.write_record([
                m.regions[f.from].id.as_str(),
                m.regions[f.to].id.as_str(),
                m.items[f.item].id.as_str(),
                &num(f.mean),
                &opt_num(f.ci.map(|c| c.low)),
                &opt_num(f.ci.map(|c| c.high)),
            ])?;
        }
        w.flush()
    }
}
