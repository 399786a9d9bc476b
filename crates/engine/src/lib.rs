//! The gate. Nothing reads or writes personal data except through a
//! [`Session`]: principal + purpose + justification, checked against the
//! registers and the Cedar policies, redacted, and logged. The server and the
//! CLI depend on this crate, never on the store.

mod breakglass;
mod datadir;
mod error;
mod export;
mod gate;
mod ingest;
mod read;
mod registers;
mod session;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use clearstone_model::{DEFAULT_ONTOLOGY, Ontology};
use clearstone_policy::{AuditUse, DEFAULT_POLICIES, PolicySet, Principal, PrincipalKind, Purpose};
use clearstone_store::{Document, Event, Register, SqliteStore, Store};

pub use breakglass::{BREAK_GLASS_JUSTIFICATION_CHARS_MIN, BREAK_GLASS_MINUTES_MAX};
pub use clearstone_model::{Classification, Entity, Statement, Timestamp};
pub use clearstone_policy::{self as policy, Action, Decision};
pub use clearstone_store::{Alert, BreakGlass, Dataset, IngestRun, QuarantineRow, RunStatus};
pub use error::EngineError;
pub use export::ExportFormat;
pub use gate::{GateCounts, MASKED_SOURCE};
pub use ingest::{IngestProgress, IngestSummary, ReplaySummary};
pub use session::{Operation, REASON_CODES, Session, SessionRequest};

/// An access event, as stored.
pub type AccessEvent = Event;

pub struct Engine {
    dir: PathBuf,
    ontology: Ontology,
    policies: PolicySet,
    store: Mutex<SqliteStore>,
    subject_key: Vec<u8>,
}

/// The purpose `init` creates so the first administrator can set up the
/// registers; it covers no data.
pub const ADMIN_PURPOSE: &str = "administration";

impl Engine {
    /// Creates a data directory with the given ontology (the default when
    /// `None`) and the default policies, after checking the ontology loads.
    pub fn init(dir: &Path, ontology: Option<(&str, &str)>) -> Result<Self, EngineError> {
        let (text, name) = ontology.unwrap_or((DEFAULT_ONTOLOGY, "default.toml"));
        Ontology::from_toml(text, name)?;
        datadir::create(dir, text, DEFAULT_POLICIES)?;
        Self::open(dir)
    }

    pub fn open(dir: &Path) -> Result<Self, EngineError> {
        let db = datadir::require(dir)?;
        let onto_path = dir.join(datadir::ONTOLOGY_FILE);
        let text = std::fs::read_to_string(&onto_path).map_err(datadir::io(&onto_path))?;
        let ontology = Ontology::from_toml(&text, &onto_path.display().to_string())?;
        let policy_path = dir.join(datadir::POLICY_FILE);
        let policy_text =
            std::fs::read_to_string(&policy_path).map_err(datadir::io(&policy_path))?;
        let policies = check_policy(&policy_text, &policy_path.display().to_string())?;
        let store = SqliteStore::open(&db)?;
        let engine = Self {
            dir: dir.to_path_buf(),
            ontology,
            policies,
            store: Mutex::new(store),
            subject_key: datadir::read_key(dir)?,
        };
        engine.log_policy_version()?;
        Ok(engine)
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
        store.append_event(&Event {
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
        store.append_event(&Event {
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
}

/// Validates a policy file against the schema (`clearstone policy check`).
pub fn check_policy(text: &str, file: &str) -> Result<PolicySet, EngineError> {
    PolicySet::load(text, file).map_err(|e| EngineError::Policy(e.to_string()))
}
