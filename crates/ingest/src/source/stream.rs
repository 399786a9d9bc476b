//! The source's bytes as a stream: decompressed when the mapping (or the
//! file name) says so, and refused by name when the file is an archive or
//! another format that nobody declared.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

use super::{open, refuse};
use crate::IngestError;
use crate::mapping::{Compression, Mapping};

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// Opens the source, decompressed. Damage inside an archive surfaces while
/// reading, as an error that [`damage`] names.
pub(crate) fn open_stream(m: &Mapping) -> Result<Box<dyn Read>, IngestError> {
    let mut file = BufReader::with_capacity(1 << 20, open(m)?);
    let head = file.fill_buf().map_err(|source| IngestError::Io {
        path: m.source_path.display().to_string(),
        source,
    })?;
    match m.compression {
        Compression::None => undeclared(m, head)?,
        Compression::Gzip => not_compressed(m, head, GZIP_MAGIC, "gzip")?,
        Compression::Zstd => not_compressed(m, head, ZSTD_MAGIC, "zstd")?,
    }
    // No bytes at all is an empty file, whatever its name says it holds.
    let compression = if head.is_empty() {
        Compression::None
    } else {
        m.compression
    };
    let ended = Rc::new(Cell::new(false));
    let taken = Rc::new(Cell::new(0));
    let watched = Watched {
        inner: file,
        ended: ended.clone(),
        taken: taken.clone(),
    };
    Ok(match compression {
        Compression::None => Box::new(watched),
        Compression::Gzip => Box::new(Archive {
            inner: flate2::bufread::MultiGzDecoder::new(watched),
            ended,
            taken,
            expanded: 0,
            name: "gzip",
        }),
        Compression::Zstd => Box::new(Archive {
            inner: Zstd {
                frame: None,
                source: Some(BufReader::new(watched)),
            },
            ended,
            taken,
            expanded: 0,
            name: "zstd",
        }),
    })
}

/// Refuses a file whose first bytes show it is something the mapping did not
/// declare, rather than reading it as text and quarantining every row.
fn undeclared(m: &Mapping, head: &[u8]) -> Result<(), IngestError> {
    let how = |ext: &str, name: &str| {
        format!(
            "the file is {name}-compressed: name it `.{ext}` or declare `compression = \"{name}\"`"
        )
    };
    let message = if head.starts_with(GZIP_MAGIC) {
        how("gz", "gzip")
    } else if head.starts_with(ZSTD_MAGIC) {
        how("zst", "zstd")
    } else if head.starts_with(ZIP_MAGIC) {
        "the file is a zip archive (a spreadsheet?), not text: export it as CSV".to_string()
    } else if head.starts_with(PARQUET_MAGIC) {
        "the file is Parquet: declare `format = \"parquet\"`".to_string()
    } else {
        return Ok(());
    };
    Err(refuse(m, "undeclared_format", message))
}

/// Refuses a file read as an archive that does not start as one (a `.gz`
/// holding plain text), naming what it seems to be instead.
fn not_compressed(m: &Mapping, head: &[u8], magic: &[u8], name: &str) -> Result<(), IngestError> {
    if head.is_empty() || head.starts_with(magic) {
        return Ok(());
    }
    let seems = match format_of(head) {
        Some(other) => format!("it is {other}"),
        None => "it does not start as one does".to_string(),
    };
    Err(refuse(
        m,
        "not_compressed",
        format!(
            "the file is not {name}-compressed ({seems}): rename it or declare its `compression`"
        ),
    ))
}

/// What an archive holds when that is itself an archive or a binary
/// format, refused rather than read as text.
pub(crate) fn nested(m: &Mapping, head: &[u8]) -> Result<(), IngestError> {
    let outer = match m.compression {
        Compression::None => return Ok(()),
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
    };
    match format_of(head) {
        Some(inner) => Err(refuse(
            m,
            "undeclared_format",
            format!("the {outer} archive holds {inner}, not text: unpack it to a text file first"),
        )),
        None => Ok(()),
    }
}

fn format_of(head: &[u8]) -> Option<&'static str> {
    [
        (GZIP_MAGIC, "gzip-compressed data"),
        (ZSTD_MAGIC, "zstd-compressed data"),
        (ZIP_MAGIC, "a zip archive"),
        (PARQUET_MAGIC, "a Parquet file"),
    ]
    .into_iter()
    .find(|(magic, _)| head.starts_with(magic))
    .map(|(_, what)| what)
}

