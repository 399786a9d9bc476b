//! Records for resolution, assembled from statements through the gate: only
//! values the session may use for `resolve` are read, and masked values are
//! treated as missing, never compared in their placeholder form.

use std::collections::HashSet;
use std::sync::mpsc;

use clearstone_model::Timestamp;
use clearstone_resolve::settings::Settings;
use clearstone_resolve::{Features, ResolveError, Schema, Values};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::resolve_gate::ShapeGate;
use crate::resolve_targets::Targets;
use crate::{EngineError, Session};

/// Where a field's value comes from: a property of the entity, or of the
/// entity it references through `via`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    via: Option<String>,
    prop: String,
}

fn column(spec: &str) -> Column {
    match spec.split_once('.') {
        Some((via, prop)) => Column {
            via: Some(via.to_owned()),
            prop: prop.to_owned(),
        },
        None => Column {
            via: None,
            prop: spec.to_owned(),
        },
    }
}

/// The entities' records, ordered by entity id, with their values as read:
/// each record's field values are assembled only as its features are
/// computed, a chunk at a time, so the run never holds every record's
/// text twice, nor the features' working space for all records at once.
pub(crate) struct Loaded {
    pub ids: Vec<String>,
    /// Entities with a value first seen after the time asked about.
    pub changed: HashSet<String>,
    read: Read,
}

/// What the read kept: the subjects' own values, the referenced records'
/// values, and where each field's columns are found among them.
struct Read {
    own: Kept,
    /// Each subject's values in `own`, in the order of `ids`.
    ranges: Vec<(u32, u32)>,
    other: Kept,
    /// Each referenced record's values in `other`.
    targets: Targets,
    places: Vec<Vec<Place>>,
}

/// Records whose values are assembled and featurised at a time, as `link`
/// reads its files.
pub(crate) const RECORDS_PER_CHUNK: usize = 65_536;

impl Loaded {
    /// The records' ids, the values read for them let go.
    pub(crate) fn into_ids(self) -> Vec<String> {
        self.ids
    }

    /// The features of the records, for blocking and comparing.
    pub(crate) fn features(&self, schema: &Schema) -> Result<Features, EngineError> {
        self.features_in(schema, 0..self.ids.len(), RECORDS_PER_CHUNK)
    }

    /// The features of the records at `order` (places in `ids`), in that
    /// order, computed `chunk` records at a time on another thread while
    /// the next chunk's values are assembled.
    pub(crate) fn features_in(
        &self,
        schema: &Schema,
        order: impl Iterator<Item = usize>,
        chunk: usize,
    ) -> Result<Features, EngineError> {
        let width = self.read.places.len();
        let (full, to_featurise) = mpsc::sync_channel::<Values>(1);
        let (emptied, empty) = mpsc::channel::<Values>();
        std::thread::scope(|scope| {
            let featuriser = scope.spawn(move || -> Result<Features, ResolveError> {
                let mut features = Features::new(schema);
                for mut values in to_featurise {
                    features.extend_values(&values)?;
                    values.clear();
                    // The assembler may have finished and gone.
                    let _ = emptied.send(values);
                }
                Ok(features)
            });
            let mut values = Values::new(width);
            let mut fields: Vec<Vec<&str>> = vec![Vec::new(); width];
            let mut looked_up = Vec::new();
            for i in order {
                let range = self.read.ranges.get(i).copied().unwrap_or_default();
                self.read
                    .record(range, &mut fields, &mut looked_up, &mut |_| {});
                values.push(|f, text| {
                    for (k, v) in fields.get(f).into_iter().flatten().enumerate() {
                        if k > 0 {
                            text.push_str(clearstone_resolve::record::VALUE_SEPARATOR_STR);
                        }
                        text.push_str(v);
                    }
                });
                if values.len() >= chunk.max(1) {
                    let next = empty.try_recv().unwrap_or_else(|_| Values::new(width));
                    // Featurising stopped on an error, which the join gives.
                    if full.send(std::mem::replace(&mut values, next)).is_err() {
                        break;
                    }
                }
            }
            if !values.is_empty() {
                let _ = full.send(values);
            }
            drop(full);
            featuriser
                .join()
                .map_err(|_| EngineError::Internal("computing features failed".into()))?
                .map_err(|e| invalid_size("records", e))
        })
    }
}

