//! Readers: each turns a source file into records addressed by mapping slot.

mod csv;
mod jsonl;
mod parquet;
mod quotes;
mod sniff;
mod stream;
mod text;

use std::io::{BufRead, BufReader, Read};

use clearstone_model::limits;

use crate::map::Fields;
use crate::mapping::{Format, Mapping};
use crate::{IngestError, RowError};

/// One source record as read.
pub(crate) struct Record {
    /// 1-based line (CSV, JSON Lines) or row (Parquet).
    pub line: u64,
    /// The record as read, encoded for quarantine only if it fails.
    pub raw: Raw,
    /// Bytes the record took in the source.
    pub size: u64,
    pub fields: Result<Fields, RowError>,
    /// The CSV header, tab-separated, shared by every record of the file.
    pub header: Option<std::sync::Arc<str>>,
}

/// A record's original form. Encoding it costs as much as parsing it, so it
/// is kept cheap and turned into bytes only for quarantine.
pub(crate) enum Raw {
    Bytes(Vec<u8>),
    Csv(::csv::ByteRecord),
    /// Parquet: the mapped columns, quarantined as a JSON object.
    Columns,
}

impl Raw {
    pub fn into_bytes(self, m: &Mapping, fields: Option<&Fields>) -> Vec<u8> {
        match self {
            Self::Bytes(b) => b,
            Self::Csv(rec) => csv::encode(m, &rec),
            Self::Columns => {
                let obj: serde_json::Map<String, serde_json::Value> = m
                    .columns
                    .iter()
                    .zip(fields.into_iter().flatten())
                    .map(|(c, v)| {
                        (
                            c.clone(),
                            v.clone()
                                .map_or(serde_json::Value::Null, serde_json::Value::String),
                        )
                    })
                    .collect();
                serde_json::Value::Object(obj).to_string().into_bytes()
            }
        }
    }
}

/// Reads every record of the mapping's source, in order.
pub(crate) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    match m.format {
        Format::Csv => csv::read(m, each),
        Format::JsonLines => jsonl::read(m, each),
        Format::Parquet => parquet::read(m, each),
    }
}

/// Re-reads one quarantined record (replay).
pub(crate) fn reread(m: &Mapping, raw: &[u8], header: Option<&str>) -> Result<Fields, RowError> {
    if raw.contains(&CUT) {
        return Err(RowError::new(
            "",
            format!(
                "record longer than row_bytes_max ({}): only its start was kept, so only a corrected file can release it",
                limits::ROW_BYTES_MAX
            ),
        ));
    }
    let raw = &*declared_text(m, raw);
    match m.format {
        Format::Csv => csv::reread(m, raw, header),
        Format::JsonLines
            if let Some(e) = m.encoding
                && undecodable_in(e, raw) =>
        {
            Err(jsonl::undecodable(e.name()))
        }
        Format::Parquet if has_replacement(raw) => {
            Err(RowError::new("", "bytes that are not UTF-8 text"))
        }
        // Parquet records are quarantined as JSON objects of their mapped columns.
        Format::JsonLines | Format::Parquet => jsonl::fields(m, raw),
    }
}

/// Marks a record kept only in part, past `row_bytes_max`. Files holding
/// a NUL are refused as not text, so no record read whole holds one.
pub(crate) const CUT: u8 = 0;

/// A record longer than `row_bytes_max`: `size` is its length in the source.
pub(crate) fn too_long(size: usize) -> RowError {
    RowError::new(
        "",
        format!(
            "record of {size} bytes exceeds row_bytes_max ({})",
            limits::ROW_BYTES_MAX
        ),
    )
}

/// A quarantined record as text in the mapping's encoding. Decoded text is
/// always UTF-8, so bytes that are not were kept as the source had them,
/// read when no encoding was declared: a mapping that now declares one
/// decodes them as the reader would have, which is how such a record is
/// released. Bytes invalid in that encoding become U+FFFD and stay
/// quarantined.
fn declared_text<'a>(m: &Mapping, raw: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    match m.encoding {
        Some(e) if std::str::from_utf8(raw).is_err() => {
            let (text, _) = e.decode_without_bom_handling(raw);
            std::borrow::Cow::Owned(text.into_owned().into_bytes())
        }
        _ => std::borrow::Cow::Borrowed(raw),
    }
}

