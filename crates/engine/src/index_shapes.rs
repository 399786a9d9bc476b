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

#[derive(Default)]
pub(crate) struct ShapeCache {
    ids: HashMap<Key, u64>,
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
        let key = (
            s.dataset.clone(),
            s.schema.clone(),
            s.markings.clone(),
            sensitivity,
        );
        if let Some(id) = self.ids.get(&key) {
            return Ok(*id);
        }
        let id = engine.index.shape(Shape {
            dataset: s.dataset.to_string(),
            schema: s.schema.to_string(),
            markings: (*s.markings).clone(),
            sensitivity,
        })?;
        self.ids.insert(key, id);
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
