//! Records for resolution, assembled from statements through the gate: only
//! values the session may use for `resolve` are read, and masked values are
//! treated as missing, never compared in their placeholder form.

use std::collections::HashMap;
use std::sync::Arc;

use clearstone_model::{Statement, Timestamp};
use clearstone_policy::Action;
use clearstone_resolve::Record;
use clearstone_resolve::settings::Settings;
use clearstone_store::Store;

use crate::{EngineError, MASKED_SOURCE, Session};

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

/// The entities' records, ordered by entity id.
pub(crate) struct Loaded {
    pub ids: Vec<String>,
    pub records: Vec<Record>,
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

/// Statements gated at a time: few enough that reading a large store holds
/// only the values resolution keeps, not every statement.
const STATEMENTS_PER_BATCH: usize = 65_536;

/// Each entity's most recently seen value of each of some properties (by
/// their place in a list), kept as the statements stream past.
struct Latest {
    props: usize,
    of: HashMap<Arc<str>, Vec<Option<(Timestamp, String)>>>,
}

impl Latest {
    fn new(props: usize) -> Latest {
        Latest {
            props,
            of: HashMap::new(),
        }
    }

    /// Keeps `value` if it is the entity's latest of the property at
    /// `prop` so far (ties go to the larger value, so that the order
    /// statements arrive in does not matter).
    fn offer(&mut self, entity: Arc<str>, prop: usize, seen: Timestamp, value: String) {
        let props = self.props;
        let values = self.of.entry(entity).or_insert_with(|| vec![None; props]);
        if let Some(slot) = values.get_mut(prop)
            && slot.as_ref().is_none_or(|(t, v)| (seen, &value) > (*t, v))
        {
            *slot = Some((seen, value));
        }
    }

    fn get(&self, entity: &str, prop: usize) -> Option<&str> {
        let (_, v) = self.of.get(entity)?.get(prop)?.as_ref()?;
        Some(v)
    }
}

impl Session<'_> {
    /// Every entity of `schema` (or a subtype) with at least one value the
    /// settings read.
    pub(crate) fn resolution_records(
        &self,
        settings: &Settings,
        schema: &str,
    ) -> Result<Loaded, EngineError> {
        let wanted = Wanted::new(settings);
        let ontology = self.engine.ontology();
        let mut own = Latest::new(wanted.direct.len());
        let mut targets = Latest::new(wanted.referenced.len());
        let mut subjects: Vec<Statement> = Vec::new();
        let mut others: Vec<Statement> = Vec::new();
        // Gated a batch at a time; masked values count as missing.
        let keep = |batch: &mut Vec<Statement>, props: &[String], into: &mut Latest| {
            let (allowed, _) = self.gate(Action::Resolve, std::mem::take(batch), None);
            for s in allowed {
                if &*s.origin.source == MASKED_SOURCE {
                    continue;
                }
                if let Some(p) = props.iter().position(|p| **p == *s.prop) {
                    into.offer(s.entity_id, p, s.last_seen, s.value);
                }
            }
        };
        self.engine.store()?.for_each_statement(&mut |s| {
            if ontology.is_a(&s.schema, schema) {
                if wanted.direct.iter().any(|p| **p == *s.prop) {
                    subjects.push(s);
                    if subjects.len() == STATEMENTS_PER_BATCH {
                        keep(&mut subjects, &wanted.direct, &mut own);
                    }
                }
            } else if wanted.referenced.iter().any(|p| **p == *s.prop) {
                others.push(s);
                if others.len() == STATEMENTS_PER_BATCH {
                    keep(&mut others, &wanted.referenced, &mut targets);
                }
            }
            Ok(())
        })?;
        keep(&mut subjects, &wanted.direct, &mut own);
        keep(&mut others, &wanted.referenced, &mut targets);
        let mut ids: Vec<&Arc<str>> = own.of.keys().collect();
        ids.sort();
        let records = ids
            .iter()
            .map(|id| record(&wanted, id, &own, &targets))
            .collect();
        Ok(Loaded {
            ids: ids.into_iter().map(|id| id.to_string()).collect(),
            records,
        })
    }
}

fn record(wanted: &Wanted, id: &str, own: &Latest, targets: &Latest) -> Record {
    let direct = |prop: &str| {
        let p = wanted.direct.iter().position(|d| d == prop)?;
        own.get(id, p)
    };
    let fields = wanted
        .columns
        .iter()
        .map(|cols| {
            let parts: Vec<&str> = cols
                .iter()
                .filter_map(|c| match &c.via {
                    None => direct(&c.prop),
                    Some(via) => {
                        let target = direct(via)?;
                        let p = wanted.referenced.iter().position(|r| *r == c.prop)?;
                        targets.get(target, p)
                    }
                })
                .collect();
            // Each property's value is one of the field's values.
            (!parts.is_empty()).then(|| parts.join(clearstone_resolve::record::VALUE_SEPARATOR_STR))
        })
        .collect();
    Record {
        id: id.to_owned(),
        fields,
    }
}
