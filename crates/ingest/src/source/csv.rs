//! CSV with any one-byte delimiter and quote, a header row or columns named
//! by position, in any encoding the mapping declares, gzip or zstd.

use clearstone_model::limits;

use super::text::Text;
use super::{
    Raw, Record, has_replacement, open_text, read_error, refuse, too_long, undecodable_in,
    unreadable,
};
use crate::map::Fields;
use crate::mapping::Mapping;
use crate::{IngestError, RowError};

fn reader<R: std::io::Read>(m: &Mapping, r: R, has_headers: bool) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(m.delimiter)
        .quote(m.quote.unwrap_or(b'"'))
        .quoting(m.quote.is_some())
        .has_headers(has_headers)
        // Rows with the wrong number of fields are quarantined, not fatal.
        .flexible(true)
        .from_reader(r)
}

/// Where each mapping slot sits in the header. Missing or ambiguous columns
/// are an error for the whole file, since every row would fail the same way
/// (or, for a column named twice, might land from the wrong one).
fn slot_indexes(m: &Mapping, header: &[String]) -> Result<Vec<usize>, (&'static str, String)> {
    let mut found = Vec::with_capacity(m.columns.len());
    let mut missing = Vec::new();
    for c in &m.columns {
        // Exports re-case headers (`Name` beside `name`): a column named
        // again in another case is as ambiguous as one named twice.
        let folded = c.to_lowercase();
        // As the header is kept for replay (a tab in a name as a space).
        let kept = c.replace('\t', " ");
        let mut at = header
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == c || *h == &kept || h.to_lowercase() == folded)
            .map(|(i, _)| i);
        match (at.next(), at.next()) {
            (Some(i), None) if header.get(i).is_some_and(|h| *h == *c || *h == kept) => {
                found.push(i);
            }
            (Some(i), None) => missing.push(format!(
                "`{c}` (the header has `{}`)",
                header.get(i).map_or("", String::as_str)
            )),
            (Some(i), Some(j)) => {
                return Err((
                    "duplicate_header",
                    format!(
                        "duplicate header: column `{c}` is named twice, at columns {} and {}, so which one `{}` means is ambiguous",
                        i + 1,
                        j + 1,
                        m.path.display()
                    ),
                ));
            }
            (None, _) => missing.push(format!("`{c}`")),
        }
    }
    if !missing.is_empty() {
        let place = if m.header {
            "in the header".to_string()
        } else {
            format!("in the file, whose columns are `1` to `{}`", header.len())
        };
        return Err((
            "missing_columns",
            format!(
                "columns {} named by `{}` are not {place}{}",
                missing.join(", "),
                m.path.display(),
                other_delimiter(m, header)
            ),
        ));
    }
    Ok(found)
}

/// A hint when a header read as one column holds another usual delimiter.
fn other_delimiter(m: &Mapping, header: &[String]) -> String {
    let [only] = header else {
        return String::new();
    };
    [b';', b'\t', b'|', b',']
        .into_iter()
        .filter(|d| *d != m.delimiter)
        .find(|d| only.as_bytes().contains(d))
        .map(|d| {
            let shown = if d == b'\t' { "\\t".to_string() } else { char::from(d).to_string() };
            format!(" (the header reads as one column: if the file is `{shown}`-separated, declare `delimiter = \"{shown}\"`)")
        })
        .unwrap_or_default()
}

/// Whether a record has the header's columns: exactly, or but for one
/// empty column at the end that only the header or only the record has
/// (systems that end every line with a delimiter).
fn fits(rec: &csv::ByteRecord, header: &[String]) -> bool {
    let width = header.len();
    rec.len() == width
        || rec.len() == width + 1 && rec.get(width).is_some_and(<[u8]>::is_empty)
        || rec.len() + 1 == width && header.last().is_some_and(String::is_empty)
}

