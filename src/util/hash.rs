//! SHA-256 of output files, so a file altered after it was written can be told.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::Path;

/// A writer that passes bytes on and hashes them.
pub struct HashingWriter<'a> {
    /// Where the bytes go.
    inner: &'a mut dyn Write,
    /// The hash so far.
    hash: Sha256,
}

impl<'a> HashingWriter<'a> {
    /// Hashes what is written to `inner`.
    pub fn new(inner: &'a mut dyn Write) -> HashingWriter<'a> {
        HashingWriter {
            inner,
            hash: Sha256::new(),
        }
    }

    /// The SHA-256 of everything written, in lowercase hex.
    pub fn hex(self) -> String {
        hex(&self.hash.finalize())
    }
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Lowercase hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file's bytes, in lowercase hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    Ok(hex(&hash.finalize()))
}

/// Checks that the file at `path` still has the SHA-256 `recorded` in `marker` (a manifest or
/// a part's `part.json`) when it was written.
pub fn verify_file(path: &Path, recorded: &str, marker: &Path) -> Result<()> {
    let now = sha256_file(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if now != recorded {
        return Err(Error::Tampered {
            path: path.to_path_buf(),
            marker: marker.display().to_string(),
        });
    }
    Ok(())
}

/// The SHA-256 of some bytes, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
