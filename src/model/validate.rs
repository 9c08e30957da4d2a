//! Checking whole scenario files: the base and every variant built, every problem reported
//! once.

use super::Model;
use super::build::{build, build_base_taking};
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::ScenarioFile;
use crate::scenario::policy::ReadOptions;
use std::collections::HashSet;
use std::path::PathBuf;

/// Builds the models of the base and every variant of a file, reporting every problem found
/// in any of them (a problem of the base is reported once, not again for each variant).
pub fn build_all(file: &ScenarioFile) -> Result<Vec<Model>> {
    let base = build(file, None);
    let variants = variant_names(file)
        .into_iter()
        .map(|v| build(file, Some(&v)))
        .collect();
    gather(base, variants)
}

/// [`build_all`] of a file that is not used afterwards: the variants first, then the base from
/// its raw scenario taken out of the file ([`build_base_taking`]), so that a large network's raw
/// entries and its model are not all alive at once.
pub fn build_all_taking(mut file: ScenarioFile) -> Result<Vec<Model>> {
    let variants = variant_names(&file)
        .into_iter()
        .map(|v| build(&file, Some(&v)))
        .collect();
    let base = build_base_taking(&mut file);
    gather(base, variants)
}

/// The names of a file's variants, each once: a name given twice is reported by the base's
/// build, and its variant is built once.
fn variant_names(file: &ScenarioFile) -> Vec<String> {
    let mut seen = HashSet::new();
    file.variant_names()
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

/// The models of the base and the variants, in that order, or every problem found in any of
/// them, each field once.
fn gather(base: Result<Model>, variants: Vec<Result<Model>>) -> Result<Vec<Model>> {
    let mut models = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut fields = HashSet::new();
    for built in std::iter::once(base).chain(variants) {
        match built {
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
        match ScenarioFile::read_with(path, options).and_then(build_all_taking) {
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
