//! `outlines.geojson` (only for scenarios whose regions have outlines, from `[map]`): each
//! outlined region's polygons, which the report's map fills.

use super::{Exporter, VariantRun};
use crate::util::geo;
use std::io::{self, Write};

/// Writes `outlines.geojson`.
pub struct OutlinesGeojson;

/// The file's name.
pub const OUTLINES_GEOJSON: &str = "outlines.geojson";

/// The feature property holding a region's id.
pub const REGION_PROPERTY: &str = "region";

impl OutlinesGeojson {
    /// Whether any region of the run has an outline.
    pub fn applies(run: &VariantRun) -> bool {
        run.model.regions.iter().any(|r| r.outline.is_some())
    }
}

impl Exporter for OutlinesGeojson {
    fn file_name(&self) -> &'static str {
        OUTLINES_GEOJSON
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let outlines = run
            .model
            .regions
            .iter()
            .filter_map(|r| Some((r.id.as_str(), r.outline.as_ref()?)));
        out.write_all(geo::write_features(outlines, REGION_PROPERTY).as_bytes())
    }
}
