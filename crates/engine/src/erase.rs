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
    /// permission to administer, and a purpose under which the record can
    /// be seen (one that covers its dataset and type, with its markings
    /// held): a record the session cannot see is answered and logged as
    /// one that does not exist.
    pub fn erase(&self, entity_id: &str, reason: &str) -> Result<u64, EngineError> {
        self.logged(Operation::Erase, "erase entity", &[entity_id], || {
            self.erase_entity(entity_id, reason)
        })
    }

    fn erase_entity(&self, entity_id: &str, reason: &str) -> Result<u64, EngineError> {
        if reason.trim().is_empty() {
            return Err(EngineError::InvalidInput(
                "an erasure needs a reason (--why), e.g. the request's reference".into(),
            ));
        }
        // Before the record is looked up, so that the answer to one who may
        // not erase at all does not depend on whether it exists.
        self.require_action(Action::Administer, "erase records")?;
        let raw = self
            .engine
            .store()?
            .entity_statements(entity_id, limits::ENTITY_STATEMENTS_MAX)?;
        let dataset = raw.first().map(|s| s.dataset.to_string());
        let (_, counts) = self.gate(Action::View, raw, None);
        let Some(dataset) = dataset.filter(|_| counts.allowed + counts.masked > 0) else {
            return Err(EngineError::NotFound(entity_id.to_string()));
        };
        if counts.denied > 0 {
            // The rest of the record is visible, so refusing says nothing
            // the session could not see: erasing values one cannot see is
            // for someone who can.
            let what = "erase a record with values this session cannot see";
            self.record(Operation::Refused, what, &[entity_id], None, "markings")?;
            return Err(EngineError::Forbidden {
                what: what.into(),
                code: "markings",
            });
        }
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
