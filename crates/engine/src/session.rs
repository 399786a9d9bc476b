//! Sessions: principal + purpose + justification (+ case). Every operation on
//! personal data is a method of `Session`; each decides through the policies,
//! redacts, and appends its event before it returns anything.

use std::cell::RefCell;

use clearstone_model::{Markings, Sensitivity, Timestamp};
use clearstone_policy::{
    Action, Decision, DecisionCache, Principal, Purpose, Resource, check_purpose,
};
use clearstone_store::{BreakGlass, Event, Register, Store};
use hmac::{KeyInit, Mac};
use sha2::Digest;

use crate::registers::{principal_from, purpose_from};
use crate::{Engine, EngineError};

/// Subjects named by one event; more continue in further events, so that
/// each stays well within the log's entry size.
pub const SUBJECTS_PER_EVENT_MAX: usize = 1_000;

/// Why a session is opened, as a code (free text goes in the justification).
pub const REASON_CODES: [&str; 8] = [
    "investigation",
    "complaint",
    "safeguarding",
    "vetting",
    "audit",
    "data_quality",
    "legal_request",
    "other",
];

/// Who is asking, for what, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionRequest {
    pub principal: String,
    pub purpose: String,
    /// Free text; kept apart from the log, which holds its hash.
    pub justification: String,
    /// One of [`REASON_CODES`]; `other` when not given.
    pub reason: Option<String>,
    pub case_ref: Option<String>,
    /// Act under the principal's break-glass grant (see `Session::break_glass`).
    pub break_glass: bool,
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
    /// Showing special-category values: its own logged act.
    Reveal,
    Administer,
    PolicyChange,
    BreakGlass,
    /// A person's judgement on a pair of records, or its withdrawal.
    ReviewDecision,
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
            Self::Reveal => "reveal",
            Self::Administer => "administer",
            Self::PolicyChange => "policy_change",
            Self::BreakGlass => "break_glass",
            Self::ReviewDecision => "review_decision",
            Self::Refused => "refused",
        }
    }
}

pub struct Session<'e> {
    pub(crate) engine: &'e Engine,
    pub(crate) req: SessionRequest,
    pub(crate) principal: Principal,
    pub(crate) purpose: Purpose,
    pub(crate) decisions: RefCell<DecisionCache>,
    pub(crate) break_glass: Option<BreakGlass>,
    /// The justification's hash, which events carry; its text is stored once
    /// per session.
    pub(crate) justification_ref: String,
    pub(crate) justification_stored: std::cell::Cell<bool>,
    pub(crate) last_event: std::cell::Cell<i64>,
}

/// A dataset as a whole, for decisions that concern no one value (loading,
/// administering, reading the log): ordinary, unmarked, of the root type.
pub(crate) fn dataset_resource(dataset: &str) -> Resource {
    Resource {
        dataset: dataset.to_string(),
        schema: "Thing".into(),
        schema_ancestors: vec!["Thing".into()],
        sensitivity: Sensitivity::Ordinary,
        type_sensitivity: Sensitivity::Ordinary,
        markings: Markings::default(),
    }
}

