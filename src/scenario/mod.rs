//! Scenario files: reading TOML, applying a variant's overrides, and reporting problems with
//! file, line, column and field path. Building the validated model is `crate::model::build`.

pub mod csv_series;
mod fast;
pub mod location;
pub mod overrides;
pub mod policy;
pub mod raw;
pub mod schema;
mod shape;
mod table_rows;
pub mod tables;

use crate::error::{Diagnostic, Error, Result};
use location::{FieldPath, Locator};
use policy::ReadOptions;
use raw::RawScenario;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A scenario file read from disk: its text, its raw scenario or TOML table, and a locator for
/// diagnostics.
///
/// A well-formed file is parsed once, straight into its raw scenario (`base`), and its text is
/// hashed (on another thread, while it is parsed) and then dropped: a large network's text
/// would otherwise stay alive beside its raw scenario and its model. The text is read again
/// (and checked against its hash) only when a variant or a sweep needs the TOML table, or a
/// diagnostic its locator (a copy of the text and its spans). A file with anything to report
/// keeps its text and table from the start, and every problem is reported from it.
pub struct ScenarioFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The text, while it is needed (see [`Self::text`]).
    text: OnceLock<String>,
    /// The SHA-256 of the text alone, to check a text read again is the one first read.
    text_digest: Vec<u8>,
    /// The SHA-256 so far of the text and every CSV table read (a model goes on with the data
    /// files it reads).
    hashed: Sha256,
    locator: OnceLock<Locator>,
    /// Always set when `base` is `None`.
    table: OnceLock<toml::Table>,
    /// The base scenario, when the one fast parse found nothing to report.
    base: Option<RawScenario>,
    /// The CSV files it refers to, read once for the base and every variant.
    pub csv: crate::scenario::csv_series::CsvCache,
    /// How it and the files it names are read (limits, outside paths).
    pub options: ReadOptions,
    /// Where the entries that came from `*_table` CSVs came from.
    origins: tables::Origins,
    /// Whether it names `*_table` CSVs (a table parsed later has their rows spliced in).
    has_tables: bool,
}

impl ScenarioFile {
    /// Reads and parses a scenario file with the default limits, its data files inside its
    /// folder; a syntax error is reported with its position.
    pub fn read(path: &Path) -> Result<ScenarioFile> {
        ScenarioFile::read_with(path, &ReadOptions::default())
    }

    /// Reads and parses a scenario file with these options (a file over the size limit is
    /// refused before it is read).
    pub fn read_with(path: &Path, options: &ReadOptions) -> Result<ScenarioFile> {
        options.limits.check_file(path)?;
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let csv = csv_series::CsvCache::default();
        // The hash of a large text takes about a tenth of its parse: taken beside it.
        let (parsed, mut hashed) = std::thread::scope(|s| {
            let hashing = s.spawn(|| Sha256::new_with_prefix(text.as_bytes()));
            let parsed = fast::parse(&text);
            let hashed = hashing
                .join()
                .unwrap_or_else(|_| Sha256::new_with_prefix(text.as_bytes()));
            (parsed, hashed)
        });
        let text_digest = hashed.clone().finalize().to_vec();
        // A file with CSV tables reads their rows straight into its raw scenario too, and takes
        // the table path (rows spliced into the TOML table) only when one needs a closer look.
        let (start, has_tables) = match parsed {
            fast::Parsed::Clean(raw) if !raw.has_tables() => {
                (Ok((*raw, tables::Origins::default())), false)
            }
            fast::Parsed::Clean(mut raw) => match table_rows::read(&mut raw, dir, options, &csv) {
                Some(origins) => (Ok((*raw, origins)), true),
                None => (Err(parse_table(path, &text)?), true),
            },
            fast::Parsed::Syntax(message, span) => {
                return Err(syntax_error(path, &text, &message, span));
            }
            fast::Parsed::Unsure => (Err(parse_table(path, &text)?), false),
        };
        let locator = OnceLock::new();
        let (base, table, mut origins) = match start {
            Ok((raw, origins)) => (Some(raw), OnceLock::new(), origins),
            Err(mut table) => {
                let at = locator.get_or_init(|| Locator::new(&text));
                let origins = tables::expand(&mut table, dir, options, &csv, path, at)
                    .map_err(Error::Invalid)?;
                (None, OnceLock::from(table), origins)
            }
        };
        // The tables' rows are read: their bytes are hashed and dropped (a variant's table
        // reads them again).
        for (file, bytes) in origins.take_files() {
            hashed.update(&bytes);
            csv.forget(file);
        }
        // A clean base no longer needs the text (see `text`).
        let text = if base.is_some() {
            OnceLock::new()
        } else {
            OnceLock::from(text)
        };
        Ok(ScenarioFile {
            path: path.to_path_buf(),
            text,
            text_digest,
            hashed,
            locator,
            table,
            base,
            csv,
            options: options.clone(),
            origins,
            has_tables,
        })
    }

