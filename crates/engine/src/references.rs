//! References to keys no record holds, through the gate: a reference is a
//! statement's value, so it is listed only where this session may see that
//! statement as it is (a masked reference names nothing, a denied one is absent).

use std::collections::HashMap;

use clearstone_ingest::Lookup;
use clearstone_model::{PropType, Statement, StatementId, Timestamp, limits};
use clearstone_policy::Action;
use clearstone_store::{Batch, DanglingReference, Store};

use crate::{EngineError, MASKED_SOURCE, Operation, Session};

impl Session<'_> {
    /// Dangling references, in dataset and record order, that this session
    /// may see. A note disappears once a record with the target's id arrives.
    pub fn dangling_references(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DanglingReference>, EngineError> {
        self.logged(Operation::Consult, "list dangling references", &[], || {
            let limit = limit.min(limits::PAGE_ROWS_MAX);
            let notes = self
                .engine
                .store()?
                .dangling_references(dataset, usize::MAX >> 1)?;
            let mut out = Vec::new();
            for note in notes {
                if out.len() >= limit {
                    break;
                }
                let statements: Vec<_> = self
                    .visible_statements(&note.entity_id, Action::View, false)?
                    .into_iter()
                    .filter(|s| *s.prop == *note.prop && s.value == note.target)
                    .collect();
                let (shown, counts) = self.gate(Action::View, statements, None);
                if !shown.is_empty() && counts.masked == 0 {
                    out.push(note);
                }
            }
            let subjects: Vec<&str> = out.iter().map(|n| n.entity_id.as_str()).collect();
            self.record(
                Operation::Consult,
                "list dangling references",
                &subjects,
                None,
                &format!("{} references", out.len()),
            )?;
            Ok(out)
        })
    }
}

/// References by a non-key column (`by = "payroll_number"`): each lookup
/// is answered from the records this session may see, read once per
/// (records, property) for one ingest, as if hidden records were absent.
#[derive(Default)]
pub(crate) struct Lookups {
    /// (id prefix, property) → identifier key → the records holding it.
    tables: HashMap<(String, String), HashMap<String, Vec<String>>>,
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    One(String),
    Nothing,
    /// Two or more records hold the value: which one is meant is not known,
    /// so none is linked.
    Several,
}

/// What resolving lookups did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LookupCounts {
    /// References linked to the one record holding their value.
    pub resolved: u64,
    /// References whose value two or more records hold, left unlinked.
    pub ambiguous: u64,
}