/// Whether decoded text holds U+FFFD, which stands for bytes that were
/// invalid in the declared encoding.
pub(crate) fn has_replacement(text: &[u8]) -> bool {
    text.windows(3).any(|w| w == "\u{fffd}".as_bytes())
}

/// Whether text decoded from `encoding` holds what stands for bytes that
/// were invalid in it: U+FFFD, or in a single-byte code page a C1 control
/// character (where its undefined bytes land).
pub(crate) fn undecodable_in(encoding: &'static encoding_rs::Encoding, text: &[u8]) -> bool {
    has_replacement(text) || encoding.is_single_byte() && text.windows(2).any(text::is_c1)
}

pub(crate) fn unreadable(m: &Mapping, message: impl Into<String>) -> IngestError {
    refuse(m, "source_unreadable", message)
}

/// A refusal of the whole file, with the code that says why.
pub(crate) fn refuse(m: &Mapping, code: &'static str, message: impl Into<String>) -> IngestError {
    IngestError::Unreadable {
        path: m.source_path.display().to_string(),
        format: m.format.as_str(),
        message: message.into(),
        code,
    }
}

/// The source as UTF-8 text, checked whole first: a file that is empty, not
/// text, or a damaged archive is refused before any record is read, so
/// nothing from it lands.
pub(crate) fn open_text(
    m: &Mapping,
    track: bool,
) -> Result<text::Text<BufReader<Box<dyn Read>>>, IngestError> {
    sniff::verify(m, decoded(m, track)?)?;
    decoded(m, track)
}

fn decoded(m: &Mapping, track: bool) -> Result<text::Text<BufReader<Box<dyn Read>>>, IngestError> {
    let mut r = BufReader::with_capacity(64 * 1024, stream::open_stream(m)?);
    let head = r.fill_buf().map_err(|e| read_error(m, e))?;
    stream::nested(m, head)?;
    wrong_byte_order(m, head)?;
    // A UTF-16 byte-order mark cannot begin UTF-8 text. Reading such a file
    // as UTF-16 unasked would leave replay, which sees only the mapping,
    // reading its quarantined records differently: the mapping must say so.
    if m.encoding.is_none() && (head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff")) {
        return Err(refuse(
            m,
            "undeclared_encoding",
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark): declare `encoding = \"utf-16\"`",
        ));
    }
    let encoding = m.encoding;
    Ok(text::Text::new(r, encoding, track))
}

/// Refuses UTF-16 without a byte-order mark whose first character shows
/// the other byte order than the one declared (`utf-16` alone means
/// little-endian), rather than reading every character byte-swapped.
fn wrong_byte_order(m: &Mapping, head: &[u8]) -> Result<(), IngestError> {
    let Some(e) = m.encoding else { return Ok(()) };
    let (declared, actual, label) = match head {
        [0, b, ..] if e == encoding_rs::UTF_16LE && *b != 0 => ("UTF-16LE", "UTF-16BE", "utf-16be"),
        [b, 0, ..] if e == encoding_rs::UTF_16BE && *b != 0 => ("UTF-16BE", "UTF-16LE", "utf-16le"),
        _ => return Ok(()),
    };
    Err(refuse(
        m,
        "wrong_encoding",
        format!(
            "the file is {actual} without a byte-order mark, but the mapping declares {declared}: declare `encoding = \"{label}\"`"
        ),
    ))
}

/// An error met while reading the source: a damaged archive is named as one.
pub(crate) fn read_error(m: &Mapping, source: std::io::Error) -> IngestError {
    stream::damage(m, &source).unwrap_or_else(|| IngestError::Io {
        path: m.source_path.display().to_string(),
        source,
    })
}

pub(crate) fn open(m: &Mapping) -> Result<std::fs::File, IngestError> {
    std::fs::File::open(&m.source_path).map_err(|source| IngestError::Io {
        path: m.source_path.display().to_string(),
        source,
    })
}