    /// The text, read again from the file when it was dropped after a clean read; an error
    /// when the file can no longer be read or has changed since.
    fn text(&self) -> Result<&str> {
        if let Some(text) = self.text.get() {
            return Ok(text);
        }
        let read_error = |source| Error::Read {
            path: self.path.clone(),
            source,
        };
        let text = std::fs::read_to_string(&self.path).map_err(read_error)?;
        if Sha256::digest(text.as_bytes())[..] != self.text_digest[..] {
            return Err(read_error(std::io::Error::other(
                "the file has changed since it was first read",
            )));
        }
        Ok(self.text.get_or_init(|| text))
    }

    /// The SHA-256 so far of the text and every CSV table it names, in that order: a model's
    /// input hash goes on from it with the data files the model reads.
    pub fn hashed(&self) -> Sha256 {
        self.hashed.clone()
    }

    /// The locator of fields in the text, made when a diagnostic first needs it (with no
    /// positions when the text can no longer be read).
    fn locator(&self) -> &Locator {
        self.locator
            .get_or_init(|| Locator::new(self.text().unwrap_or_default()))
    }

    /// The scenario's TOML table, parsed from the text when first needed.
    fn table(&self) -> Result<&toml::Table> {
        if let Some(table) = self.table.get() {
            return Ok(table);
        }
        let mut table = parse_table(&self.path, self.text()?)?;
        if self.has_tables {
            // The rows were read into `base` the fast way, with the same origins as these.
            tables::expand(
                &mut table,
                &self.base_dir(),
                &self.options,
                &self.csv,
                &self.path,
                self.locator(),
            )
            .map_err(Error::Invalid)?;
        }
        Ok(self.table.get_or_init(|| table))
    }

    /// The directory CSV paths are relative to.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// A diagnostic about `field`, located in this file, or in the CSV table row it came from
    /// (the column named), or at the table's `defaults` that gave it.
    pub fn diag(&self, field: &FieldPath, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        match self.origins.place(field) {
            Some(tables::Place::Csv { file, line, column }) => Diagnostic {
                file,
                position: Some((line, column.as_ref().map_or(1, |(c, _)| *c))),
                field: field.to_string(),
                message: match column {
                    Some((_, name)) => format!("column `{name}`: {message}"),
                    None => message,
                },
            },
            // Every row has the defaults: the problem is reported once, at them.
            Some(tables::Place::Toml(at)) => Diagnostic {
                file: self.path.clone(),
                position: self.locator().locate(&at),
                field: at.to_string(),
                message,
            },
            None => Diagnostic {
                file: self.path.clone(),
                position: self.locator().locate(field),
                field: field.to_string(),
                message,
            },
        }
    }

