//! What building documents looks up once per kind of value rather than
//! once per record: a shape's id (a SHA-256 over its spelt-out fields, and
//! a lock on the shape register) and a type's ancestors. An ingest keeps
//! one for its whole run, so a million records cost a handful of lookups.

use std::collections::HashMap;
use std::sync::Arc;

use clearstone_model::{Markings, Sensitivity, Statement};

use super::index::Shape;
use crate::{Engine, EngineError};

/// Keyed by value, not by address: the statements of later batches hold
/// other `Arc`s of the same dataset, type and markings.
type Key = (Arc<str>, Arc<str>, Arc<Markings>, Sensitivity);

/// Shapes remembered by address besides by value.
const RECENT_MAX: usize = 16;

#[derive(Default)]
pub(crate) struct ShapeCache {
    ids: HashMap<Key, u64>,
    /// The shapes last asked for, matched by the addresses of their
    /// `Arc`s: a batch's statements share them, so nearly every lookup
    /// ends here without hashing and comparing the values (which took
    /// most of a lookup's time). Holding the `Arc`s keeps their addresses
    /// from being reused for other values.
    recent: Vec<(Key, u64)>,
    ancestors: HashMap<Arc<str>, Vec<String>>,
}

impl ShapeCache {
    /// The id of the shape of `s`'s value, registering the shape the
    /// first time it is seen.
    pub(crate) fn id(
        &mut self,
        engine: &Engine,
        s: &Statement,
        sensitivity: Sensitivity,
    ) -> Result<u64, EngineError> {
        let same = |k: &Key| {
            Arc::ptr_eq(&k.0, &s.dataset)
                && Arc::ptr_eq(&k.1, &s.schema)
                && Arc::ptr_eq(&k.2, &s.markings)
                && k.3 == sensitivity
        };
        if let Some((_, id)) = self.recent.iter().find(|(k, _)| same(k)) {
            return Ok(*id);
        }
        let key = (
            s.dataset.clone(),
            s.schema.clone(),
            s.markings.clone(),
            sensitivity,
        );
        let id = match self.ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = engine.index.shape(Shape {
                    dataset: s.dataset.to_string(),
                    schema: s.schema.to_string(),
                    markings: (*s.markings).clone(),
                    sensitivity,
                })?;
                self.ids.insert(key.clone(), id);
                id
            }
        };
        if self.recent.len() == RECENT_MAX {
            self.recent.remove(0);
        }
        self.recent.push((key, id));
        Ok(id)
    }

    /// The type and its parents, as [`Engine::ancestors`] gives them.
    pub(crate) fn ancestors(&mut self, engine: &Engine, schema: &Arc<str>) -> Vec<String> {
        self.ancestors
            .entry(schema.clone())
            .or_insert_with(|| engine.ancestors(schema))
            .clone()
    }
}
