//! Files written whole or not at all: written under a temporary name in the same directory,
//! synced, then renamed into place.

use crate::error::{Error, Result};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file written under a temporary name in the same directory and renamed into place by
/// [`AtomicFile::commit`]; dropped before that, it removes the temporary file.
pub struct AtomicFile {
    /// The final name.
    path: PathBuf,
    /// The temporary name.
    tmp: PathBuf,
    /// The writer, until committed.
    w: Option<BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let f = std::fs::File::create(&tmp).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            w: Some(BufWriter::new(f)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<std::fs::File> {
        self.w.as_mut().expect("not yet committed")
    }

    /// An error writing this file.
    pub fn error(&self, source: io::Error) -> Error {
        Error::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let mut w = self.w.take().expect("committed once");
        let done = w.flush().and_then(|()| w.get_ref().sync_all());
        drop(w);
        done.and_then(|()| std::fs::rename(&self.tmp, &self.path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&self.tmp);
                self.error(e)
            })
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.w.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `path` through a temporary file in the same directory, then renames it into place.
pub fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).map_err(|e| file.error(e))?;
    file.commit()
}
