//! `medsupply validate`: check scenario files and report every problem.

use super::study::InputArgs;
use medsupply::error::{Error, Result};
use medsupply::model::validate::validate_files;
use std::path::PathBuf;

/// Checks the files and says which are valid (the problems come back as the error).
pub fn validate(scenarios: &[PathBuf], input: &InputArgs) -> Result<()> {
    let found = validate_files(scenarios, &input.options()?)?;
    for (path, variants) in &found.valid {
        eprintln!(
            "{}: ok ({variants} variant(s) besides base)",
            path.display()
        );
    }
    if found.problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(found.problems))
    }
}
