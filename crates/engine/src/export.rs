//! Disclosure (s.62 `disclose`): statements out in open formats. Columns are
//! documented in `docs/storage.md`; every format carries the same ones.

use std::io::Write;
use std::sync::Arc;

use clearstone_model::{Statement, limits};
use clearstone_store::{Store, StoreError};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use clearstone_policy::Action;

use crate::{EngineError, Operation, Session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
    Parquet,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "jsonl" => Some(Self::JsonLines),
            "parquet" => Some(Self::Parquet),
            _ => None,
        }
    }
}

pub(crate) const COLUMNS: [&str; 14] = [
    "id",
    "entity_id",
    "schema",
    "prop",
    "value",
    "original_value",
    "dataset",
    "source",
    "record",
    "first_seen",
    "last_seen",
    "markings",
    "subject_category",
    "kind",
];

fn row(s: &Statement) -> [Option<String>; 14] {
    [
        Some(s.id.to_string()),
        Some(s.entity_id.to_string()),
        Some(s.schema.to_string()),
        Some(s.prop.to_string()),
        Some(s.value.clone()),
        s.original_value.clone(),
        Some(s.dataset.to_string()),
        Some(s.origin.source.to_string()),
        Some(s.origin.record.to_string()),
        Some(s.first_seen.to_string()),
        Some(s.last_seen.to_string()),
        Some(s.markings.to_string()),
        s.subject_category.map(|c| c.as_str().to_string()),
        Some(s.kind.as_str().to_string()),
    ]
}

/// Rows per Parquet row group: big enough for good compression, small enough
/// to keep the export's memory flat.
const ROW_GROUP_ROWS: usize = 65_536;

fn werr(e: impl std::fmt::Display) -> StoreError {
    StoreError::Aborted(format!("export failed: {e}"))
}

impl Session<'_> {
    /// Writes every statement to `out`. A disclosure names its recipient.
    pub fn export_statements(
        &self,
        format: ExportFormat,
        out: Box<dyn Write + Send>,
        recipient: &str,
    ) -> Result<u64, EngineError> {
        if recipient.trim().is_empty() {
            return Err(EngineError::RecipientRequired);
        }
        let store = self.engine.store()?;
        let mut counts = crate::GateCounts::default();
        let mut concerns = crate::read::Concerns::default();
        let mut targets = crate::gate::Targets::default();
        let load = |id: &str| store.entity_statements(id, limits::ENTITY_STATEMENTS_MAX);
        // Each statement passes the gate on its own: what may not be seen is
        // not written, special-category values go out masked, and a
        // reference to a record that may not be seen goes with the record.
        let mut gated = |s: Statement| -> Result<Option<Statement>, StoreError> {
            let found = self.concerns_in(&s);
            let (mut out, c) = self.gate(Action::Export, vec![s], None);
            counts.masked += c.masked;
            counts.denied += c.denied;
            let Some(s) = out.pop() else {
                return Ok(None);
            };
            if self.hides_target(Action::Export, &s, &mut targets, &load)? {
                return Ok(None);
            }
            counts.allowed += c.allowed;
            concerns.note(&s.entity_id, found);
            Ok(Some(s))
        };
        match format {
            ExportFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(COLUMNS).map_err(werr)?;
                store.for_each_statement(&mut |s| match gated(s)? {
                    Some(s) => w
                        .write_record(row(&s).iter().map(|v| v.as_deref().unwrap_or("")))
                        .map_err(werr),
                    None => Ok(()),
                })?;
                w.flush().map_err(werr)?;
            }
            ExportFormat::JsonLines => {
                let mut w = std::io::BufWriter::new(out);
                store.for_each_statement(&mut |s| {
                    let Some(s) = gated(s)? else { return Ok(()) };
                    let obj: serde_json::Map<String, serde_json::Value> = COLUMNS
                        .iter()
                        .zip(row(&s))
                        .map(|(k, v)| {
                            (
                                k.to_string(),
                                v.map_or(serde_json::Value::Null, serde_json::Value::String),
                            )
                        })
                        .collect();
                    serde_json::to_writer(&mut w, &obj).map_err(werr)?;
                    w.write_all(b"\n").map_err(werr)
                })?;
                w.flush().map_err(werr)?;
            }
            ExportFormat::Parquet => {
                let mut pw = ParquetOut::new(out).map_err(werr)?;
                store.for_each_statement(&mut |s| match gated(s)? {
                    Some(s) => pw.push(&s).map_err(werr),
                    None => Ok(()),
                })?;
                pw.finish().map_err(werr)?;
            }
        }
        drop(store);
        let n = counts.allowed + counts.masked;
        self.record_monitored(
            Operation::Disclose,
            "export statements",
            &[],
            Some(recipient),
            &format!("{n} statements ({} masked)", counts.masked),
            &concerns.into_list(),
        )?;
        Ok(n)
    }
}

struct ParquetOut {
    writer: SerializedFileWriter<Box<dyn Write + Send>>,
    columns: Vec<Vec<Option<String>>>,
}

impl ParquetOut {
    fn new(out: Box<dyn Write + Send>) -> parquet::errors::Result<Self> {
        let fields: String = COLUMNS
            .iter()
            .map(|c| {
                let rep = if matches!(*c, "original_value" | "subject_category") {
                    "OPTIONAL"
                } else {
                    "REQUIRED"
                };
                format!("{rep} BYTE_ARRAY {c} (UTF8); ")
            })
            .collect();
        let schema = Arc::new(parse_message_type(&format!(
            "message statement {{ {fields}}}"
        ))?);
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build(),
        );
        Ok(Self {
            writer: SerializedFileWriter::new(out, schema, props)?,
            columns: vec![Vec::with_capacity(ROW_GROUP_ROWS); COLUMNS.len()],
        })
    }

    fn push(&mut self, s: &Statement) -> parquet::errors::Result<()> {
        for (col, v) in self.columns.iter_mut().zip(row(s)) {
            col.push(v);
        }
        if self.columns.first().map_or(0, Vec::len) >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> parquet::errors::Result<()> {
        if self.columns.first().is_none_or(Vec::is_empty) {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group()?;
        let mut i = 0;
        while let Some(mut col) = rg.next_column()? {
            let values = self
                .columns
                .get_mut(i)
                .map(std::mem::take)
                .unwrap_or_default();
            let defs: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
            let data: Vec<ByteArray> = values
                .into_iter()
                .flatten()
                .map(|v| ByteArray::from(v.into_bytes()))
                .collect();
            let optional = col
                .typed::<ByteArrayType>()
                .get_descriptor()
                .max_def_level()
                > 0;
            col.typed::<ByteArrayType>().write_batch(
                &data,
                optional.then_some(defs.as_slice()),
                None,
            )?;
            col.close()?;
            i += 1;
        }
        rg.close()?;
        Ok(())
    }

    fn finish(mut self) -> parquet::errors::Result<()> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }
}
