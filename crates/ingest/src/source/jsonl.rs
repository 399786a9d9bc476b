//! JSON Lines: one object per line; a column names a field, `a.b` a nested one.

use std::collections::BTreeMap;
use std::io::BufRead;

use clearstone_model::limits;
use serde_json::value::RawValue;

use super::{CUT, Raw, Record, open_text, read_error, refuse, too_long};
use crate::map::Fields;
use crate::mapping::Mapping;
use crate::{IngestError, RowError};

/// A JSON object's members, each kept as the text it was written as, so that
/// a number lands exactly as the source wrote it (`1.50`, or an id too long
/// for a float), and the names of members written more than once.
struct Object<'a> {
    members: BTreeMap<String, &'a RawValue>,
    twice: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for Object<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut obj = Object {
                    members: BTreeMap::new(),
                    twice: Vec::new(),
                };
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    if let Some(k) = obj.members.insert(k.clone(), v).map(|_| k) {
                        obj.twice.push(k);
                    }
                }
                Ok(obj)
            }
        }
        d.deserialize_map(Members)
    }
}

impl<'a> Object<'a> {
    /// A member, unless the object names it twice: a reader that keeps one
    /// of the two silently may keep the wrong one.
    fn get(&self, name: &str, column: &str) -> Result<Option<&'a RawValue>, RowError> {
        if self.twice.iter().any(|t| t == name) {
            return Err(RowError::new(
                column,
                format!(
                    "member `{name}` is named twice in one object, so which value is meant is ambiguous"
                ),
            ));
        }
        Ok(self.members.get(name).copied())
    }
}

fn lookup<'a>(obj: &Object<'a>, path: &str) -> Result<Option<&'a RawValue>, RowError> {
    if let Some(direct) = obj.get(path, path)? {
        return Ok(Some(direct));
    }
    let mut parts = path.split('.');
    let Some(mut cur) = obj.get(parts.next().unwrap_or_default(), path)? else {
        return Ok(None);
    };
    for part in parts {
        let Ok(inner) = serde_json::from_str::<Object<'a>>(cur.get()) else {
            return Ok(None);
        };
        match inner.get(part, path)? {
            Some(v) => cur = v,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// A member's value as text. Numbers are text as written; a boolean only
/// where the mapping maps `true`/`false`; an array or object never, since its
/// JSON text would land as if it were a value.
fn text(v: &RawValue, column: &str, boolean: bool) -> Result<Option<String>, RowError> {
    let json = v.get();
    let found = match json.as_bytes().first() {
        Some(b'n') => return Ok(None),
        Some(b'"') => {
            let s: String = serde_json::from_str(json)
                .map_err(|e| RowError::new(column, format!("malformed JSON: {e}")))?;
            return Ok((!s.trim().is_empty()).then_some(s));
        }
        Some(b't' | b'f') if boolean => return Ok(Some(json.to_string())),
        Some(b't' | b'f') => "a boolean",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        _ => return Ok(Some(json.to_string())),
    };
    Err(RowError::new(
        column,
        format!("wrong_type: expected text, found {found}"),
    ))
}

pub(super) fn fields(m: &Mapping, line: &[u8]) -> Result<Fields, RowError> {
    if line.len() > limits::ROW_BYTES_MAX {
        return Err(too_long(line.len()));
    }
    let s = std::str::from_utf8(line)
        .map_err(|e| RowError::new("", format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let obj: Object =
        serde_json::from_str(s).map_err(|e| match serde_json::from_str::<&RawValue>(s) {
            Ok(_) => RowError::new("", "a JSON Lines record must be an object"),
            Err(_) => RowError::new("", format!("malformed JSON: {e}")),
        })?;
    m.columns
        .iter()
        .zip(&m.booleans)
        .map(|(c, boolean)| lookup(&obj, c)?.map_or(Ok(None), |v| text(v, c, *boolean)))
        .collect()
}

/// A line holding bytes that are invalid in the declared encoding.
pub(super) fn undecodable(name: &str) -> RowError {
    RowError::new("", format!("bytes that are invalid in {name}"))
}

/// Refuses, by its first line, a file that is one JSON document rather
/// than an object a line: an array, or an object written over many lines.
/// Read as JSON Lines, every line of it would be quarantined as malformed.
fn not_json_lines(m: &Mapping, first: &[u8]) -> Result<(), IngestError> {
    let what = match first {
        [b'[', ..] => "a JSON array",
        b"{" => "one JSON object written over many lines",
        _ => return Ok(()),
    };
    Err(refuse(
        m,
        "not_json_lines",
        format!("the file is {what}, not JSON Lines (one object on each line)"),
    ))
}

/// Reads one line into `buf`, keeping at most `row_bytes_max` bytes of it
/// and reading past the rest, so that a line of any length is never held
/// whole. Returns the line's length in the source.
fn read_line_kept<R: BufRead>(r: &mut R, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut n = 0;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(n);
        }
        let (used, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        // Room for the line break, which is no part of the record.
        let room = (limits::ROW_BYTES_MAX + 2).saturating_sub(buf.len());
        buf.extend_from_slice(chunk.get(..used.min(room)).unwrap_or_default());
        r.consume(used);
        n += used;
        if done {
            return Ok(n);
        }
    }
}

pub(super) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let mut r = std::io::BufReader::with_capacity(1 << 20, open_text(m, false)?);
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u64;
    let mut end = 0u64;
    let mut begun = false;
    loop {
        buf.clear();
        let n = read_line_kept(&mut r, &mut buf).map_err(|e| read_error(m, e))?;
        let cut = n > buf.len();
        if n == 0 {
            return Ok(());
        }
        line += 1;
        end += n as u64;
        let text = r.get_mut();
        let invalid = (text.invalid_before(end) > 0).then(|| text.encoding_name());
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        // Files joined end to end bring each one's byte-order mark along.
        if buf.starts_with(b"\xef\xbb\xbf") {
            buf.drain(..3);
        }
        if cut {
            buf.push(CUT);
            each(Record {
                line,
                raw: Raw::Bytes(buf.clone()),
                size: n as u64,
                fields: Err(too_long(n)),
                header: None,
            })?;
            continue;
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if !begun {
            begun = true;
            not_json_lines(m, buf.trim_ascii())?;
        }
        let fields = if let Some(name) = invalid {
            Err(undecodable(name))
        } else {
            fields(m, &buf)
        };
        each(Record {
            line,
            raw: Raw::Bytes(buf.clone()),
            size: n as u64,
            fields,
            header: None,
        })?;
    }
}
