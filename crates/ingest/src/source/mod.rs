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
    /// The record's bytes, kept for quarantine.
    pub raw: Vec<u8>,
    pub fields: Result<Fields, RowError>,
    /// The CSV header, tab-separated, shared by every record of the file.
    pub header: Option<std::sync::Arc<str>>,
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
