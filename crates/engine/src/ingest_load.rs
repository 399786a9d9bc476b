//! Several sources ingested as one load: each file is a run of its own,
//! with its own entry in the ingest log and its own event, but one index
//! writer takes every run's documents and commits once, when the load ends.
//! A commit per file left a small segment per file, and merging those
//! again and again took 13.5% of a 200,000-row load's CPU samples.

use std::path::Path;

use crate::index::IngestUpkeep;
use crate::ingest::{IngestProgress, IngestSummary};
use crate::{EngineError, Operation, Session};

/// An ingest of several sources in turn (see the module docs). The runs'
/// records are searchable once [`IngestLoad::finish`] returns; a load
/// dropped unfinished commits what it holds, and if that fails the next
/// ingest rebuilds the index from the store.
pub struct IngestLoad<'s, 'e> {
    session: &'s Session<'e>,
    upkeep: Option<IngestUpkeep<'e>>,
}

impl<'e> Session<'e> {
    /// Starts a load; nothing is written until its first ingest.
    pub fn ingest_load(&self) -> IngestLoad<'_, 'e> {
        IngestLoad {
            session: self,
            upkeep: None,
        }
    }
}

impl IngestLoad<'_, '_> {
    /// Ingests one source, as [`Session::ingest`] does, except that its
    /// records become searchable when the load finishes. A run that fails
    /// is undone as a single ingest is, and the records of the load's
    /// earlier runs are indexed again from the store before it returns.
    pub fn ingest(
        &mut self,
        mapping_path: &Path,
        progress: &mut dyn FnMut(&IngestProgress),
    ) -> Result<IngestSummary, EngineError> {
        let (session, upkeep) = (self.session, &mut self.upkeep);
        session.logged(Operation::Collect, "ingest", &[], || {
            session.ingest_mapping(mapping_path, progress, Some(upkeep))
        })
    }

    /// Makes every run's records searchable.
    pub fn finish(mut self) -> Result<(), EngineError> {
        match self.upkeep.take() {
            Some(upkeep) => upkeep.commit(),
            None => Ok(()),
        }
    }
}

impl Drop for IngestLoad<'_, '_> {
    fn drop(&mut self) {
        // An ingest that returned early on an error: the runs that finished
        // are stored, so their documents are kept too. Should this commit
        // fail, the index's pending mark is still there, and the next
        // ingest rebuilds the index.
        if let Some(upkeep) = self.upkeep.take() {
            let _ = upkeep.commit();
        }
    }
}
