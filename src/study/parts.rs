//! Shards and their part directories. A shard writes, under the directory it was given as
//! `--out`, `<scenario>/part.json` (the study, the shard, the replications it ran, the program
//! version and each arm's scenario hash) and one `<scenario>/part-<arm>.bin` per arm (its
//! replications, postcard-encoded). `merge` checks that parts belong together and cover every
//! replication exactly once, then hands the replications back in order.

use super::Shard;
use super::spec::StudySpec;
use crate::error::{Error, Result};
use crate::output::atomic_write;
use crate::results::Replication;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the part format.
pub const PART_FORMAT: u32 = 1;

/// `part.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartInfo {
    /// Part format version.
    pub part_format: u32,
    /// Program version that wrote it.
    pub version: String,
    /// The study.
    pub study: StudySpec,
    /// Scenario name (the directory the part sits in).
    pub scenario: String,
    /// Input hash of each arm's model, in arm order.
    pub arm_hashes: Vec<String>,
    /// Shard index.
    pub shard_index: u32,
    /// Shard count.
    pub shard_count: u32,
    /// Replications this part holds.
    pub replications: Vec<u32>,
}

fn bin_name(label: &str) -> String {
    format!("part-{label}.bin")
}

/// Writes a shard's part under `out/<scenario>/`.
pub fn write_part(out: &Path, info: &PartInfo, arms: &[Vec<Replication>]) -> Result<PathBuf> {
    let dir = out.join(&info.scenario);
    std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    for (arm, reps) in info.study.arms.iter().zip(arms) {
        let bytes = postcard::to_stdvec(reps).map_err(|e| Error::Write {
            path: dir.join(bin_name(&arm.label)),
            source: std::io::Error::other(e),
        })?;
        atomic_write(&dir.join(bin_name(&arm.label)), |w| w.write_all(&bytes))?;
    }
    let json = serde_json::to_vec_pretty(info).expect("part info serialises");
    atomic_write(&dir.join("part.json"), |w| w.write_all(&json))?;
    Ok(dir)
}

fn bad(path: &Path, msg: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{}: {msg}", path.display()))
}

/// Finds the `part.json` of a part directory (the `--out` a shard was given, or the
/// `<scenario>` directory inside it).
fn part_json(dir: &Path) -> Result<PathBuf> {
    let direct = dir.join("part.json");
    if direct.is_file() {
        return Ok(direct);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("part.json"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(bad(
            dir,
            "not a part directory (no part.json in it or in a scenario directory inside it)",
        )),
        _ => Err(bad(
            dir,
            "holds parts of several scenarios; give one part per shard",
        )),
    }
}

/// Reads parts, checks they belong to one study and cover each replication exactly once, and
/// returns the study and, per arm, its replications in order.
pub fn read_parts(dirs: &[PathBuf]) -> Result<(PartInfo, Vec<Vec<Replication>>)> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "merge needs at least one part directory".into(),
        ));
    }
    let mut first: Option<PartInfo> = None;
    let mut arms: Vec<Vec<Replication>> = Vec::new();
    for dir in dirs {
        let json = part_json(dir)?;
        let text = std::fs::read(&json).map_err(|source| Error::Read {
            path: json.clone(),
            source,
        })?;
        let info: PartInfo = serde_json::from_slice(&text)
            .map_err(|e| bad(&json, format!("not a medsupply part: {e}")))?;
        if info.part_format != PART_FORMAT {
            return Err(bad(
                &json,
                format!("part format {} is not {PART_FORMAT}", info.part_format),
            ));
        }
        match &first {
            None => {
                arms = vec![Vec::new(); info.study.arms.len()];
                first = Some(info.clone());
            }
            Some(f) => {
                let mismatch = [
                    (f.version != info.version, "program version"),
                    (
                        f.study.scenario_file != info.study.scenario_file
                            || f.scenario != info.scenario,
                        "scenario",
                    ),
                    (f.arm_hashes != info.arm_hashes, "scenario hash"),
                    (f.study.seed != info.study.seed, "seed"),
                    (
                        f.study.replications != info.study.replications,
                        "replication count",
                    ),
                    (f.study != info.study, "study (kind or arms)"),
                    (f.shard_count != info.shard_count, "shard count"),
                ];
                if let Some((_, what)) = mismatch.iter().find(|(m, _)| *m) {
                    return Err(bad(
                        dir,
                        format!(
                            "does not belong with {}: different {what}",
                            dirs[0].display()
                        ),
                    ));
                }
            }
        }
        let base = json.parent().expect("part.json has a directory");
        for (k, arm) in info.study.arms.iter().enumerate() {
            let path = base.join(bin_name(&arm.label));
            let bytes = std::fs::read(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let reps: Vec<Replication> = postcard::from_bytes(&bytes)
                .map_err(|e| bad(&path, format!("corrupt part: {e}")))?;
            if reps.iter().map(|r| r.index).collect::<Vec<_>>() != info.replications {
                return Err(bad(
                    &path,
                    "does not hold the replications its part.json lists",
                ));
            }
            arms[k].extend(reps);
        }
    }
    let info = first.expect("at least one part");
    for reps in &mut arms {
        reps.sort_by_key(|r| r.index);
        let indices: Vec<u32> = reps.iter().map(|r| r.index).collect();
        if let Some(w) = indices.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::Usage(format!(
                "replication {} appears in more than one part",
                w[0]
            )));
        }
        if let Some(missing) =
            (0..info.study.replications).find(|i| indices.binary_search(i).is_err())
        {
            return Err(Error::Usage(format!(
                "replication {missing} of {} is missing: give every shard's part (shards 0..{})",
                info.study.replications, info.shard_count
            )));
        }
    }
    Ok((info, arms))
}

impl PartInfo {
    /// The part of `shard` of `study`.
    pub fn new(
        study: &StudySpec,
        scenario: &str,
        arm_hashes: Vec<String>,
        shard: Shard,
    ) -> PartInfo {
        PartInfo {
            part_format: PART_FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            study: study.clone(),
            scenario: scenario.to_string(),
            arm_hashes,
            shard_index: shard.index,
            shard_count: shard.count,
            replications: shard.replications(study.replications),
        }
    }
}
