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

use crate::{Engine, EngineError};

/// Subjects named by one event; more continue in further events, so that
/// each stays well within the log's entry size.
pub const SUBJECTS_PER_EVENT_MAX: usize = 1_000;
/// Parts of one act's event stored in one transaction: a run over a million
/// records names two million subjects in two thousand parts, which commit a
/// few dozen times rather than once each.
const EVENTS_PER_APPEND: usize = 64;

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

/// The fewest letters a justification holds: text made only of spaces,
/// punctuation or invisible characters (a zero-width space, a blank braille
/// cell) gives no reason anyone could review.
pub const JUSTIFICATION_LETTERS_MIN: usize = 4;

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
    /// The API token the request came with, by id, as
    /// [`Engine::token_request`] gives it. The token is checked again as the
    /// session opens, and every event of the session names it (`token:` and
    /// its id among the flags), so one call with a token is one event.
    pub token: Option<String>,
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
    /// A sign-in attempt (or enrolment), whatever its outcome.
    SignIn,
    /// A request made with an API token, whatever its outcome.
    TokenUse,
}

impl Operation {
    pub const ALL: [Operation; 14] = [
        Self::Collect,
        Self::Alter,
        Self::Consult,
        Self::Disclose,
        Self::Combine,
        Self::Erase,
        Self::Reveal,
        Self::Administer,
        Self::PolicyChange,
        Self::BreakGlass,
        Self::ReviewDecision,
        Self::Refused,
        Self::SignIn,
        Self::TokenUse,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

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
            Self::SignIn => "sign_in",
            Self::TokenUse => "token_use",
        }
    }
}

pub struct Session<'e> {
    pub(crate) engine: &'e Engine,
    pub(crate) req: SessionRequest,
    pub(crate) principal: Principal,
    pub(crate) purpose: Purpose,
    /// Shared with every session of the same principal and purpose
    /// (`decisions.rs`).
    pub(crate) decisions: std::sync::Arc<std::sync::Mutex<DecisionCache>>,
    pub(crate) break_glass: Option<BreakGlass>,
    /// The justification's hash, which events carry; its text is stored once
    /// per session.
    pub(crate) justification_ref: String,
    pub(crate) justification_stored: std::cell::Cell<bool>,
    pub(crate) last_event: std::cell::Cell<i64>,
    /// Events this session appended, so that an attempt that failed before
    /// logging itself can be told from one that did (`Session::logged`).
    pub(crate) events_appended: std::cell::Cell<u64>,
    /// The ids of the events this session appended (the first of each
    /// act's), for which it may have receipts without reading the log.
    pub(crate) own_events: RefCell<Vec<i64>>,
    /// What the session's case lets it look up (`cases.rs`), read at opening.
    pub(crate) case_grant: Option<crate::cases::CaseGrant>,
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

