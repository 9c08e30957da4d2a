//! Finding and reading what `medsupply run --out DIR` wrote: `DIR`, `DIR/<scenario>` or one
//! `DIR/<scenario>/<variant>` directory, and pairing a run's variants with a baseline's.

use crate::error::{Error, Result};
use crate::output::manifest::{ensure_complete, verify_files};
use crate::output::schema::{Manifest, SCHEMA_VERSION, Summary};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The result files of a variant directory, the ones `run` writes (see
/// [`crate::output::exporters`]): `check` compares them and `baseline` copies them; anything
/// else there (plots, reports) is ignored.
pub fn result_files() -> Vec<&'static str> {
    crate::output::result_files()
}

/// Which of the two sides a directory is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The run being checked.
    Run,
    /// The committed baseline.
    Baseline,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Run => "run",
            Side::Baseline => "baseline",
        }
    }
}

/// How deep a directory is in the layout `run --out` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// One variant's directory: the result files themselves.
    Variant,
    /// A scenario's directory: one subdirectory per variant.
    Scenario,
    /// The `--out` directory: scenario directories with variant directories inside.
    Output,
}

/// One variant's results, read and checked for schema compatibility.
#[derive(Debug, Clone)]
pub struct VariantDir {
    /// Its directory.
    pub dir: PathBuf,
    /// Its directory relative to the root the user named (empty for the variant form).
    pub relative: PathBuf,
    /// `manifest.json`.
    pub manifest: Manifest,
    /// `summary.json`.
    pub summary: Summary,
}

impl VariantDir {
    /// `scenario / variant`, for messages.
    pub fn label(&self) -> String {
        format!("{} / {}", self.manifest.scenario, self.manifest.variant)
    }
}

/// Everything found under a directory the user named.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// The directory as given.
    pub root: PathBuf,
    /// Its form.
    pub form: Form,
    /// The variants, sorted by (scenario, variant).
    pub variants: Vec<VariantDir>,
}

/// Whether a directory holds any result file, or a temporary file a run left (and is therefore
/// meant as a variant directory).
fn is_variant_dir(dir: &Path) -> bool {
    result_files().iter().any(|f| dir.join(f).is_file())
        || !crate::util::atomic::temp_files_in(dir).is_empty()
}

/// The subdirectories of `dir`, sorted by name.
fn subdirs(dir: &Path, side: Side) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::Incomparable(format!(
            "cannot list the {} directory {}: {e}",
            side.name(),
            dir.display()
        ))
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    Ok(out)
}

/// Finds and reads the results under `root`, in any of the three forms.
pub fn load(root: &Path, side: Side) -> Result<Outputs> {
    if !root.is_dir() {
        return Err(Error::Incomparable(format!(
            "the {} directory {} does not exist",
            side.name(),
            root.display()
        )));
    }
    ensure_complete(root)?;
    let (form, dirs) = if is_variant_dir(root) {
        (Form::Variant, vec![root.to_path_buf()])
    } else {
        let children = subdirs(root, side)?;
        for c in &children {
            ensure_complete(c)?;
        }
        let variants: Vec<PathBuf> = children
            .iter()
            .filter(|d| is_variant_dir(d))
            .cloned()
            .collect();
        if !variants.is_empty() {
            (Form::Scenario, variants)
        } else {
            let mut grand = Vec::new();
            for c in &children {
                grand.extend(subdirs(c, side)?.into_iter().filter(|d| is_variant_dir(d)));
            }
            (Form::Output, grand)
        }
    };
    if dirs.is_empty() {
        return Err(Error::Incomparable(format!(
            "the {} directory {} holds no medsupply results (no {} in it, its subdirectories or \
             theirs)",
            side.name(),
            root.display(),
            result_files().join(", ")
        )));
    }
    let mut variants = dirs
        .into_iter()
        .map(|dir| read_variant(root, &dir, side))
        .collect::<Result<Vec<_>>>()?;
    variants.sort_by(|a, b| {
        (&a.manifest.scenario, &a.manifest.variant)
            .cmp(&(&b.manifest.scenario, &b.manifest.variant))
    });
    Ok(Outputs {
        root: root.to_path_buf(),
        form,
        variants,
    })
}