    /// The scenario table as `variant` and then `settings` change it.
    fn table_with(
        &self,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
        diags: &mut Vec<Diagnostic>,
    ) -> Result<toml::Table> {
        let mut table = self.table()?.clone();
        if let Some(name) = variant {
            self.apply_variant(&mut table, name, diags)?;
        }
        for (path, value) in settings {
            // Held to the limits of the file's own numbers, as a variant's `set` is.
            let mut bad = None;
            bad_numbers(value, Walk::Key(&Walk::Root, path), &mut |_, msg| {
                bad.get_or_insert_with(|| msg.to_string());
            });
            if let Some(msg) = bad {
                return Err(Error::Usage(format!("setting `{path}`: {msg}")));
            }
            overrides::apply(&mut table, path, value.clone())
                .map_err(|msg| Error::Usage(format!("setting `{path}`: {msg}")))?;
        }
        Ok(table)
    }

    /// The value at the dotted `path` in the scenario as `variant` changes it (None when the
    /// path names nothing there).
    pub fn value_at(&self, variant: Option<&str>, path: &str) -> Result<Option<toml::Value>> {
        let table = self.table_with(variant, &[], &mut Vec::new())?;
        Ok(overrides::get(&table, path).cloned())
    }

    /// The `set` table of the variant `name` (empty when it sets nothing; None when there is no
    /// such variant).
    pub fn variant_set(&self, name: &str) -> Option<toml::Table> {
        if let Some(base) = &self.base {
            return base
                .variant
                .iter()
                .find(|v| v.name == name)
                .map(|v| v.set.clone());
        }
        let index = self.variant_names().iter().position(|v| v == name)?;
        Some(
            self.table.get()?["variant"][index]
                .get("set")
                .and_then(|s| s.as_table())
                .cloned()
                .unwrap_or_default(),
        )
    }

