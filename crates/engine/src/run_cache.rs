//! What a dossier needs of each resolution run (its summary and linking
//! threshold), kept by run id. A run is never changed once stored, so an id
//! read once stays true; a run stored later, by this process or another,
//! has a new id and is read when a dossier first meets it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use clearstone_store::ResolutionStore;

use crate::dossier::RunSummary;
use crate::resolve::parse_settings;
use crate::{Engine, EngineError};

/// One run as the dossier shows it.
pub(crate) struct KnownRun {
    pub(crate) summary: RunSummary,
    /// The probability from which the run's settings link a pair.
    pub(crate) threshold: f64,
}

#[derive(Default)]
pub(crate) struct RunCache(Mutex<HashMap<i64, Arc<KnownRun>>>);

impl Engine {
    /// Run `id` as the dossier shows it, read from the store the first time.
    pub(crate) fn known_run(&self, id: i64) -> Result<Option<Arc<KnownRun>>, EngineError> {
        let poisoned = || EngineError::Internal("the run cache was poisoned".into());
        if let Some(k) = self.runs.0.lock().map_err(|_| poisoned())?.get(&id) {
            return Ok(Some(k.clone()));
        }
        let Some(run) = self.reader()?.resolution_run(id)? else {
            return Ok(None);
        };
        let known = Arc::new(KnownRun {
            threshold: parse_settings(Some(&run.settings))?.threshold,
            summary: crate::dossier::run_summary(&run),
        });
        self.runs
            .0
            .lock()
            .map_err(|_| poisoned())?
            .insert(id, known.clone());
        Ok(Some(known))
    }
}
