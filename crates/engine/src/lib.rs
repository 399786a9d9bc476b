//! The gate. Nothing reads or writes personal data except through a
//! [`Session`]: principal + purpose + justification, checked against the
//! registers and the Cedar policies, redacted, and logged. The server and the
//! CLI depend on this crate, never on the store.

mod accounts;
mod alert_review;
mod breakglass;
mod cases;
mod cases_export;
mod compared;
mod datadir;
mod decisions;
mod disclose;
mod dossier;
mod erase;
mod error;
mod evidence;
mod explore;
mod explore_values;
pub use explore_values::is_value_id;
mod case_reference;
mod dataset_counts;
mod dossier_json;
mod export;
mod export_clusters;
pub mod fairness;
mod fairness_monthly;
mod fairness_report;
mod fairness_rule;
pub mod feedback;
mod gate;
mod generations;
mod id_coverage;
mod index;
mod index_clusters;
mod index_shapes;
mod indicators;
mod indicators_evidence;
mod indicators_incremental;
mod indicators_lean;
mod indicators_people;
mod indicators_scan;
mod indicators_view;
mod ingest;
mod ingest_indexing;
mod ingest_load;
mod ingest_subjects;
pub mod json;
mod notes;
mod notes_gate;
mod notes_semantic;
#[cfg(feature = "semantic")]
mod notes_semantic_ingest;
mod notes_semantic_store;
mod notes_sources;
mod notes_summary;
mod notes_unavailable;
mod notes_upload;
mod notes_write;
mod own_record;
mod protected_view;
mod quarantine;
mod read;
mod readers;
mod references;
mod refused_request;
mod registers;
mod registers_add;
mod registers_edit;
mod replay;
mod replay_upload;
mod resolution_defaults;
mod resolve;
mod resolve_gate;
mod resolve_profile;
mod resolve_records;
mod resolve_scan;
mod resolve_targets;
mod review;
mod run_cache;
mod saved_search_erasure;
mod saved_searches;
mod search;
mod search_facets;
mod session;
mod subjects;
mod traces;
mod unknown_act;
mod visible_records;
mod witnesses;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use clearstone_audit::AuditLog;
use clearstone_model::{DEFAULT_ONTOLOGY, Ontology};
use clearstone_policy::{AuditUse, DEFAULT_POLICIES, PolicySet, Principal, PrincipalKind, Purpose};
use clearstone_store::{Document, Event, Register, SqliteStore, Store};

/// Events appended per round when the log catches up with the store.
const CATCH_UP_BATCH: usize = 10_000;

