//! Mapping files (`docs/mapping.md`): parsed strictly, then compiled against
//! the ontology so that every per-row decision is an index lookup.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clearstone_model::{Kind, Markings, Ontology, PropType, SubjectCategory, limits};
use clearstone_text::DateFormats;
use clearstone_text::name::NameOrder;
use serde::Deserialize;
use toml::Spanned;

use crate::IngestError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
    Parquet,
}

/// How the source file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
            Self::Parquet => "parquet",
        }
    }
}

/// The dataset register entry a mapping declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetInfo {
    pub name: String,
    pub title: String,
    pub owner: String,
    pub description: String,
    pub legal_basis: String,
    pub retention: String,
    pub markings: Markings,
}

/// A compiled mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub path: PathBuf,
    pub dataset: DatasetInfo,
    pub format: Format,
    /// The source as the mapping names it (kept in provenance).
    pub source_name: String,
    /// The source resolved against the mapping's folder.
    pub source_path: PathBuf,
    pub(crate) delimiter: u8,
    /// CSV: the quote character, `None` where quotes are plain text.
    pub(crate) quote: Option<u8>,
    /// CSV: whether the first row names the columns (else they are `1`, `2`, ...).
    pub(crate) header: bool,
    /// `None` for UTF-8, read as bytes so that invalid ones are kept as read.
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
    pub(crate) compression: Compression,
    /// Shared by every statement this mapping makes.
    pub(crate) dataset_name: Arc<str>,
    pub(crate) source_arc: Arc<str>,
    /// Every source column the mapping reads; values are addressed by slot.
    pub(crate) columns: Vec<String>,
    /// Per slot: whether a JSON boolean may stand there, because every value
    /// read from it maps `true` or `false`.
    pub(crate) booleans: Vec<bool>,
    pub(crate) entities: Vec<EntityMap>,
    /// The source's placeholders, trimmed and lowercase: a key that is one
    /// names no record.
    pub(crate) key_missing: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct EntityMap {
    pub name: String,
    pub schema: Arc<str>,
    pub keys: Vec<usize>,
    /// A key made from the record's line, after this constant (maybe empty).
    pub row_key: Option<String>,
    pub optional: bool,
    pub category: Option<CategorySpec>,
    pub kind: Kind,
    pub props: Vec<PropMap>,
    /// What the entity's keys and category carry (its properties may differ).
    pub markings: Arc<Markings>,
}

