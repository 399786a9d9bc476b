//! The gate as resolution applies it to values read in bulk: the decision
//! depends only on a value's shape (dataset, type, markings, property), so
//! the gate is asked once per shape with one of its values, and the answer
//! stands for the rest. A value the gate would rewrite rather than decide
//! (a note's text, whose special-category spans are withheld) is gated one
//! by one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use clearstone_model::{Kind, Markings, Origin, Statement, StatementId};
use clearstone_policy::Action;
use clearstone_store::{ScannedValue, SqliteStore};

use crate::{EngineError, MASKED_SOURCE, Session};

/// What the gate said of a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Allowed as stored.
    Keep,
    /// Denied, masked or withheld: resolution treats it as missing.
    Drop,
    /// Decided value by value.
    EachValue,
}

type Shape = (i64, i64, i64, usize);

pub(crate) struct ShapeGate<'a, 's> {
    session: &'a Session<'s>,
    props: Vec<Arc<str>>,
    decided: HashMap<Shape, Verdict>,
    /// The last shape decided for each property: a property's values are
    /// nearly all of one shape, so most values need no look-up.
    last: Vec<Option<(Shape, Verdict)>>,
    datasets: HashMap<i64, Arc<str>>,
    schemas: HashMap<i64, Arc<str>>,
    markings: HashMap<i64, Arc<Markings>>,
}

impl<'a, 's> ShapeGate<'a, 's> {
    /// A gate for values of `props`, which scanned values name by place.
    pub(crate) fn new(session: &'a Session<'s>, props: &[&str]) -> ShapeGate<'a, 's> {
        ShapeGate {
            session,
            props: props.iter().map(|p| Arc::from(*p)).collect(),
            decided: HashMap::new(),
            last: vec![None; props.len()],
            datasets: HashMap::new(),
            schemas: HashMap::new(),
            markings: HashMap::new(),
        }
    }

    /// The type a scanned value's record has.
    pub(crate) fn schema(
        &mut self,
        store: &SqliteStore,
        schema_id: i64,
    ) -> Result<Arc<str>, EngineError> {
        Ok(match self.schemas.entry(schema_id) {
            Entry::Occupied(e) => e.get().clone(),
            Entry::Vacant(e) => e.insert(store.vocab_text(schema_id)?).clone(),
        })
    }

    /// The value as resolution may use it; `None` when the session may not
    /// use it for `resolve`, or sees it only masked.
    pub(crate) fn value<'v>(
        &mut self,
        store: &SqliteStore,
        entity_id: &str,
        v: &ScannedValue<'v>,
    ) -> Result<Option<Cow<'v, str>>, EngineError> {
        let shape = (v.dataset_id, v.schema_id, v.markings_id, v.prop);
        let last = match self.last.get(v.prop) {
            Some(Some((s, verdict))) if *s == shape => Some(*verdict),
            _ => {
                let verdict = self.decided.get(&shape).copied();
                if let (Some(verdict), Some(slot)) = (verdict, self.last.get_mut(v.prop)) {
                    *slot = Some((shape, verdict));
                }
                verdict
            }
        };
        match last {
            Some(Verdict::Keep) => return Ok(Some(Cow::Borrowed(v.value))),
            Some(Verdict::Drop) => return Ok(None),
            Some(Verdict::EachValue) => {
                let s = self.statement(store, entity_id, v)?;
                return Ok(self.gated(s).map(Cow::Owned));
            }
            None => {}
        }
        let s = self.statement(store, entity_id, v)?;
        let each = self.session.engine.is_note_text(&s);
        let shown = self.gated(s);
        let verdict = match (each, &shown) {
            (true, _) => Verdict::EachValue,
            (false, Some(_)) => Verdict::Keep,
            (false, None) => Verdict::Drop,
        };
        self.decided.insert(shape, verdict);
        Ok(shown.map(Cow::Owned))
    }

    fn gated(&self, s: Statement) -> Option<String> {
        let (shown, _) = self.session.gate(Action::Resolve, vec![s], None);
        shown
            .into_iter()
            .next()
            .filter(|s| &*s.origin.source != MASKED_SOURCE)
            .map(|s| s.value)
    }

    /// The value as a statement, as the gate takes it.
    fn statement(
        &mut self,
        store: &SqliteStore,
        entity_id: &str,
        v: &ScannedValue<'_>,
    ) -> Result<Statement, EngineError> {
        let dataset = match self.datasets.entry(v.dataset_id) {
            Entry::Occupied(e) => e.get().clone(),
            Entry::Vacant(e) => e
                .insert(Arc::from(store.dataset_name(v.dataset_id)?))
                .clone(),
        };
        let schema = self.schema(store, v.schema_id)?;
        let markings = match self.markings.entry(v.markings_id) {
            Entry::Occupied(e) => e.get().clone(),
            Entry::Vacant(e) => e
                .insert(Arc::new(store.markings_of(v.markings_id)?))
                .clone(),
        };
        let prop = self
            .props
            .get(v.prop)
            .cloned()
            .ok_or_else(|| EngineError::Internal(format!("no property at {}", v.prop)))?;
        Ok(Statement {
            id: StatementId::new(&dataset, entity_id, &prop, v.value),
            entity_id: Arc::from(entity_id),
            schema,
            prop,
            value: v.value.to_owned(),
            original_value: None,
            dataset,
            origin: Origin {
                source: Arc::from(""),
                record: Arc::from(""),
            },
            first_seen: v.first_seen,
            last_seen: v.first_seen,
            markings,
            subject_category: None,
            kind: Kind::Fact,
        })
    }
}