/// Reads one variant directory: it must be complete, all result files must be there, unaltered
/// since they were written, and its schema readable.
fn read_variant(root: &Path, dir: &Path, side: Side) -> Result<VariantDir> {
    ensure_complete(dir)?;
    let missing: Vec<&str> = result_files()
        .into_iter()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Incomparable(format!(
            "the {} directory {} lacks {}",
            side.name(),
            dir.display(),
            missing.join(", ")
        )));
    }
    let manifest: Manifest = read_json(&dir.join("manifest.json"), side)?;
    verify_files(dir, &manifest)?;
    let summary: Summary = read_json(&dir.join("summary.json"), side)?;
    if (&summary.scenario, &summary.variant) != (&manifest.scenario, &manifest.variant) {
        return Err(Error::Incomparable(format!(
            "{}: summary.json is of {} / {} but manifest.json of {} / {}",
            dir.display(),
            summary.scenario,
            summary.variant,
            manifest.scenario,
            manifest.variant
        )));
    }
    Ok(VariantDir {
        dir: dir.to_path_buf(),
        relative: dir.strip_prefix(root).unwrap_or(dir).to_path_buf(),
        manifest,
        summary,
    })
}

/// Reads a JSON output file, refusing any schema version but this program's before reading
/// anything else from it.
fn read_json<T: DeserializeOwned>(path: &Path, side: Side) -> Result<T> {
    let bad = |why: String| Error::Incomparable(format!("{}: {why}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    match version {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            let hint = match side {
                Side::Baseline => {
                    "; review a run made with this version and re-bless the baseline with \
                     `medsupply baseline RUN_DIR --to BASELINE_DIR --force`"
                }
                Side::Run => "; run the scenario again with this version of medsupply",
            };
            return Err(bad(format!(
                "the {} was written with output schema version {v}, but this medsupply ({}) \
                 reads only version {SCHEMA_VERSION}{hint}",
                side.name(),
                env!("CARGO_PKG_VERSION"),
            )));
        }
        None => {
            return Err(bad(
                "no `schema_version`: not a medsupply output file".into()
            ));
        }
    }
    serde_json::from_value(value).map_err(|e| {
        bad(format!(
            "does not match output schema version {SCHEMA_VERSION}: {e}"
        ))
    })
}

/// A baseline variant and the run variant it is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    /// The baseline's.
    pub baseline: &'a VariantDir,
    /// The run's.
    pub run: &'a VariantDir,
}

/// Pairs every baseline variant with the run's variant of the same scenario and name; two
/// variant directories are paired whatever their variant names. A baseline variant the run
/// lacks, or another scenario altogether, makes the comparison impossible. Also returns notes
/// about run variants that have no baseline.
pub fn pair<'a>(baseline: &'a Outputs, run: &'a Outputs) -> Result<(Vec<Pair<'a>>, Vec<String>)> {
    fn scenarios(o: &Outputs) -> Vec<&str> {
        let mut s: Vec<&str> = o
            .variants
            .iter()
            .map(|v| v.manifest.scenario.as_str())
            .collect();
        s.dedup();
        s
    }
    let (bs, rs) = (scenarios(baseline), scenarios(run));
    if bs.iter().all(|s| !rs.contains(s)) {
        return Err(Error::Incomparable(format!(
            "another scenario altogether: the baseline {} is of scenario {}, the run {} of {}",
            baseline.root.display(),
            bs.join(", "),
            run.root.display(),
            rs.join(", ")
        )));
    }
    if baseline.form == Form::Variant && run.form == Form::Variant {
        let p = Pair {
            baseline: &baseline.variants[0],
            run: &run.variants[0],
        };
        return Ok((vec![p], Vec::new()));
    }
    let key = |v: &VariantDir| (v.manifest.scenario.clone(), v.manifest.variant.clone());
    let mut pairs = Vec::new();
    let mut missing = Vec::new();
    for b in &baseline.variants {
        match run.variants.iter().find(|r| key(r) == key(b)) {
            Some(r) => pairs.push(Pair {
                baseline: b,
                run: r,
            }),
            None => missing.push(b.label()),
        }
    }
    if !missing.is_empty() {
        return Err(Error::Incomparable(format!(
            "the run {} has no results for {} (it has {}); run them, or compare one variant \
             directory with another",
            run.root.display(),
            missing.join(", "),
            run.variants
                .iter()
                .map(VariantDir::label)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let notes = run
        .variants
        .iter()
        .filter(|r| !baseline.variants.iter().any(|b| key(b) == key(r)))
        .map(|r| format!("{} has no baseline and was not checked", r.label()))
        .collect();
    Ok((pairs, notes))
}
