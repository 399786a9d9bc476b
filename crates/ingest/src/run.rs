//! The ingest pipeline: one thread reads and maps, the caller's thread writes.
//! Reading and mapping overlap with the store's transaction, which is the
//! slower half, so the writer never waits for parsing.

use std::sync::mpsc;

use clearstone_model::{Statement, Timestamp, limits};

use crate::map::{QuarantinedEntity, map_record};
use crate::mapping::Mapping;
use crate::source::{self, Record};
use crate::{IngestError, RowError};

/// A record that could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub line: u64,
    pub column: String,
    pub reason: String,
    pub raw: Vec<u8>,
    /// The CSV header, tab-separated, to replay the record under.
    pub header: Option<String>,
}

/// One transaction's worth of mapped records.
#[derive(Debug, Default)]
pub struct MappedBatch {
    pub statements: Vec<Statement>,
    pub quarantine: Vec<Quarantined>,
    /// Lines that mapped cleanly (a quarantined copy of them can be released).
    pub passed_lines: Vec<u64>,
    pub rows: u64,
    /// Bytes of source records in this batch.
    pub bytes: u64,
    /// Values of mapped records read as missing because they were one of
    /// the placeholders the mapping declares (`missing`).
    pub placeholders: u64,
}

/// Batches in flight between reader and writer: two keeps both busy without
/// holding more than a couple of batches in memory.
const BATCHES_IN_FLIGHT: usize = 2;

/// Statements per batch, beside [`limits::BATCH_ROWS_MAX`]: a source that
/// makes many statements a row (four records a row, some twenty values)
/// filled 20,000 rows with 400,000 statements, and with a batch being read,
/// two waiting, one being stored and one being indexed, that alone took
/// about half a gigabyte. Cut after the row that reaches it, so a row's
/// statements stay together.
pub const BATCH_STATEMENTS_MAX: usize = 50_000;

/// Reads the mapping's source and hands mapped batches, in source order, to
/// `sink`. A record-level problem lands in the batch's quarantine; a
/// file-level one stops the run with an error.
pub fn run(
    m: &Mapping,
    now: Timestamp,
    sink: &mut dyn FnMut(MappedBatch) -> Result<(), String>,
) -> Result<(), IngestError> {
    let (tx, rx) = mpsc::sync_channel::<MappedBatch>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| {
        // Named, so that a profile tells reading and mapping apart.
        let reader = std::thread::Builder::new()
            .name("ingest-read".into())
            .spawn_scoped(scope, move || {
                let mut batch = MappedBatch::default();
                source::read(m, &mut |rec| {
                    push(m, now, rec, &mut batch);
                    if batch.rows as usize >= limits::BATCH_ROWS_MAX
                        || batch.statements.len() >= BATCH_STATEMENTS_MAX
                    {
                        // A send fails only when the writer hung up; it reports its own error.
                        tx.send(std::mem::take(&mut batch))
                            .map_err(|_| IngestError::Sink("writer stopped".into()))?;
                    }
                    Ok(())
                })?;
                if batch.rows > 0 {
                    tx.send(batch)
                        .map_err(|_| IngestError::Sink("writer stopped".into()))?;
                }
                Ok::<(), IngestError>(())
            })
            .map_err(|e| IngestError::Sink(format!("cannot start the reader thread: {e}")))?;
        let mut sink_error = None;
        for batch in rx {
            if let Err(e) = sink(batch) {
                sink_error = Some(e);
                break;
            }
        }
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(IngestError::Sink("reader thread failed".into())));
        match sink_error {
            Some(e) => Err(IngestError::Sink(e)),
            None => read,
        }
    })
}

fn push(m: &Mapping, now: Timestamp, rec: Record, batch: &mut MappedBatch) {
    batch.rows += 1;
    batch.bytes += rec.size;
    let before = batch.statements.len();
    let failed = match &rec.fields {
        Ok(f) => map_record(
            m,
            f,
            rec.line,
            now,
            &mut batch.statements,
            &mut batch.placeholders,
        )
        .err(),
        Err(e) => Some(e.clone()),
    };
    match failed {
        None => batch.passed_lines.push(rec.line),
        Some(RowError { column, reason }) => {
            batch.statements.truncate(before);
            batch.quarantine.push(Quarantined {
                line: rec.line,
                column,
                reason,
                raw: rec.raw.into_bytes(m, rec.fields.as_ref().ok()),
                header: rec.header.as_deref().map(str::to_string),
            });
        }
    }
}

/// Maps one quarantined record again under the current mapping (replay).
pub fn remap(
    m: &Mapping,
    raw: &[u8],
    header: Option<&str>,
    line: u64,
    now: Timestamp,
) -> Result<Vec<Statement>, RowError> {
    let fields = source::reread(m, raw, header)?;
    let mut out = Vec::new();
    map_record(m, &fields, line, now, &mut out, &mut 0)?;
    Ok(out)
}

/// The entities a quarantined record describes (those whose key columns
/// it fills), with its values for them, under its mapping.
///
/// # Errors
/// When the record cannot be read again under the mapping.
pub fn quarantined_entities(
    m: &Mapping,
    raw: &[u8],
    header: Option<&str>,
) -> Result<Vec<QuarantinedEntity>, RowError> {
    let fields = source::reread(m, raw, header)?;
    Ok(crate::map::quarantined_entities(m, &fields))
}
