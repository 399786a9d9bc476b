//! References to keys no record holds, through the gate: a reference is a
//! statement's value, so it is listed only where this session may see that
//! statement as it is (a masked reference names nothing, a denied one is absent).

use clearstone_model::limits;
use clearstone_policy::Action;
use clearstone_store::{DanglingReference, Store};

use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// Dangling references, in dataset and record order, that this session
    /// may see. A note disappears once a record with the target's id arrives.
    pub fn dangling_references(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DanglingReference>, EngineError> {
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
                .raw_statements(&note.entity_id)?
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
    }
}
