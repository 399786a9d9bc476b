//! Sessions: principal + purpose + justification (+ case). Every operation on
//! personal data is a method of `Session`, and each one appends its event
//! before it returns anything.

use clearstone_model::Timestamp;
use clearstone_store::{Event, Store};
use hmac::{KeyInit, Mac};

use crate::{Engine, EngineError};

/// Who is asking, for what, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionRequest {
    pub principal: String,
    pub purpose: String,
    pub justification: String,
    pub case_ref: Option<String>,
}

/// The DPA 2018 s.62 operations, plus platform events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Collect,
    Alter,
    Consult,
    Disclose,
    Combine,
    Erase,
    /// A session that was refused before any operation ran.
    Refused,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Collect => "collect",
            Self::Alter => "alter",
            Self::Consult => "consult",
            Self::Disclose => "disclose",
            Self::Combine => "combine",
            Self::Erase => "erase",
            Self::Refused => "refused",
        }
    }
}

pub struct Session<'e> {
    pub(crate) engine: &'e Engine,
    pub(crate) req: SessionRequest,
}

impl Engine {
    /// Opens a session, or refuses (and logs the refusal) when the request
    /// lacks a principal, a purpose or a justification.
    pub fn session(&self, req: SessionRequest) -> Result<Session<'_>, EngineError> {
        let refusal = if req.principal.trim().is_empty() {
            Some(EngineError::PrincipalRequired)
        } else if req.purpose.trim().is_empty() {
            Some(EngineError::PurposeRequired)
        } else if req.justification.trim().is_empty() {
            Some(EngineError::JustificationRequired)
        } else {
            None
        };
        let session = Session { engine: self, req };
        if let Some(err) = refusal {
            session.record(Operation::Refused, err.code(), &[], None, "refused")?;
            return Err(err);
        }
        Ok(session)
    }
}

impl Session<'_> {
    pub fn request(&self) -> &SessionRequest {
        &self.req
    }

    /// Keyed hash of a subject id: the log can say "the same person" across
    /// events without holding the id, and erasing the key's link to a person
    /// never needs the log rewritten.
    pub(crate) fn subject_hash(&self, entity_id: &str) -> String {
        let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.engine.subject_key)
        else {
            return String::new();
        };
        mac.update(entity_id.as_bytes());
        let tag = mac.finalize().into_bytes();
        tag.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// Appends this session's event for one operation.
    pub(crate) fn record(
        &self,
        op: Operation,
        query: &str,
        subjects: &[&str],
        recipient: Option<&str>,
        outcome: &str,
    ) -> Result<(), EngineError> {
        let event = Event {
            id: 0,
            at: Timestamp::now(),
            operation: op.as_str().to_string(),
            principal: self.req.principal.clone(),
            purpose: self.req.purpose.clone(),
            justification: self.req.justification.clone(),
            case_ref: self.req.case_ref.clone(),
            query: query.to_string(),
            subjects: subjects.iter().map(|s| self.subject_hash(s)).collect(),
            recipient: recipient.map(str::to_string),
            outcome: outcome.to_string(),
        };
        self.engine.store()?.append_event(&event)?;
        Ok(())
    }
}
