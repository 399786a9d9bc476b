//! The indicator view read as columns: one store scan per rule of only the
//! types and properties it names, each value decided by the gate once per
//! shape (dataset, type, markings, sensitivity, reveal) instead of one
//! `Statement` per value. The decisions are the gate's own (`gate.rs`):
//! a denied value is dropped, a masked one marks its record as one that
//! never counts, and special-category classes are revealed only under the
//! purpose's condition.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use clearstone_indicators::protected::CLASS_PROPERTIES;
use clearstone_indicators::{Record, Value};
use clearstone_model::{
    Markings, Origin, PropType, Sensitivity, Statement, StatementId, Timestamp, entity_key,
};
use clearstone_policy::{Action, Decision, Resource};
use clearstone_store::ScanRecord;

use crate::indicators_lean::Lean;
use crate::indicators_view::Wanted;
use crate::{EngineError, NOTE_TYPE, Session};

/// The records read and what reading them found.
pub(crate) struct Scanned {
    pub records: Vec<Record>,
    pub read_special: bool,
    pub changed: HashSet<String>,
}

/// Which records of a rule's types a scan reads.
#[derive(Clone, Copy)]
pub(crate) enum Part<'a> {
    All,
    /// The record versions first seen after a time.
    After(Timestamp),
    /// Only these entities.
    Entities(&'a [&'a str]),
}

type Shape = (*const u8, *const u8, *const Markings, Sensitivity, bool);

impl Session<'_> {
    /// The types a read of `wanted` scans: each named type and its subtypes.
    pub(crate) fn scanned_types<'o>(&'o self, wanted: &Wanted) -> Vec<&'o str> {
        let ontology = self.engine.ontology();
        ontology
            .types()
            .map(|t| t.name.as_str())
            .filter(|t| wanted.keys().any(|w| ontology.is_a(t, w)))
            .collect()
    }

    /// Reads the records of `wanted` (type to properties; the types'
    /// subtypes are read with them) through the gate, or `part` of them.
    pub(crate) fn scan_indicator_records(
        &self,
        wanted: &Wanted,
        since: Option<Timestamp>,
        lean: Option<&Lean>,
        part: Part<'_>,
    ) -> Result<Scanned, EngineError> {
        let ontology = self.engine.ontology();
        let types = self.scanned_types(wanted);
        let props: Vec<&str> = wanted
            .values()
            .flatten()
            .map(String::as_str)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let reveal = self.purpose.allows_sensitive();
        let mut decided: HashMap<Shape, Decision> = HashMap::new();
        let mut ancestors: HashMap<Arc<str>, Vec<String>> = HashMap::new();
        // The lean records' values are few distinct ones (codes, dates,
        // people) repeated millions of times: each is held once.
        let mut interned: HashSet<Arc<str>> = HashSet::new();
        let mut out = Scanned {
            records: Vec::new(),
            read_special: false,
            changed: HashSet::new(),
        };
        let mut f = |rec: ScanRecord| -> Result<(), clearstone_store::StoreError> {
            // A property is read for a type only when the rule names it
            // for that type (or one the record's type counts as).
            let wants_prop = |p: &str| {
                wanted
                    .iter()
                    .any(|(t, ps)| ps.contains(p) && ontology.is_a(&rec.schema, t))
            };
            let key = entity_key(&rec.dataset, &rec.entity_id);
            let lean_here = lean.filter(|l| l.applies(&rec.schema, ontology));
            let mut record: Option<Record> = None;
            let mut changed = false;
            for v in rec.values {
                if !wants_prop(&v.prop) {
                    continue;
                }
                changed |= since.is_some_and(|t| v.first_seen > t);
                let Some(property) = ontology.property(&rec.schema, &v.prop) else {
                    continue;
                };
                let class = CLASS_PROPERTIES.contains(&&*v.prop);
                let wants = reveal && class;
                let shape: Shape = (
                    rec.dataset.as_ptr(),
                    rec.schema.as_ptr(),
                    Arc::as_ptr(&v.markings),
                    property.sensitivity,
                    wants,
                );
                let act = if wants {
                    Action::RevealSensitive
                } else {
                    Action::Resolve
                };
                let decision = match decided.get(&shape) {
                    Some(d) => *d,
                    None => {
                        let anc = ancestors
                            .entry(rec.schema.clone())
                            .or_insert_with(|| self.engine.ancestors(&rec.schema))
                            .clone();
                        let resource = Resource {
                            dataset: rec.dataset.to_string(),
                            schema: rec.schema.to_string(),
                            schema_ancestors: anc,
                            sensitivity: property.sensitivity,
                            type_sensitivity: ontology.type_sensitivity(&rec.schema),
                            markings: (*v.markings).clone(),
                        };
                        let d = self.decide(act, &resource, wants);
                        decided.insert(shape, d);
                        d
                    }
                };
                if matches!(decision, Decision::Deny { .. }) {
                    continue;
                }
                out.read_special |= wants;
                let r = record.get_or_insert_with(|| Record {
                    id: rec.entity_id.to_string(),
                    schema: rec.schema.clone(),
                    ..Record::default()
                });
                if matches!(decision, Decision::Mask { .. }) {
                    r.masked = true;
                    continue;
                }
                let mut value = v.value;
                if lean_here.is_some() {
                    let value = match interned.get(value.as_str()) {
                        Some(v) => v.clone(),
                        None => {
                            let v: Arc<str> = value.into();
                            interned.insert(v.clone());
                            v
                        }
                    };
                    r.values.push(Value {
                        prop: v.prop.clone(),
                        value,
                        statement: String::new(),
                    });
                    continue;
                }
                let mut id = StatementId::with_entity_key(
                    key,
                    &rec.dataset,
                    &rec.entity_id,
                    &v.prop,
                    &value,
                );
                let note_text = property.ty == PropType::Text
                    && (&*rec.schema == NOTE_TYPE || ontology.is_a(&rec.schema, NOTE_TYPE));
                if note_text {
                    // A note's special-category spans are withheld as the
                    // gate withholds them everywhere else.
                    let mut s = Statement {
                        id,
                        entity_id: rec.entity_id.clone(),
                        schema: rec.schema.clone(),
                        prop: v.prop.clone(),
                        value,
                        original_value: None,
                        dataset: rec.dataset.clone(),
                        origin: Origin {
                            source: "".into(),
                            record: "".into(),
                        },
                        first_seen: v.first_seen,
                        last_seen: v.first_seen,
                        markings: v.markings.clone(),
                        subject_category: None,
                        kind: clearstone_model::Kind::default(),
                    };
                    self.withhold_spans(&mut s, act, wants);
                    value = s.value;
                    id = s.id;
                }
                r.values.push(Value {
                    prop: v.prop.clone(),
                    value: value.into(),
                    statement: id.to_string(),
                });
            }
            if changed {
                out.changed.insert(rec.entity_id.to_string());
            }
            if let Some(r) = record
                && lean_here.is_none_or(|l| l.keeps(&r))
            {
                out.records.push(r);
            }
            Ok(())
        };
        // A read connection: its page cache is a small fraction of the
        // writer's, and a scan of millions of records would fill the writer's.
        let reader = self.engine.reader()?;
        match part {
            Part::All => reader.scan_records(&types, &props, &mut f)?,
            Part::After(t) => reader.scan_records_after(&types, &props, Some(t), &mut f)?,
            Part::Entities(ids) => reader.scan_entities(&types, &props, ids, &mut f)?,
        };
        Ok(out)
    }
}

#[cfg(test)]
#[path = "indicators_scan_tests.rs"]
mod tests;
