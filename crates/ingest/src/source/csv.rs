//! CSV with any one-byte delimiter, a header row, quoted fields, UTF-8 with or
//! without a byte-order mark.

use clearstone_model::limits;

use super::{Raw, Record, open, unreadable};
use crate::map::Fields;
use crate::mapping::Mapping;
use crate::{IngestError, RowError};

fn reader<R: std::io::Read>(m: &Mapping, r: R, has_headers: bool) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(m.delimiter)
        .has_headers(has_headers)
        // Rows with the wrong number of fields are quarantined, not fatal.
        .flexible(true)
        .from_reader(r)
}

/// Where each mapping slot sits in the header. Missing columns are an error
/// for the whole file, since every row would fail the same way.
fn slot_indexes(m: &Mapping, header: &[String]) -> Result<Vec<usize>, String> {
    let found: Vec<Option<usize>> = m
        .columns
        .iter()
        .map(|c| header.iter().position(|h| h == c))
        .collect();
    let missing: Vec<String> = m
        .columns
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(c, _)| format!("`{c}`"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "columns {} named by `{}` are not in the header",
            missing.join(", "),
            m.path.display()
        ));
    }
    Ok(found.into_iter().flatten().collect())
}

fn record_fields(
    rec: &csv::ByteRecord,
    width: usize,
    idx: &[usize],
    columns: &[String],
) -> Result<Fields, RowError> {
    if rec.len() != width {
        return Err(RowError::new(
            "",
            format!("wrong column count: expected {width}, found {}", rec.len()),
        ));
    }
    idx.iter()
        .zip(columns)
        .map(|(i, c)| {
            let bytes = rec.get(*i).unwrap_or_default();
            let s = std::str::from_utf8(bytes).map_err(|e| {
                RowError::new(
                    c.clone(),
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                )
            })?;
            Ok((!s.trim().is_empty()).then(|| s.to_string()))
        })
        .collect()
}

pub(super) fn encode(m: &Mapping, rec: &csv::ByteRecord) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(m.delimiter)
        .from_writer(Vec::new());
    let _ = w.write_byte_record(rec);
    let mut out = w.into_inner().unwrap_or_default();
    if out.last() == Some(&b'\n') {
        out.pop();
    }
    out
}

pub(super) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let file = open(m)?;
    let mut rdr = reader(m, std::io::BufReader::with_capacity(1 << 20, file), true);
    let header = rdr
        .byte_headers()
        .map_err(|e| unreadable(m, e.to_string()))?
        .clone();
    let header: Vec<String> = header
        .iter()
        .map(|h| {
            std::str::from_utf8(h).map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
        })
        .collect::<Result<_, _>>()
        .map_err(|_| unreadable(m, "the header row is not UTF-8"))?;
    let idx = slot_indexes(m, &header).map_err(|e| unreadable(m, e))?;
    let shared: std::sync::Arc<str> = header.join("\t").into();
    loop {
        let mut rec = csv::ByteRecord::new();
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = rec.position().map_or(0, csv::Position::line);
                let size = rec.as_slice().len() + rec.len();
                let fields = if size > limits::ROW_BYTES_MAX {
                    Err(RowError::new(
                        "",
                        format!(
                            "record of {size} bytes exceeds row_bytes_max ({})",
                            limits::ROW_BYTES_MAX
                        ),
                    ))
                } else {
                    record_fields(&rec, header.len(), &idx, &m.columns)
                };
                each(Record {
                    line,
                    raw: Raw::Csv(rec),
                    size: size as u64,
                    fields,
                    header: Some(shared.clone()),
                })?;
            }
            Err(e) => return Err(unreadable(m, e.to_string())),
        }
    }
}

pub(super) fn reread(m: &Mapping, raw: &[u8], header: Option<&str>) -> Result<Fields, RowError> {
    let header: Vec<String> = header
        .unwrap_or_default()
        .split('\t')
        .map(str::to_string)
        .collect();
    let idx = slot_indexes(m, &header).map_err(|e| RowError::new("", e))?;
    let mut rdr = reader(m, raw, false);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => record_fields(&rec, header.len(), &idx, &m.columns),
        Ok(false) => Err(RowError::new("", "empty record")),
        Err(e) => Err(RowError::new("", e.to_string())),
    }
}
