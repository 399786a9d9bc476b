//! Streaming writers for the three source formats, plus the ground-truth and
//! bad-row files. Everything goes through buffered writers a row at a time,
//! so memory does not grow with scale.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::DemoError;
use crate::rng::{Rng, mix};
use crate::truth::Truth;

/// Share of rows deliberately broken so quarantine has something to show.
const BAD_RATE: f64 = 0.002;

/// What is wrong with a deliberately bad row; the text is the quarantine
/// reason of docs/mapping.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    Columns,
    Utf8,
    Key,
    Date,
    Enum,
    Json,
}

impl Bad {
    pub fn reason(self) -> &'static str {
        match self {
            Bad::Columns => "wrong column count",
            Bad::Utf8 => "invalid utf-8",
            Bad::Key => "missing key",
            Bad::Date => "unparseable date",
            Bad::Enum => "invalid enum",
            Bad::Json => "malformed json",
        }
    }
}

const BAD_DATES: &[&str] = &[
    "N/K",
    "00/00/0000",
    "2021-13-45",
    "unknown",
    "TBC",
    "32/13/1990",
];
const BAD_CODES: &[&str] = &["ZZ", "??", "XX9", "Unknown code"];

/// Which columns of a row may be broken, and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    pub key: Option<usize>,
    pub date: Option<usize>,
    pub enumeration: Option<usize>,
    /// A text column that may be written in Latin-1 (invalid UTF-8).
    pub latin1: Option<usize>,
    pub columns: bool,
}

pub fn create(path: &Path) -> Result<File, DemoError> {
    File::create(path).map_err(|e| io(path, e))
}

pub fn io(path: &Path, e: std::io::Error) -> DemoError {
    DemoError::Io {
        path: path.display().to_string(),
        source: e,
    }
}

