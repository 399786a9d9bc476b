//! Parquet through the row API: flat columns, any physical type.

use clearstone_model::Timestamp;
use clearstone_text::Date;
use parquet::basic::{LogicalType, TimeUnit};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use super::{Raw, Record, open, refuse, unreadable};
use crate::mapping::Mapping;
use crate::{IngestError, RowError};

/// A column's value as text. A group, list or map is no text value (its
/// printed form would land as if it were one), and bytes that are not UTF-8
/// are not text: either quarantines the row, naming the column.
fn text(f: &Field, column: &str, time: Option<Instant>) -> Result<Option<String>, RowError> {
    let wrong = |found: &str| {
        Err(RowError::new(
            column,
            format!("wrong_type: expected text, found {found}"),
        ))
    };
    Ok(Some(match f {
        Field::Null => return Ok(None),
        Field::Group(_) => return wrong("a group"),
        Field::ListInternal(_) => return wrong("a list"),
        Field::MapInternal(_) => return wrong("a map"),
        Field::TimestampMillis(v) | Field::TimestampMicros(v) | Field::Long(v)
            if let Some(t) = time =>
        {
            t.show(*v)
        }
        Field::Str(s) => s.clone(),
        Field::Bool(b) => b.to_string(),
        Field::Byte(v) => v.to_string(),
        Field::Short(v) => v.to_string(),
        Field::Int(v) => v.to_string(),
        Field::Long(v) => v.to_string(),
        Field::UByte(v) => v.to_string(),
        Field::UShort(v) => v.to_string(),
        Field::UInt(v) => v.to_string(),
        Field::ULong(v) => v.to_string(),
        Field::Float(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Date(days) => {
            Date::from_days(i64::from(*days)).map_or_else(|_| days.to_string(), |d| d.to_string())
        }
        Field::TimestampMillis(ms) => Timestamp(*ms).to_string(),
        Field::TimestampMicros(us) => Timestamp(us.div_euclid(1000)).to_string(),
        Field::Bytes(b) => match std::str::from_utf8(b.data()) {
            Ok(s) => s.to_string(),
            Err(e) => {
                return Err(RowError::new(
                    column,
                    format!(
                        "bytes that are not UTF-8 text (at byte {})",
                        e.valid_up_to()
                    ),
                ));
            }
        },
        other => other.to_string(),
    }))
}

/// How a timestamp column is written: its unit (as digits of a second) and
/// whether it is an instant in UTC or a local time, which the row reader
/// does not tell apart (it gives nanoseconds as a bare integer, and
/// microseconds and local times as if they were UTC milliseconds).
#[derive(Clone, Copy)]
struct Instant {
    digits: u32,
    utc: bool,
}

impl Instant {
    fn of(t: Option<&LogicalType>) -> Option<Self> {
        let Some(LogicalType::Timestamp(t)) = t else {
            return None;
        };
        let digits = match t.unit {
            TimeUnit::MILLIS => 3,
            TimeUnit::MICROS => 6,
            TimeUnit::NANOS => 9,
        };
        Some(Self {
            digits,
            utc: t.is_adjusted_to_u_t_c,
        })
    }

    /// RFC 3339 to the column's precision; a local time has no `Z`.
    fn show(self, v: i64) -> String {
        let per_second = 10i64.pow(self.digits);
        let secs = v.div_euclid(per_second);
        let fraction = v.rem_euclid(per_second);
        let of_day = secs.rem_euclid(86_400);
        let Ok(day) = Date::from_days(secs.div_euclid(86_400)) else {
            return v.to_string();
        };
        format!(
            "{day}T{:02}:{:02}:{:02}.{fraction:0width$}{}",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60,
            if self.utc { "Z" } else { "" },
            width = self.digits as usize
        )
    }
}

/// A Parquet file starts and ends with `PAR1`; the footer before the last one
/// holds the schema, so a file cut short says so before the reader's own,
/// vaguer, complaint.
fn check_ends(m: &Mapping, file: &std::fs::File) -> Result<(), IngestError> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |source| IngestError::Io {
        path: m.source_path.display().to_string(),
        source,
    };
    let len = file.metadata().map_err(io)?.len();
    if len == 0 {
        return Err(refuse(m, "empty_file", "empty file"));
    }
    let mut f = file;
    let mut at = |from: SeekFrom| -> Option<[u8; 4]> {
        let mut magic = [0u8; 4];
        f.seek(from).ok()?;
        f.read_exact(&mut magic).ok()?;
        Some(magic)
    };
    let head_ok = at(SeekFrom::Start(0)).is_some_and(|h| &h == MAGIC);
    let tail_ok = len >= 8 && at(SeekFrom::End(-4)).is_some_and(|t| &t == MAGIC);
    match (head_ok, tail_ok) {
        (true, true) => Ok(()),
        (true, false) => Err(refuse(
            m,
            "truncated_parquet",
            "truncated Parquet (no footer): the file ends before its footer, so nothing in it can be read",
        )),
        (false, _) => Err(refuse(
            m,
            "not_parquet",
            "not a Parquet file (it does not start with `PAR1`)",
        )),
    }
}

