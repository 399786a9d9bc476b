//! Everyone's own record of access: the events of the log that name the
//! session's user, and a receipt for each that `clearstone-verify` accepts.
//! Reading one's own acts needs no purpose with an s.62(4) use; another
//! user's event is answered as absent.

use clearstone_model::limits;
use clearstone_store::Event;

use crate::evidence::event_from_entry;
use crate::{EngineError, Operation, Session};

/// How far back in the log one's own events are looked for.
pub const OWN_EVENTS_SCAN_MAX: usize = 10_000;

impl Session<'_> {
    /// The user's own most recent events, newest first, read from the
    /// signed log among its last [`OWN_EVENTS_SCAN_MAX`] entries.
    pub fn own_events(&self, limit: usize) -> Result<Vec<Event>, EngineError> {
        self.logged(Operation::Consult, "read own events", &[], || {
            let out: Vec<Event> = self
                .engine
                .logged_events(OWN_EVENTS_SCAN_MAX)?
                .into_iter()
                .filter(|e| e.principal == self.principal.id)
                .take(limit.min(limits::PAGE_ROWS_MAX))
                .collect();
            self.record(
                Operation::Consult,
                "read own events",
                &[],
                None,
                &format!("{} events", out.len()),
            )?;
            Ok(out)
        })
    }

    /// A receipt for one of the user's own events.
    pub fn own_receipt(&self, event_id: i64) -> Result<String, EngineError> {
        self.logged(Operation::Consult, "read own receipt", &[], || {
            let absent = || EngineError::NotFound(format!("event {event_id}"));
            let index = u64::try_from(event_id.saturating_sub(1)).map_err(|_| absent())?;
            // Integrates what is pending, so the entry is then in the log.
            let receipt = self.receipt_of(event_id).map_err(|e| match e {
                EngineError::InvalidInput(_) => absent(),
                e => e,
            })?;
            let entry = {
                let log = self.engine.audit()?;
                let found = log.entries(index..index + 1)?.next().transpose()?;
                found.map(|(_, e)| e).ok_or_else(absent)?
            };
            if event_from_entry(&entry)?.principal != self.principal.id {
                return Err(absent());
            }
            self.record(
                Operation::Consult,
                "read own receipt",
                &[],
                None,
                &format!("event {event_id}"),
            )?;
            Ok(receipt)
        })
    }
}
