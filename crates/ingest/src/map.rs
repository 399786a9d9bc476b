//! One source record to statements, or a reason it goes to quarantine.

use std::cell::Cell;
use std::sync::Arc;

use clearstone_model::{
    Origin, PropType, Statement, StatementId, SubjectCategory, Timestamp, entity_id, entity_key,
};
use clearstone_text::name::{clean_name, parse_name};

use crate::RowError;
use crate::clean::{clean, rounded_id, spreadsheet_error, trim};
use crate::lookup::Lookup;
use crate::mapping::{CategorySpec, Mapping, NameSplit, ValueSource, is_placeholder};

/// A record's values, one per mapping slot (`None` when empty or absent).
pub(crate) type Fields = Vec<Option<String>>;

/// One entity a quarantined record describes, as far as the record reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantinedEntity {
    pub id: String,
    pub schema: String,
    /// `(property, value as the source wrote it)` for the properties the
    /// mapping reads from the record's own columns.
    pub values: Vec<(String, String)>,
}

/// The entities whose key columns are all filled in a record, whether or
/// not the rest of it maps: erasure finds a quarantined record by these,
/// and the texts that name it by its values.
pub(crate) fn quarantined_entities(
    m: &Mapping,
    fields: &[Option<String>],
) -> Vec<QuarantinedEntity> {
    let get = |slot: &usize| {
        fields
            .get(*slot)
            .and_then(|v| v.as_deref())
            .map(trim)
            .filter(|v| !v.is_empty())
    };
    let mut out = Vec::new();
    for e in &m.entities {
        let Some(keys) = e.keys.iter().map(get).collect::<Option<Vec<&str>>>() else {
            continue;
        };
        let mut values = Vec::new();
        for pm in &e.props {
            let value = match &pm.source {
                ValueSource::Column(slot) => get(slot).map(str::to_string),
                ValueSource::Columns(slots, sep) => {
                    let parts: Vec<&str> = slots.iter().filter_map(get).collect();
                    (!parts.is_empty()).then(|| parts.join(sep))
                }
                // Constants and references hold no value of this record's own.
                ValueSource::Constant(_) | ValueSource::SameRow(_) | ValueSource::ByKey { .. } => {
                    None
                }
            };
            if let Some(v) = value {
                values.push((pm.prop.to_string(), v));
            }
        }
        out.push(QuarantinedEntity {
            id: entity_id(&m.dataset.name, &e.name, &keys),
            schema: e.schema.to_string(),
            values,
        });
    }
    out
}