impl Read {
    /// A record's values field by field into `fields`, each value once;
    /// `target` is shown each record it references. `looked_up` is working
    /// space: the fields of an address are read through one reference, and
    /// a look-up in a map of a million records misses the cache, so each
    /// target is looked up once a record.
    fn record<'r>(
        &'r self,
        range: (u32, u32),
        fields: &mut [Vec<&'r str>],
        looked_up: &mut Vec<(&'r str, Option<(u32, u32)>)>,
        target: &mut dyn FnMut(&str),
    ) {
        for f in fields.iter_mut() {
            f.clear();
        }
        looked_up.clear();
        for (field_places, field) in self.places.iter().zip(fields.iter_mut()) {
            for place in field_places {
                match *place {
                    Place::Own(p) => {
                        for v in self.own.of(range, p) {
                            add_once(v, field);
                        }
                    }
                    Place::Referenced(p, r) => {
                        for t in self.own.of(range, p) {
                            target(t);
                            let at = match looked_up.iter().find(|(seen, _)| *seen == t) {
                                Some((_, at)) => *at,
                                None => {
                                    let at = self.targets.get(t);
                                    looked_up.push((t, at));
                                    at
                                }
                            };
                            if let Some(at) = at {
                                for v in self.other.of(at, r) {
                                    add_once(v, field);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The properties a settings file reads, directly and through references,
/// each list in a fixed order so that a value's place is its property's.
struct Wanted {
    columns: Vec<Vec<Column>>,
    direct: Vec<String>,
    referenced: Vec<String>,
}

impl Wanted {
    fn new(settings: &Settings) -> Wanted {
        let columns: Vec<Vec<Column>> = settings
            .columns
            .iter()
            .map(|cs| cs.iter().map(|c| column(c)).collect())
            .collect();
        let mut direct = Vec::new();
        let mut referenced = Vec::new();
        let add = |list: &mut Vec<String>, prop: &str| {
            if !list.iter().any(|p| p == prop) {
                list.push(prop.to_owned());
            }
        };
        for c in columns.iter().flatten() {
            match &c.via {
                Some(via) => {
                    add(&mut direct, via);
                    add(&mut referenced, &c.prop);
                }
                None => add(&mut direct, &c.prop),
            }
        }
        Wanted {
            columns,
            direct,
            referenced,
        }
    }
}

/// Statements gated at a time by callers that still name a batch size:
/// values are now read entity by entity and gated once per shape, so a run
/// holds only the values resolution keeps whatever the size.
pub(crate) const STATEMENTS_PER_BATCH: usize = 65_536;

/// Where a column's values are kept: the place of the entity's own
/// property, or of the reference's and of the referenced record's property.
#[derive(Debug, Clone, Copy)]
enum Place {
    Own(usize),
    Referenced(usize, usize),
}

impl Wanted {
    fn place(&self, c: &Column) -> Option<Place> {
        let direct = |prop: &str| self.direct.iter().position(|d| d == prop);
        match &c.via {
            None => direct(&c.prop).map(Place::Own),
            Some(via) => Some(Place::Referenced(
                direct(via)?,
                self.referenced.iter().position(|r| *r == c.prop)?,
            )),
        }
    }
}

/// Ranges of records read at once: one per core of a small server, the
/// calling thread gating what the others decode. Four (the calling thread
/// decoding a quarter) held about 100 MB more at the end of the features
/// at a million records, for no gain a busy machine could show.
const READ_PARTS: usize = 2;

/// The records of one range read, in order.
#[derive(Default)]
struct Own {
    ids: Vec<String>,
    ranges: Vec<(u32, u32)>,
    changed: Vec<bool>,
}

/// Values kept as they stream past: one text, and for each value its
/// property's place and where it lies in the text.
#[derive(Default)]
struct Kept {
    text: String,
    values: Vec<(u32, u32, u32)>,
}

impl Kept {
    fn push(&mut self, prop: usize, value: &str) -> Result<(), EngineError> {
        let too_many = |e| invalid_size("values read", e);
        let start = u32::try_from(self.text.len()).map_err(too_many)?;
        self.text.push_str(value);
        let end = u32::try_from(self.text.len()).map_err(too_many)?;
        let prop = u32::try_from(prop).map_err(too_many)?;
        self.values.push((prop, start, end));
        Ok(())
    }

    /// The values in `range` of `values` that are of the property at `prop`.
    fn of(&self, range: (u32, u32), prop: usize) -> impl Iterator<Item = &str> {
        let (from, to) = (range.0 as usize, range.1 as usize);
        self.values
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter(move |(p, _, _)| *p as usize == prop)
            .filter_map(|(_, a, b)| self.text.get(*a as usize..*b as usize))
    }

    fn len(&self) -> Result<u32, EngineError> {
        u32::try_from(self.values.len()).map_err(|e| invalid_size("values read", e))
    }
}

fn invalid_size(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::InvalidInput(format!("{what}: {e}"))
}

impl Session<'_> {
    /// Every entity of `schema` (or a subtype) with at least one value the
    /// settings read.
    pub(crate) fn resolution_records(
        &self,
        settings: &Settings,
        schema: &str,
    ) -> Result<Loaded, EngineError> {
        self.resolution_records_in(settings, schema, STATEMENTS_PER_BATCH, None)
    }

    /// As [`Session::resolution_records`], marking the entities with a
    /// value (of their own or of a record they reference) first seen after
    /// `since`. Values are read in one pass over the store, entity by
    /// entity, and gated once per shape (`ShapeGate`); `_batch` is kept for
    /// callers that bound memory by it.
    pub(crate) fn resolution_records_in(
        &self,
        settings: &Settings,
        schema: &str,
        _batch: usize,
        since: Option<Timestamp>,
    ) -> Result<Loaded, EngineError> {
        self.resolution_records_read(settings, schema, since, READ_PARTS)
    }

    /// As [`Session::resolution_records_in`], the store read in
    /// `read_parts` ranges at once.
    pub(crate) fn resolution_records_read(
        &self,
        settings: &Settings,
        schema: &str,
        since: Option<Timestamp>,
        read_parts: usize,
    ) -> Result<Loaded, EngineError> {
        let wanted = Wanted::new(settings);
        let ontology = self.engine.ontology();
        // One list for the scan: the direct properties, then the referenced
        // ones; a scanned value's place says which it is.
        let props: Vec<&str> = wanted
            .direct
            .iter()
            .chain(&wanted.referenced)
            .map(String::as_str)
            .collect();
        let split = wanted.direct.len();
        let mut gate = ShapeGate::new(self, &props);
        let mut is_subject: FxHashMap<i64, bool> = FxHashMap::default();
        // The records of each range read, in entity id order within it.
        let mut parts: Vec<Own> = Vec::new();
        let mut own = Kept::default();
        let mut targets = Targets::default();
        let mut targets_changed: FxHashSet<Box<str>> = FxHashSet::default();
        let mut other = Kept::default();
        // A read connection: its small page cache is what a scan of the
        // whole store fills, not the writer's, which is sized for ingest.
        let reader = self.engine.reader()?;
        crate::resolve_scan::for_each_entity_values(
            self.engine,
            &reader,
            &props,
            read_parts,
            &mut |store, part, e| {
                let Some(first) = e.values.first() else {
                    return Ok(());
                };
                // An entity's versions share its type.
                let subject = match is_subject.get(&first.schema_id) {
                    Some(s) => *s,
                    None => {
                        let name = gate.schema(store, first.schema_id)?;
                        let s = ontology.is_a(&name, schema);
                        is_subject.insert(first.schema_id, s);
                        s
                    }
                };
                let (kept, wanted_props) = if subject {
                    (&mut own, 0..split)
                } else {
                    (&mut other, split..props.len())
                };
                let from = kept.len()?;
                let mut changed = false;
                for v in e.values.iter().filter(|v| wanted_props.contains(&v.prop)) {
                    let Some(value) = gate.value(store, e.entity_id, v)? else {
                        continue;
                    };
                    changed |= since.is_some_and(|t| v.first_seen > t);
                    kept.push(v.prop - wanted_props.start, &value)?;
                }
                let to = kept.len()?;
                if from == to {
                    return Ok(());
                }
                if subject {
                    if parts.len() <= part {
                        parts.resize_with(part + 1, Own::default);
                    }
                    if let Some(p) = parts.get_mut(part) {
                        p.ids.push(e.entity_id.to_owned());
                        p.ranges.push((from, to));
                        p.changed.push(changed);
                    }
                } else {
                    targets.insert(e.entity_id, (from, to))?;
                    if changed {
                        targets_changed.insert(e.entity_id.into());
                    }
                }
                Ok(())
            },
        )?;
        reader.release_cache()?;
        drop(reader);
        let ids: Vec<String> = parts.iter_mut().flat_map(|p| p.ids.drain(..)).collect();
        let ranges: Vec<(u32, u32)> = parts
            .iter()
            .flat_map(|p| p.ranges.iter().copied())
            .collect();
        let own_changed: Vec<bool> = parts
            .iter()
            .flat_map(|p| p.changed.iter().copied())
            .collect();
        drop(parts);
        // Where each field's columns are kept, found once rather than by
        // name for every record.
        let places: Vec<Vec<Place>> = wanted
            .columns
            .iter()
            .map(|cols| cols.iter().filter_map(|c| wanted.place(c)).collect())
            .collect();
        let read = Read {
            own,
            ranges,
            other,
            targets,
            places,
        };
        let mut changed = HashSet::new();
        if since.is_some() {
            let mut fields: Vec<Vec<&str>> = vec![Vec::new(); read.places.len()];
            let mut looked_up = Vec::new();
            for (i, (id, range)) in ids.iter().zip(&read.ranges).enumerate() {
                let mut refers_to_changed = false;
                read.record(*range, &mut fields, &mut looked_up, &mut |t| {
                    refers_to_changed |= targets_changed.contains(t);
                });
                if own_changed.get(i).copied().unwrap_or(false) || refers_to_changed {
                    changed.insert(id.clone());
                }
            }
        }
        Ok(Loaded { ids, changed, read })
    }
}

/// Adds a value to a field's values unless it is there already.
fn add_once<'v>(v: &'v str, field: &mut Vec<&'v str>) {
    if !field.contains(&v) {
        field.push(v);
    }
}

#[cfg(test)]
#[path = "resolve_records_tests.rs"]
mod tests;