fn record_fields(
    rec: &csv::ByteRecord,
    header: &[String],
    idx: &[usize],
    columns: &[String],
) -> Result<Fields, RowError> {
    let width = header.len();
    if !fits(rec, header) {
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

/// A record holding bytes that are invalid in the declared encoding: the
/// mapped column where they show, else the whole record.
fn undecodable(m: &Mapping, name: &str, idx: &[usize], rec: &csv::ByteRecord) -> RowError {
    let column = idx
        .iter()
        .zip(&m.columns)
        .find(|(i, _)| {
            rec.get(**i).is_some_and(|f| match m.encoding {
                Some(e) => undecodable_in(e, f),
                None => has_replacement(f),
            })
        })
        .map(|(_, c)| c.clone())
        .unwrap_or_default();
    RowError::new(column, format!("bytes that are invalid in {name}"))
}

pub(super) fn encode(m: &Mapping, rec: &csv::ByteRecord) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(m.delimiter)
        .quote(m.quote.unwrap_or(b'"'))
        .quote_style(if m.quote.is_some() {
            csv::QuoteStyle::Necessary
        } else {
            csv::QuoteStyle::Never
        })
        .from_writer(Vec::new());
    let _ = w.write_byte_record(rec);
    let mut out = w.into_inner().unwrap_or_default();
    if out.last() == Some(&b'\n') {
        out.pop();
    }
    out
}

/// The delimiter a first line `sep=;` names (as Excel writes it for a
/// locale whose lists are not comma-separated), if the line is one.
fn separator_line(first: &csv::ByteRecord, delimiter: u8) -> Option<u8> {
    let mut line = Vec::new();
    for (i, f) in first.iter().enumerate() {
        if i > 0 {
            line.push(delimiter);
        }
        line.extend_from_slice(f);
    }
    let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&line);
    match line.strip_prefix(b"sep=".as_slice())? {
        [d] => Some(*d),
        _ => None,
    }
}

pub(super) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let text = open_text(m, true)?.cut_records(m.delimiter, m.quote);
    let mut rdr = reader(m, text, false);
    let mut first = csv::ByteRecord::new();
    let got = rdr
        .read_byte_record(&mut first)
        .map_err(|e| csv_error(m, e))?;
    if !got {
        return Err(refuse(m, "empty_file", "empty file"));
    }
    if let Some(said) = separator_line(&first, m.delimiter) {
        if said != m.delimiter {
            return Err(refuse(
                m,
                "wrong_delimiter",
                format!(
                    "the file's first line `sep={}` says its delimiter is `{}`, but the mapping declares `{}`",
                    char::from(said),
                    char::from(said),
                    char::from(m.delimiter)
                ),
            ));
        }
        // The line spreadsheets read the delimiter from is no header.
        first.clear();
        if !rdr
            .read_byte_record(&mut first)
            .map_err(|e| csv_error(m, e))?
        {
            return Err(refuse(m, "empty_file", "empty file (only a `sep=` line)"));
        }
    }
    let header: Vec<String> = if m.header {
        header_names(&first).ok_or_else(|| {
            refuse(
                m,
                "invalid_header",
                "the header row is not UTF-8: declare the file's `encoding`",
            )
        })?
    } else {
        (1..=first.len()).map(|i| i.to_string()).collect()
    };
    if m.header {
        // A header is cut at the limit as a record is: its columns would
        // be misread, so the file is refused.
        let end = rdr.position().byte();
        if let Some(dropped) = rdr.get_mut().cut_before(end) {
            return Err(refuse(
                m,
                "header_too_long",
                format!(
                    "the header row of {} bytes exceeds row_bytes_max ({})",
                    first.as_slice().len() as u64 + dropped,
                    limits::ROW_BYTES_MAX
                ),
            ));
        }
    }
    let idx = match slot_indexes(m, &header) {
        Ok(idx) => idx,
        Err((code, e)) => {
            let hint = if code == "missing_columns" && m.header {
                header_below(m, &mut rdr)
            } else {
                String::new()
            };
            return Err(refuse(m, code, format!("{e}{hint}")));
        }
    };
    if m.header {
        // Bytes the header could not decode are the header's, not a record's.
        let end = rdr.position().byte();
        rdr.get_mut().invalid_before(end);
    }
    // Kept tab-separated for replay: a tab inside a name (a quoted header
    // cell) is kept as a space, or replay would count one column more.
    let shared: std::sync::Arc<str> = header
        .iter()
        .map(|h| h.replace('\t', " "))
        .collect::<Vec<_>>()
        .join("\t")
        .into();
    let mut pending = (!m.header).then_some(first);
    loop {
        let start = rdr.position().byte();
        let rec = match pending.take() {
            Some(rec) => rec,
            None => {
                let mut rec = csv::ByteRecord::new();
                match rdr.read_byte_record(&mut rec) {
                    Ok(false) => return Ok(()),
                    Ok(true) => rec,
                    Err(e) => return Err(csv_error(m, e)),
                }
            }
        };
        // The record's own start, not the reader's: its line counter falls
        // behind on `\r\n` and never moves on `\r`.
        let start = rec.position().map_or(start, csv::Position::byte);
        let end = rdr.position().byte();
        let text: &mut Text<_> = rdr.get_mut();
        let line = text.line_at(start);
        let invalid = (text.invalid_before(end) > 0).then(|| text.encoding_name());
        let dropped = text.cut_before(end);
        // A line of spaces, or of delimiters only (spreadsheets export the
        // rows they once formatted as `,,,`), holds no record.
        // A DOS end-of-file mark (Ctrl-Z) after the last line is no record either.
        if invalid.is_none()
            && rec
                .iter()
                .all(|f| f.iter().all(|b| b.is_ascii_whitespace() || *b == 0x1a))
        {
            continue;
        }
        // Exports paged and joined repeat the header (byte-order mark and
        // all) before each page: it is the header again, no record.
        if m.header && repeats_header(&rec, &header) {
            continue;
        }
        let size = rec.as_slice().len() + rec.len() + dropped.unwrap_or(0) as usize;
        let fields = if dropped.is_some() || size > limits::ROW_BYTES_MAX {
            Err(too_long(size))
        } else if let Some(name) = invalid {
            Err(undecodable(m, name, &idx, &rec))
        } else {
            record_fields(&rec, &header, &idx, &m.columns)
        };
        each(Record {
            line,
            raw: Raw::Csv(rec),
            size: size as u64,
            fields,
            header: Some(shared.clone()),
        })?;
    }
}

