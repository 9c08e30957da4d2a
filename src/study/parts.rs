//! Shards and their part directories. A shard writes, under the directory it was given as
//! `--out`, `<scenario>/part.json` (the study, the shard, the replications it ran, the program
//! version and each arm's scenario hash) and one `<scenario>/part-<arm>.bin` per arm: its
//! replications in order, each a little-endian `u64` byte length and the postcard encoding of
//! the replication, appended as each finishes. `part.json` is written last, with the SHA-256 of
//! each `.bin` file: its presence marks the part complete. `merge` refuses a part directory
//! without it (or with temporary files left in it) and a `.bin` file whose hash is not the
//! recorded one. `merge` then checks that parts belong together and
//! cover every replication exactly once, then reads the replications back one at a time in
//! order, so that they are folded exactly as a one-machine run folds them, in the same order
//! and with the same running sums, and neither side holds more than a replication at a time.

use super::Shard;
use super::spec::StudySpec;
use crate::error::{Error, Result};
use crate::results::Replication;
use crate::util::atomic::{AtomicFile, atomic_write, remove_stale_temps, temp_files_in};
use crate::util::hash::{hex, verify_file};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

/// Version of the part format (2: replications appended one at a time, length-prefixed; 3:
/// `part.json` records each `.bin` file's SHA-256; 4: replications carry their census; 5: and
/// the units shipped between regions).
pub const PART_FORMAT: u32 = 5;

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
    /// SHA-256 (lowercase hex) of each `part-<arm>.bin`, by file name.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// The name of a part's completion marker, written last.
pub const PART_JSON: &str = "part.json";

fn bin_name(label: &str) -> String {
    format!("part-{label}.bin")
}

/// A shard's part being written under `out/<scenario>/`: replications are appended as they come
/// and the part is complete once [`PartWriter::finish`] has written `part.json`.
pub struct PartWriter {
    /// The part directory.
    dir: PathBuf,
    /// `part.json`.
    info: PartInfo,
    /// One file per arm, with the hash of what was appended to it.
    arms: Vec<(AtomicFile, Sha256)>,
}

impl PartWriter {
    /// Starts the part of `info` under `out`: removes the `part.json` of an earlier part there
    /// (so the directory reads as incomplete until this one is done) and any temporary file a
    /// killed shard left. The caller holds the directory's lock.
    pub fn create(out: &Path, info: PartInfo) -> Result<PartWriter> {
        let dir = out.join(&info.scenario);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        let marker = dir.join(PART_JSON);
        match std::fs::remove_file(&marker) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::Write {
                    path: marker,
                    source: e,
                });
            }
            _ => {}
        }
        remove_stale_temps(&dir)?;
        let arms = info
            .study
            .arms
            .iter()
            .map(|arm| {
                AtomicFile::create(&dir.join(bin_name(&arm.label))).map(|f| (f, Sha256::new()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PartWriter { dir, info, arms })
    }

    /// Appends the next replication of arm `arm`.
    pub fn append(&mut self, arm: usize, rep: &Replication) -> Result<()> {
        let (file, hash) = &mut self.arms[arm];
        let bytes = postcard::to_stdvec(rep).map_err(|e| file.error(std::io::Error::other(e)))?;
        let len = (bytes.len() as u64).to_le_bytes();
        hash.update(len);
        hash.update(&bytes);
        let w = file.writer();
        w.write_all(&len)
            .and_then(|()| w.write_all(&bytes))
            .map_err(|e| file.error(e))
    }

    /// Completes the part: commits every `.bin` file, then writes `part.json` with their
    /// hashes; returns its directory.
    pub fn finish(mut self) -> Result<PathBuf> {
        for ((file, hash), arm) in self.arms.into_iter().zip(&self.info.study.arms) {
            file.commit()?;
            self.info
                .files
                .insert(bin_name(&arm.label), hex(&hash.finalize()));
        }
        let json = serde_json::to_vec_pretty(&self.info).expect("part info serialises");
        atomic_write(&self.dir.join(PART_JSON), |w| w.write_all(&json))?;
        Ok(self.dir)
    }
}

fn bad(path: &Path, msg: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{}: {msg}", path.display()))
}

/// Refuses a part directory a shard did not finish: temporary files left in it, or `.bin`
/// files without the `part.json` written last.
fn ensure_complete(dir: &Path) -> Result<()> {
    if let Some(t) = temp_files_in(dir).first() {
        return Err(Error::Incomplete {
            dir: dir.to_path_buf(),
            why: format!(
                "temporary file {} left in it",
                t.file_name().unwrap_or_default().to_string_lossy()
            ),
        });
    }
    let has_bin = std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("part-") && name.ends_with(".bin")
        })
    });
    if has_bin && !dir.join(PART_JSON).is_file() {
        return Err(Error::Incomplete {
            dir: dir.to_path_buf(),
            why: format!("it holds part files but no {PART_JSON}, written last"),
        });
    }
    Ok(())
}

