//! The sentence vectors of notes, kept in one file next to the search index
//! (`semantic/passages.bin` in the data directory). Derived, like the
//! index: `clearstone notes index` rebuilds it from the store, and search
//! scans it whole (an exact scan: at tens of thousands of notes, a few
//! hundred thousand 384-wide dot products, milliseconds).
//!
//! Layout, little-endian: the magic `CSNV1`, the vector width (u32), the
//! model's name (u8 length, bytes); then per passage the note id (u16
//! length, bytes), the SHA-256 of the note text it was cut from, its char
//! span (u32 start, u32 end) and the vector (width f32s).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::Digest;

use crate::EngineError;

const MAGIC: &[u8] = b"CSNV1";
/// The folder, inside the data directory, that holds the vectors.
pub const SEMANTIC_DIR: &str = "semantic";
const FILE: &str = "passages.bin";

/// One embedded sentence of a note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Passage {
    pub note: String,
    pub text_hash: [u8; 32],
    pub start: u32,
    pub end: u32,
    pub vector: Vec<f32>,
}

/// Every passage, for one model and width.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Passages {
    pub model: String,
    pub dim: usize,
    pub items: Vec<Passage>,
}

pub(crate) fn text_hash(text: &str) -> [u8; 32] {
    sha2::Sha256::digest(text.as_bytes()).into()
}

pub(crate) fn path(dir: &Path) -> PathBuf {
    dir.join(SEMANTIC_DIR).join(FILE)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EngineError + '_ {
    move |source| EngineError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn corrupt(path: &Path, what: &str) -> EngineError {
    EngineError::Internal(format!(
        "the note vectors at `{}` are damaged ({what}): run `clearstone notes index --rebuild`",
        path.display()
    ))
}

/// The file as last read, while its length and modification time stay the
/// same: a search should not read hundreds of megabytes each time.
type Cached = (PathBuf, u64, Option<std::time::SystemTime>, Arc<Passages>);
static CACHE: Mutex<Option<Cached>> = Mutex::new(None);

/// The passages kept in `dir`, or none when no index was built.
pub(crate) fn load(dir: &Path) -> Result<Arc<Passages>, EngineError> {
    let p = path(dir);
    let meta = match std::fs::metadata(&p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Arc::new(Passages::default()));
        }
        Err(e) => return Err(io(&p)(e)),
    };
    let stamp = (meta.len(), meta.modified().ok());
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((cp, len, at, all)) = cache.as_ref()
        && *cp == p
        && (*len, *at) == stamp
    {
        return Ok(all.clone());
    }
    let bytes = std::fs::read(&p).map_err(io(&p))?;
    let all = Arc::new(decode(&bytes).ok_or_else(|| corrupt(&p, "cannot be read back"))?);
    *cache = Some((p, stamp.0, stamp.1, all.clone()));
    Ok(all)
}

/// Replaces the file whole, by a rename, so a reader never sees half of it.
pub(crate) fn save(dir: &Path, passages: &Passages) -> Result<(), EngineError> {
    let p = path(dir);
    let folder = dir.join(SEMANTIC_DIR);
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    let tmp = folder.join(format!("{FILE}.tmp"));
    std::fs::write(&tmp, encode(passages)).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &p).map_err(io(&p))
}

/// Adds one note's passages at the end of the file, for a note just
/// written; a file of another model is left alone, to be rebuilt.
pub(crate) fn append(
    dir: &Path,
    model: &str,
    dim: usize,
    items: &[Passage],
) -> Result<(), EngineError> {
    use std::io::Write;
    let p = path(dir);
    if !p.exists() {
        return save(
            dir,
            &Passages {
                model: model.to_string(),
                dim,
                items: items.to_vec(),
            },
        );
    }
    let head = encode(&Passages {
        model: model.to_string(),
        dim,
        items: Vec::new(),
    });
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open(&p)
        .map_err(io(&p))?;
    let mut found = vec![0u8; head.len()];
    if std::io::Read::read_exact(&mut f, &mut found).is_err() || found != head {
        return Ok(());
    }
    let body = encode(&Passages {
        model: String::new(),
        dim,
        items: items.to_vec(),
    });
    let records = body.get(MAGIC.len() + 5..).unwrap_or_default();
    f.write_all(records).map_err(io(&p))
}

/// Drops an erased note's passages.
pub(crate) fn forget(dir: &Path, note: &str) -> Result<(), EngineError> {
    let mut all = Passages::clone(load(dir)?.as_ref());
    let before = all.items.len();
    all.items.retain(|p| p.note != note);
    if all.items.len() != before {
        save(dir, &all)?;
    }
    Ok(())
}

fn encode(p: &Passages) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + p.items.len() * (64 + p.dim * 4));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&u32::try_from(p.dim).unwrap_or(0).to_le_bytes());
    let name = p.model.as_bytes();
    let name = name.get(..name.len().min(255)).unwrap_or_default();
    out.push(u8::try_from(name.len()).unwrap_or(0));
    out.extend_from_slice(name);
    for item in &p.items {
        let id = item.note.as_bytes();
        out.extend_from_slice(&u16::try_from(id.len()).unwrap_or(0).to_le_bytes());
        out.extend_from_slice(id);
        out.extend_from_slice(&item.text_hash);
        out.extend_from_slice(&item.start.to_le_bytes());
        out.extend_from_slice(&item.end.to_le_bytes());
        for v in &item.vector {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.bytes.split_at_checked(n)?;
        self.bytes = tail;
        Some(head)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }
}

fn decode(bytes: &[u8]) -> Option<Passages> {
    let mut r = Reader { bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let dim = usize::try_from(r.u32()?).ok()?;
    let name_len = usize::from(*r.take(1)?.first()?);
    let model = String::from_utf8(r.take(name_len)?.to_vec()).ok()?;
    let mut items = Vec::new();
    while !r.bytes.is_empty() {
        let id_len = usize::from(u16::from_le_bytes(r.take(2)?.try_into().ok()?));
        let note = String::from_utf8(r.take(id_len)?.to_vec()).ok()?;
        let text_hash: [u8; 32] = r.take(32)?.try_into().ok()?;
        let start = r.u32()?;
        let end = r.u32()?;
        let vector = r
            .take(dim.checked_mul(4)?)?
            .chunks_exact(4)
            .filter_map(|b| b.try_into().ok().map(f32::from_le_bytes))
            .collect();
        items.push(Passage {
            note,
            text_hash,
            start,
            end,
            vector,
        });
    }
    Some(Passages { model, dim, items })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn passages_read_back_as_written_and_a_cut_file_is_refused() {
        let p = Passages {
            model: "m".into(),
            dim: 2,
            items: vec![Passage {
                note: "csc:note:1".into(),
                text_hash: text_hash("Mum rang."),
                start: 0,
                end: 9,
                vector: vec![0.6, -0.8],
            }],
        };
        let bytes = encode(&p);
        assert_eq!(decode(&bytes), Some(p));
        assert_eq!(decode(bytes.get(..bytes.len() - 1).unwrap()), None);
    }
}
