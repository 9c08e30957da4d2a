//! Checking whole scenario files: the base and every variant built, every problem reported
//! once.

use super::Model;
use super::build::build;
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::ScenarioFile;
use crate::scenario::policy::ReadOptions;
use std::collections::HashSet;
use std::path::PathBuf;

/// Builds the models of the base and every variant of a file, reporting every problem found
/// in any of them (a problem of the base is reported once, not again for each variant).
pub fn build_all(file: &ScenarioFile) -> Result<Vec<Model>> {
    let mut names = vec![None];
    // A name given twice is reported by the base's build; its variant is built once.
    let mut seen = HashSet::new();
    names.extend(
        file.variant_names()
            .into_iter()
            .filter(|n| seen.insert(n.clone()))
            .map(Some),
    );
    let mut models = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut fields = HashSet::new();
    for v in &names {
        match build(file, v.as_deref()) {
            Ok(m) => models.push(m),
            Err(Error::Invalid(d)) => {
                for x in d {
                    if fields.insert(x.field.clone()) {
                        diags.push(x);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if diags.is_empty() {
        Ok(models)
    } else {
        Err(Error::Invalid(diags))
    }
}

/// What [`validate_files`] found.
#[derive(Debug, Default)]
pub struct Validation {
    /// The valid files, each with its number of variants besides the base.
    pub valid: Vec<(PathBuf, usize)>,
    /// Every problem in every other file.
    pub problems: Vec<Diagnostic>,
}

/// Checks scenario files, each with its base and every variant; every problem in every file
/// is reported, not only the first file's.
pub fn validate_files(paths: &[PathBuf], options: &ReadOptions) -> Result<Validation> {
    let mut found = Validation::default();
    for path in paths {
        match ScenarioFile::read_with(path, options).and_then(|file| build_all(&file)) {
            Ok(models) => found.valid.push((path.clone(), models.len() - 1)),
            Err(Error::Invalid(d)) => found.problems.extend(d),
            // An unreadable file is one more problem; the others are still checked.
            Err(e) => found.problems.push(Diagnostic {
                file: path.clone(),
                position: None,
                field: String::new(),
                message: e.to_string(),
            }),
        }
    }
    Ok(found)
}