/// Checks that every file `part.json` lists still has the SHA-256 recorded when it was
/// written.
fn verify_files(dir: &Path, info: &PartInfo) -> Result<()> {
    for arm in &info.study.arms {
        let name = bin_name(&arm.label);
        let path = dir.join(&name);
        let Some(recorded) = info.files.get(&name) else {
            return Err(bad(
                &dir.join(PART_JSON),
                format!("records no SHA-256 of {name}"),
            ));
        };
        verify_file(&path, recorded, &dir.join(PART_JSON))?;
    }
    Ok(())
}

/// Finds the `part.json` of a part directory (the `--out` a shard was given, or the
/// `<scenario>` directory inside it), refusing one a shard did not finish.
fn part_json(dir: &Path) -> Result<PathBuf> {
    ensure_complete(dir)?;
    let direct = dir.join(PART_JSON);
    if direct.is_file() {
        return Ok(direct);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        if e.path().is_dir() {
            ensure_complete(&e.path())?;
            let json = e.path().join(PART_JSON);
            if json.is_file() {
                found.push(json);
            }
        }
    }
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

/// The parts of a study, checked to belong together and to cover each replication once.
#[derive(Debug)]
pub struct Parts {
    /// The study (the first part's `part.json`).
    pub info: PartInfo,
    /// Each part's directory and replications, in replication order.
    parts: Vec<(PathBuf, Vec<u32>)>,
}

/// Reads parts' `part.json`, checks they belong to one study and cover each replication exactly
/// once (each part a contiguous block of replications, as shards are).
pub fn read_parts(dirs: &[PathBuf]) -> Result<Parts> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "merge needs at least one part directory".into(),
        ));
    }
    let mut first: Option<PartInfo> = None;
    let mut parts = Vec::new();
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
        if info.replications.windows(2).any(|w| w[1] != w[0] + 1) {
            return Err(bad(
                &json,
                "lists replications that are not a contiguous block",
            ));
        }
        if let Some(f) = &first {
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
        let base = json
            .parent()
            .expect("part.json has a directory")
            .to_path_buf();
        verify_files(&base, &info)?;
        parts.push((base, info.replications.clone()));
        first.get_or_insert(info);
    }
    let info = first.expect("at least one part");
    let mut indices: Vec<u32> = parts.iter().flat_map(|(_, r)| r.iter().copied()).collect();
    indices.sort_unstable();
    if let Some(w) = indices.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(format!(
            "replication {} appears in more than one part",
            w[0]
        )));
    }
    if let Some(missing) = (0..info.study.replications).find(|i| indices.binary_search(i).is_err())
    {
        return Err(Error::Usage(format!(
            "replication {missing} of {} is missing: give every shard's part (shards 0..{})",
            info.study.replications, info.shard_count
        )));
    }
    // Contiguous, disjoint blocks covering 0..n: in order of their first replication, they
    // list 0..n in order.
    parts.retain(|(_, r)| !r.is_empty());
    parts.sort_by_key(|(_, r)| r[0]);
    Ok(Parts { info, parts })
}

