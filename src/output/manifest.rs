//! `manifest.json`: provenance of a run, and its completion marker: it is written last, after
//! every other result file of the variant, and records their SHA-256, so its presence means
//! the variant's results are complete and a file changed since can be told.

use super::schema::{Manifest, ProductInfo, SCHEMA_VERSION};
use super::{VariantRun, result_files};
use crate::error::{Error, Result};
use crate::model::ItemKind;
use crate::util::atomic::{remove_stale_temps, temp_files_in};
use crate::util::hash::verify_file;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// The name of the manifest, the last file of a variant written.
pub const MANIFEST: &str = "manifest.json";

/// The manifest of `run`, with the hashes of the files written before it.
pub fn manifest(run: &VariantRun, files: BTreeMap<String, String>) -> Manifest {
    let m = run.model;
    Manifest {
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
        files,
    }
}

/// Writes a manifest as `manifest.json` holds it.
pub fn write(manifest: &Manifest, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, manifest)?;
    writeln!(out)
}

/// Refuses a variant directory that a run did not finish: one holding result files but no
/// `manifest.json`, or temporary files left by a writer that was killed (or is running).
pub fn ensure_complete(dir: &Path) -> Result<()> {
    let temps = temp_files_in(dir);
    if let Some(t) = temps.first() {
        return Err(Error::Incomplete {
            dir: dir.to_path_buf(),
            why: format!(
                "temporary file {} left in it",
                t.file_name().unwrap_or_default().to_string_lossy()
            ),
        });
    }
    if !dir.join(MANIFEST).is_file() && result_files().iter().any(|f| dir.join(f).is_file()) {
        return Err(Error::Incomplete {
            dir: dir.to_path_buf(),
            why: format!("it holds result files but no {MANIFEST}, written last"),
        });
    }
    Ok(())
}

/// Checks that every file the manifest of `dir` lists still has the SHA-256 recorded when it
/// was written.
pub fn verify_files(dir: &Path, manifest: &Manifest) -> Result<()> {
    for (name, recorded) in &manifest.files {
        let path = dir.join(name);
        if !path.is_file() {
            return Err(Error::Incomplete {
                dir: dir.to_path_buf(),
                why: format!("{name}, listed in its {MANIFEST}, is missing"),
            });
        }
        verify_file(&path, recorded, &dir.join(MANIFEST))?;
    }
    Ok(())
}

/// Removes a variant directory's `manifest.json` (its completion marker) and the temporary
/// files killed runs left in it, before its files are rewritten: until the new manifest is
/// written the directory reads as incomplete. The caller holds the output directory's lock.
pub fn invalidate(dir: &Path) -> Result<()> {
    let marker = dir.join(MANIFEST);
    match std::fs::remove_file(&marker) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            return Err(Error::Write {
                path: marker,
                source: e,
            });
        }
        _ => {}
    }
    remove_stale_temps(dir)
}
