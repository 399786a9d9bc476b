//! Disclosure (s.62 `disclose`): statements out in open formats. Columns are
//! documented in `docs/storage.md`; every format carries the same ones.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use clearstone_model::{Statement, limits};
use clearstone_store::{ResolutionStore, Store, StoreError};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use clearstone_policy::Action;

use crate::disclose::{Destination, Disclosed, Disclosure};
use crate::{EngineError, Session};

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

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
            Self::Parquet => "parquet",
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
    /// Writes every statement this session may export, gated one by one, to
    /// `to` as a disclosure to `d.recipient` (see `disclose.rs`): the event
    /// names every record and canonical id written and the hash of the bytes,
    /// and is committed before the bytes leave.
    pub fn export_statements(
        &self,
        format: ExportFormat,
        to: Destination<'_>,
        d: &Disclosure<'_>,
    ) -> Result<u64, EngineError> {
        let query = format!("export statements {}", format.as_str());
        let done = self.disclose(&query, d, to, |out| self.write_statements(format, out))?;
        Ok(done.count)
    }

    fn write_statements(
        &self,
        format: ExportFormat,
        out: Box<dyn Write + Send>,
    ) -> Result<Disclosed, EngineError> {
        let store = self.engine.store()?;
        let mut counts = crate::GateCounts::default();
        let mut concerns = crate::read::Concerns::default();
        let mut targets = crate::gate::Targets::default();
        let load = |id: &str| store.entity_statements(id, limits::ENTITY_STATEMENTS_MAX);
        let mut records = BTreeSet::new();
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
            if !records.contains(&*s.entity_id) {
                records.insert(s.entity_id.to_string());
            }
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
        // Each record's canonical id too, so that the log answers for either.
        let mut subjects = records.clone();
        for r in &records {
            if let Some((_, canonical)) = store.canonical_of(r)? {
                subjects.insert(canonical);
            }
        }
        drop(store);
        let n = counts.allowed + counts.masked;
        Ok(Disclosed {
            subjects,
            count: n,
            outcome: format!("{n} statements ({} masked)", counts.masked),
            concerns: concerns.into_list(),
        })
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
