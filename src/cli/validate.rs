//! `medsupply validate`: check scenario files and report every problem.

use super::build_all;
use crate::error::{Error, Result};
use crate::scenario::ScenarioFile;
use std::path::PathBuf;

/// Validates every file (base and all variants); all problems are collected.
pub(crate) fn validate(scenarios: &[PathBuf]) -> Result<()> {
    let mut diags = Vec::new();
    for path in scenarios {
        match ScenarioFile::read(path).and_then(|f| build_all(&f)) {
            Ok(models) => eprintln!(
                "{}: ok ({} variant(s) besides base)",
                path.display(),
                models.len() - 1
            ),
            Err(Error::Invalid(d)) => diags.extend(d),
            // An unreadable file is one more problem; the others are still checked.
            Err(e) => diags.push(crate::error::Diagnostic {
                file: path.clone(),
                position: None,
                field: String::new(),
                message: e.to_string(),
            }),
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(diags))
    }
}
