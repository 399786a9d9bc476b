//! Records for resolution, assembled from statements through the gate: only
//! values the session may use for `resolve` are read, and masked values are
//! treated as missing, never compared in their placeholder form.

use std::collections::{HashMap, HashSet};

use clearstone_model::Statement;
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

/// The properties a settings file reads, directly and through references.
struct Wanted {
    columns: Vec<Vec<Column>>,
    direct: HashSet<String>,
    referenced: HashSet<String>,
}

impl Wanted {
    fn new(settings: &Settings) -> Wanted {
        let columns: Vec<Vec<Column>> = settings
            .columns
            .iter()
            .map(|cs| cs.iter().map(|c| column(c)).collect())
            .collect();
        let mut direct = HashSet::new();
        let mut referenced = HashSet::new();
        for c in columns.iter().flatten() {
            match &c.via {
                Some(via) => {
                    direct.insert(via.clone());
                    referenced.insert(c.prop.clone());
                }
                None => {
                    direct.insert(c.prop.clone());
                }
            }
        }
        Wanted {
            columns,
            direct,
            referenced,
        }
    }
}

/// The most recently seen value of `prop` among `statements`.
fn latest<'a>(statements: &'a [Statement], prop: &str) -> Option<&'a str> {
    statements
        .iter()
        .filter(|s| &*s.prop == prop)
        .max_by(|a, b| (a.last_seen, &a.value).cmp(&(b.last_seen, &b.value)))
        .map(|s| &*s.value)
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
        let mut subjects: Vec<Statement> = Vec::new();
        let mut others: Vec<Statement> = Vec::new();
        self.engine.store()?.for_each_statement(&mut |s| {
            if ontology.is_a(&s.schema, schema) {
                if wanted.direct.contains(&*s.prop) {
                    subjects.push(s);
                }
            } else if wanted.referenced.contains(&*s.prop) {
                others.push(s);
            }
            Ok(())
        })?;
        let (subjects, _) = self.gate(Action::Resolve, subjects, None);
        let (others, _) = self.gate(Action::Resolve, others, None);
        let by_entity = group(subjects);
        let referenced = group(others);
        let mut ids: Vec<&String> = by_entity.keys().collect();
        ids.sort();
        let records = ids
            .iter()
            .map(|id| record(&wanted, id, &by_entity, &referenced))
            .collect();
        Ok(Loaded {
            ids: ids.into_iter().cloned().collect(),
            records,
        })
    }
}

fn unmasked(statements: Vec<Statement>) -> Vec<Statement> {
    statements
        .into_iter()
        .filter(|s| &*s.origin.source != MASKED_SOURCE)
        .collect()
}

fn group(statements: Vec<Statement>) -> HashMap<String, Vec<Statement>> {
    let mut out: HashMap<String, Vec<Statement>> = HashMap::new();
    for s in unmasked(statements) {
        out.entry(s.entity_id.to_string()).or_default().push(s);
    }
    out
}

fn record(
    wanted: &Wanted,
    id: &str,
    by_entity: &HashMap<String, Vec<Statement>>,
    referenced: &HashMap<String, Vec<Statement>>,
) -> Record {
    let own = by_entity.get(id).map_or(&[][..], Vec::as_slice);
    let fields = wanted
        .columns
        .iter()
        .map(|cols| {
            let parts: Vec<&str> = cols
                .iter()
                .filter_map(|c| match &c.via {
                    None => latest(own, &c.prop),
                    Some(via) => latest(own, via)
                        .and_then(|target| referenced.get(target))
                        .and_then(|t| latest(t, &c.prop)),
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .collect();
    Record {
        id: id.to_owned(),
        fields,
    }
}