const MAGIC: &[u8; 4] = b"PAR1";

/// The mapped columns of a row that did not read as text, as the JSON object
/// quarantine keeps Parquet rows in: text where a column reads as text, else
/// its JSON form, so that nothing of it is lost.
fn quarantined_row(
    m: &Mapping,
    idx: &[usize],
    times: &[Option<Instant>],
    all: &[&Field],
) -> Vec<u8> {
    let obj: serde_json::Map<String, serde_json::Value> = idx
        .iter()
        .zip(&m.columns)
        .zip(times)
        .map(|((j, c), time)| {
            let v = match all.get(*j) {
                None | Some(Field::Null) => serde_json::Value::Null,
                // Replay finds the replacement character and keeps the row.
                Some(Field::Bytes(b)) => {
                    serde_json::Value::String(String::from_utf8_lossy(b.data()).into_owned())
                }
                // A group, list or map is kept printed inside an object,
                // which replay refuses as the wrong type again.
                Some(f) => match text(f, c, *time) {
                    Ok(Some(s)) => serde_json::Value::String(s),
                    _ => serde_json::json!({ "printed": f.to_string() }),
                },
            };
            (c.clone(), v)
        })
        .collect();
    serde_json::Value::Object(obj).to_string().into_bytes()
}

pub(super) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let file = open(m)?;
    check_ends(m, &file)?;
    let reader = SerializedFileReader::new(file).map_err(|e| unreadable(m, e.to_string()))?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let names: Vec<String> = schema
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let idx: Vec<usize> = m
        .columns
        .iter()
        .map(|c| {
            names.iter().position(|n| n == c).ok_or_else(|| {
                refuse(
                    m,
                    "missing_columns",
                    format!(
                        "column `{c}` named by `{}` is not in the file",
                        m.path.display()
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let fields_of = schema.root_schema().get_fields();
    let times: Vec<Option<Instant>> = idx
        .iter()
        .map(|j| {
            fields_of
                .get(*j)
                .and_then(|f| Instant::of(f.get_basic_info().logical_type_ref()))
        })
        .collect();
    let rows = reader
        .get_row_iter(None)
        .map_err(|e| unreadable(m, e.to_string()))?;
    for (i, row) in rows.enumerate() {
        let row = row.map_err(|e| unreadable(m, format!("row {}: {e}", i + 1)))?;
        let all: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
        let fields: Result<Vec<Option<String>>, RowError> = idx
            .iter()
            .zip(&m.columns)
            .zip(&times)
            .map(|((j, c), t)| all.get(*j).map_or(Ok(None), |f| text(f, c, *t)))
            .collect();
        let size = fields
            .iter()
            .flatten()
            .flatten()
            .map(|v| v.len() as u64 + 1)
            .sum();
        // A row that cannot be read as text is kept as the columns that can.
        let raw = match &fields {
            Ok(_) => Raw::Columns,
            Err(_) => Raw::Bytes(quarantined_row(m, &idx, &times, &all)),
        };
        each(Record {
            line: i as u64 + 1,
            raw,
            size,
            fields,
            header: None,
        })?;
    }
    Ok(())
}
