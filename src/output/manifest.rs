//! `manifest.json`: provenance of a run.

use super::schema::{Manifest, ProductInfo, SCHEMA_VERSION};
use super::{Exporter, VariantRun};
use crate::model::ItemKind;
use std::io::{self, Write};

/// Writes `manifest.json`.
pub struct ManifestJson;

impl Exporter for ManifestJson {
    fn file_name(&self) -> &'static str {
        "manifest.json"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        let manifest = Manifest {
            schema_version: SCHEMA_VERSION,
            program: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: m.name.clone(),
            variant: m.variant.clone(),
            scenario_hash: m.input_hash.clone(),
            seed: run.seed,
            replications: run.agg.replications() as u32,
            generator: crate::engine::streams::GENERATOR.to_string(),
            start_date: m.start_date.format("%Y-%m-%d").to_string(),
            days: m.days,
            ticks_per_day: crate::model::TICKS_PER_DAY,
            regions_of_interest: m
                .regions_of_interest
                .iter()
                .map(|&r| m.regions[r].id.clone())
                .collect(),
            products: run
                .products()
                .iter()
                .map(|&i| ProductInfo {
                    id: m.items[i].id.clone(),
                    unit: m.items[i].unit.clone(),
                    kind: match m.items[i].kind {
                        ItemKind::Durable => "durable",
                        _ => "consumable",
                    }
                    .to_string(),
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &manifest)?;
        writeln!(out)
    }
}