/// An identifier as compared: case folded, spaces removed, so that
/// `p 1234` and `P1234` are one payroll number.
fn identifier_key(v: &str) -> String {
    clearstone_text::fold(v)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Statements gated at a time while a lookup table is read.
const LOOKUP_BATCH: usize = 65_536;

impl Session<'_> {
    fn lookup_table(
        &self,
        prefix: &str,
        by: &str,
    ) -> Result<HashMap<String, Vec<String>>, EngineError> {
        let mut table: HashMap<String, Vec<String>> = HashMap::new();
        let mut batch: Vec<Statement> = Vec::new();
        let keep = |batch: &mut Vec<Statement>, table: &mut HashMap<String, Vec<String>>| {
            let (shown, _) = self.gate(Action::View, std::mem::take(batch), None);
            for s in shown {
                if &*s.origin.source == MASKED_SOURCE {
                    continue;
                }
                let ids = table.entry(identifier_key(&s.value)).or_default();
                if !ids.iter().any(|x| **x == *s.entity_id) {
                    ids.push(s.entity_id.to_string());
                }
            }
        };
        self.engine
            .store()?
            .for_each_statement_under(prefix, &mut |s| {
                if *s.prop == *by {
                    batch.push(s);
                    if batch.len() == LOOKUP_BATCH {
                        keep(&mut batch, &mut table);
                    }
                }
                Ok(())
            })?;
        keep(&mut batch, &mut table);
        Ok(table)
    }

    fn find(&self, lookups: &mut Lookups, l: &Lookup) -> Result<Found, EngineError> {
        let key = (l.id_prefix(), l.by.clone());
        if !lookups.tables.contains_key(&key) {
            let table = self.lookup_table(&key.0, &key.1)?;
            lookups.tables.insert(key.clone(), table);
        }
        let ids = lookups
            .tables
            .get(&key)
            .and_then(|t| t.get(&identifier_key(&l.value)));
        Ok(match ids.map(Vec::as_slice) {
            None | Some([]) => Found::Nothing,
            Some([one]) => Found::One(one.clone()),
            Some(_) => Found::Several,
        })
    }

    /// Points each reference by a non-key column among `statements` at the
    /// one record holding its value; the others keep their lookup, to be
    /// noted as dangling and tried again.
    pub(crate) fn resolve_lookups(
        &self,
        statements: &mut [Statement],
        lookups: &mut Lookups,
    ) -> Result<LookupCounts, EngineError> {
        let mut counts = LookupCounts::default();
        for s in statements.iter_mut() {
            let Some(l) = Lookup::parse(&s.value) else {
                continue;
            };
            if !self.is_reference(s) {
                continue;
            }
            match self.find(lookups, &l)? {
                Found::One(id) => {
                    s.value = id;
                    s.id = StatementId::new(&s.dataset, &s.entity_id, &s.prop, &s.value);
                    counts.resolved += 1;
                }
                // Left for the pass after the run, which counts it once.
                Found::Several | Found::Nothing => {}
            }
        }
        Ok(counts)
    }

    fn is_reference(&self, s: &Statement) -> bool {
        self.engine
            .ontology()
            .property(&s.schema, &s.prop)
            .is_some_and(|p| p.ty == PropType::Entity)
    }

    /// Tries again every dangling reference by a non-key column that this
    /// session may load: one whose value exactly one visible record now
    /// holds gets a statement naming that record (its lookup stays, as
    /// every statement does, and goes unseen as a reference to no record),
    /// and its note goes. Returns the counts and the referring records
    /// written. Ambiguous references are counted for `run` only when given.
    pub(crate) fn settle_lookups(
        &self,
        run: Option<i64>,
    ) -> Result<(LookupCounts, Vec<String>), EngineError> {
        let notes: Vec<DanglingReference> = self
            .engine
            .store()?
            .dangling_references(None, usize::MAX >> 1)?
            .into_iter()
            .filter(|n| Lookup::parse(&n.target).is_some())
            .collect();
        let mut counts = LookupCounts::default();
        let mut touched = Vec::new();
        if notes.is_empty() {
            return Ok((counts, touched));
        }
        let mut lookups = Lookups::default();
        let now = Timestamp::now();
        for note in notes {
            let pending: Vec<Statement> = self
                .visible_statements(&note.entity_id, Action::Ingest, false)?
                .into_iter()
                .filter(|s| *s.prop == *note.prop && s.value == note.target)
                .collect();
            let (mine, c) = self.gate(Action::Ingest, pending, None);
            if mine.is_empty() || c.masked > 0 {
                continue;
            }
            let Some(l) = Lookup::parse(&note.target) else {
                continue;
            };
            let id = match self.find(&mut lookups, &l)? {
                Found::One(id) => id,
                Found::Several => {
                    if run.is_none_or(|r| r == note.run_id) {
                        counts.ambiguous += 1;
                    }
                    continue;
                }
                Found::Nothing => continue,
            };
            let mut store = self.engine.store()?;
            for s in mine {
                let mut found = s.clone();
                found.value = id.clone();
                found.id = StatementId::new(&s.dataset, &s.entity_id, &s.prop, &found.value);
                found.last_seen = now;
                store.write_batch(&Batch {
                    dataset: s.dataset.to_string(),
                    source: s.origin.source.to_string(),
                    now,
                    statements: vec![found],
                    ..Batch::default()
                })?;
            }
            store.forget_reference(&note.entity_id, &note.prop, &note.target)?;
            counts.resolved += 1;
            touched.push(note.entity_id);
        }
        touched.sort_unstable();
        touched.dedup();
        self.engine.reindex(&touched)?;
        Ok((counts, touched))
    }

    /// `clearstone references dangling --resolve`: [`Session::settle_lookups`]
    /// on its own, for references whose target arrived by other means or
    /// became visible to this session. One event, naming the records written.
    pub fn resolve_dangling_references(&self) -> Result<LookupCounts, EngineError> {
        let what = "resolve dangling references";
        self.logged(Operation::Collect, what, &[], || {
            let (counts, touched) = self.settle_lookups(None)?;
            self.engine.store()?.settle_references(0)?;
            let subjects: Vec<&str> = touched.iter().map(String::as_str).collect();
            self.record(
                Operation::Collect,
                what,
                &subjects,
                None,
                &format!(
                    "{} resolved, {} ambiguous",
                    counts.resolved, counts.ambiguous
                ),
            )?;
            Ok(counts)
        })
    }
}
