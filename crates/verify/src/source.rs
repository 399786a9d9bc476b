//! Where the log is read from: a directory or an HTTP base URL, both laid out
//! as C2SP tlog-tiles. Everything read is untrusted until checked.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read as _;
use std::path::PathBuf;

use clearstone_merkle::bundle::{BUNDLE_ENTRIES_MAX, ENTRY_BYTES_MAX};
use clearstone_merkle::note::NOTE_BYTES_MAX;
use clearstone_merkle::{Hash, Tile};

use crate::args::Source;
use crate::http::{BaseUrl, Fetched};
use crate::outcome::{Failure, usage};

/// The largest bundle: 256 entries of 65535 bytes, each with a 2-byte length.
pub const BUNDLE_BYTES_MAX: usize = BUNDLE_ENTRIES_MAX * (ENTRY_BYTES_MAX + 2);

pub enum LogSource {
    Dir(PathBuf),
    Http(BaseUrl),
}

impl LogSource {
    pub fn new(source: &Source) -> Result<Self, Failure> {
        match source {
            Source::Dir(dir) => {
                if !dir.is_dir() {
                    return Err(usage(format!(
                        "--log `{}` is not a directory",
                        dir.display()
                    )));
                }
                Ok(LogSource::Dir(dir.clone()))
            }
            Source::Url(url) => BaseUrl::parse(url).map(LogSource::Http).map_err(usage),
        }
    }

    /// Where `path` is, for messages.
    pub fn locate(&self, path: &str) -> String {
        match self {
            LogSource::Dir(dir) => dir.join(path).display().to_string(),
            LogSource::Http(base) => base.url_of(path),
        }
    }

    pub fn fetch(&self, path: &str, bytes_max: usize) -> Result<Vec<u8>, String> {
        let missing = || format!("`{}` does not exist", self.locate(path));
        match self {
            LogSource::Dir(dir) => {
                let full = dir.join(path);
                let file = std::fs::File::open(&full).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => missing(),
                    _ => format!("cannot read `{}`: {e}", full.display()),
                })?;
                let mut bytes = Vec::new();
                file.take(bytes_max as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot read `{}`: {e}", full.display()))?;
                if bytes.len() > bytes_max {
                    return Err(format!(
                        "`{}` is larger than {bytes_max} bytes",
                        full.display()
                    ));
                }
                Ok(bytes)
            }
            LogSource::Http(base) => match base.get(path, bytes_max)? {
                Fetched::Body(bytes) => Ok(bytes),
                Fetched::NotFound => Err(missing()),
            },
        }
    }

    pub fn checkpoint(&self) -> Result<Vec<u8>, String> {
        self.fetch("checkpoint", NOTE_BYTES_MAX)
    }

    pub fn tile(&self, tile: &Tile) -> Result<Vec<Hash>, String> {
        let path = tile.path();
        let bytes = self.fetch(&path, tile.byte_len())?;
        tile.hashes_from_bytes(&bytes).map_err(|_| {
            format!(
                "tile `{path}` has {} bytes, expected {}",
                bytes.len(),
                tile.byte_len()
            )
        })
    }

    pub fn bundle(&self, tile: &Tile) -> Result<Vec<u8>, String> {
        let path = tile.bundle_path().unwrap_or_default();
        self.fetch(&path, BUNDLE_BYTES_MAX)
    }
}

/// Tiles fetched once per run: proofs read the same tiles again and again.
pub struct TileCache<'a> {
    source: &'a LogSource,
    tiles: RefCell<HashMap<Tile, Vec<Hash>>>,
}

impl<'a> TileCache<'a> {
    pub fn new(source: &'a LogSource) -> Self {
        TileCache {
            source,
            tiles: RefCell::new(HashMap::new()),
        }
    }

    pub fn tile(&self, tile: &Tile) -> Result<Vec<Hash>, String> {
        if let Some(hashes) = self.tiles.borrow().get(tile) {
            return Ok(hashes.clone());
        }
        let hashes = self.source.tile(tile)?;
        self.tiles.borrow_mut().insert(*tile, hashes.clone());
        Ok(hashes)
    }
}
