//! Edits to the purposes register a data protection officer makes from
//! the web: marking a purpose reviewed, with the date of its next review,
//! and expiring it. Each reads the purpose as registered and writes it
//! back through [`Session::put_purpose`], so the checks and the one event
//! are those of any change to the register.

use clearstone_model::Timestamp;
use clearstone_policy::Purpose;
use clearstone_store::{Register, Store};

use crate::registers::purpose_from;
use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// The purpose as registered; a purpose that does not exist is
    /// `not_found`.
    fn registered_purpose(&self, id: &str) -> Result<Purpose, EngineError> {
        let doc = self.engine.store()?.document(Register::Purpose, id)?;
        match doc {
            Some(d) => purpose_from(&d),
            None => Err(EngineError::NotFound(id.to_string())),
        }
    }

    /// Records that this session's principal reviewed purpose `id`, due
    /// for review again on `next_review` (YYYY-MM-DD): one event.
    pub fn review_purpose(&self, id: &str, next_review: &str) -> Result<Purpose, EngineError> {
        self.logged(
            Operation::Administer,
            &self.registered_query("review purpose", Register::Purpose, id),
            &[],
            || {
                self.require_action(clearstone_policy::Action::Administer, "review purposes")?;
                let mut p = self.registered_purpose(id)?;
                p.review_date = next_review.trim().to_string();
                p.reviewed_by = Some(self.principal.id.clone());
                self.put_purpose(&p)?;
                Ok(p)
            },
        )
    }

    /// Ends purpose `id` now: it expired yesterday, so no session may start
    /// under it and work under it ends at its next request. One event.
    pub fn expire_purpose(&self, id: &str) -> Result<Purpose, EngineError> {
        self.logged(
            Operation::Administer,
            &self.registered_query("expire purpose", Register::Purpose, id),
            &[],
            || {
                self.require_action(clearstone_policy::Action::Administer, "expire purposes")?;
                let mut p = self.registered_purpose(id)?;
                // A purpose is usable through its expiry date.
                let yesterday = Timestamp(Timestamp::now().0 - 86_400_000).to_string();
                p.expires = yesterday.get(..10).unwrap_or(&yesterday).to_string();
                self.put_purpose(&p)?;
                Ok(p)
            },
        )
    }
}
