//! JSON Lines: one object per line; a column names a field, `a.b` a nested one.

use std::io::BufRead;

use clearstone_model::limits;
use serde_json::Value;

use super::{Raw, Record, open};
use crate::map::Fields;
use crate::mapping::Mapping;
use crate::{IngestError, RowError};

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(direct) = v.get(path) {
        return Some(direct);
    }
    path.split('.').try_fold(v, |cur, part| cur.get(part))
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => (!s.trim().is_empty()).then(|| s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        // Arrays and objects are kept as JSON text: a mapping may `split` them.
        other => Some(other.to_string()),
    }
}

pub(super) fn fields(m: &Mapping, line: &[u8]) -> Result<Fields, RowError> {
    if line.len() > limits::ROW_BYTES_MAX {
        return Err(RowError::new(
            "",
            format!(
                "record of {} bytes exceeds row_bytes_max ({})",
                line.len(),
                limits::ROW_BYTES_MAX
            ),
        ));
    }
    let s = std::str::from_utf8(line)
        .map_err(|e| RowError::new("", format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let v: Value =
        serde_json::from_str(s).map_err(|e| RowError::new("", format!("malformed JSON: {e}")))?;
    if !v.is_object() {
        return Err(RowError::new("", "a JSON Lines record must be an object"));
    }
    Ok(m.columns
        .iter()
        .map(|c| lookup(&v, c).and_then(text))
        .collect())
}

pub(super) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let mut r = std::io::BufReader::with_capacity(1 << 20, open(m)?);
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|source| IngestError::Io {
                path: m.source_path.display().to_string(),
                source,
            })?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if line == 1 && buf.starts_with(b"\xef\xbb\xbf") {
            buf.drain(..3);
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let fields = fields(m, &buf);
        each(Record {
            line,
            raw: Raw::Bytes(buf.clone()),
            size: n as u64,
            fields,
            header: None,
        })?;
    }
}
