//! `medsupply schema`: print the JSON Schema of the scenario format.

use medsupply::error::Result;

/// Prints the schema (the same text as `scenarios/medsupply.schema.json`).
pub fn schema() -> Result<()> {
    crate::print(&medsupply::scenario::schema::schema_text())
}