/// Header names as read from a row: trimmed of whitespace and a
/// byte-order mark.
fn header_names(rec: &csv::ByteRecord) -> Option<Vec<String>> {
    rec.iter()
        .map(|h| {
            std::str::from_utf8(h)
                .ok()
                .map(|s| crate::clean::trim(s).to_string())
        })
        .collect()
}

fn repeats_header(rec: &csv::ByteRecord, header: &[String]) -> bool {
    rec.len() == header.len()
        && rec
            .iter()
            .zip(header)
            .all(|(f, h)| std::str::from_utf8(f).is_ok_and(|s| crate::clean::trim(s) == h))
}

/// Lines a report's title and notes may take above its header.
const TITLE_LINES_MAX: usize = 20;

/// Where the header is, when it is not on the first line (a report's
/// title above it), said as a hint for the refusal.
fn header_below<R: std::io::Read>(m: &Mapping, rdr: &mut csv::Reader<Text<R>>) -> String {
    let mut rec = csv::ByteRecord::new();
    for _ in 0..TITLE_LINES_MAX {
        let start = rdr.position().byte();
        if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
            break;
        }
        let start = rec.position().map_or(start, csv::Position::byte);
        if header_names(&rec).is_some_and(|h| slot_indexes(m, &h).is_ok()) {
            let line = rdr.get_mut().line_at(start);
            return format!(" (they are on line {line}: remove the lines above the header)");
        }
    }
    String::new()
}

fn csv_error(m: &Mapping, e: csv::Error) -> IngestError {
    if !e.is_io_error() {
        return unreadable(m, e.to_string());
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => read_error(m, e),
        other => unreadable(m, format!("{other:?}")),
    }
}

pub(super) fn reread(m: &Mapping, raw: &[u8], header: Option<&str>) -> Result<Fields, RowError> {
    let header: Vec<String> = header
        .unwrap_or_default()
        .split('\t')
        .map(str::to_string)
        .collect();
    let idx = slot_indexes(m, &header).map_err(|(_, e)| RowError::new("", e))?;
    let mut rdr = reader(m, raw, false);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        // Quarantined text was decoded already; a replacement character in
        // it stands for bytes the declared encoding could not read.
        Ok(true)
            if let Some(e) = m.encoding
                && undecodable_in(e, rec.as_slice()) =>
        {
            Err(undecodable(m, e.name(), &idx, &rec))
        }
        Ok(true) => record_fields(&rec, &header, &idx, &m.columns),
        Ok(false) => Err(RowError::new("", "empty record")),
        Err(e) => Err(RowError::new("", e.to_string())),
    }
}
