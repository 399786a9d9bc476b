//! Parquet through the row API: flat columns, any physical type.

use clearstone_model::Timestamp;
use clearstone_text::Date;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use super::{Raw, Record, open, unreadable};
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

pub(super) fn read(
    m: &Mapping,
    each: &mut dyn FnMut(Record) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let reader = SerializedFileReader::new(open(m)?).map_err(|e| unreadable(m, e.to_string()))?;
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