    /// Names of the variants the file defines, in file order.
    pub fn variant_names(&self) -> Vec<String> {
        if let Some(base) = &self.base {
            return base.variant.iter().map(|v| v.name.clone()).collect();
        }
        self.table
            .get()
            .and_then(|t| t.get("variant"))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A diagnostic about `field` of the scenario as `variant` changes it: problems only a
    /// variant has are reported at its `set` table and name it.
    pub fn diag_for(
        &self,
        variant: Option<&str>,
        field: &FieldPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        let index = variant.and_then(|v| self.variant_names().iter().position(|n| n == v));
        // A variant's table was parsed to build it, so it is there when one is named.
        match (variant, index, self.table.get()) {
            (Some(v), Some(i), Some(table)) => {
                let at = FieldPath::default().key("variant").index(i);
                // Point at the override that set this field when one matches, else at `set`.
                let field_text = field.to_string();
                let key = table["variant"][i]
                    .get("set")
                    .and_then(|s| s.as_table())
                    .and_then(|t| {
                        t.keys()
                            .find(|k| {
                                let named = overrides::resolve(table, k).to_string();
                                field_text.starts_with(&named) || named.starts_with(&field_text)
                            })
                            .cloned()
                    });
                let locator = self.locator();
                let exact = key.and_then(|k| locator.locate(&at.key("set").key(k)));
                Diagnostic {
                    file: self.path.clone(),
                    position: exact
                        .or_else(|| locator.locate(&at.key("set")))
                        .or_else(|| locator.locate(&at)),
                    field: field.to_string(),
                    message: format!("variant `{v}`: {}", message.into()),
                }
            }
            _ => self.diag(field, message),
        }
    }

    /// Takes the base's raw scenario out of a well-formed file, to build it without a copy
    /// when nothing else will be built from the file. The variants are read from the base:
    /// build them first (afterwards the file reads them from its TOML table, which it parses
    /// again, and knows its variants' names only from that table).
    pub fn take_base(&mut self) -> Option<RawScenario> {
        self.base.take()
    }

    /// The raw scenario of the base (`None`) or a named variant, with `settings` (dotted path,
    /// value) applied on top as a parameter sweep does, and every shape problem found: those
    /// that still let it be read come back beside it, so the model checks can run too. The
    /// base of a well-formed file is the one read with the file, borrowed.
    pub fn raw_with(
        &self,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
    ) -> Result<(Cow<'_, RawScenario>, Vec<Diagnostic>)> {
        if let (Some(base), None, []) = (&self.base, variant, settings) {
            return Ok((Cow::Borrowed(base), Vec::new()));
        }
        if let Some(raw) = self.patched(variant, settings)? {
            return Ok((Cow::Owned(raw), Vec::new()));
        }
        self.raw_read(variant, settings)
    }

    /// The base with only the sections `variant` and `settings` override read again from the
    /// table and swapped in: a study or a search builds many variants of one scenario, and
    /// reading the whole table for each would repeat the load they share. None when there is
    /// no clean base or anything is doubtful (an override that fails, an unknown field, a
    /// number out of range): [`Self::raw_read`] then reads everything and reports.
    fn patched(
        &self,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
    ) -> Result<Option<RawScenario>> {
        let Some(base) = &self.base else {
            return Ok(None);
        };
        let Some((mut read, keys)) = self.sections_with(variant, settings, &[])? else {
            return Ok(None);
        };
        let mut raw = base.clone();
        for key in &keys {
            if !raw.swap_field(&mut read, key) {
                return Ok(None);
            }
        }
        Ok(Some(raw))
    }

    /// The sections `variant` and `settings` override, the sections `also` names and the two
    /// every scenario must have (`scenario`, `risk_levels`), read from the table with the
    /// overrides applied into a raw scenario that has nothing else, with their keys. None when
    /// there is no clean base or anything is doubtful, as for [`Self::patched`].
    pub fn sections_with(
        &self,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
        also: &[&str],
    ) -> Result<Option<(RawScenario, Vec<String>)>> {
        if self.base.is_none() {
            return Ok(None);
        }
        let set = match variant {
            Some(name) => match self.variant_set(name) {
                Some(set) => set,
                // An unknown variant is reported by the full read.
                None => return Ok(None),
            },
            None => toml::Table::new(),
        };
        let overrides = set
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .chain(settings.iter().map(|(path, value)| (path.as_str(), value)))
            .collect::<Vec<_>>();
        let mut keys: Vec<String> = vec!["scenario".into(), "risk_levels".into()];
        let overridden = overrides
            .iter()
            .map(|(path, _)| path.split('.').next().unwrap_or(path));
        for key in overridden.chain(also.iter().copied()) {
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_string());
            }
        }
        let table = self.table()?;
        let mut part = toml::Table::new();
        for key in &keys {
            if let Some(v) = table.get(key) {
                part.insert(key.clone(), v.clone());
            }
        }
        for (path, value) in &overrides {
            if overrides::apply(&mut part, path, (*value).clone()).is_err() {
                return Ok(None);
            }
        }
        let mut clean = true;
        for (key, v) in &part {
            bad_numbers(v, Walk::Key(&Walk::Root, key), &mut |_, _| clean = false);
        }
        let mut unknown = false;
        let read = raw::RawScenario::deserialize(serde_ignored::Deserializer::new(
            toml::Value::Table(part),
            &mut |_| unknown = true,
        ));
        match (read, clean, unknown) {
            (Ok(read), true, false) => Ok(Some((read, keys))),
            _ => Ok(None),
        }
    }

    /// [`Self::raw_with`] by reading the whole table as `variant` and `settings` change it,
    /// reporting every problem found.
    fn raw_read(
        &self,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
    ) -> Result<(Cow<'_, RawScenario>, Vec<Diagnostic>)> {
        let mut diags = Vec::new();
        for (key, v) in self.table()? {
            bad_numbers(v, Walk::Key(&Walk::Root, key), &mut |p, msg| {
                diags.push(self.diag(p, msg))
            });
        }
        // Most files are well formed: one pass reads the scenario and notes whether any field is
        // unknown, and only a file with a problem is read again element by element, to report
        // every problem and not only the first serde stops at.
        let mut unknown = false;
        let whole = serde_path_to_error::deserialize::<_, raw::RawScenario>(
            serde_ignored::Deserializer::new(
                toml::Value::Table(self.table_with(variant, settings, &mut diags)?),
                &mut |_| unknown = true,
            ),
        );
        if let Ok(raw) = whole
            && !unknown
        {
            return Ok((Cow::Owned(raw), diags));
        }
        let table = self.table_with(variant, settings, &mut Vec::new())?;
        // A set beside the list, so a file with many problems is not searched once per problem.
        let mut seen: HashSet<Diagnostic> = diags.iter().cloned().collect();
        for (field, msg) in shape::problems(&table) {
            let d = self
                .unknown_column(&field, &msg)
                .unwrap_or_else(|| self.diag_for(variant, &field, msg));
            if seen.insert(d.clone()) {
                diags.push(d);
            }
        }
        match serde_path_to_error::deserialize::<_, raw::RawScenario>(toml::Value::Table(table)) {
            Ok(raw) => Ok((Cow::Owned(raw), diags)),
            Err(e) => {
                let d = self.diag_for(
                    variant,
                    &FieldPath::parse(&e.path().to_string()),
                    e.inner().message().trim(),
                );
                if !seen.contains(&d) {
                    diags.push(d);
                }
                Err(Error::Invalid(diags))
            }
        }
    }

    /// An unknown field that is a CSV table's column, reported once at the header rather
    /// than at every row.
    fn unknown_column(&self, field: &FieldPath, message: &str) -> Option<Diagnostic> {
        if message != shape::UNKNOWN {
            return None;
        }
        match self.origins.place(field)? {
            tables::Place::Csv {
                file,
                column: Some((c, name)),
                ..
            } => Some(Diagnostic {
                file,
                position: Some((1, c)),
                field: name,
                message: "unknown column: not a field of this table's entries (check its \
                          spelling and the format in docs/scenario-format.md)"
                    .to_string(),
            }),
            _ => None,
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
        let set = self.variant_set(name).unwrap_or_default();
        for (key, value) in &set {
            if let Err(msg) = overrides::apply(table, key, value.clone()) {
                let field = FieldPath::default()
                    .key("variant")
                    .index(index)
                    .key("set")
                    .key(key.clone());
                diags.push(self.diag(&field, format!("variant `{name}`: {msg}")));
            }
        }
        Ok(())
    }
}