/// Maps one record, appending its statements to `out` and adding to
/// `placeholders` the values it read as missing (`docs/mapping.md`).
pub(crate) fn map_record(
    m: &Mapping,
    fields: &[Option<String>],
    line: u64,
    now: Timestamp,
    out: &mut Vec<Statement>,
    placeholders: &mut u64,
) -> Result<(), RowError> {
    // Counted only once the record maps: a quarantined one holds no values.
    let missing = Cell::new(0u64);
    // A value as the source gave it, whitespace and all, if it has any text.
    let source = |slot: usize| {
        fields
            .get(slot)
            .and_then(|v| v.as_deref())
            .filter(|v| !trim(v).is_empty())
    };
    let get = |slot: usize| source(slot).map(trim);
    let col = |slot: usize| m.columns.get(slot).cloned().unwrap_or_default();

    let line_text = line.to_string();
    let mut ids: Vec<Option<Arc<str>>> = Vec::with_capacity(m.entities.len());
    for e in &m.entities {
        if let Some(prefix) = &e.row_key {
            let key: &[&str] = if prefix.is_empty() {
                &[&line_text]
            } else {
                &[prefix, &line_text]
            };
            ids.push(Some(entity_id(&m.dataset.name, &e.name, key).into()));
            continue;
        }
        let keys: Vec<Option<&str>> = e.keys.iter().map(|k| get(*k)).collect();
        if e.optional && keys.iter().all(Option::is_none) {
            ids.push(None);
            continue;
        }
        let mut vals = Vec::with_capacity(keys.len());
        for (k, slot) in keys.iter().zip(&e.keys) {
            match k {
                Some(v) => {
                    if let Some(why) = key_problem(m, v) {
                        return Err(RowError::new(col(*slot), why));
                    }
                    vals.push(*v);
                }
                None => return Err(RowError::new(col(*slot), "missing key")),
            }
        }
        ids.push(Some(entity_id(&m.dataset.name, &e.name, &vals).into()));
    }

    let origin = Origin {
        source: m.source_arc.clone(),
        record: line.to_string().into(),
    };
    for (e, id) in m.entities.iter().zip(&ids) {
        let Some(id) = id else { continue };
        let ekey = entity_key(&m.dataset_name, id);
        let category = match &e.category {
            None => None,
            Some(CategorySpec::Constant(c)) => Some(*c),
            Some(CategorySpec::Column { slot, map }) => {
                let raw = get(*slot)
                    .ok_or_else(|| RowError::new(col(*slot), "missing subject category"))?;
                let v = map.get(raw).map_or(raw, String::as_str);
                Some(SubjectCategory::parse(v).ok_or_else(|| {
                    RowError::new(col(*slot), format!("unknown subject category `{v}`"))
                })?)
            }
        };
        for pm in &e.props {
            // A value the source wrote for "not known" is absent.
            let known = |v: &str| {
                let placeholder = pm.is_missing(v);
                if placeholder {
                    missing.set(missing.get() + 1);
                }
                !placeholder
            };
            let present = |slot: usize| get(slot).filter(|v| known(v));
            let joined;
            let as_given;
            // What the source said, to keep as the original wherever the
            // stored value differs from it at all; references have none.
            let mut said: Option<&str> = None;
            let raw: Option<&str> = match &pm.source {
                ValueSource::Column(s) => {
                    said = source(*s);
                    present(*s)
                }
                ValueSource::Columns(slots, sep) => {
                    let parts: Vec<&str> = slots.iter().filter_map(|s| present(*s)).collect();
                    joined = parts.join(sep);
                    let given: Vec<&str> = slots
                        .iter()
                        .filter(|s| get(**s).is_some_and(|v| !pm.is_missing(v)))
                        .filter_map(|s| source(*s))
                        .collect();
                    as_given = given.join(sep);
                    said = Some(as_given.as_str());
                    (!joined.is_empty()).then_some(joined.as_str())
                }
                ValueSource::Constant(c) => {
                    said = Some(c.as_str());
                    Some(c.as_str())
                }
                ValueSource::SameRow(j) => ids.get(*j).and_then(|x| x.as_deref()),
                ValueSource::ByKey {
                    dataset,
                    name,
                    slots,
                    by,
                } => {
                    let keys: Vec<&str> = slots.iter().filter_map(|s| present(*s)).collect();
                    joined = match (by, keys.as_slice()) {
                        _ if keys.len() != slots.len() => String::new(),
                        // The engine finds the record holding the value;
                        // the value as given is kept as the original.
                        (Some(by), [value]) => {
                            said = slots.first().and_then(|s| source(*s));
                            Lookup {
                                dataset: dataset.clone(),
                                name: name.clone(),
                                by: by.clone(),
                                value: (*value).to_owned(),
                            }
                            .to_value()
                        }
                        _ => entity_id(dataset, name, &keys),
                    };
                    (!joined.is_empty()).then_some(joined.as_str())
                }
            };
            let Some(raw) = raw else { continue };
            let mut each = |piece: &str| -> Result<(), RowError> {
                let value = clean(piece, pm).map_err(|why| {
                    let column = pm
                        .source
                        .first_slot()
                        .map(col)
                        .unwrap_or_else(|| pm.prop.to_string());
                    RowError::new(column, why)
                })?;
                // `1900-01-01` names the date however the file writes it.
                if pm.ty == PropType::Date && pm.is_missing(&value) {
                    missing.set(missing.get() + 1);
                    return Ok(());
                }
                let mut push = |prop: &Arc<str>, value: String| {
                    let original_value = said.filter(|s| *s != value).map(str::to_string);
                    out.push(Statement {
                        id: StatementId::with_entity_key(ekey, &m.dataset_name, id, prop, &value),
                        entity_id: id.clone(),
                        schema: e.schema.clone(),
                        prop: prop.clone(),
                        value,
                        original_value,
                        dataset: m.dataset_name.clone(),
                        origin: origin.clone(),
                        first_seen: now,
                        last_seen: now,
                        markings: pm.markings.clone(),
                        subject_category: category,
                        kind: e.kind,
                    });
                };
                if let Some(split) = &pm.name_parts {
                    for (prop, part) in name_parts(split, &value) {
                        push(prop, part);
                    }
                }
                push(&pm.prop, value);
                Ok(())
            };
            match &pm.split {
                Some(sep) => {
                    for piece in raw
                        .split(sep.as_str())
                        .map(trim)
                        .filter(|p| !p.is_empty() && known(p))
                    {
                        each(piece)?;
                    }
                }
                None => each(raw)?,
            }
        }
    }
    *placeholders += missing.get();
    Ok(())
}

/// Why a key names no record of its own: rows keyed by a placeholder
/// (`NULL`), a spreadsheet's error value or a number it rounded would all
/// be one record.
fn key_problem(m: &Mapping, v: &str) -> Option<String> {
    if is_placeholder(&m.key_missing, v) {
        return Some(format!("missing key (`{v}` is a placeholder)"));
    }
    spreadsheet_error(v).or_else(|| rounded_id(v))
}

/// The parts of a whole name, each with the property it is written to;
/// those the entity's type lacks are left out.
fn name_parts<'a>(split: &'a NameSplit, name: &str) -> Vec<(&'a Arc<str>, String)> {
    let p = parse_name(name, split.order);
    let middle = p.middle_names();
    [
        (&split.title, p.title.as_deref()),
        (&split.first_name, p.first_name()),
        (&split.middle_names, middle.as_deref()),
        (&split.last_name, Some(p.family.as_str())),
        (&split.known_as, p.nickname.as_deref()),
        (&split.previous_names, p.previous.as_deref()),
    ]
    .into_iter()
    .filter_map(|(prop, part)| {
        let part = clean_name(part?);
        Some((prop.as_ref()?, part)).filter(|(_, v)| !v.is_empty())
    })
    .collect()
}
