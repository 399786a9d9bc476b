//! Records for resolution, assembled from statements through the gate: only
//! values the session may use for `resolve` are read, and masked values are
//! treated as missing, never compared in their placeholder form.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use clearstone_model::{Markings, Statement, Timestamp};
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
    /// Entities with a value first seen after the time asked about.
    pub changed: HashSet<String>,
}

/// The properties a settings file reads, directly and through references,
/// each list in a fixed order so that a value's place is its property's.
struct Wanted {
    columns: Vec<Vec<Column>>,
    direct: Vec<String>,
    referenced: Vec<String>,
}

impl Wanted {
    /// The references followed to read a referenced property.
    fn referenced_via(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .flatten()
            .filter_map(|c| c.via.as_deref())
    }

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
pub(crate) const STATEMENTS_PER_BATCH: usize = 65_536;

/// Each entity's values of some properties (by their place in a list), kept
/// as the statements stream past, and which entities have a value first seen
/// after a given time.
struct Gathered {
    props: usize,
    of: HashMap<Arc<str>, Vec<Vec<String>>>,
    since: Option<Timestamp>,
    changed: HashSet<Arc<str>>,
}

impl Gathered {
    fn new(props: usize, since: Option<Timestamp>) -> Gathered {
        Gathered {
            props,
            of: HashMap::new(),
            since,
            changed: HashSet::new(),
        }
    }

    fn offer(&mut self, entity: Arc<str>, prop: usize, first_seen: Timestamp, value: String) {
        if self.since.is_some_and(|t| first_seen > t) {
            self.changed.insert(entity.clone());
        }
        let props = self.props;
        let values = self
            .of
            .entry(entity)
            .or_insert_with(|| vec![Vec::new(); props]);
        if let Some(slot) = values.get_mut(prop)
            && !slot.contains(&value)
        {
            slot.push(value);
        }
    }

    /// The entity's values of the property at `prop`, in sorted order so
    /// that the order statements arrive in does not matter.
    fn get(&self, entity: &str, prop: usize) -> &[String] {
        self.of
            .get(entity)
            .and_then(|v| v.get(prop))
            .map_or(&[], Vec::as_slice)
    }

    fn sort(&mut self) {
        for slot in self.of.values_mut().flatten() {
            slot.sort_unstable();
        }
    }
}

/// One `Arc` for each dataset, type and markings read. The store gives
/// each record its own; the gate decides once per shape it sees by address,
/// so shared ones make that once per batch rather than once per record.
#[derive(Default)]
struct Shared {
    names: HashSet<Arc<str>>,
    markings: HashSet<Arc<Markings>>,
}

impl Shared {
    fn name(&mut self, name: &mut Arc<str>) {
        match self.names.get(name) {
            Some(n) => *name = n.clone(),
            None => {
                self.names.insert(name.clone());
            }
        }
    }

    fn share(&mut self, s: &mut Statement) {
        self.name(&mut s.dataset);
        self.name(&mut s.schema);
        match self.markings.get(&s.markings) {
            Some(m) => s.markings = m.clone(),
            None => {
                self.markings.insert(s.markings.clone());
            }
        }
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
        self.resolution_records_in(settings, schema, STATEMENTS_PER_BATCH, None)
    }

    /// As [`Session::resolution_records`], gating `batch` statements at a
    /// time, and marking the entities with a value (of their own or of a
    /// record they reference) first seen after `since`.
    pub(crate) fn resolution_records_in(
        &self,
        settings: &Settings,
        schema: &str,
        batch: usize,
        since: Option<Timestamp>,
    ) -> Result<Loaded, EngineError> {
        let batch = batch.max(1);
        let wanted = Wanted::new(settings);
        let ontology = self.engine.ontology();
        let mut own = Gathered::new(wanted.direct.len(), since);
        let mut targets = Gathered::new(wanted.referenced.len(), since);
        let mut subjects: Vec<Statement> = Vec::new();
        let mut others: Vec<Statement> = Vec::new();
        // Gated a batch at a time; masked values count as missing.
        let keep = |batch: &mut Vec<Statement>, props: &[String], into: &mut Gathered| {
            let (allowed, _) = self.gate(Action::Resolve, std::mem::take(batch), None);
            for s in allowed {
                if &*s.origin.source == MASKED_SOURCE {
                    continue;
                }
                if let Some(p) = props.iter().position(|p| **p == *s.prop) {
                    into.offer(s.entity_id, p, s.first_seen, s.value);
                }
            }
        };
        let mut shared = Shared::default();
        self.engine.store()?.for_each_statement(&mut |mut s| {
            if ontology.is_a(&s.schema, schema) {
                shared.share(&mut s);
                if wanted.direct.iter().any(|p| **p == *s.prop) {
                    subjects.push(s);
                    if subjects.len() >= batch {
                        keep(&mut subjects, &wanted.direct, &mut own);
                    }
                }
            } else if wanted.referenced.iter().any(|p| **p == *s.prop) {
                shared.share(&mut s);
                others.push(s);
                if others.len() >= batch {
                    keep(&mut others, &wanted.referenced, &mut targets);
                }
            }
            Ok(())
        })?;
        keep(&mut subjects, &wanted.direct, &mut own);
        keep(&mut others, &wanted.referenced, &mut targets);
        own.sort();
        targets.sort();
        let mut ids: Vec<&Arc<str>> = own.of.keys().collect();
        ids.sort();
        let records = ids
            .iter()
            .map(|id| record(&wanted, id, &own, &targets))
            .collect();
        let changed = ids
            .iter()
            .filter(|id| {
                own.changed.contains(**id)
                    || wanted.referenced_via().any(|via| {
                        let p = wanted.direct.iter().position(|d| d == via);
                        p.is_some_and(|p| {
                            own.get(id, p)
                                .iter()
                                .any(|t| targets.changed.contains(t.as_str()))
                        })
                    })
            })
            .map(|id| id.to_string())
            .collect();
        Ok(Loaded {
            ids: ids.into_iter().map(|id| id.to_string()).collect(),
            records,
            changed,
        })
    }
}

fn record(wanted: &Wanted, id: &str, own: &Gathered, targets: &Gathered) -> Record {
    let direct = |prop: &str| {
        wanted
            .direct
            .iter()
            .position(|d| d == prop)
            .map_or(&[][..], |p| own.get(id, p))
    };
    let fields = wanted
        .columns
        .iter()
        .map(|cols| {
            // Every value of every column, each once, in the columns' order.
            let mut values: Vec<&str> = Vec::new();
            for c in cols {
                let found: Vec<&str> = match &c.via {
                    None => direct(&c.prop).iter().map(String::as_str).collect(),
                    Some(via) => {
                        let p = wanted.referenced.iter().position(|r| *r == c.prop);
                        direct(via)
                            .iter()
                            .flat_map(|target| p.map_or(&[][..], |p| targets.get(target, p)))
                            .map(String::as_str)
                            .collect()
                    }
                };
                for v in found {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            (!values.is_empty())
                .then(|| values.join(clearstone_resolve::record::VALUE_SEPARATOR_STR))
        })
        .collect();
    Record {
        id: id.to_owned(),
        fields,
    }
}