/// A principal's roles for a refusal: `analyst, data_engineer`, or `none`.
fn roles_text(p: &Principal) -> String {
    if p.roles.is_empty() {
        return "none".into();
    }
    p.roles
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The user's input for an error message, cut short if it is long: the
/// message should say what was wrong, not repeat a page of text.
pub(crate) fn shortened(input: &str) -> String {
    const SHOWN_CHARS_MAX: usize = 80;
    if input.chars().count() <= SHOWN_CHARS_MAX {
        return input.to_string();
    }
    let head: String = input.chars().take(SHOWN_CHARS_MAX).collect();
    format!("{head}…")
}

/// HMAC-SHA-256 under the subject key.
pub(crate) type SubjectMac = hmac::Hmac<sha2::Sha256>;

/// The keyed hash of `id` under `mac`'s key, as bytes.
pub(crate) fn keyed_tag_with(mac: &SubjectMac, id: &str) -> [u8; 16] {
    let mut mac = mac.clone();
    mac.update(id.as_bytes());
    let tag = mac.finalize().into_bytes();
    let mut out = [0; 16];
    for (o, b) in out.iter_mut().zip(tag.iter()) {
        *o = *b;
    }
    out
}

/// The length of a keyed hash in hex, as events name subjects.
pub(crate) const HEX_TAG_LEN: usize = 32;

/// A keyed hash as the log writes it.
pub(crate) fn hex_tag(tag: &[u8; 16]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(HEX_TAG_LEN);
    for b in tag {
        for nibble in [b >> 4, b & 0xf] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

impl Engine {
    /// The keyed hash the log names subjects by (see `Session::subject_hash`).
    pub(crate) fn keyed_hash(&self, id: &str) -> String {
        self.keyed_tag(id).map(|t| hex_tag(&t)).unwrap_or_default()
    }

    /// The keyed hash as bytes, half the size of its text: an ingest keeps
    /// one for each record it touched. `None` only if HMAC refused the key,
    /// which it never does (it takes keys of any length).
    pub(crate) fn keyed_tag(&self, id: &str) -> Option<[u8; 16]> {
        Some(keyed_tag_with(&self.subject_mac()?, id))
    }

    /// The subject key, keyed once: a run hashing millions of subjects
    /// clones it for each rather than keying again.
    pub(crate) fn subject_mac(&self) -> Option<SubjectMac> {
        SubjectMac::new_from_slice(&self.subject_key).ok()
    }
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

    pub(crate) fn open_session(&self, req: &SessionRequest) -> Result<Session<'_>, EngineError> {
        if req.principal.trim().is_empty() {
            return Err(EngineError::PrincipalRequired);
        }
        if req.purpose.trim().is_empty() {
            return Err(EngineError::PurposeRequired);
        }
        if req.justification.trim().is_empty() {
            return Err(EngineError::JustificationRequired);
        }
        if req
            .justification
            .chars()
            .filter(|c| c.is_alphabetic())
            .count()
            < JUSTIFICATION_LETTERS_MIN
        {
            return Err(EngineError::JustificationNotWords);
        }
        if let Some(r) = &req.reason
            && !REASON_CODES.contains(&r.as_str())
        {
            return Err(EngineError::InvalidInput(format!(
                "unknown reason code `{r}` (one of {})",
                REASON_CODES.join(", ")
            )));
        }
        if let Some(c) = &req.case_ref
            && !crate::is_case_reference(c)
        {
            return Err(EngineError::InvalidInput(crate::case_reference_problem()));
        }
        if let Some(id) = &req.token
            && !self.token_grants(id, req)?
        {
            return Err(EngineError::TokenRefused);
        }
        let store = self.reader()?;
        let g = self.sync_generations(&store)?;
        let principal = Principal::clone(
            &*self
                .registered_principal(&store, g, &req.principal)?
                .ok_or_else(|| EngineError::UnknownUser(req.principal.clone()))?,
        );
        let purpose = Purpose::clone(
            &*self
                .registered_purpose(&store, g, &req.purpose)?
                .ok_or_else(|| EngineError::UnknownPurpose(req.purpose.clone()))?,
        );
        let now = Timestamp::now();
        let today = now.to_string();
        check_purpose(&principal, &purpose, today.get(..10).unwrap_or_default()).map_err(
            |reason| EngineError::SessionRefused {
                reason,
                principal: principal.id.clone(),
                roles: roles_text(&principal),
                purpose: purpose.id.clone(),
            },
        )?;
        let break_glass = if req.break_glass {
            Some(
                store
                    .break_glass(
                        &principal.id,
                        &purpose.id,
                        &text_ref(&req.justification),
                        now,
                    )?
                    .ok_or(EngineError::BreakGlassNotActive)?,
            )
        } else {
            None
        };
        let case_grant = crate::cases::CaseGrant::load(
            &store,
            req.case_ref.as_deref(),
            &principal.id,
            &purpose.id,
        )?;
        drop(store);
        let decisions = self.decisions.memo(&self.policies, &principal, &purpose)?;
        Ok(Session {
            engine: self,
            req: req.clone(),
            principal,
            purpose,
            decisions,
            break_glass,
            justification_ref: text_ref(&req.justification),
            justification_stored: std::cell::Cell::new(false),
            last_event: std::cell::Cell::new(0),
            events_appended: std::cell::Cell::new(0),
            own_events: RefCell::new(Vec::new()),
            case_grant,
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
        // Only what the registers hold is named: a user or purpose typed
        // for one there is not may be anything (a password in the wrong
        // field), so the user is kept by keyed hash, as a sign-in's is.
        let user = store
            .document(Register::Principal, &req.principal)?
            .is_some();
        let purpose = store.document(Register::Purpose, &req.purpose)?.is_some();
        drop(store);
        let (principal, subjects) = match user {
            true => (req.principal.clone(), Vec::new()),
            false => (
                "anonymous".to_string(),
                vec![self.keyed_hash(&format!("sign-in:{}", req.principal))],
            ),
        };
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: Operation::Refused.as_str().into(),
            principal,
            purpose: match purpose {
                true => req.purpose.clone(),
                false => String::new(),
            },
            justification,
            case_ref: req.case_ref.clone().filter(|c| crate::is_case_reference(c)),
            subjects,
            query: "open session".into(),
            outcome: err.code().into(),
            flags: token_flag(req).into_iter().collect(),
            ..Event::default()
        })?;
        Ok(())
    }
}

/// The flag naming the API token a request came with, by the id the
/// engine gave it (never the secret, never text someone typed).
fn token_flag(req: &SessionRequest) -> Option<String> {
    req.token
        .as_deref()
        .filter(|id| crate::registers::is_register_id(id))
        .map(|id| format!("token:{id}"))
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
        self.engine.keyed_hash(entity_id)
    }

    /// The decision for one value, with break-glass applied: an active grant
    /// lifts the purpose's dataset and type limits, never markings or masking.
    pub(crate) fn decide(&self, action: Action, resource: &Resource, reveal: bool) -> Decision {
        let d = crate::decisions::lock(&self.decisions).decide(action, resource, reveal);
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
    /// read_audit): one that concerns no dataset or entity type.
    pub(crate) fn require_action(&self, action: Action, what: &str) -> Result<(), EngineError> {
        self.require_on(action, "_register", what)
    }

    pub(crate) fn require_on(
        &self,
        action: Action,
        dataset: &str,
        what: &str,
    ) -> Result<(), EngineError> {
        self.require_resource(action, &dataset_resource(dataset), what)
    }

    /// Refuses unless the policies permit `action` on records of `schema`
    /// (or a subtype) in `dataset`: coverage is checked against the real
    /// dataset and type, so a purpose that lists its own covers them.
    pub(crate) fn require_typed(
        &self,
        action: Action,
        dataset: &str,
        schema: &str,
        what: &str,
    ) -> Result<(), EngineError> {
        let resource = Resource {
            dataset: dataset.to_string(),
            schema: schema.to_string(),
            schema_ancestors: self.engine.ancestors(schema),
            ..dataset_resource(dataset)
        };
        self.require_resource(action, &resource, what)
    }

    /// Refuses unless `action` on records of `schema` is permitted in at
    /// least one dataset the purpose covers (every dataset for `*`), for
    /// acts over a type across datasets, such as resolution; the records
    /// themselves are then read through the gate one by one.
    pub(crate) fn require_type_anywhere(
        &self,
        action: Action,
        schema: &str,
        what: &str,
    ) -> Result<(), EngineError> {
        let datasets: Vec<String> = if self
            .purpose
            .datasets
            .contains(clearstone_policy::COVERS_ALL)
            || self.break_glass.is_some()
        {
            vec![clearstone_policy::COVERS_ALL.to_string()]
        } else {
            self.purpose.datasets.iter().cloned().collect()
        };
        let resource = |dataset: &str| Resource {
            dataset: dataset.to_string(),
            schema: schema.to_string(),
            schema_ancestors: self.engine.ancestors(schema),
            ..dataset_resource(dataset)
        };
        let allowed = datasets
            .iter()
            .any(|d| self.decide(action, &resource(d), false).is_allow());
        if allowed {
            return Ok(());
        }
        // The reason for the first covered dataset, or "not covered" when
        // the purpose covers none.
        let first = datasets.first().map_or("_none", String::as_str);
        self.require_resource(action, &resource(first), what)
    }

    fn require_resource(
        &self,
        action: Action,
        resource: &Resource,
        what: &str,
    ) -> Result<(), EngineError> {
        let code = match self.decide(action, resource, false) {
            Decision::Allow => return Ok(()),
            Decision::Mask { .. } => "masked",
            Decision::Deny { reason } => reason.code(),
        };
        self.record(Operation::Refused, what, &[], None, code)?;
        Err(EngineError::Forbidden {
            what: self.refusal_context(what, resource),
            code,
        })
    }

    /// What was refused, with the dataset and type it was decided on and who
    /// asked under which purpose, so that the refusal can be acted on.
    fn refusal_context(&self, what: &str, resource: &Resource) -> String {
        let mut out = what.to_string();
        if resource.dataset != "_register" {
            let dataset = match resource.dataset.as_str() {
                "_none" => "no dataset".to_string(),
                d => format!("dataset `{d}`"),
            };
            out.push_str(&format!(" ({dataset}"));
            if resource.schema != "Thing" {
                out.push_str(&format!(", type `{}`", resource.schema));
            }
            out.push(')');
        }
        out.push_str(&format!(
            " as user `{}` (roles {}) under purpose `{}`",
            self.principal.id,
            roles_text(&self.principal),
            self.purpose.id
        ));
        out
    }

    /// `what schema` when `schema` is a type of the ontology, else `what`
    /// alone: an unknown name may be anything a person typed, and the log
    /// keeps only controlled vocabulary.
    pub(crate) fn type_query(&self, what: &str, schema: &str) -> String {
        if self.engine.ontology().get(schema).is_some() {
            format!("{what} {schema}")
        } else {
            what.to_string()
        }
    }

    /// Refuses a type the ontology does not have.
    pub(crate) fn known_type(&self, schema: &str) -> Result<(), EngineError> {
        if self.engine.ontology().get(schema).is_some() {
            return Ok(());
        }
        Err(EngineError::InvalidInput(format!(
            "no entity type `{}` in the ontology",
            shortened(schema)
        )))
    }

    /// Runs one attempt so that it leaves one event however it ends: an
    /// attempt that fails before appending its own event (bad input, a
    /// hidden or absent record, a limit) is logged with the error's code,
    /// because a refused or failed act is as much the log's business as an
    /// allowed one. `query` and `subjects` are what the attempt's own event
    /// would name: controlled vocabulary only.
    pub(crate) fn logged<T>(
        &self,
        op: Operation,
        query: &str,
        subjects: &[&str],
        attempt: impl FnOnce() -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        let before = self.events_appended.get();
        let out = attempt();
        if let Err(err) = &out
            && self.events_appended.get() == before
        {
            let op = match err {
                EngineError::Forbidden { .. }
                | EngineError::Refused(_)
                | EngineError::SessionRefused { .. } => Operation::Refused,
                _ => op,
            };
            self.record(op, query, subjects, None, err.code())?;
        }
        out
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
        let tags: Vec<[u8; 16]> = subjects
            .iter()
            .map(|s| self.engine.keyed_tag(s).unwrap_or_default())
            .collect();
        self.record_hashed(op, query, &tags, recipient, outcome, flags)
    }

    /// As [`Session::record_flagged`], with the subjects' keyed hashes
    /// already made (a resolution run makes millions on every core), held
    /// as bytes and spelt a part at a time.
    pub(crate) fn record_hashed(
        &self,
        op: Operation,
        query: &str,
        tags: &[[u8; 16]],
        recipient: Option<&str>,
        outcome: &str,
        flags: &[&str],
    ) -> Result<i64, EngineError> {
        let of_part = |i: usize| {
            let from = i.saturating_mul(SUBJECTS_PER_EVENT_MAX);
            tags.get(from..tags.len().min(from + SUBJECTS_PER_EVENT_MAX))
                .unwrap_or_default()
        };
        let part = |i: usize| of_part(i).iter().map(hex_tag).collect();
        // A run's event names two million hashes: each part is spelt once,
        // as it is stored, and only counted before.
        let named = |i: usize| of_part(i).len();
        self.record_parts_named(
            op,
            query,
            tags.len(),
            &part,
            Some(&named),
            recipient,
            outcome,
            flags,
        )
    }

    /// Records one act naming `count` subjects by their keyed hashes, which
    /// `part(i)` gives a part at a time: a long list of subjects continues in
    /// further events, since a log entry has a size limit, and is built a
    /// part at a time, so that an ingest of millions of records never holds
    /// every event at once.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_parts(
        &self,
        op: Operation,
        query: &str,
        count: usize,
        part: &dyn Fn(usize) -> Vec<String>,
        recipient: Option<&str>,
        outcome: &str,
        flags: &[&str],
    ) -> Result<i64, EngineError> {
        self.record_parts_named(op, query, count, part, None, recipient, outcome, flags)
    }

    /// As [`Session::record_parts`]; when `tags_in` is given, `part(i)` is
    /// the hex of `tags_in(i)` keyed hashes, and each part's size is checked
    /// from that count without spelling it.
    #[allow(clippy::too_many_arguments)]
    fn record_parts_named(
        &self,
        op: Operation,
        query: &str,
        count: usize,
        part: &dyn Fn(usize) -> Vec<String>,
        tags_in: Option<&dyn Fn(usize) -> usize>,
        recipient: Option<&str>,
        outcome: &str,
        flags: &[&str],
    ) -> Result<i64, EngineError> {
        let justification = &self.justification_ref;
        let mut flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        if self.break_glass.is_some() {
            flags.push("break_glass".into());
        }
        flags.extend(token_flag(&self.req));
        let parts = count.div_ceil(SUBJECTS_PER_EVENT_MAX).max(1);
        let at = Timestamp::now();
        let event = |i: usize, subjects: Vec<String>| {
            let query = match i {
                0 => query.to_string(),
                _ => format!("{query} (subjects continued, part {} of {parts})", i + 1),
            };
            Event {
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
                subjects,
                recipient: recipient.map(str::to_string),
                outcome: outcome.to_string(),
                flags: flags.clone(),
            }
        };
        // Every part is checked before the store holds the first: an event
        // the log cannot take would stop the engine from opening.
        for i in 0..parts {
            match tags_in {
                Some(n) => {
                    crate::evidence::check_fits_log_naming_tags(&event(i, Vec::new()), n(i))?
                }
                None => crate::evidence::check_fits_log(&event(i, part(i)))?,
            }
        }
        if !self.justification_stored.get() {
            // Most sessions give a justification an earlier one stored: a
            // read beside the writer says so without queueing on it.
            if self.engine.reader()?.text(justification)?.is_none() {
                self.engine
                    .store()?
                    .put_text(justification, &self.req.justification)?;
            }
            self.justification_stored.set(true);
        }
        // Parts are stored a few at a time in one transaction each, and so
        // never all held at once.
        let mut first = 0;
        let mut batch: Vec<Event> = Vec::with_capacity(EVENTS_PER_APPEND.min(parts));
        for from in (0..parts).step_by(EVENTS_PER_APPEND) {
            batch.clear();
            batch.extend((from..parts.min(from + EVENTS_PER_APPEND)).map(|i| event(i, part(i))));
            let id = self.engine.append_events(&mut batch)?;
            if first == 0 {
                first = id;
            }
        }
        // A receipt proves the access's own event, the one naming the query.
        self.last_event.set(first);
        self.events_appended
            .set(self.events_appended.get().saturating_add(1));
        self.own_events.borrow_mut().push(first);
        self.engine.await_witnesses(first)?;
        Ok(first)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn engine_with_admin() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let e = Engine::init(&dir.path().join("data"), None).unwrap();
        e.bootstrap_admin("admin").unwrap();
        (dir, e)
    }

    fn admin_session(e: &Engine) -> Session<'_> {
        e.session(SessionRequest {
            principal: "admin".into(),
            purpose: crate::ADMIN_PURPOSE.into(),
            justification: "testing the log's entry size".into(),
            ..SessionRequest::default()
        })
        .unwrap()
    }

    /// The longest query an event naming `tags` is accepted with, found by
    /// halving towards it, which passes through the few bytes where only
    /// the id's digits (or the count of subjects) decide; then the store
    /// and the log are checked to be still in step: the next event lands
    /// and the directory opens.
    fn longest_query_accepted(tags: &[[u8; 16]]) -> usize {
        let (dir, e) = engine_with_admin();
        let s = admin_session(&e);
        // Ids of two digits or more, which an event measured with id 0 leaves out.
        for _ in 0..10 {
            s.record_hashed(Operation::Consult, "warm", tags, None, "ok", &[])
                .unwrap();
        }
        let (mut lo, mut hi) = (0usize, clearstone_audit::ENTRY_BYTES_MAX);
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            let query = "q".repeat(mid);
            match s.record_hashed(Operation::Consult, &query, tags, None, "ok", &[]) {
                Ok(_) => lo = mid,
                Err(_) => hi = mid,
            }
        }
        s.record_flagged(Operation::Consult, "after", &[], None, "ok", &[])
            .unwrap();
        drop(s);
        e.flush_log().unwrap();
        drop(e);
        Engine::open(&dir.path().join("data")).unwrap();
        lo
    }

    #[test]
    fn an_event_its_own_id_would_tip_over_the_log_is_refused_before_it_is_stored() {
        let lo = longest_query_accepted(&[]);
        assert!(lo > clearstone_audit::ENTRY_BYTES_MAX / 2, "{lo}");
    }

    #[test]
    fn a_list_of_hashes_counted_is_as_long_as_encoded() {
        for n in [0usize, 1, 2, 7, 999, 1_000] {
            let tags: Vec<[u8; 16]> = (0..n)
                .map(|i| {
                    let mut t = [0u8; 16];
                    for (k, b) in t.iter_mut().enumerate() {
                        *b = (i * 31 + k * 7) as u8;
                    }
                    t
                })
                .collect();
            let named = Event {
                id: 123_456,
                at: Timestamp::now(),
                operation: "combine".into(),
                principal: "admin \"quoted\"".into(),
                purpose: "p".into(),
                justification: "j\n".into(),
                case_ref: None,
                query: "resolve Person (subjects continued, part 2 of 3)".into(),
                subjects: tags.iter().map(hex_tag).collect(),
                recipient: None,
                outcome: "ok".into(),
                flags: vec!["break_glass".into()],
            };
            let unnamed = Event {
                subjects: Vec::new(),
                ..named.clone()
            };
            assert_eq!(
                crate::evidence::logged_len_at_most(&unnamed) - 2
                    + crate::evidence::tags_json_len(n),
                crate::evidence::logged_len_at_most(&named),
                "{n} subjects"
            );
        }
    }

    #[test]
    fn an_event_naming_hashes_that_would_tip_over_the_log_is_refused_before_it_is_stored() {
        let lo = longest_query_accepted(&vec![[0xab; 16]; SUBJECTS_PER_EVENT_MAX]);
        assert!(lo > clearstone_audit::ENTRY_BYTES_MAX / 4, "{lo}");
    }

    #[test]
    fn a_long_list_of_subjects_continues_in_further_events_the_log_accepts() {
        let (dir, e) = engine_with_admin();
        let s = admin_session(&e);
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
