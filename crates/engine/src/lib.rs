//! The gate. Nothing reads or writes personal data except through a
//! [`Session`]: principal + purpose + justification. The server and the CLI
//! depend on this crate, never on the store.

mod datadir;
mod error;
mod export;
mod ingest;
mod read;
mod session;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use clearstone_model::{DEFAULT_ONTOLOGY, Ontology};
use clearstone_store::SqliteStore;

pub use clearstone_model::{Entity, Statement, Timestamp};
pub use clearstone_store::{Dataset, Event, IngestRun, QuarantineRow, RunStatus};
pub use error::EngineError;
pub use export::ExportFormat;
pub use ingest::{IngestProgress, IngestSummary, ReplaySummary};
pub use session::{Operation, Session, SessionRequest};

pub struct Engine {
    dir: PathBuf,
    ontology: Ontology,
    store: Mutex<SqliteStore>,
    subject_key: Vec<u8>,
}

impl Engine {
    /// Creates a data directory with the given ontology (the default when
    /// `None`), after checking the ontology loads.
    pub fn init(dir: &Path, ontology: Option<(&str, &str)>) -> Result<Self, EngineError> {
        let (text, name) = ontology.unwrap_or((DEFAULT_ONTOLOGY, "default.toml"));
        Ontology::from_toml(text, name)?;
        datadir::create(dir, text)?;
        Self::open(dir)
    }

    pub fn open(dir: &Path) -> Result<Self, EngineError> {
        let db = datadir::require(dir)?;
        let onto_path = dir.join(datadir::ONTOLOGY_FILE);
        let text = std::fs::read_to_string(&onto_path).map_err(datadir::io(&onto_path))?;
        let ontology = Ontology::from_toml(&text, &onto_path.display().to_string())?;
        let store = SqliteStore::open(&db)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            ontology,
            store: Mutex::new(store),
            subject_key: datadir::read_key(dir)?,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn ontology(&self) -> &Ontology {
        &self.ontology
    }

    pub(crate) fn store(&self) -> Result<MutexGuard<'_, SqliteStore>, EngineError> {
        self.store.lock().map_err(|_| {
            EngineError::Internal("the store lock was poisoned by a failed operation".into())
        })
    }
}