pub fn csv_field(s: &str, delim: u8) -> std::borrow::Cow<'_, str> {
    if s.bytes()
        .any(|b| b == delim || b == b'"' || b == b'\n' || b == b'\r')
    {
        std::borrow::Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Decides, per file, which rows are broken: about one in 500, and always
/// one early row so small test runs have some.
struct BadRoll {
    rng: Rng,
    forced: u64,
    kinds: Vec<Bad>,
}

impl BadRoll {
    fn new(seed: u64, file: &str, kinds: Vec<Bad>) -> Self {
        let tag = file.bytes().fold(0u64, |h, b| mix(h ^ u64::from(b)));
        let mut rng = Rng::for_item(seed, 0xBAD, tag);
        let forced = 3 + rng.below(20);
        Self { rng, forced, kinds }
    }

    fn roll(&mut self, row: u64) -> Option<Bad> {
        if self.kinds.is_empty() {
            return None;
        }
        let hit = self.rng.chance(BAD_RATE) || row == self.forced;
        hit.then(|| self.rng.pick(&self.kinds))
    }

    fn pick_str(&mut self, from: &[&'static str]) -> &'static str {
        self.rng.pick(from)
    }
}

pub struct Csv {
    name: String,
    path: PathBuf,
    w: BufWriter<File>,
    delim: u8,
    header: Vec<&'static str>,
    line: u64,
    rows: u64,
    roll: BadRoll,
}

impl Csv {
    /// `bad` lists the kinds of broken row this file may contain.
    pub fn create(
        dir: &Path,
        name: &str,
        delim: u8,
        bom: bool,
        header: &[&'static str],
        seed: u64,
        bad: &[Bad],
    ) -> Result<Self, DemoError> {
        let path = dir.join(name);
        let mut w = BufWriter::with_capacity(1 << 16, create(&path)?);
        if bom {
            w.write_all(b"\xEF\xBB\xBF").map_err(|e| io(&path, e))?;
        }
        let mut csv = Self {
            name: name.to_string(),
            path,
            w,
            delim,
            header: header.to_vec(),
            line: 0,
            rows: 0,
            roll: BadRoll::new(seed, name, bad.to_vec()),
        };
        csv.write_fields(header, None)?;
        Ok(csv)
    }

    fn write_fields<S: AsRef<str>>(
        &mut self,
        fields: &[S],
        latin1: Option<usize>,
    ) -> Result<(), DemoError> {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.w
                    .write_all(&[self.delim])
                    .map_err(|e| io(&self.path, e))?;
            }
            let f = csv_field(f.as_ref(), self.delim);
            let bytes = if latin1 == Some(i) {
                to_latin1(&f)
            } else {
                f.as_bytes().to_vec()
            };
            self.w.write_all(&bytes).map_err(|e| io(&self.path, e))?;
        }
        self.w.write_all(b"\n").map_err(|e| io(&self.path, e))?;
        self.line += 1;
        Ok(())
    }

    /// Writes one row, maybe breaking it as `faults` allows. Returns whether
    /// the row is good (and so belongs in the ground truth).
    pub fn row(
        &mut self,
        truth: &mut Truth,
        mut fields: Vec<String>,
        faults: Faults,
    ) -> Result<bool, DemoError> {
        debug_assert_eq!(fields.len(), self.header.len(), "{}", self.name);
        self.rows += 1;
        let allowed = |b: &Bad| match b {
            Bad::Columns => faults.columns,
            Bad::Utf8 => faults.latin1.is_some(),
            Bad::Key => faults.key.is_some(),
            Bad::Date => faults.date.is_some(),
            Bad::Enum => faults.enumeration.is_some(),
            Bad::Json => false,
        };
        let bad = self.roll.roll(self.rows).filter(allowed);
        let mut latin1 = None;
        let mut column = "";
        match bad {
            Some(Bad::Columns) => {
                fields.pop();
            }
            Some(Bad::Utf8) => {
                latin1 = faults.latin1;
                if let Some(c) = faults.latin1
                    && let Some(f) = fields.get_mut(c)
                {
                    if f.is_ascii() {
                        // Force a non-ASCII letter so Latin-1 differs from UTF-8.
                        f.push('é');
                    }
                    column = self.header[c];
                }
            }
            Some(Bad::Key) => {
                if let Some(c) = faults.key {
                    fields[c].clear();
                    column = self.header[c];
                }
            }
            Some(Bad::Date) => {
                if let Some(c) = faults.date {
                    fields[c] = self.roll.pick_str(BAD_DATES).to_string();
                    column = self.header[c];
                }
            }
            Some(Bad::Enum) => {
                if let Some(c) = faults.enumeration {
                    fields[c] = self.roll.pick_str(BAD_CODES).to_string();
                    column = self.header[c];
                }
            }
            Some(Bad::Json) | None => {}
        }
        self.write_fields(&fields, latin1)?;
        if let Some(b) = bad {
            truth.bad(&self.name, self.line, column, b)?;
        }
        Ok(bad.is_none())
    }

    pub fn finish(mut self) -> Result<(String, u64), DemoError> {
        self.w.flush().map_err(|e| io(&self.path, e))?;
        Ok((self.name, self.rows))
    }
}

fn to_latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// A JSON object built field by field, in a fixed order.
#[derive(Debug, Default, Clone)]
pub struct Json {
    buf: String,
}

impl Json {
    pub fn new() -> Self {
        Self::default()
    }

    fn key(&mut self, k: &str) {
        self.buf.push(if self.buf.is_empty() { '{' } else { ',' });
        push_json_str(&mut self.buf, k);
        self.buf.push(':');
    }

    pub fn str(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        push_json_str(&mut self.buf, v);
        self
    }

    /// An empty value becomes `null`, as exporting systems write it.
    pub fn opt(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        if v.is_empty() {
            self.buf.push_str("null");
        } else {
            push_json_str(&mut self.buf, v);
        }
        self
    }

    pub fn obj(mut self, k: &str, v: Json) -> Self {
        self.key(k);
        self.buf.push_str(&v.finish());
        self
    }

    /// An array of objects.
    pub fn arr(mut self, k: &str, items: Vec<Json>) -> Self {
        self.key(k);
        self.buf.push('[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.buf.push_str(&item.finish());
        }
        self.buf.push(']');
        self
    }

    pub fn num(mut self, k: &str, v: u64) -> Self {
        self.key(k);
        self.buf.push_str(&v.to_string());
        self
    }

    pub(crate) fn finish(mut self) -> String {
        if self.buf.is_empty() {
            self.buf.push('{');
        }
        self.buf.push('}');
        self.buf
    }
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Which fields of a JSON record may be broken; values are field paths
/// (`a.b`) for the bad-rows file.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonFaults {
    pub key: Option<&'static str>,
    pub date: Option<&'static str>,
    pub enumeration: Option<&'static str>,
}

pub struct Jsonl {
    name: String,
    path: PathBuf,
    w: BufWriter<File>,
    line: u64,
    roll: BadRoll,
}

impl Jsonl {
    pub fn create(dir: &Path, name: &str, seed: u64, bad: &[Bad]) -> Result<Self, DemoError> {
        let path = dir.join(name);
        Ok(Self {
            name: name.to_string(),
            w: BufWriter::with_capacity(1 << 16, create(&path)?),
            path,
            line: 0,
            roll: BadRoll::new(seed, name, bad.to_vec()),
        })
    }

    /// Rolls for a broken record before it is built, since a bad value has
    /// to go in while building. `Bad::Json` is applied by `write`.
    pub fn roll(&mut self, faults: JsonFaults) -> Option<Bad> {
        let allowed = |b: &Bad| match b {
            Bad::Key => faults.key.is_some(),
            Bad::Date => faults.date.is_some(),
            Bad::Enum => faults.enumeration.is_some(),
            Bad::Json => true,
            Bad::Columns | Bad::Utf8 => false,
        };
        self.roll.roll(self.line + 1).filter(allowed)
    }

    pub fn bad_date(&mut self) -> &'static str {
        self.roll.pick_str(BAD_DATES)
    }

    pub fn bad_code(&mut self) -> &'static str {
        self.roll.pick_str(BAD_CODES)
    }

    /// Writes a record; with `bad` set, records it (and for `Bad::Json`
    /// truncates the line). Returns whether the record is good.
    pub fn write(
        &mut self,
        truth: &mut Truth,
        obj: Json,
        bad: Option<Bad>,
        faults: JsonFaults,
    ) -> Result<bool, DemoError> {
        let mut s = obj.finish();
        if bad == Some(Bad::Json) {
            // A record cut short mid-export.
            let cut = s.len() * 2 / 3;
            let cut = (0..=cut)
                .rev()
                .find(|i| s.is_char_boundary(*i))
                .unwrap_or(0);
            s.truncate(cut);
        }
        s.push('\n');
        self.w
            .write_all(s.as_bytes())
            .map_err(|e| io(&self.path, e))?;
        self.line += 1;
        if let Some(b) = bad {
            let column = match b {
                Bad::Key => faults.key,
                Bad::Date => faults.date,
                Bad::Enum => faults.enumeration,
                _ => None,
            };
            truth.bad(&self.name, self.line, column.unwrap_or(""), b)?;
        }
        Ok(bad.is_none())
    }

    pub fn finish(mut self) -> Result<(String, u64), DemoError> {
        self.w.flush().map_err(|e| io(&self.path, e))?;
        Ok((self.name, self.line))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PqKind {
    Str,
    F64,
    I32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PqVal {
    S(String),
    F(f64),
    I(i32),
    Null,
}

enum ColBuf {
    S(Vec<ByteArray>, Vec<i16>),
    F(Vec<f64>, Vec<i16>),
    I(Vec<i32>, Vec<i16>),
}

/// Rows per row group: bounds memory while keeping groups a useful size.
const ROW_GROUP_ROWS: usize = 65_536;

/// A Parquet file written through the low-level column API, one row group
/// at a time. Every column is OPTIONAL so missing values are real nulls.
pub struct Parquet {
    name: String,
    writer: SerializedFileWriter<File>,
    bufs: Vec<ColBuf>,
    pending: usize,
    rows: u64,
}

fn pq(name: &str, e: parquet::errors::ParquetError) -> DemoError {
    DemoError::Parquet {
        file: name.to_string(),
        message: e.to_string(),
    }
}

impl Parquet {
    pub fn create(dir: &Path, name: &str, columns: &[(&str, PqKind)]) -> Result<Self, DemoError> {
        let path = dir.join(name);
        let mut schema = String::from("message record {\n");
        for (c, k) in columns {
            let t = match k {
                PqKind::Str => "BYTE_ARRAY",
                PqKind::F64 => "DOUBLE",
                PqKind::I32 => "INT32",
            };
            let ann = if *k == PqKind::Str { " (UTF8)" } else { "" };
            schema.push_str(&format!("  OPTIONAL {t} {c}{ann};\n"));
        }
        schema.push('}');
        let schema = Arc::new(parse_message_type(&schema).map_err(|e| pq(name, e))?);
        // A fixed created_by keeps files byte-identical across parquet versions
        // as far as we control it.
        let props = Arc::new(
            WriterProperties::builder()
                .set_created_by("clearstone-demo".to_string())
                .set_compression(Compression::UNCOMPRESSED)
                .build(),
        );
        let writer =
            SerializedFileWriter::new(create(&path)?, schema, props).map_err(|e| pq(name, e))?;
        let bufs = columns
            .iter()
            .map(|(_, k)| match k {
                PqKind::Str => ColBuf::S(Vec::new(), Vec::new()),
                PqKind::F64 => ColBuf::F(Vec::new(), Vec::new()),
                PqKind::I32 => ColBuf::I(Vec::new(), Vec::new()),
            })
            .collect();
        Ok(Self {
            name: name.to_string(),
            writer,
            bufs,
            pending: 0,
            rows: 0,
        })
    }

    pub fn row(&mut self, values: Vec<PqVal>) -> Result<(), DemoError> {
        for (buf, v) in self.bufs.iter_mut().zip(values) {
            match (buf, v) {
                (ColBuf::S(vals, defs), PqVal::S(s)) if !s.is_empty() => {
                    vals.push(ByteArray::from(s.into_bytes()));
                    defs.push(1);
                }
                (ColBuf::F(vals, defs), PqVal::F(f)) => {
                    vals.push(f);
                    defs.push(1);
                }
                (ColBuf::I(vals, defs), PqVal::I(i)) => {
                    vals.push(i);
                    defs.push(1);
                }
                (ColBuf::S(_, defs), _) | (ColBuf::F(_, defs), _) | (ColBuf::I(_, defs), _) => {
                    defs.push(0);
                }
            }
        }
        self.pending += 1;
        self.rows += 1;
        if self.pending >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DemoError> {
        if self.pending == 0 {
            return Ok(());
        }
        let name = self.name.clone();
        let mut rg = self.writer.next_row_group().map_err(|e| pq(&name, e))?;
        for buf in &mut self.bufs {
            let Some(mut col) = rg.next_column().map_err(|e| pq(&name, e))? else {
                return Err(DemoError::Parquet {
                    file: name,
                    message: "fewer columns than buffers".to_string(),
                });
            };
            match buf {
                ColBuf::S(v, d) => {
                    col.typed::<ByteArrayType>()
                        .write_batch(v, Some(d), None)
                        .map_err(|e| pq(&name, e))?;
                    v.clear();
                    d.clear();
                }
                ColBuf::F(v, d) => {
                    col.typed::<DoubleType>()
                        .write_batch(v, Some(d), None)
                        .map_err(|e| pq(&name, e))?;
                    v.clear();
                    d.clear();
                }
                ColBuf::I(v, d) => {
                    col.typed::<Int32Type>()
                        .write_batch(v, Some(d), None)
                        .map_err(|e| pq(&name, e))?;
                    v.clear();
                    d.clear();
                }
            }
            col.close().map_err(|e| pq(&name, e))?;
        }
        rg.close().map_err(|e| pq(&name, e))?;
        self.pending = 0;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(String, u64), DemoError> {
        self.flush()?;
        self.writer.close().map_err(|e| pq(&self.name, e))?;
        Ok((self.name, self.rows))
    }
}

pub fn s(v: impl Into<String>) -> PqVal {
    PqVal::S(v.into())
}