pub use accounts::{
    ENROLMENT_HOURS, LOCKOUT_MINUTES, PASSWORD_CHARS_MIN, SIGN_IN_FAILURES_MAX, TOKEN_DAYS_MAX,
    TOKEN_PREFIX, TokenInfo, UsablePurpose,
};
pub use alert_review::{
    AlertForReview, QUICK_DECISION_SECONDS, REVIEW_OUTCOMES, ReviewEvidence, ReviewerStats,
    RubberStampReport, rubber_stamps,
};
pub use breakglass::{BREAK_GLASS_JUSTIFICATION_CHARS_MIN, BREAK_GLASS_MINUTES_MAX};
pub use case_reference::{CASE_REF_CHARS_MAX, case_reference_problem, is_case_reference};
pub use cases::{CASE_DECISIONS, CASE_LINK_KINDS, CaseView};
pub use clearstone_embed as embed;
pub use clearstone_indicators::{Rule as IndicatorRuleFile, RuleError};
pub use clearstone_model::{Classification, Entity, Statement, Timestamp};
pub use clearstone_notes as note_text;
pub use clearstone_policy::{self as policy, Action, Decision};
pub use clearstone_search::{FACET_DOCS_MAX, Facets as SearchFacets};
pub use clearstone_search::{
    Hit as SearchHit, Page as SearchPage, Results as SearchResults, Snippet as SearchSnippet,
};
pub use clearstone_store::{
    Alert, BreakGlass, DanglingReference, Dataset, IngestRun, Judgement, MatchPair, QuarantineRow,
    ResolutionRun, RunStatus,
};
pub use clearstone_store::{AlertReviewAct, CaseDecision, CaseEntry, CaseFile, CaseTask};
pub use clearstone_store::{IndicatorRule, IndicatorRun};
pub use compared::{Agreement, Compared, FieldValues};
pub use datadir::SharedDir;
pub use disclose::{Destination, Disclosure, RECIPIENT_CHARS_MAX, writable_destination};
pub use dossier::{
    DOSSIER_JUDGEMENTS_MAX, DOSSIER_MEMBERS_MAX, DOSSIER_PAIRS_MAX, DOSSIER_REFERENCES_MAX,
    Dossier, DossierMember, DossierValue, MemberPair, Reference, ResolutionHistory, RunSummary,
    TimelineEvent, ValueSource, judgement_json,
};
pub use error::EngineError;
pub use evidence::{
    EVENT_PREFIX, Evidence, Oversight, OversightReport, STORE_DIFFERS, decode as decode_event,
    oversight_jsonl,
};
pub use explore::{
    CentralityReport, Connections, Day, GRAPH_NODES_MAX, GraphEdge, GraphFormat, GraphNode, Limits,
    LinkPath, Neighbourhood, Network, NodeCentrality, SharedAssociate, SharedAssociates, Span,
    graph_limits,
};
pub use export::ExportFormat;
pub use fairness_monthly::{
    ACTION_DECISIONS, MONTHLY_REPORT_ALERTS_MAX, MONTHLY_REPORT_MONTHS_MAX, MONTHLY_STAGES,
    MonthFigures, MonthlyReport, Passage, StageTables,
};
pub use fairness_report::{
    EQUALITY_PURPOSE, FAIRNESS_DIMENSIONS, FairnessReport, FairnessTable, WORKFORCE_TYPE,
};
pub use gate::{GateCounts, MASKED_SOURCE};
pub use indicators::{ActiveRuns, INDICATOR_ALERT_KIND, RuleFailure, RuleRun, RunMode, check_rule};
pub use indicators_evidence::EvidencePiece;
pub use ingest::{IngestProgress, IngestSummary, ReplaySummary};
pub use ingest_load::IngestLoad;
pub use notes::{NOTE_CHARS_MAX, NOTE_TYPE, NotePart, NoteScope, NoteView, SCOPE_NOTES_MAX};
pub use notes_semantic::{
    NOTE_HITS_MAX, NOTE_QUERY_CHARS_MAX, NoteSearchMode, PassageHit, PassageIndexReport,
};
pub use notes_semantic_store::SEMANTIC_DIR;
pub use notes_sources::{NotesWithSources, SOURCES_SUMMARY_SENTENCES};
pub use notes_summary::{
    ChronologyLine, FailingSentence, NotesSummary, SUMMARY_SENTENCES_MAX, SignOff, blocks_sign_off,
};
pub use notes_unavailable::ModelAct;
pub use notes_write::{AUDIO_BYTES_MAX, AUDIO_DIR, NewNote, TimedSpan, Transcribed};
pub use protected_view::PROTECTED_PLACEHOLDER;
pub use quarantine::QuarantineEntry;
pub use references::LookupCounts;
pub use registers::{REGISTER_ID_CHARS_MAX, is_register_id};
pub use registers_add::{PurposeProblem, purpose_problems};
pub use replay_upload::REPLAY_UPLOAD_BYTES_MAX;
pub use resolution_defaults::default_settings;
pub use resolve::{DEFAULT_PERSON_SETTINGS, PAIR_PROBABILITY_MIN, ResolveOptions, ResolveSummary};
pub use resolve_profile::{FieldProfile, PAIRS_PER_RECORD_WARN, ResolveProfile, RuleProfile};
pub use review::{ExplainedPair, ReviewItem, VERDICTS};
pub use saved_searches::{
    SAVED_SEARCH_NAME_CHARS_MAX, SAVED_SEARCHES_MAX, SavedSearch, SearchFilters,
};
pub use session::{Operation, REASON_CODES, Session, SessionRequest};
pub use unknown_act::{ALERT_ACTS, CASE_ACTS};

/// An access event, as stored.
pub type AccessEvent = Event;

