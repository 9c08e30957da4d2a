//! `regions.csv` (only for scenarios whose regions carry `lon` and `lat`): each located
//! region's centroid, which the report's map places it by.

use super::{Exporter, VariantRun, num};
use std::io::{self, Write};

/// Writes `regions.csv`.
pub struct RegionsCsv;

/// The file's name.
pub const REGIONS_CSV: &str = "regions.csv";

impl RegionsCsv {
    /// Whether any region of the run has coordinates.
    pub fn applies(run: &VariantRun) -> bool {
        run.model.regions.iter().any(|r| r.location.is_some())
    }
}

impl Exporter for RegionsCsv {
    fn file_name(&self) -> &'static str {
        REGIONS_CSV
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["region", "lon", "lat"])?;
        for r in &run.model.regions {
            if let Some((lon, lat)) = r.location {
                w.write_record([r.id.clone(), num(lon), num(lat)])?;
            }
        }
        w.flush()
    }
}
