//! Scenario files: reading TOML, applying a variant's overrides, and reporting problems with
//! file, line, column and field path. Building the validated model is `crate::model::build`.

pub mod location;
pub mod overrides;
pub mod raw;

use crate::error::{Diagnostic, Error, Result};
use location::{FieldPath, Locator};
use std::path::{Path, PathBuf};

/// A scenario file read from disk: its text, its TOML table and a locator for diagnostics.
pub struct ScenarioFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The text, for hashing.
    pub text: String,
    locator: Locator,
    table: toml::Table,
}

impl ScenarioFile {
    /// Reads and parses a scenario file; a syntax error is reported with its position.
    pub fn read(path: &Path) -> Result<ScenarioFile> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let locator = Locator::new(&text);
        let table = match text.parse::<toml::Table>() {
            Ok(t) => t,
            Err(e) => {
                let position = e.span().map(|s| locator.line_col(s.start));
                return Err(Error::Invalid(vec![Diagnostic {
                    file: path.to_path_buf(),
                    position,
                    field: String::new(),
                    message: format!("TOML syntax error: {}", e.message().trim()),
                }]));
            }
        };
        Ok(ScenarioFile {
            path: path.to_path_buf(),
            text,
            locator,
            table,
        })
    }

    /// The directory CSV paths are relative to.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// A diagnostic about `field`, located in this file.
    pub fn diag(&self, field: &FieldPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.path.clone(),
            position: self.locator.locate(field),
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Names of the variants the file defines, in file order.
    pub fn variant_names(&self) -> Vec<String> {
        self.table
            .get("variant")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The raw scenario of the base (`None`) or a named variant, with every shape problem.
    pub fn raw(&self, variant: Option<&str>) -> Result<raw::RawScenario> {
        self.raw_with(variant, &[])
    }

    /// Like [`ScenarioFile::raw`], then with `settings` (dotted path, value) applied on top, as
    /// a parameter sweep does.
    pub fn raw_with(
        &self,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
    ) -> Result<raw::RawScenario> {
        let mut diags = Vec::new();
        non_finite_numbers(
            &toml::Value::Table(self.table.clone()),
            &FieldPath::default(),
            &mut |p| {
                diags.push(self.diag(
                    p,
                    "must be a finite number (NaN and infinity are not allowed)",
                ))
            },
        );
        let mut table = self.table.clone();
        if let Some(name) = variant {
            self.apply_variant(&mut table, name, &mut diags)?;
        }
        for (path, value) in settings {
            overrides::apply(&mut table, path, value.clone())
                .map_err(|msg| Error::Usage(format!("--set {path}: {msg}")))?;
        }
        let mut unknown: Vec<String> = Vec::new();
        let mut track = |p: serde_ignored::Path| unknown.push(p.to_string());
        let de = serde_ignored::Deserializer::new(toml::Value::Table(table), &mut track);
        let parsed: std::result::Result<raw::RawScenario, _> = serde_path_to_error::deserialize(de);
        for u in unknown {
            let p = FieldPath::parse(&u);
            diags.push(self.diag(
                &p,
                "unknown field (check its spelling and the format in README.md)",
            ));
        }
        match parsed {
            Ok(raw) if diags.is_empty() => Ok(raw),
            Ok(_) => Err(Error::Invalid(diags)),
            Err(e) => {
                let p = FieldPath::parse(&e.path().to_string());
                diags.push(self.diag(&p, e.inner().message().trim().to_string()));
                Err(Error::Invalid(diags))
            }
        }
    }

    fn apply_variant(
        &self,
        table: &mut toml::Table,
        name: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<()> {
        let variants = self.variant_names();
        let Some(index) = variants.iter().position(|v| v == name) else {
            return Err(Error::Usage(format!(
                "{}: no variant named `{name}` (variants: {})",
                self.path.display(),
                if variants.is_empty() {
                    "none".to_string()
                } else {
                    variants.join(", ")
                }
            )));
        };
        let set = self.table["variant"][index]
            .get("set")
            .and_then(|s| s.as_table())
            .cloned()
            .unwrap_or_default();
        for (key, value) in &set {
            if let Err(msg) = overrides::apply(table, key, value.clone()) {
                let field = FieldPath::default()
                    .key("variant")
                    .index(index)
                    .key("set")
                    .key(key);
                diags.push(self.diag(&field, format!("variant `{name}`: {msg}")));
            }
        }
        Ok(())
    }
}

/// Calls `found` with the path of every NaN or infinite float in `v`.
fn non_finite_numbers(v: &toml::Value, at: &FieldPath, found: &mut dyn FnMut(&FieldPath)) {
    match v {
        toml::Value::Float(f) if !f.is_finite() => found(at),
        toml::Value::Table(t) => t
            .iter()
            .for_each(|(k, v)| non_finite_numbers(v, &at.key(k), found)),
        toml::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| non_finite_numbers(v, &at.index(i), found)),
        _ => {}
    }
}