pub struct Engine {
    dir: PathBuf,
    ontology: Ontology,
    policies: PolicySet,
    store: Mutex<SqliteStore>,
    /// Read connections beside the writer, for the read paths (`readers.rs`).
    readers: readers::Readers,
    /// The tamper-evident log. Events go to the store first (durable,
    /// queryable), then here; `open` appends any the log is missing.
    audit: Arc<Mutex<AuditLog>>,
    witnesses: Arc<witnesses::Witnesses>,
    /// Signs pending events in the background, off the request path.
    integrator: Option<Integrator>,
    subject_key: Vec<u8>,
    /// The search index, derived from the store (`index.rs`).
    index: index::Index,
    /// The reference graph, built from the index when it changes (`explore.rs`).
    graph: explore::GraphCache,
    /// Policy decisions shared by sessions of one principal and purpose.
    decisions: decisions::SharedDecisions,
    /// Resolution runs as dossiers show them, by id (`run_cache.rs`).
    runs: run_cache::RunCache,
    /// The registers as sessions are opened with them, and which write of
    /// canonical ids this process has seen (`generations.rs`).
    memo: generations::Memo,
}

/// The purpose `init` creates so the first administrator can set up the
/// registers; it covers no data.
pub const ADMIN_PURPOSE: &str = "administration";

impl Drop for Engine {
    /// Signs what is pending, so a command's events are evidence when it ends.
    fn drop(&mut self) {
        if let Some(i) = self.integrator.take() {
            i.stop();
        }
        let _ = self.flush_log();
    }
}

/// How often the integrator looks for pending events; the log's batch policy
/// (1 s or 1024 entries) decides when they are signed.
const INTEGRATE_POLL: std::time::Duration = std::time::Duration::from_millis(200);

struct Integrator {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Integrator {
    fn start(log: Arc<Mutex<AuditLog>>, witnesses: Arc<witnesses::Witnesses>) -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::park_timeout(INTEGRATE_POLL);
                if let Ok(mut l) = log.lock()
                    && l.integrate_due()
                {
                    // A failure leaves the entries pending; the next round or
                    // the final flush retries, and `open` catches up from the store.
                    let _ = witnesses.integrate(&mut l);
                }
            }
        });
        Self { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.thread().unpark();
        let _ = self.thread.join();
    }
}

impl Engine {
    /// Creates a data directory with the given ontology (the default when
    /// `None`) and the default policies, after checking the ontology loads.
    pub fn init(dir: &Path, ontology: Option<(&str, &str)>) -> Result<Self, EngineError> {
        let (text, name) = ontology.unwrap_or((DEFAULT_ONTOLOGY, "default.toml"));
        Ontology::from_toml(text, name)?;
        datadir::create(dir, text, DEFAULT_POLICIES)?;
        // The origin names this log in every checkpoint; unique per deployment.
        let id: String = datadir::random_key()?
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        AuditLog::create(
            &dir.join(datadir::AUDIT_DIR),
            &dir.join(datadir::LOG_KEY_FILE),
            &format!("clearstone.local/{id}"),
        )?;
        Self::open(dir)
    }

    /// Opens a data directory, refusing one that other users can read.
    pub fn open(dir: &Path) -> Result<Self, EngineError> {
        Self::open_with(dir, SharedDir::Refuse)
    }

    /// Opens a data directory; `shared` says whether one that other users
    /// can read is refused. Files created from here on are the owner's alone.
    pub fn open_with(dir: &Path, shared: SharedDir) -> Result<Self, EngineError> {
        let db = datadir::require(dir)?;
        datadir::check_owner_only(dir, shared)?;
        datadir::restrict_umask();
        let onto_path = dir.join(datadir::ONTOLOGY_FILE);
        let text = std::fs::read_to_string(&onto_path).map_err(datadir::io(&onto_path))?;
        let ontology = Ontology::from_toml(&text, &onto_path.display().to_string())?;
        let policy_path = dir.join(datadir::POLICY_FILE);
        let policy_text =
            std::fs::read_to_string(&policy_path).map_err(datadir::io(&policy_path))?;
        let policies = check_policy(&policy_text, &policy_path.display().to_string())?;
        let store = SqliteStore::open(&db)?;
        let readers = readers::Readers::open(&db)?;
        let mut audit = AuditLog::open(
            &dir.join(datadir::AUDIT_DIR),
            &dir.join(datadir::LOG_KEY_FILE),
        )?;
        let witnesses = witnesses::Witnesses::load(dir)?;
        if witnesses.required() {
            audit.require_cosignatures();
        }
        let engine = Self {
            dir: dir.to_path_buf(),
            ontology,
            policies,
            store: Mutex::new(store),
            readers,
            audit: Arc::new(Mutex::new(audit)),
            witnesses: Arc::new(witnesses),
            integrator: None,
            subject_key: datadir::read_key(dir)?,
            index: index::Index::open(dir)?,
            graph: explore::GraphCache::default(),
            decisions: decisions::SharedDecisions::default(),
            runs: run_cache::RunCache::default(),
            memo: generations::Memo::default(),
        };
        let mut engine = engine;
        engine.integrator = Some(Integrator::start(
            engine.audit.clone(),
            engine.witnesses.clone(),
        ));
        engine.catch_up_log()?;
        engine.log_policy_version()?;
        Ok(engine)
    }

