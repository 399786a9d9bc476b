//! Quarantined records through the gate. A quarantined row is raw source
//! data that never became statements, so it is decided column by column as
//! the values it would have become: a column feeding a special-category
//! property is masked, and a row feeding any value this session may not see
//! is not shown at all (nor counted).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clearstone_ingest::Mapping;
use clearstone_model::{Sensitivity, Timestamp};
use clearstone_policy::{Action, Decision, Resource, masked_placeholder};
use clearstone_store::QuarantineRow;

use crate::Session;

/// A quarantined record as one session may see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuarantineEntry {
    pub dataset: String,
    pub source: String,
    pub mapping: String,
    pub line: u64,
    pub column: String,
    /// Withheld (the placeholder) when it concerns a masked column, since a
    /// reason may quote the value.
    pub reason: String,
    /// The mapped columns and their values as this session may see them;
    /// empty when the record cannot be read back (the reason says why).
    pub values: Vec<(String, Option<String>)>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
}

/// How one mapping's rows are shown to this session.
pub(crate) struct RowGate {
    /// Some value of the row is one the session may not see: the row is hidden.
    hidden: bool,
    /// Per mapped column, the category it is masked as.
    masks: Vec<Option<Sensitivity>>,
    mapping: Option<Mapping>,
}

impl RowGate {
    pub(crate) fn visible(&self) -> bool {
        !self.hidden
    }

    pub(crate) fn mapping(&self) -> Option<&Mapping> {
        self.mapping.as_ref()
    }
}

/// Row gates by mapping file, each decided once per session call.
#[derive(Default)]
pub(crate) struct RowGates(BTreeMap<String, RowGate>);

impl RowGates {
    pub(crate) fn get(&mut self, s: &Session<'_>, q: &QuarantineRow) -> &RowGate {
        self.0
            .entry(q.mapping.clone())
            .or_insert_with(|| s.row_gate(&q.dataset, &q.mapping))
    }
}

impl Session<'_> {
    /// Decides every value a mapping's columns feed. A mapping that can no
    /// longer be read cannot be classified, so its rows are hidden.
    fn row_gate(&self, dataset: &str, mapping: &str) -> RowGate {
        let Ok(m) = Mapping::load(&PathBuf::from(mapping), self.engine.ontology()) else {
            return RowGate {
                hidden: true,
                masks: Vec::new(),
                mapping: None,
            };
        };
        // Shown to those who may load the mapping's records, checked against
        // its real dataset and types as an ingest is.
        let mut hidden = m.dataset.name != dataset
            || m.schemas().into_iter().any(|schema| {
                let resource = Resource {
                    dataset: dataset.to_string(),
                    schema: schema.to_string(),
                    schema_ancestors: self.engine.ancestors(schema),
                    ..crate::session::dataset_resource(dataset)
                };
                !self.decide(Action::Ingest, &resource, false).is_allow()
            });
        let mut masks = Vec::with_capacity(m.columns().len());
        for uses in m.column_uses() {
            let mut mask = None;
            for u in uses {
                let sensitivity = match &u.prop {
                    None => Some(Sensitivity::Ordinary),
                    Some(p) => self
                        .engine
                        .ontology()
                        .property(&u.schema, p)
                        .map(|p| p.sensitivity),
                };
                let Some(sensitivity) = sensitivity else {
                    hidden = true;
                    continue;
                };
                let resource = Resource {
                    dataset: dataset.to_string(),
                    schema: u.schema.to_string(),
                    schema_ancestors: self.engine.ancestors(&u.schema),
                    sensitivity,
                    type_sensitivity: self.engine.ontology().type_sensitivity(&u.schema),
                    markings: (*u.markings).clone(),
                };
                match self.decide(Action::View, &resource, false) {
                    Decision::Allow => {}
                    Decision::Mask { category } => {
                        mask.get_or_insert(category);
                    }
                    Decision::Deny { .. } => hidden = true,
                }
            }
            masks.push(mask);
        }
        RowGate {
            hidden,
            masks,
            mapping: Some(m),
        }
    }
}

/// The row as the gate lets it out, and the ids of the entities it names.
pub(crate) fn gated(q: QuarantineRow, gate: &RowGate) -> (QuarantineEntry, Vec<String>) {
    let mut e = QuarantineEntry {
        dataset: q.dataset,
        source: q.source,
        mapping: q.mapping,
        line: q.line,
        column: q.column,
        reason: q.reason,
        values: Vec::new(),
        first_seen: q.first_seen,
        last_seen: q.last_seen,
    };
    let Some(m) = gate.mapping() else {
        return (e, Vec::new());
    };
    let columns = m.columns();
    let masked = |col: &str| {
        columns
            .iter()
            .position(|c| c == col)
            .and_then(|i| gate.masks.get(i).copied().flatten())
    };
    if let Some(category) = masked(&e.column) {
        e.reason = masked_placeholder(category);
    }
    let Ok(read) = clearstone_ingest::inspect(m, &q.raw, q.header.as_deref()) else {
        return (e, Vec::new());
    };
    e.values = columns
        .iter()
        .zip(read.fields)
        .zip(&gate.masks)
        .map(|((c, v), mask)| {
            let shown = match mask {
                Some(category) => v.map(|_| masked_placeholder(*category)),
                None => v,
            };
            (c.clone(), shown)
        })
        .collect();
    (e, read.entity_ids)
}