impl Parts {
    /// Reads the replications of arm `arm` one at a time, in replication order, handing each
    /// to `take`.
    pub fn replay(
        &self,
        arm: usize,
        mut take: impl FnMut(Replication) -> Result<()>,
    ) -> Result<()> {
        let name = bin_name(&self.info.study.arms[arm].label);
        for (dir, listed) in &self.parts {
            let path = dir.join(&name);
            let file = std::fs::File::open(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let mut r = std::io::BufReader::new(file);
            let read_err = |source| Error::Read {
                path: path.clone(),
                source,
            };
            let mismatch = || bad(&path, "does not hold the replications its part.json lists");
            for &index in listed {
                let mut len = [0u8; 8];
                r.read_exact(&mut len).map_err(|e| match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => mismatch(),
                    _ => read_err(e),
                })?;
                let len = usize::try_from(u64::from_le_bytes(len))
                    .map_err(|_| bad(&path, "corrupt part: record too long"))?;
                let mut bytes = Vec::new();
                (&mut r)
                    .take(len as u64)
                    .read_to_end(&mut bytes)
                    .map_err(read_err)?;
                if bytes.len() != len {
                    return Err(bad(&path, "corrupt part: truncated"));
                }
                let rep: Replication = postcard::from_bytes(&bytes)
                    .map_err(|e| bad(&path, format!("corrupt part: {e}")))?;
                if rep.index != index {
                    return Err(mismatch());
                }
                take(rep)?;
            }
            if !r.fill_buf().map_err(read_err)?.is_empty() {
                return Err(mismatch());
            }
        }
        Ok(())
    }
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
            files: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::spec::{Arm, Kind};

    fn info(shard: Shard) -> PartInfo {
        let study = StudySpec {
            kind: Kind::Run,
            scenario_file: PathBuf::from("/x/unit.toml"),
            arms: vec![Arm {
                label: "base".into(),
                variant: None,
                set: vec![],
            }],
            seed: 1,
            replications: 5,
            plots: false,
        };
        PartInfo::new(&study, "unit", vec!["h".into()], shard)
    }

    fn rep(index: u32) -> Replication {
        let mut r = Replication::new(index, 3, 2, 1);
        r.daily[index as usize] = 1.5 + f64::from(index);
        r.transport[0].lead_times = vec![0.25; index as usize];
        r
    }

    #[test]
    fn parts_are_written_and_read_back_one_replication_at_a_time_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let mut dirs = Vec::new();
        for i in [1, 0] {
            let shard = Shard { index: i, count: 2 };
            let out = tmp.path().join(format!("p{i}"));
            let mut w = PartWriter::create(&out, info(shard)).unwrap();
            for r in shard.replications(5) {
                w.append(0, &rep(r)).unwrap();
            }
            w.finish().unwrap();
            dirs.push(out);
        }
        let parts = read_parts(&dirs).unwrap();
        let mut back = Vec::new();
        parts
            .replay(0, |r| {
                back.push(r);
                Ok(())
            })
            .unwrap();
        assert_eq!(back, (0..5).map(rep).collect::<Vec<_>>());
        // A truncated file is refused, naming it, before anything is read from it.
        let bin = dirs[1].join("unit").join(bin_name("base"));
        let bytes = std::fs::read(&bin).unwrap();
        std::fs::write(&bin, &bytes[..bytes.len() - 3]).unwrap();
        let err = read_parts(&dirs).unwrap_err();
        assert!(matches!(err, Error::Tampered { .. }), "{err}");
        let err = err.to_string();
        assert!(
            err.contains("part-base.bin") && err.contains("altered"),
            "{err}"
        );
        // A part whose part.json is missing, or with a temporary file left, is incomplete.
        std::fs::write(&bin, &bytes).unwrap();
        read_parts(&dirs).unwrap();
        let tmp_file = dirs[0].join("unit").join("part-base.tmp-77");
        std::fs::write(&tmp_file, b"x").unwrap();
        let err = read_parts(&dirs).unwrap_err();
        assert!(matches!(err, Error::Incomplete { .. }), "{err}");
        std::fs::remove_file(&tmp_file).unwrap();
        std::fs::remove_file(dirs[0].join("unit").join(PART_JSON)).unwrap();
        let err = read_parts(&dirs).unwrap_err();
        assert!(
            matches!(err, Error::Incomplete { .. }) && err.to_string().contains("part.json"),
            "{err}"
        );
    }
}
