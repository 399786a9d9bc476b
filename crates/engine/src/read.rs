//! Consultation (s.62 `consult`): registers, entities, the ingest log and events.

use clearstone_model::{Entity, limits};
use clearstone_store::{Dataset, Event, IngestRun, Store};

use crate::{EngineError, Operation, Session};

impl Session<'_> {
    pub fn datasets(&self) -> Result<Vec<Dataset>, EngineError> {
        let out = self.engine.store()?.datasets()?;
        self.record(
            Operation::Consult,
            "list datasets",
            &[],
            None,
            &format!("{} datasets", out.len()),
        )?;
        Ok(out)
    }

    pub fn ingest_runs(&self, limit: usize) -> Result<Vec<IngestRun>, EngineError> {
        let out = self
            .engine
            .store()?
            .runs(limit.min(limits::PAGE_ROWS_MAX))?;
        self.record(
            Operation::Consult,
            "list ingest runs",
            &[],
            None,
            &format!("{} runs", out.len()),
        )?;
        Ok(out)
    }

    /// One entity assembled from its statements.
    pub fn show(&self, entity_id: &str) -> Result<Entity, EngineError> {
        let statements = self
            .engine
            .store()?
            .entity_statements(entity_id, limits::ENTITY_STATEMENTS_MAX)?;
        let found = Entity::assemble(entity_id, statements);
        let outcome = if found.is_some() {
            "found"
        } else {
            "not found"
        };
        self.record(
            Operation::Consult,
            "show entity",
            &[entity_id],
            None,
            outcome,
        )?;
        found.ok_or_else(|| EngineError::NotFound(entity_id.to_string()))
    }

    /// The most recent events, newest first.
    pub fn events(&self, limit: usize) -> Result<Vec<Event>, EngineError> {
        let out = self
            .engine
            .store()?
            .events(limit.min(limits::PAGE_ROWS_MAX))?;
        self.record(
            Operation::Consult,
            "read events",
            &[],
            None,
            &format!("{} events", out.len()),
        )?;
        Ok(out)
    }
}
