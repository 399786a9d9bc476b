//! Parquet through the row API: flat columns, any physical type.

use clearstone_model::Timestamp;
use clearstone_text::Date;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use super::{Raw, Record, open, refuse, unreadable};
use crate::IngestError;
use crate::mapping::Mapping;

fn text(f: &Field) -> Option<String> {
    Some(match f {
        Field::Null => return None,
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
        Field::Bytes(b) => String::from_utf8_lossy(b.data()).into_owned(),
        other => other.to_string(),
    })
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
                unreadable(
                    m,
                    format!(
                        "column `{c}` named by `{}` is not in the file",
                        m.path.display()
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let rows = reader
        .get_row_iter(None)
        .map_err(|e| unreadable(m, e.to_string()))?;
    for (i, row) in rows.enumerate() {
        let row = row.map_err(|e| unreadable(m, format!("row {}: {e}", i + 1)))?;
        let all: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
        let fields: Vec<Option<String>> = idx
            .iter()
            .map(|j| all.get(*j).and_then(|f| text(f)))
            .collect();
        let size = fields.iter().flatten().map(|v| v.len() as u64 + 1).sum();
        each(Record {
            line: i as u64 + 1,
            raw: Raw::Columns,
            size,
            fields: Ok(fields),
            header: None,
        })?;
    }
    Ok(())
}
