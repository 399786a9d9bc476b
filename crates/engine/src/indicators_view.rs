//! The records an indicator rule reads, gathered through the gate in
//! bounded batches: only the types and properties the rule names (and the
//! class of each record, for the built-in protected-class exclusion), with
//! resolution's canonical ids for who is who.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use clearstone_indicators::directed::DIRECTED_PROPERTY;
use clearstone_indicators::protected::CLASS_PROPERTIES;
use clearstone_indicators::{Record, Rule, Value, View};
use clearstone_model::{Statement, Timestamp};
use clearstone_policy::Action;
use clearstone_store::{ResolutionStore, Store};

use crate::indicators_lean::Lean;
use crate::indicators_scan::Part;
use crate::resolve_records::STATEMENTS_PER_BATCH;
use crate::{EngineError, MASKED_SOURCE, Session};

/// The type resolution decides people over.
pub(crate) const PEOPLE_SCHEMA: &str = "Person";

/// What one rule reads: for each type, the properties.
pub(crate) type Wanted = BTreeMap<String, BTreeSet<String>>;

/// A view and what reading it found.
pub(crate) struct Gathered {
    pub view: View,
    pub records: u64,
    /// Special-category values (a record's class) were read unmasked under
    /// the purpose's condition.
    pub read_special: bool,
    /// Entities with a statement first seen after the time asked about.
    pub changed: HashSet<String>,
}

impl Session<'_> {
    pub(crate) fn wanted(&self, rule: &Rule) -> Result<Wanted, EngineError> {
        let ontology = self.engine.ontology();
        let mut wanted: Wanted = BTreeMap::new();
        for schema in rule.condition.schemas() {
            self.known_type(schema)?;
            let props = wanted.entry(schema.to_owned()).or_default();
            // The class of every record read, so that a protected absence is
            // never counted whatever the rule names.
            for p in CLASS_PROPERTIES {
                props.insert((*p).to_owned());
            }
            if rule.exclude_directed {
                props.insert(DIRECTED_PROPERTY.to_owned());
            }
        }
        for (schema, path) in rule.condition.paths() {
            match path.split_once('.') {
                None => {
                    wanted.entry(schema).or_default().insert(path);
                }
                Some((via, prop)) => {
                    let range = ontology
                        .property(&schema, via)
                        .and_then(|p| p.range.clone())
                        .ok_or_else(|| {
                            EngineError::InvalidInput(format!(
                                "`{via}` is not a reference of `{schema}` in the ontology, so `{path}` cannot be followed"
                            ))
                        })?;
                    wanted.entry(schema).or_default().insert(via.to_owned());
                    wanted.entry(range).or_default().insert(prop.to_owned());
                }
            }
        }
        Ok(wanted)
    }

    /// Reads what `rule` needs through the gate, `STATEMENTS_PER_BATCH` at
    /// a time. A record's class is read unmasked only when the purpose
    /// names a lawful condition for special-category data; otherwise it is
    /// masked, the record is marked so, and it never counts. With `since`,
    /// also notes the entities that gained a statement after it.
    pub(crate) fn indicator_view(
        &self,
        rule: &Rule,
        since: Option<Timestamp>,
    ) -> Result<Gathered, EngineError> {
        let wanted = self.wanted(rule)?;
        // A case grant withholds protected records statement by statement
        // (`gate.rs`); such a session reads as every other read does.
        let lean = Lean::of(rule, self.engine.ontology());
        let (list, read_special, changed) = if self.case_grant.is_none() {
            let s = self.scan_indicator_records(&wanted, since, lean.as_ref(), Part::All)?;
            (s.records, s.read_special, s.changed)
        } else {
            let (mut list, special, changed) =
                self.indicator_records_by_statement(&wanted, since)?;
            if let Some(lean) = &lean {
                lean.apply(&mut list, self.engine.ontology());
            }
            (list, special, changed)
        };
        self.indicator_view_of(&wanted, list, read_special, changed)
    }

    /// The records of `wanted` read statement by statement through the
    /// gate, sorted by id: the read every other answer uses.
    pub(crate) fn indicator_records_by_statement(
        &self,
        wanted: &Wanted,
        since: Option<Timestamp>,
    ) -> Result<(Vec<Record>, bool, HashSet<String>), EngineError> {
        let mut changed: HashSet<String> = HashSet::new();
        let ontology = self.engine.ontology();
        let reveal = self.purpose.allows_sensitive();
        let mut records: HashMap<Arc<str>, Record> = HashMap::new();
        let mut read_special = false;
        let mut batch: Vec<Statement> = Vec::new();
        let mut keep = |batch: &mut Vec<Statement>, records: &mut HashMap<Arc<str>, Record>| {
            let (classes, others): (Vec<Statement>, Vec<Statement>) = std::mem::take(batch)
                .into_iter()
                .partition(|s| CLASS_PROPERTIES.contains(&&*s.prop));
            let mut allowed = self.gate(Action::Resolve, others, None).0;
            for p in CLASS_PROPERTIES {
                let (of_p, _): (Vec<Statement>, Vec<Statement>) =
                    classes.iter().cloned().partition(|s| &*s.prop == *p);
                if of_p.is_empty() {
                    continue;
                }
                let shown = self.gate(Action::Resolve, of_p, reveal.then_some(*p)).0;
                read_special |= reveal && !shown.is_empty();
                allowed.extend(shown);
            }
            for s in allowed {
                let r = records
                    .entry(s.entity_id.clone())
                    .or_insert_with(|| Record {
                        id: s.entity_id.to_string(),
                        schema: s.schema.clone(),
                        ..Record::default()
                    });
                if &*s.origin.source == MASKED_SOURCE {
                    r.masked = true;
                    continue;
                }
                r.values.push(Value {
                    prop: s.prop.clone(),
                    statement: s.id.to_string(),
                    value: s.value.into(),
                });
            }
        };
        {
            let store = self.engine.store()?;
            store.for_each_statement(&mut |s| {
                let hit = wanted.iter().any(|(schema, props)| {
                    props.contains(&*s.prop) && ontology.is_a(&s.schema, schema)
                });
                if hit {
                    if since.is_some_and(|t| s.first_seen > t) {
                        changed.insert(s.entity_id.to_string());
                    }
                    batch.push(s);
                    if batch.len() >= STATEMENTS_PER_BATCH {
                        keep(&mut batch, &mut records);
                    }
                }
                Ok(())
            })?;
            keep(&mut batch, &mut records);
        }
        let mut list: Vec<Record> = records.into_values().collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        for r in &mut list {
            r.values
                .sort_by(|a, b| (&a.prop, &a.value).cmp(&(&b.prop, &b.value)));
        }
        Ok((list, read_special, changed))
    }

    pub(crate) fn indicator_view_of(
        &self,
        wanted: &Wanted,
        list: Vec<Record>,
        read_special: bool,
        changed: HashSet<String>,
    ) -> Result<Gathered, EngineError> {
        let ontology = self.engine.ontology();
        let canonical: HashMap<String, String> = self
            .engine
            .store()?
            .canonical_ids(PEOPLE_SCHEMA)?
            .into_iter()
            .collect();
        let n = list.len() as u64;
        let types: Vec<String> = wanted.keys().cloned().collect();
        let view = View::new(list, canonical, &|schema| {
            types
                .iter()
                .filter(|t| ontology.is_a(schema, t))
                .cloned()
                .collect()
        });
        Ok(Gathered {
            view,
            records: n,
            read_special,
            changed,
        })
    }
}
