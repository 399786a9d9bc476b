//! Erasure (s.62 `erase`): a source record removed from the store and the
//! index, for a subject's right to erasure or a retention review.

use clearstone_model::limits;
use clearstone_policy::Action;
use clearstone_store::Store;

use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// Erases one source entity: every version of its record, the candidate
    /// pairs and cluster membership derived from it, and its index entries.
    /// Judgements and the log stay (they hold no values); the log refers to
    /// the entity by keyed hash and to `reason` by hash. Needs the
    /// permission to administer the entity's dataset.
    pub fn erase(&self, entity_id: &str, reason: &str) -> Result<u64, EngineError> {
        if reason.trim().is_empty() {
            return Err(EngineError::InvalidInput(
                "an erasure needs a reason (--why), e.g. the request's reference".into(),
            ));
        }
        let raw = self
            .engine
            .store()?
            .entity_statements(entity_id, limits::ENTITY_STATEMENTS_MAX)?;
        let Some(first) = raw.first() else {
            self.record(
                Operation::Erase,
                "erase entity",
                &[entity_id],
                None,
                "not found",
            )?;
            return Err(EngineError::NotFound(entity_id.to_string()));
        };
        let dataset = first.dataset.to_string();
        self.require_on(
            Action::Administer,
            &dataset,
            &format!("erase records of dataset `{dataset}`"),
        )?;
        let why = crate::session::text_ref(reason);
        self.engine.store()?.put_text(&why, reason)?;
        let erased = self.engine.store()?.erase_entity(entity_id)?;
        self.engine.unindex_erased(entity_id)?;
        self.record(
            Operation::Erase,
            &format!("erase entity from `{dataset}`, reason {why}"),
            &[entity_id],
            None,
            &format!("{erased} statements erased"),
        )?;
        Ok(erased)
    }
}
