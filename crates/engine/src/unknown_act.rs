//! A form's act that names none the page offers. The attempt is still one
//! event, as every refused or failed attempt is; the event names the act
//! only as "unknown", since what was sent is text the user chose.

use clearstone_policy::{Action, AuditUse};
use clearstone_store::Register;

use crate::{EngineError, Operation, Session};

/// The acts an alert's review form offers.
pub const ALERT_ACTS: [&str; 4] = ["open", "decide", "confirm", "representation"];

/// The acts a case's edit forms offer.
pub const CASE_ACTS: [&str; 6] = ["task", "done", "assign", "link", "unlink", "decide"];

fn unknown(what: &str, act: &str, known: &[&str]) -> EngineError {
    EngineError::InvalidInput(format!(
        "a {what} act is one of {}, not `{}`",
        known.join(", "),
        crate::session::shortened(act)
    ))
}

impl Session<'_> {
    /// Refuses an alert review act that is not one of [`ALERT_ACTS`]: one
    /// event, answered the same whether the alert exists or not.
    pub fn refuse_alert_act(&self, id: i64, act: &str) -> Result<(), EngineError> {
        let query = format!("review alert {id} unknown act");
        self.logged(Operation::ReviewDecision, &query, &[], || {
            Err(unknown("review", act, &ALERT_ACTS))
        })
    }

    /// Refuses a case edit that is not one of [`CASE_ACTS`]: one event,
    /// answered the same whether the case exists, or is the user's, or not.
    pub fn refuse_case_act(&self, id: &str, act: &str) -> Result<(), EngineError> {
        let query = format!("{} unknown act", self.case_query("case", id));
        self.logged(Operation::Alter, &query, &[], || {
            Err(unknown("case", act, &CASE_ACTS))
        })
    }

    /// Refuses the form that adds purpose `id` when it names a use of the
    /// access log that is none of the uses there are: one event, as
    /// [`Session::add_purpose`] would log, refused first to one who may not
    /// administer the registers.
    pub fn refuse_purpose_audit_use(&self, id: &str, audit_use: &str) -> Result<(), EngineError> {
        let query = format!(
            "{} unknown use of the access log",
            self.registered_query("add purpose", Register::Purpose, id)
        );
        self.logged(Operation::Administer, &query, &[], || {
            self.require_action(Action::Administer, "add purposes")?;
            let known: Vec<&str> = AuditUse::ALL.iter().map(|u| u.as_str()).collect();
            Err(unknown("use of the access log", audit_use, &known))
        })
    }
}
