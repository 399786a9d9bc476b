//! Erasure (s.62 `erase`): a source record removed from the store, the
//! quarantine and the index, for a subject's right to erasure or a
//! retention review.

use clearstone_model::limits;
use clearstone_policy::Action;
use clearstone_store::{Erasure, ResolutionStore, Store};

use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// Erases one source entity: every version of its record, the
    /// quarantined rows that describe it, the candidate pairs, cluster
    /// membership and judgements naming it, the kept search queries and
    /// justifications that name it (`traces.rs`), and its index documents;
    /// the rest of its cluster is clustered again without it. The log refers
    /// to the entity by keyed hash and to `reason` by hash. Needs the
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
        let (_, counts) = self.gate(Action::View, raw.clone(), None);
        let mut gates = crate::quarantine::RowGates::default();
        let quarantined: Vec<_> = self
            .quarantined_as(entity_id)?
            .into_iter()
            .filter(|q| gates.get(self, &q.row).visible())
            .collect();
        let dataset = match dataset.filter(|_| counts.allowed + counts.masked > 0) {
            Some(d) => d,
            None if raw.is_empty() => match quarantined.first() {
                Some(q) => q.row.dataset.clone(),
                None => return Err(EngineError::NotFound(entity_id.to_string())),
            },
            None => return Err(EngineError::NotFound(entity_id.to_string())),
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
        let resolved = self.engine.store()?.canonical_of(entity_id)?;
        let mut ids = vec![entity_id];
        if let Some((_, canonical)) = &resolved {
            ids.push(canonical);
        }
        let mut values = crate::traces::statement_values(&raw);
        values.extend(quarantined.iter().flat_map(|q| q.values()));
        let texts = self.texts_naming(&ids, &values)?;
        let erased = self.engine.store()?.erase_entity(&Erasure {
            entity_id: entity_id.to_string(),
            quarantine_rows: quarantined.iter().map(|q| q.row.id).collect(),
            texts,
        })?;
        // Kept after the texts are erased: the reason is the erasure's own
        // record (a request's reference, not the subject's name).
        let why = crate::session::text_ref(reason);
        self.engine.store()?.put_text(&why, reason)?;
        self.engine.unindex_erased(entity_id)?;
        crate::notes_semantic_store::forget(self.engine.dir(), entity_id)?;
        // The erased record may have been what held its cluster together.
        if let Some((schema, _)) = &resolved {
            self.recluster_after_judgement(schema)?;
        }
        self.record(
            Operation::Erase,
            &format!("erase entity from `{dataset}`, reason {why}"),
            &[entity_id],
            None,
            &format!(
                "{} statements, {} quarantined records, {} judgements, {} pairs and {} texts erased",
                erased.statements, erased.quarantined, erased.judgements, erased.pairs, erased.texts
            ),
        )?;
        Ok(erased.statements)
    }
}