/// `sha256:<hex>` of free text: the log refers to text by this, so the text
/// can be erased without breaking the log.
pub(crate) fn text_ref(text: &str) -> String {
    let d = sha2::Sha256::digest(text.as_bytes());
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

impl Engine {
    /// Opens a session, or refuses it (and logs the refusal): the request
    /// must name a registered, enabled principal, a purpose that principal's
    /// roles may use and that is in date and reviewed, and a justification.
    pub fn session(&self, req: SessionRequest) -> Result<Session<'_>, EngineError> {
        match self.open_session(&req) {
            Ok(s) => Ok(s),
            Err(err) => {
                self.log_refusal(&req, &err)?;
                Err(err)
            }
        }
    }

    fn open_session(&self, req: &SessionRequest) -> Result<Session<'_>, EngineError> {
        if req.principal.trim().is_empty() {
            return Err(EngineError::PrincipalRequired);
        }
        if req.purpose.trim().is_empty() {
            return Err(EngineError::PurposeRequired);
        }
        if req.justification.trim().is_empty() {
            return Err(EngineError::JustificationRequired);
        }
        if let Some(r) = &req.reason
            && !REASON_CODES.contains(&r.as_str())
        {
            return Err(EngineError::InvalidInput(format!(
                "unknown reason code `{r}` (one of {})",
                REASON_CODES.join(", ")
            )));
        }
        let store = self.store()?;
        let principal = principal_from(
            &store
                .document(Register::Principal, &req.principal)?
                .ok_or_else(|| EngineError::UnknownUser(req.principal.clone()))?,
        )?;
        let purpose = purpose_from(
            &store
                .document(Register::Purpose, &req.purpose)?
                .ok_or_else(|| EngineError::UnknownPurpose(req.purpose.clone()))?,
        )?;
        let now = Timestamp::now();
        let today = now.to_string();
        check_purpose(&principal, &purpose, today.get(..10).unwrap_or_default())
            .map_err(EngineError::Refused)?;
        let break_glass = if req.break_glass {
            Some(
                store
                    .break_glass(&principal.id, now)?
                    .ok_or(EngineError::BreakGlassNotActive)?,
            )
        } else {
            None
        };
        drop(store);
        let decisions = self
            .policies
            .cache(&principal, &purpose)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(Session {
            engine: self,
            req: req.clone(),
            principal,
            purpose,
            decisions: RefCell::new(decisions),
            break_glass,
            justification_ref: text_ref(&req.justification),
            justification_stored: std::cell::Cell::new(false),
            last_event: std::cell::Cell::new(0),
        })
    }

    fn log_refusal(&self, req: &SessionRequest, err: &EngineError) -> Result<(), EngineError> {
        let mut store = self.store()?;
        let justification = if req.justification.is_empty() {
            String::new()
        } else {
            let r = text_ref(&req.justification);
            store.put_text(&r, &req.justification)?;
            r
        };
        drop(store);
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: Operation::Refused.as_str().into(),
            principal: req.principal.clone(),
            purpose: req.purpose.clone(),
            justification,
            case_ref: req.case_ref.clone(),
            query: "open session".into(),
            outcome: err.code().into(),
            ..Event::default()
        })?;
        Ok(())
    }
}