    /// Appends to the log the events the store holds and the log does not
    /// (a process that stopped between the two writes), then integrates.
    fn catch_up_log(&self) -> Result<(), EngineError> {
        let store = self.store()?;
        let mut log = self.audit()?;
        loop {
            let have = i64::try_from(log.size() + log.pending() as u64).unwrap_or(i64::MAX);
            let missing = store.events_after(have, CATCH_UP_BATCH)?;
            if missing.is_empty() {
                break;
            }
            for e in &missing {
                let index = log.append(&evidence::encode(e))?;
                if i64::try_from(index).ok() != Some(e.id - 1) {
                    return Err(EngineError::Internal(format!(
                        "event {} would be log entry {index}",
                        e.id
                    )));
                }
            }
            // Witnesses may be away: the entries then wait for the integrator.
            if self.witnesses.integrate(&mut log).is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Appends one event to the store, then to the log, and returns its id.
    pub(crate) fn append_event(&self, event: &mut Event) -> Result<i64, EngineError> {
        evidence::check_fits_log(event)?;
        self.append_events(std::slice::from_mut(event))
    }

    /// Appends events to the store in one transaction, then to the log in
    /// order; returns the first one's id. The caller has checked that each
    /// fits the log ([`evidence::check_fits_log`]).
    pub(crate) fn append_events(&self, events: &mut [Event]) -> Result<i64, EngineError> {
        let mut store = self.store()?;
        store.append_events(events)?;
        let mut log = self.audit()?;
        for event in events.iter() {
            let index = log.append(&evidence::encode(event))?;
            if i64::try_from(index).ok() != Some(event.id - 1) {
                return Err(EngineError::Internal(format!(
                    "event {} went to log entry {index}",
                    event.id
                )));
            }
        }
        // Integration (durable tiles, a signed checkpoint) happens on the
        // integrator's thread within the batch policy's age, or at a flush.
        Ok(events.first().map_or(0, |e| e.id))
    }

    /// Signs (and has witnessed) a checkpoint over every pending event.
    pub fn flush_log(&self) -> Result<(), EngineError> {
        let mut log = self.audit()?;
        if log.pending() > 0 {
            self.witnesses.integrate(&mut log)?;
        }
        Ok(())
    }

    /// With witnesses, an act is complete only once its event is in a
    /// witnessed checkpoint: it waits for the quorum here, and fails naming
    /// the witnesses that did not answer. The event stays in the store and is
    /// published with the next checkpoint the quorum cosigns.
    pub(crate) fn await_witnesses(&self, event: i64) -> Result<(), EngineError> {
        if !self.witnesses.required() {
            return Ok(());
        }
        self.flush_log().map_err(|e| EngineError::Unwitnessed {
            event,
            why: e.to_string(),
        })
    }

    /// The log's verifier key (`name+keyid+base64`), for overseers.
    pub fn log_verifier_key(&self) -> Result<String, EngineError> {
        Ok(self.audit()?.verifier_key())
    }

    pub(crate) fn audit(&self) -> Result<MutexGuard<'_, AuditLog>, EngineError> {
        self.audit.lock().map_err(|_| {
            EngineError::Internal("the audit log lock was poisoned by a failed operation".into())
        })
    }

    /// A policy file the engine has not run with before is logged, with its
    /// text kept under its hash, before any session can use it.
    fn log_policy_version(&self) -> Result<(), EngineError> {
        let key = format!("policy:sha256:{}", self.policies.sha256());
        let mut store = self.store()?;
        if store.text(&key)?.is_some() {
            return Ok(());
        }
        store.put_text(&key, self.policies.text())?;
        drop(store);
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: session::Operation::PolicyChange.as_str().into(),
            principal: "system".into(),
            query: format!("policies from `{}`", datadir::POLICY_FILE),
            outcome: key,
            ..Event::default()
        })?;
        Ok(())
    }

    /// Registers the first administrator and the `administration` purpose.
    /// Only possible while the principal register is empty.
    pub fn bootstrap_admin(&self, id: &str) -> Result<(), EngineError> {
        // The id is logged in clear: it must be a register id, not free text.
        if !registers::is_register_id(id) {
            return Err(EngineError::InvalidInput(format!(
                "administrator `{}`: a user id is 1 to {} letters, digits, `-`, `_`, `.` or `@`",
                session::shortened(id),
                registers::REGISTER_ID_CHARS_MAX
            )));
        }
        let mut store = self.store()?;
        if !store.documents(Register::Principal)?.is_empty() {
            return Err(EngineError::InvalidInput(
                "users exist already: add more with `clearstone user add`".into(),
            ));
        }
        let roles: BTreeSet<String> = [
            "administrator".to_string(),
            "data_protection_officer".to_string(),
        ]
        .into();
        let admin = Principal {
            id: id.to_string(),
            display_name: id.to_string(),
            kind: PrincipalKind::User,
            roles: roles.clone(),
            unit: None,
            clearance: Classification::Official,
            caveats: BTreeSet::new(),
            attributes: Default::default(),
            disabled: false,
        };
        let now = Timestamp::now().to_string();
        let year: i32 = now.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
        let purpose = Purpose {
            id: ADMIN_PURPOSE.into(),
            description: "Setting up users, purposes and datasets; covers no personal data".into(),
            legal_basis: "UK GDPR art. 6(1)(e); DPA 2018 s.62(4)(c) integrity and security".into(),
            sensitive: None,
            policy_document: "".into(),
            datasets: BTreeSet::new(),
            entity_types: BTreeSet::new(),
            roles,
            audit_use: Some(AuditUse::IntegrityAndSecurity),
            review_date: format!("{}-12-31", year + 1),
            expires: format!("{}-12-31", year + 1),
            reviewed_by: Some(id.to_string()),
        };
        let pdoc = Document {
            id: admin.id.clone(),
            body: registers::principal_json(&admin),
            ..Document::default()
        };
        store.put_document(Register::Principal, &pdoc, "")?;
        let udoc = Document {
            id: purpose.id.clone(),
            body: registers::purpose_json(&purpose),
            ..Document::default()
        };
        store.put_document(Register::Purpose, &udoc, &purpose.expires)?;
        drop(store);
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: session::Operation::Administer.as_str().into(),
            principal: "system".into(),
            query: format!("bootstrap administrator `{id}` and purpose `{ADMIN_PURPOSE}`"),
            outcome: "created".into(),
            ..Event::default()
        })?;
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn ontology(&self) -> &Ontology {
        &self.ontology
    }

    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }

    pub(crate) fn store(&self) -> Result<MutexGuard<'_, SqliteStore>, EngineError> {
        self.store.lock().map_err(|_| {
            EngineError::Internal("the store lock was poisoned by a failed operation".into())
        })
    }

    /// A read connection: what it reads is committed, and it cannot write.
    pub(crate) fn reader(&self) -> Result<readers::Reader<'_>, EngineError> {
        self.readers.get()
    }

    /// A read connection that is not one of the shared ones (see
    /// `Readers::open_own`).
    pub(crate) fn own_reader(&self) -> Result<SqliteStore, EngineError> {
        self.readers.open_own()
    }
}

/// Validates a policy file against the schema (`clearstone policy check`).
pub fn check_policy(text: &str, file: &str) -> Result<PolicySet, EngineError> {
    PolicySet::load(text, file).map_err(|e| EngineError::Policy(e.to_string()))
}