/// Whether an error while reading came from a damaged or truncated archive,
/// and if so the refusal that says which.
pub(crate) fn damage(m: &Mapping, e: &std::io::Error) -> Option<IngestError> {
    if let Some(b) = e.get_ref()?.downcast_ref::<Bomb>() {
        return Some(refuse(
            m,
            "archive_too_large",
            format!(
                "the {} archive expands more than {ARCHIVE_EXPANSION_MAX}-fold ({} MiB from {} KiB): refused as a decompression bomb, and nothing was read from it (if it is genuine, decompress it and ingest the file itself)",
                b.name,
                b.expanded >> 20,
                b.taken >> 10
            ),
        ));
    }
    let d = e.get_ref()?.downcast_ref::<Damage>()?;
    Some(if d.truncated {
        refuse(
            m,
            "truncated_archive",
            format!(
                "the {} archive is truncated (it ends before its data does): nothing was read from it",
                d.name
            ),
        )
    } else {
        refuse(
            m,
            "damaged_archive",
            format!(
                "the {} archive is damaged ({}): nothing was read from it",
                d.name, d.message
            ),
        )
    })
}

#[derive(Debug)]
struct Damage {
    name: &'static str,
    truncated: bool,
    message: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "damaged {} archive: {}", self.name, self.message)
    }
}

impl std::error::Error for Damage {}

/// How many times its own size an archive may expand to, past
/// [`ARCHIVE_FREE_BYTES`]. Exports compress three to thirty-fold; a
/// thousandfold is one line repeated, which is how a small archive is made
/// to fill a disk (deflate tops out near 1,032-fold, zstd has no ceiling).
const ARCHIVE_EXPANSION_MAX: u64 = 200;

/// Expanded bytes that are never a bomb, however small the archive: a short
/// file of repeated lines is harmless.
const ARCHIVE_FREE_BYTES: u64 = 16 << 20;

/// An archive that expands past [`ARCHIVE_EXPANSION_MAX`].
#[derive(Debug)]
struct Bomb {
    name: &'static str,
    taken: u64,
    expanded: u64,
}

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the {} archive expands without bound", self.name)
    }
}

impl std::error::Error for Bomb {}

/// Notes when the file underneath has been read to its end, which tells a
/// truncated archive from a damaged one, and how much of it was taken.
struct Watched<R> {
    inner: R,
    ended: Rc<Cell<bool>>,
    taken: Rc<Cell<u64>>,
}

impl<R: BufRead> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended.set(true);
        }
        self.taken.set(self.taken.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Watched<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let buf = self.inner.fill_buf()?;
        if buf.is_empty() {
            self.ended.set(true);
        }
        Ok(buf)
    }

    fn consume(&mut self, n: usize) {
        self.taken.set(self.taken.get() + n as u64);
        self.inner.consume(n);
    }
}

struct Archive<R> {
    inner: R,
    ended: Rc<Cell<bool>>,
    taken: Rc<Cell<u64>>,
    expanded: u64,
    name: &'static str,
}

impl<R: Read> Read for Archive<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                Damage {
                    name: self.name,
                    truncated: self.ended.get() || e.kind() == std::io::ErrorKind::UnexpectedEof,
                    message: e.to_string(),
                },
            )
        })?;
        self.expanded += n as u64;
        let taken = self.taken.get().max(1);
        if self.expanded > ARCHIVE_FREE_BYTES && self.expanded / taken >= ARCHIVE_EXPANSION_MAX {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                Bomb {
                    name: self.name,
                    taken,
                    expanded: self.expanded,
                },
            ));
        }
        Ok(n)
    }
}

/// zstd frames one after another, each checked against its checksum.
struct Zstd<R: Read> {
    frame: Option<StreamingDecoder<R, FrameDecoder>>,
    source: Option<R>,
}

impl<R: BufRead> Read for Zstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(frame) = self.frame.as_mut() {
                let n = frame.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                let Some(done) = self.frame.take() else {
                    return Ok(0);
                };
                let d = &done.decoder;
                if let (Some(said), Some(got)) =
                    (d.get_checksum_from_data(), d.get_calculated_checksum())
                    && said != got
                {
                    return Err(std::io::Error::other("a frame's checksum does not match"));
                }
                self.source = Some(done.into_inner());
            }
            let Some(mut source) = self.source.take() else {
                return Ok(0);
            };
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.frame = Some(StreamingDecoder::new(source).map_err(std::io::Error::other)?);
        }
    }
}