#[derive(Debug, Clone)]
pub(crate) enum CategorySpec {
    Constant(SubjectCategory),
    Column {
        slot: usize,
        map: BTreeMap<String, String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct PropMap {
    pub prop: Arc<str>,
    pub ty: PropType,
    pub allowed: Vec<String>,
    pub source: ValueSource,
    pub map: BTreeMap<String, String>,
    pub split: Option<String>,
    /// Read once here, so that a malformed format refuses the mapping.
    pub date_formats: DateFormats,
    pub upper: bool,
    pub markings: Arc<Markings>,
    /// Values that stand for "not known", trimmed and lowercase.
    pub missing: Vec<String>,
    /// Where the parts of a whole name go, when it is parsed.
    pub name_parts: Option<NameSplit>,
}

impl PropMap {
    /// Whether a value is one of the placeholders the source writes for
    /// "not known".
    pub fn is_missing(&self, value: &str) -> bool {
        is_placeholder(&self.missing, value)
    }
}

/// Whether `value` is one of `placeholders` (held trimmed and lowercase).
pub(crate) fn is_placeholder(placeholders: &[String], value: &str) -> bool {
    if placeholders.is_empty() {
        return false;
    }
    let v = crate::clean::trim(value);
    // ASCII is compared without allocating, as nearly every value is.
    placeholders.iter().any(|m| m.eq_ignore_ascii_case(v))
        || (!v.is_ascii() && placeholders.contains(&v.to_lowercase()))
}

/// The properties a parsed name's parts are written to: those of the
/// entity's type that the mapping does not fill from columns of its own.
#[derive(Debug, Clone)]
pub(crate) struct NameSplit {
    pub order: NameOrder,
    pub title: Option<Arc<str>>,
    pub first_name: Option<Arc<str>>,
    pub middle_names: Option<Arc<str>>,
    pub last_name: Option<Arc<str>>,
    pub known_as: Option<Arc<str>>,
    pub previous_names: Option<Arc<str>>,
}

impl NameSplit {
    /// The properties parts are written to.
    pub fn props(&self) -> impl Iterator<Item = &Arc<str>> {
        [
            &self.title,
            &self.first_name,
            &self.middle_names,
            &self.last_name,
            &self.known_as,
            &self.previous_names,
        ]
        .into_iter()
        .flatten()
    }
}

#[derive(Debug, Clone)]
pub(crate) enum ValueSource {
    Column(usize),
    Columns(Vec<usize>, String),
    Constant(String),
    /// Index of another entity mapped from the same row.
    SameRow(usize),
    ByKey {
        dataset: String,
        name: String,
        slots: Vec<usize>,
        /// The property of the record referred to that holds the value,
        /// when the column is not its key (see `lookup.rs`).
        by: Option<String>,
    },
}

impl ValueSource {
    /// The first column a value comes from, for naming it in errors.
    pub fn first_slot(&self) -> Option<usize> {
        match self {
            Self::Column(s) => Some(*s),
            Self::Columns(v, _) | Self::ByKey { slots: v, .. } => v.first().copied(),
            Self::Constant(_) | Self::SameRow(_) => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    version: u32,
    dataset: RawDataset,
    source: Spanned<RawSource>,
    entities: Vec<Spanned<RawEntity>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataset {
    name: Spanned<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    retention: String,
    markings: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    format: Spanned<String>,
    path: String,
    delimiter: Option<Spanned<String>>,
    quote: Option<Spanned<String>>,
    header: Option<Spanned<bool>>,
    encoding: Option<Spanned<String>>,
    compression: Option<Spanned<String>>,
    #[serde(default)]
    date_formats: Vec<String>,
    #[serde(default)]
    missing: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    name: String,
    schema: Spanned<String>,
    #[serde(default)]
    keys: Vec<String>,
    row_key: Option<Spanned<RawRowKey>>,
    #[serde(default)]
    optional: bool,
    subject_category: Option<Spanned<RawCategory>>,
    kind: Option<Spanned<String>>,
    markings: Option<Spanned<String>>,
    #[serde(default)]
    properties: BTreeMap<String, Spanned<RawValue>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRowKey {
    On(bool),
    Prefix(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCategory {
    Constant(String),
    Column {
        column: String,
        #[serde(default)]
        map: BTreeMap<String, String>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    column: Option<String>,
    columns: Option<Vec<String>>,
    join: Option<String>,
    constant: Option<String>,
    entity: Option<String>,
    by: Option<Spanned<String>>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    split: Option<String>,
    date_formats: Option<Vec<String>>,
    #[serde(default)]
    upper: bool,
    markings: Option<Spanned<String>>,
    missing: Option<Vec<String>>,
    name_order: Option<String>,
}

struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Cx<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> IngestError {
        let end = at.min(self.text.len());
        let line = self
            .text
            .get(..end)
            .map_or(1, |s| s.bytes().filter(|b| *b == b'\n').count() + 1);
        IngestError::Mapping {
            path: self.path.display().to_string(),
            line,
            message: message.into(),
        }
    }

    fn markings(&self, m: &Spanned<String>) -> Result<Markings, IngestError> {
        m.get_ref()
            .parse::<Markings>()
            .map_err(|e| self.err(m.span().start, e.to_string()))
    }
}

#[derive(Default)]
struct Slots {
    names: Vec<String>,
    booleans: Vec<bool>,
}

impl Slots {
    fn slot(&mut self, name: &str) -> usize {
        self.use_slot(name, false)
    }

    /// A slot, noting whether this use of it takes a JSON boolean.
    fn use_slot(&mut self, name: &str, boolean: bool) -> usize {
        if let Some(i) = self.names.iter().position(|c| c == name) {
            if let Some(b) = self.booleans.get_mut(i) {
                *b &= boolean;
            }
            return i;
        }
        self.names.push(name.to_string());
        self.booleans.push(boolean);
        self.names.len() - 1
    }
}

impl Mapping {
    /// Reads and compiles a mapping file against the ontology.
    pub fn load(path: &Path, ontology: &Ontology) -> Result<Self, IngestError> {
        let io = |source| IngestError::Io {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > limits::CONFIG_BYTES_MAX as u64 {
            return Err(IngestError::TooLarge {
                path: path.display().to_string(),
                limit: limits::CONFIG_BYTES_MAX,
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::compile(path, &text, ontology)
    }

    /// Compiles mapping text; `path` locates the source and names errors.
    pub fn compile(path: &Path, text: &str, ontology: &Ontology) -> Result<Self, IngestError> {
        let cx = Cx { path, text };
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            cx.err(
                e.span().map_or(0, |s| s.start),
                e.message().trim().to_string(),
            )
        })?;
        if raw.version != 1 {
            return Err(cx.err(
                0,
                format!("unsupported version `{}` (expected 1)", raw.version),
            ));
        }
        let d = &raw.dataset;
        let ds_name = d.name.get_ref().clone();
        if ds_name.is_empty()
            || !ds_name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(cx.err(
                d.name.span().start,
                format!("dataset name `{ds_name}` must be lower-case letters, digits and `_`"),
            ));
        }
        let ds_markings = match &d.markings {
            Some(m) => cx.markings(m)?,
            None => Markings::default(),
        };
        let dataset = DatasetInfo {
            name: ds_name.clone(),
            title: d.title.clone(),
            owner: d.owner.clone(),
            description: d.description.clone(),
            legal_basis: d.legal_basis.clone(),
            retention: d.retention.clone(),
            markings: ds_markings.clone(),
        };
        let src = raw.source.get_ref();
        let format = match src.format.get_ref().as_str() {
            "csv" => Format::Csv,
            "jsonl" => Format::JsonLines,
            "parquet" => Format::Parquet,
            other => {
                return Err(cx.err(
                    src.format.span().start,
                    format!("unknown format `{other}` (csv, jsonl, parquet)"),
                ));
            }
        };
        let delimiter = match &src.delimiter {
            None => b',',
            Some(d) => match d.get_ref().as_bytes() {
                [b] => *b,
                _ => {
                    return Err(cx.err(
                        d.span().start,
                        format!("delimiter `{}` must be one byte", d.get_ref()),
                    ));
                }
            },
        };
        let ReadOptions {
            quote,
            header,
            encoding,
            compression,
        } = read_options(&cx, src, format)?;
        if raw.entities.is_empty() {
            return Err(cx.err(
                raw.source.span().end,
                "a mapping needs at least one `[[entities]]`",
            ));
        }
        let mut slots = Slots::default();
        let names: Vec<&str> = raw
            .entities
            .iter()
            .map(|e| e.get_ref().name.as_str())
            .collect();
        let mut entities = Vec::with_capacity(raw.entities.len());
        for (i, se) in raw.entities.iter().enumerate() {
            let e = se.get_ref();
            let at = se.span().start;
            if names.iter().take(i).any(|n| *n == e.name) {
                return Err(cx.err(at, format!("entity name `{}` is used twice", e.name)));
            }
            let schema = e.schema.get_ref();
            let Some(et) = ontology.get(schema) else {
                return Err(cx.err(
                    e.schema.span().start,
                    format!("`{schema}` is not a type of the ontology"),
                ));
            };
            if et.is_abstract {
                return Err(cx.err(
                    e.schema.span().start,
                    format!("`{schema}` is abstract: map a concrete type"),
                ));
            }
            let row_key = match &e.row_key {
                None => None,
                Some(r) => match r.get_ref() {
                    RawRowKey::On(false) => None,
                    _ if !e.keys.is_empty() => {
                        return Err(cx.err(
                            r.span().start,
                            format!(
                                "entity `{}`: `keys` and `row_key` exclude each other",
                                e.name
                            ),
                        ));
                    }
                    RawRowKey::On(true) => Some(String::new()),
                    RawRowKey::Prefix(p) => Some(p.clone()),
                },
            };
            if e.keys.is_empty() && row_key.is_none() {
                return Err(cx.err(
                    at,
                    format!(
                        "entity `{}` needs at least one key column, or `row_key = true`",
                        e.name
                    ),
                ));
            }
            let keys = e.keys.iter().map(|k| slots.slot(k)).collect();
            let category = match (&e.subject_category, et.subject_category) {
                (None, true) => {
                    return Err(cx.err(at, format!("`{schema}` records need a `subject_category` (suspect, victim, witness, staff, child, other)")));
                }
                (Some(c), false) => {
                    return Err(cx.err(
                        c.span().start,
                        format!("`{schema}` has no subject category"),
                    ));
                }
                (None, false) => None,
                (Some(c), true) => Some(match c.get_ref() {
                    RawCategory::Constant(v) => {
                        CategorySpec::Constant(SubjectCategory::parse(v).ok_or_else(|| {
                            cx.err(c.span().start, format!("unknown subject category `{v}`"))
                        })?)
                    }
                    RawCategory::Column { column, map } => {
                        for v in map.values() {
                            if SubjectCategory::parse(v).is_none() {
                                return Err(cx.err(
                                    c.span().start,
                                    format!("unknown subject category `{v}`"),
                                ));
                            }
                        }
                        CategorySpec::Column {
                            slot: slots.slot(column),
                            map: map.clone(),
                        }
                    }
                }),
            };
            let kind = match &e.kind {
                None => Kind::Fact,
                Some(k) => Kind::parse(k.get_ref()).ok_or_else(|| {
                    cx.err(
                        k.span().start,
                        format!("unknown kind `{}` (fact, assessment)", k.get_ref()),
                    )
                })?,
            };
            let ent_markings = match &e.markings {
                Some(m) => cx.markings(m)?,
                None => ds_markings.clone(),
            };
            let mut props = Vec::with_capacity(e.properties.len());
            if e.properties.len() > limits::MAPPED_PROPERTIES_MAX {
                return Err(cx.err(
                    at,
                    format!(
                        "more than {} properties (mapped_properties_max)",
                        limits::MAPPED_PROPERTIES_MAX
                    ),
                ));
            }
            for (pname, sv) in &e.properties {
                let v = sv.get_ref();
                let pat = sv.span().start;
                let Some(prop) = et.property(pname) else {
                    return Err(cx.err(pat, format!("`{pname}` is not a property of `{schema}`")));
                };
                let given = [
                    v.column.is_some(),
                    v.columns.is_some(),
                    v.constant.is_some(),
                ]
                .iter()
                .filter(|b| **b)
                .count();
                let source = match (&v.entity, given) {
                    (None, 1) => {
                        let boolean = v.map.contains_key("true") || v.map.contains_key("false");
                        if let Some(c) = &v.column {
                            ValueSource::Column(slots.use_slot(c, boolean))
                        } else if let Some(cs) = &v.columns {
                            if cs.is_empty() {
                                return Err(cx.err(pat, format!("`{pname}`: `columns` is empty")));
                            }
                            ValueSource::Columns(cs.iter().map(|c| slots.use_slot(c, boolean)).collect(), v.join.clone().unwrap_or_else(|| " ".into()))
                        } else {
                            ValueSource::Constant(v.constant.clone().unwrap_or_default())
                        }
                    }
                    (Some(target), n) => {
                        if prop.ty != PropType::Entity {
                            return Err(cx.err(pat, format!("`{pname}` is a {} property, not an entity reference", prop.ty)));
                        }
                        match target.split_once(':') {
                            None if n == 0 => {
                                let Some(j) = names.iter().position(|x| x == target) else {
                                    return Err(cx.err(pat, format!("`{pname}` refers to `{target}`, which this mapping does not define")));
                                };
                                let tschema = raw.entities.get(j).map(|x| x.get_ref().schema.get_ref().as_str()).unwrap_or_default();
                                let range = prop.range.as_deref().unwrap_or_default();
                                if !ontology.is_a(tschema, range) {
                                    return Err(cx.err(pat, format!("`{pname}` must refer to a `{range}`, and `{target}` is a `{tschema}`")));
                                }
                                ValueSource::SameRow(j)
                            }
                            Some((ds, name)) if v.constant.is_none() && n == 1 => {
                                let cols: Vec<String> = v.column.iter().cloned().chain(v.columns.iter().flatten().cloned()).collect();
                                let by = reference_by(&cx, ontology, pname, prop, v)?;
                                ValueSource::ByKey { dataset: ds.to_string(), name: name.to_string(), slots: cols.iter().map(|c| slots.slot(c)).collect(), by }
                            }
                            _ => {
                                return Err(cx.err(pat, format!(
                                    "`{pname}`: a reference is `entity = \"<name>\"` (same row) or `entity = \"<dataset>:<name>\"` with `column`/`columns`"
                                )));
                            }
                        }
                    }
                    (None, _) => return Err(cx.err(pat, format!("`{pname}` needs exactly one of `column`, `columns`, `constant` or `entity`"))),
                };
                if let Some(by) = &v.by
                    && !matches!(&source, ValueSource::ByKey { by: Some(_), .. })
                {
                    return Err(cx.err(
                        by.span().start,
                        format!(
                            "`{pname}`: `by` needs `entity = \"<dataset>:<name>\"` and one `column`"
                        ),
                    ));
                }
                if prop.ty == PropType::Entity && v.entity.is_none() {
                    return Err(cx.err(
                        pat,
                        format!("`{pname}` is an entity reference: use `entity = ...`"),
                    ));
                }
                if prop.ty == PropType::Enum {
                    for m in v.map.values() {
                        if !prop.values.contains(m) {
                            return Err(cx.err(
                                pat,
                                format!("`{pname}`: `{m}` is not one of {:?}", prop.values),
                            ));
                        }
                    }
                }
                let markings = match &v.markings {
                    Some(m) => cx.markings(m)?,
                    None => ent_markings.clone(),
                };
                let formats = v.date_formats.as_ref().unwrap_or(&src.date_formats);
                let formats: Vec<&str> = if prop.ty != PropType::Date {
                    Vec::new()
                } else if formats.is_empty() {
                    vec!["iso"]
                } else {
                    formats.iter().map(String::as_str).collect()
                };
                let date_formats = DateFormats::new(&formats)
                    .map_err(|e| cx.err(pat, format!("`{pname}`: {e}")))?;
                let name_parts = name_split(&cx, pat, pname, v, schema, et, &e.properties)?;
                props.push(PropMap {
                    prop: pname.as_str().into(),
                    ty: prop.ty,
                    allowed: prop.values.clone(),
                    source,
                    map: v.map.clone(),
                    split: v.split.clone().filter(|s| !s.is_empty()),
                    date_formats,
                    upper: v.upper,
                    markings: Arc::new(markings),
                    missing: v
                        .missing
                        .as_ref()
                        .unwrap_or(&src.missing)
                        .iter()
                        .map(|m| m.trim().to_lowercase())
                        .collect(),
                    name_parts,
                });
            }
            entities.push(EntityMap {
                name: e.name.clone(),
                schema: schema.as_str().into(),
                keys,
                row_key,
                optional: e.optional,
                category,
                kind,
                props,
                markings: Arc::new(ent_markings),
            });
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Self {
            path: path.to_path_buf(),
            dataset,
            format,
            source_name: src.path.clone(),
            source_path: base.join(&src.path),
            delimiter,
            quote,
            header,
            encoding,
            compression,
            dataset_name: ds_name.as_str().into(),
            source_arc: src.path.as_str().into(),
            columns: slots.names,
            booleans: slots.booleans,
            entities,
            key_missing: src
                .missing
                .iter()
                .map(|m| m.trim().to_lowercase())
                .collect(),
        })
    }

    /// The source columns (or JSON fields) this mapping reads.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The entity types this mapping writes, each once, for permission checks.
    pub fn schemas(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.entities.iter().map(|e| &*e.schema).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The property a whole name is parsed into (`docs/mapping.md`, "Names"):
/// by default a `name` whose entity's type has `first_name` and `last_name`
/// and whose mapping fills neither; `name_order` declares the order, or
/// `"none"` keeps the name whole.
fn name_split(
    cx: &Cx<'_>,
    at: usize,
    pname: &str,
    v: &RawValue,
    schema: &str,
    et: &clearstone_model::EntityType,
    mapped: &BTreeMap<String, Spanned<RawValue>>,
) -> Result<Option<NameSplit>, IngestError> {
    let declared = match v.name_order.as_deref() {
        None => None,
        Some("none") => return Ok(None),
        Some(o) => Some(NameOrder::parse(o).ok_or_else(|| {
            cx.err(
                at,
                format!(
                    "`{pname}`: unknown name_order `{o}` (auto, given_first, family_first, none)"
                ),
            )
        })?),
    };
    let fits = pname == "name"
        && et.property("first_name").is_some()
        && et.property("last_name").is_some();
    let maps_parts = mapped.contains_key("first_name") || mapped.contains_key("last_name");
    match declared {
        None if !fits || maps_parts => return Ok(None),
        Some(_) if pname != "name" => {
            return Err(cx.err(at, format!("`{pname}`: `name_order` applies to `name`")));
        }
        Some(_) if !fits => {
            return Err(cx.err(
                at,
                format!(
                    "`name`: `{schema}` has no `first_name` and `last_name` to parse the name into"
                ),
            ));
        }
        Some(_) if maps_parts => {
            return Err(cx.err(
                at,
                "`name`: `name_order` parses the name into `first_name` and `last_name`, which this entity maps from columns of its own",
            ));
        }
        _ => {}
    }
    let target = |prop: &str| {
        (et.property(prop).is_some() && !mapped.contains_key(prop)).then(|| Arc::from(prop))
    };
    Ok(Some(NameSplit {
        order: declared.unwrap_or_default(),
        title: target("title"),
        first_name: target("first_name"),
        middle_names: target("middle_names"),
        last_name: target("last_name"),
        known_as: target("known_as"),
        previous_names: target("previous_names"),
    }))
}

/// How a source is read, beyond its format and delimiter.
struct ReadOptions {
    quote: Option<u8>,
    header: bool,
    encoding: Option<&'static encoding_rs::Encoding>,
    compression: Compression,
}

/// The property `by` names for a reference by a non-key column: one the
/// reference's target type (or a subtype) has, read from a single column.
fn reference_by(
    cx: &Cx<'_>,
    ontology: &Ontology,
    pname: &str,
    prop: &clearstone_model::Property,
    v: &RawValue,
) -> Result<Option<String>, IngestError> {
    let Some(by) = &v.by else { return Ok(None) };
    let at = by.span().start;
    if v.columns.is_some() {
        return Err(cx.err(
            at,
            format!("`{pname}`: a reference `by` a property reads one `column`, not `columns`"),
        ));
    }
    let range = prop.range.as_deref().unwrap_or("Thing");
    let held = ontology
        .types()
        .any(|t| ontology.is_a(&t.name, range) && t.property(by.get_ref()).is_some());
    if !held {
        return Err(cx.err(
            at,
            format!(
                "`{pname}`: `by = \"{}\"` is not a property of `{range}` or of a type within it",
                by.get_ref()
            ),
        ));
    }
    Ok(Some(by.get_ref().clone()))
}

fn read_options(cx: &Cx<'_>, src: &RawSource, format: Format) -> Result<ReadOptions, IngestError> {
    let tabular = format == Format::Csv;
    let quote = match &src.quote {
        None => Some(b'"'),
        Some(q) if !tabular => {
            return Err(cx.err(q.span().start, "`quote` applies to csv sources"));
        }
        Some(q) => match q.get_ref().as_bytes() {
            [] => None,
            [b] => Some(*b),
            _ => {
                return Err(cx.err(
                    q.span().start,
                    format!(
                        "quote `{}` must be one byte, or empty for none",
                        q.get_ref()
                    ),
                ));
            }
        },
    };
    let header = match &src.header {
        None => true,
        Some(h) if !tabular => {
            return Err(cx.err(h.span().start, "`header` applies to csv sources"));
        }
        Some(h) => *h.get_ref(),
    };
    let encoding = match &src.encoding {
        None => None,
        Some(e) if format == Format::Parquet => {
            return Err(cx.err(
                e.span().start,
                "`encoding` applies to csv and jsonl sources",
            ));
        }
        Some(e) => match encoding_rs::Encoding::for_label(e.get_ref().trim().as_bytes()) {
            Some(enc) if enc == encoding_rs::UTF_8 => None,
            Some(enc) if enc != encoding_rs::REPLACEMENT => Some(enc),
            _ => {
                return Err(cx.err(
                    e.span().start,
                    format!(
                        "unknown encoding `{}` (utf-8, windows-1252, iso-8859-1, utf-16, ...)",
                        e.get_ref()
                    ),
                ));
            }
        },
    };
    let compression = match &src.compression {
        Some(c) if format == Format::Parquet => {
            return Err(cx.err(
                c.span().start,
                "`compression` applies to csv and jsonl sources (Parquet compresses inside the file)",
            ));
        }
        Some(c) => match c.get_ref().as_str() {
            "none" => Compression::None,
            "gzip" => Compression::Gzip,
            "zstd" => Compression::Zstd,
            other => {
                return Err(cx.err(
                    c.span().start,
                    format!("unknown compression `{other}` (none, gzip, zstd)"),
                ));
            }
        },
        None if format == Format::Parquet => Compression::None,
        None if src.path.ends_with(".gz") => Compression::Gzip,
        None if src.path.ends_with(".zst") || src.path.ends_with(".zstd") => Compression::Zstd,
        None => Compression::None,
    };
    Ok(ReadOptions {
        quote,
        header,
        encoding,
        compression,
    })
}
