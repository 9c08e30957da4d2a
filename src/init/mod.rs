//! `medsupply init`: a commented starting scenario for planners, with its data CSVs and a copy
//! of the scenario format's JSON Schema, so an editor with the taplo TOML language server checks
//! the file as it is written.
//!
//! The templates are files in `src/init/templates/<template>/`, built into the binary; each
//! validates and runs as written (`tests/integration/init.rs`).

use crate::error::{Error, Result};
use crate::scenario::schema::schema_text;
use crate::util::atomic::atomic_write;
use std::path::{Path, PathBuf};

/// The starting points `init` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// One supplier, one factory, one hospital in two regions: the format in miniature.
    Minimal,
    /// A few regions, each with a warehouse and hospitals, a factory, central dispatch and a
    /// green channel, with a variant to compare.
    Regional,
    /// 31 provinces, each with a hospital pool and a community front line, national factories
    /// and reserve, and central dispatch.
    National,
}

/// Name of the scenario file `init` writes in its folder.
pub const SCENARIO_FILE: &str = "scenario.toml";

/// Name of the schema copy `init` writes beside the scenario (its `#:schema` directive names it).
pub const SCHEMA_FILE: &str = "medsupply.schema.json";

/// A template's files: path relative to the folder, and contents.
type Files = &'static [(&'static str, &'static str)];

/// `template_files!("name", "path", ...)`: each path's text from `templates/<name>/`; after a
/// `;`, `"path" => text` pairs for files shared with the shipped scenarios.
macro_rules! template_files {
    ($name:literal, $($path:literal),* $(; $($shared:literal => $text:expr),*)?) => {
        &[$(($path, include_str!(concat!("templates/", $name, "/", $path)))),* $($(, ($shared, $text))*)?]
    };
}

impl Template {
    /// The template's files besides the schema.
    fn files(self) -> Files {
        match self {
            Template::Minimal => {
                template_files!("minimal", "scenario.toml", "data/clinic-demand.csv")
            }
            Template::Regional => template_files!(
                "regional",
                "scenario.toml",
                "data/community-demand.csv",
                "data/capital-census.csv"
            ),
            Template::National => {
                template_files!(
                    "national",
                    "scenario.toml",
                    "data/provinces.csv",
                    "data/nodes.csv",
                    "data/community-masks.csv";
                    // The 2020 scenarios' outlines, so the national map has its provinces.
                    "data/china-provinces.geojson" =>
                        include_str!("../../scenarios/data/china-provinces.geojson")
                )
            }
        }
    }
}

/// What `init` wrote.
#[derive(Debug)]
pub struct Initialised {
    /// The scenario file (`DIR/scenario.toml`).
    pub scenario: PathBuf,
    /// Every file written, the scenario first.
    pub files: Vec<PathBuf>,
}

/// Writes `template` into `dir` (created if missing): the scenario, its data files and the
/// schema. A folder that already holds anything is refused unless `force`, which overwrites the
/// template's files and leaves any other file alone. Each file is written atomically.
pub fn init(dir: &Path, template: Template, force: bool) -> Result<Initialised> {
    if !force && !is_empty_or_missing(dir)? {
        return Err(Error::Usage(format!(
            "{} is not empty: init writes into a new or empty folder (--force overwrites the \
             template's files there)",
            dir.display()
        )));
    }
    let schema = schema_text();
    let files = template
        .files()
        .iter()
        .copied()
        .chain([(SCHEMA_FILE, schema.as_str())]);
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        atomic_write(&path, |w| w.write_all(text.as_bytes()))?;
        written.push(path);
    }
    Ok(Initialised {
        scenario: dir.join(SCENARIO_FILE),
        files: written,
    })
}

/// Whether `dir` is missing or an empty folder (a file there is "not empty").
fn is_empty_or_missing(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(source) => Err(Error::Read {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_names_the_schema_it_ships_on_its_first_line() {
        for t in [Template::Minimal, Template::Regional, Template::National] {
            let (name, text) = t.files()[0];
            assert_eq!(name, SCENARIO_FILE);
            assert_eq!(
                text.lines().next(),
                Some(format!("#:schema ./{SCHEMA_FILE}").as_str()),
                "{t:?}"
            );
        }
    }

    #[test]
    fn a_folder_with_a_file_is_refused_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let e = init(tmp.path(), Template::Minimal, false).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("not empty"), "{e}");
        assert!(!tmp.path().join(SCENARIO_FILE).exists());
        let done = init(tmp.path(), Template::Minimal, true).unwrap();
        assert_eq!(done.scenario, tmp.path().join(SCENARIO_FILE));
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(SCHEMA_FILE)).unwrap(),
            schema_text()
        );
    }
}
