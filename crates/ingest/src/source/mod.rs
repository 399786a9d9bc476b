//! Readers: each turns a source file into records addressed by mapping slot.

mod csv;
mod jsonl;
mod parquet;

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
    match m.format {
        Format::Csv => csv::reread(m, raw, header),
        // Parquet records are quarantined as JSON objects of their mapped columns.
        Format::JsonLines | Format::Parquet => jsonl::fields(m, raw),
    }
}

pub(crate) fn unreadable(m: &Mapping, message: impl Into<String>) -> IngestError {
    IngestError::Unreadable {
        path: m.source_path.display().to_string(),
        format: m.format.as_str(),
        message: message.into(),
    }
}

pub(crate) fn open(m: &Mapping) -> Result<std::fs::File, IngestError> {
    std::fs::File::open(&m.source_path).map_err(|source| IngestError::Io {
        path: m.source_path.display().to_string(),
        source,
    })
}