/// Parses `text` into a TOML table, a syntax error reported with its position.
fn parse_table(path: &Path, text: &str) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let message = e.message().trim().to_string();
        syntax_error(path, text, &message, e.span())
    })
}

/// The diagnostic of a TOML syntax error at `span` of `text`.
fn syntax_error(
    path: &Path,
    text: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> Error {
    Error::Invalid(vec![Diagnostic {
        file: path.to_path_buf(),
        position: span.map(|s| Locator::new(text).line_col(s.start)),
        field: String::new(),
        message: format!("TOML syntax error: {message}"),
    }])
}

/// Largest magnitude a number in a scenario may have; beyond it sums of units could overflow.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// The path to a value being checked, as borrowed steps: a [`FieldPath`] is built only for a
/// value that is wrong (building one for every value was a tenth of loading a large network).
#[derive(Clone, Copy)]
enum Walk<'a> {
    Root,
    Key(&'a Walk<'a>, &'a str),
    Index(&'a Walk<'a>, usize),
}

impl Walk<'_> {
    fn path(&self) -> FieldPath {
        let mut steps = Vec::new();
        let mut at = self;
        loop {
            match *at {
                Walk::Root => break,
                Walk::Key(up, k) => {
                    steps.push(location::Seg::Key(k.to_string().into()));
                    at = up;
                }
                Walk::Index(up, i) => {
                    steps.push(location::Seg::Index(i));
                    at = up;
                }
            }
        }
        steps.reverse();
        FieldPath(steps)
    }
}