impl Session<'_> {
    pub fn request(&self) -> &SessionRequest {
        &self.req
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn purpose(&self) -> &Purpose {
        &self.purpose
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

    /// The decision for one value, with break-glass applied: an active grant
    /// lifts the purpose's dataset and type limits, never markings or masking.
    pub(crate) fn decide(&self, action: Action, resource: &Resource, reveal: bool) -> Decision {
        let d = self.decisions.borrow_mut().decide(action, resource, reveal);
        match d {
            Decision::Deny { reason }
                if self.break_glass.is_some()
                    && matches!(reason.code(), "dataset_not_covered" | "type_not_covered") =>
            {
                // Decide again as if covered: the remaining rules still apply.
                let mut wide = self.purpose.clone();
                wide.datasets = [clearstone_policy::COVERS_ALL.to_string()].into();
                wide.entity_types = [clearstone_policy::COVERS_ALL.to_string()].into();
                self.engine
                    .policies
                    .decide(&self.principal, &wide, action, resource, reveal)
            }
            d => d,
        }
    }

    /// Refuses unless the policies permit a value-free action (administer,
    /// read_audit, ingest of a dataset).
    pub(crate) fn require_action(&self, action: Action, what: &str) -> Result<(), EngineError> {
        self.require_on(action, "_register", what)
    }

    pub(crate) fn require_on(
        &self,
        action: Action,
        dataset: &str,
        what: &str,
    ) -> Result<(), EngineError> {
        let resource = dataset_resource(dataset);
        match self.decide(action, &resource, false) {
            Decision::Allow => Ok(()),
            Decision::Mask { .. } => Err(EngineError::Forbidden {
                what: what.into(),
                code: "masked",
            }),
            Decision::Deny { reason } => {
                self.record(Operation::Refused, what, &[], None, reason.code())?;
                Err(EngineError::Forbidden {
                    what: what.into(),
                    code: reason.code(),
                })
            }
        }
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
        self.record_flagged(op, query, subjects, recipient, outcome, &[])
            .map(|_| ())
    }

    pub(crate) fn record_flagged(
        &self,
        op: Operation,
        query: &str,
        subjects: &[&str],
        recipient: Option<&str>,
        outcome: &str,
        flags: &[&str],
    ) -> Result<i64, EngineError> {
        let justification = &self.justification_ref;
        let mut flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        if self.break_glass.is_some() {
            flags.push("break_glass".into());
        }
        let hashes: Vec<String> = subjects.iter().map(|s| self.subject_hash(s)).collect();
        // A log entry has a size limit: a long list of subjects continues in
        // further events, so the log still names every one.
        let parts: Vec<&[String]> = if hashes.is_empty() {
            vec![&[]]
        } else {
            hashes.chunks(SUBJECTS_PER_EVENT_MAX).collect()
        };
        let at = Timestamp::now();
        let mut events = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let query = match i {
                0 => query.to_string(),
                _ => format!(
                    "{query} (subjects continued, part {} of {})",
                    i + 1,
                    parts.len()
                ),
            };
            let event = Event {
                id: 0,
                at,
                operation: op.as_str().to_string(),
                principal: self.req.principal.clone(),
                purpose: self.req.purpose.clone(),
                justification: format!(
                    "{} {justification}",
                    self.req.reason.as_deref().unwrap_or("other")
                ),
                case_ref: self.req.case_ref.clone(),
                query,
                subjects: part.to_vec(),
                recipient: recipient.map(str::to_string),
                outcome: outcome.to_string(),
                flags: flags.clone(),
            };
            // Refused before the store holds it: an event the log cannot take
            // would stop the engine from opening.
            let bytes = crate::evidence::encode(&event).len();
            if bytes > clearstone_audit::ENTRY_BYTES_MAX {
                return Err(EngineError::Internal(format!(
                    "an event of {bytes} bytes is over the log's entry_bytes_max ({})",
                    clearstone_audit::ENTRY_BYTES_MAX
                )));
            }
            events.push(event);
        }
        if !self.justification_stored.get() {
            self.engine
                .store()?
                .put_text(justification, &self.req.justification)?;
            self.justification_stored.set(true);
        }
        let mut first = 0;
        for mut event in events {
            let id = self.engine.append_event(&mut event)?;
            if first == 0 {
                first = id;
            }
        }
        // A receipt proves the access's own event, the one naming the query.
        self.last_event.set(first);
        self.engine.await_witnesses(first)?;
        Ok(first)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_of_subjects_continues_in_further_events_the_log_accepts() {
        let dir = tempfile::tempdir().unwrap();
        let e = Engine::init(&dir.path().join("data"), None).unwrap();
        e.bootstrap_admin("admin").unwrap();
        let s = e
            .session(SessionRequest {
                principal: "admin".into(),
                purpose: crate::ADMIN_PURPOSE.into(),
                justification: "testing the log's entry size".into(),
                ..SessionRequest::default()
            })
            .unwrap();
        let ids: Vec<String> = (0..2_500).map(|i| format!("ds:e:{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let first = s
            .record_flagged(Operation::Consult, "bulk", &refs, None, "ok", &[])
            .unwrap();
        let events = s.events(10).unwrap();
        let parts: Vec<&Event> = events
            .iter()
            .filter(|ev| ev.query.starts_with("bulk"))
            .collect();
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().any(|ev| ev.id == first && ev.query == "bulk"));
        let named: usize = parts.iter().map(|ev| ev.subjects.len()).sum();
        assert_eq!(named, ids.len());
        assert!(parts.iter().any(|ev| ev.query.ends_with("part 3 of 3)")));
        drop(s);
        e.flush_log().unwrap();
        drop(e);
        // The directory still opens: the log took every event.
        Engine::open(&dir.path().join("data")).unwrap();
    }
}