/// Calls `found` with the path of every NaN, infinite or absurdly large number in `v`.
fn bad_numbers(v: &toml::Value, at: Walk<'_>, found: &mut dyn FnMut(&FieldPath, &str)) {
    const TOO_LARGE: &str = "is too large (numbers in a scenario are limited to 1e15 in magnitude)";
    match v {
        toml::Value::Float(f) if !f.is_finite() => found(
            &at.path(),
            "must be a finite number (NaN and infinity are not allowed)",
        ),
        toml::Value::Float(f) if f.abs() > MAX_MAGNITUDE => found(&at.path(), TOO_LARGE),
        // A seed is any 64-bit number; it never enters arithmetic.
        toml::Value::Integer(i) if (*i as f64).abs() > MAX_MAGNITUDE => {
            let path = at.path();
            if path.to_string() != "scenario.seed" {
                found(&path, TOO_LARGE)
            }
        }
        toml::Value::Table(t) => t
            .iter()
            .for_each(|(k, v)| bad_numbers(v, Walk::Key(&at, k), found)),
        toml::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| bad_numbers(v, Walk::Index(&at, i), found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant of every shipped scenario, and a sweep's settings on top, read by
    /// patching the base the same as by reading the whole table.
    #[test]
    fn a_patched_variant_is_the_variant_read_in_full() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let file = ScenarioFile::read(&path).unwrap();
            let sweep = [(
                "policy.productivity_under_controls".to_string(),
                toml::Value::Float(0.8),
            )];
            let names = file.variant_names();
            let variants = std::iter::once(None).chain(names.iter().map(|n| Some(n.as_str())));
            for (variant, settings) in variants.flat_map(|v| [(v, &sweep[..]), (v, &[][..])]) {
                let Some(patched) = file.patched(variant, settings).unwrap() else {
                    continue;
                };
                let (full, _) = file.raw_read(variant, settings).unwrap();
                assert_eq!(
                    format!("{patched:?}"),
                    format!("{full:?}"),
                    "{} {variant:?}",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 40, "only {checked} variants were patched");
    }

    /// An override the patch cannot vouch for is left to the full read, which reports it.
    #[test]
    fn a_doubtful_override_is_read_in_full() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-2020.toml");
        let file = ScenarioFile::read(&path).unwrap();
        for (key, value) in [
            ("policy.no_such_field", toml::Value::Integer(1)),
            ("no_such_section.x", toml::Value::Integer(1)),
            (
                "policy.productivity_under_controls",
                toml::Value::Float(f64::NAN),
            ),
            ("node.no-such-node.shifts", toml::Value::Integer(1)),
        ] {
            let settings = [(key.to_string(), value)];
            assert!(file.patched(None, &settings).unwrap().is_none(), "{key}");
        }
    }

    /// A setting is held to the limits of the file's own numbers, as a variant's `set` is,
    /// whether it would be patched in or read with the whole table; a seed may be any number.
    #[test]
    fn a_setting_out_of_range_is_refused() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
        let file = ScenarioFile::read(&path).unwrap();
        for (key, value) in [
            (
                "policy.productivity_under_controls",
                toml::Value::Float(1e16),
            ),
            (
                "node.wuhan-hospital.stock.surgical_mask",
                toml::Value::Integer(10_i64.pow(16)),
            ),
            (
                "policy.productivity_under_controls",
                toml::Value::Float(f64::INFINITY),
            ),
        ] {
            let settings = [(key.to_string(), value)];
            let err = file.raw_with(None, &settings).unwrap_err().to_string();
            assert!(err.contains(&format!("setting `{key}`")), "{err}");
        }
        let seed = [("scenario.seed".to_string(), toml::Value::Integer(i64::MAX))];
        assert_eq!(
            file.raw_with(None, &seed).unwrap().0.scenario.seed,
            i64::MAX as u64
        );
    }
}
