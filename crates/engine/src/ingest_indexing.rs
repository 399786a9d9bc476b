//! The search index kept current beside an ingest: each stored batch goes
//! to a thread of its own that builds the batch's documents and hands them
//! to the index writer, so the store's next transaction never waits for
//! indexing (on two cores, the two halves each take about half the time).

use std::sync::mpsc;

use clearstone_model::Statement;
use clearstone_store::BatchOutcome;

use crate::index::IngestUpkeep;
use crate::{Engine, EngineError};

/// Stored batches waiting to be indexed besides the one being indexed:
/// none, so the writer hands a batch over as it starts the next one. The
/// two threads still overlap, and a queued batch would only add its
/// statements to the peak memory.
const BATCHES_QUEUED_MAX: usize = 0;

/// Where an ingest sends each batch once it is stored.
pub(crate) struct IndexFeed {
    tx: mpsc::SyncSender<(Vec<Statement>, BatchOutcome)>,
}

impl IndexFeed {
    /// Queues a stored batch for indexing. Fails only when indexing has
    /// stopped; its own error is returned when the run ends.
    pub(crate) fn send(
        &self,
        statements: Vec<Statement>,
        stored: BatchOutcome,
    ) -> Result<(), String> {
        self.tx
            .send((statements, stored))
            .map_err(|_| "search index upkeep stopped".to_string())
    }
}

/// The upkeep once every batch is indexed, ready to commit, or the error
/// that stopped indexing.
type Indexed<'e> = Result<IngestUpkeep<'e>, EngineError>;

impl Engine {
    /// Runs `work`, an ingest storing its batches, with a feed whose
    /// batches `upkeep` indexes on a thread of its own. Returns what `work`
    /// returned and what indexing came to.
    pub(crate) fn ingest_indexing<'e, T>(
        &'e self,
        mut upkeep: IngestUpkeep<'e>,
        work: impl FnOnce(&IndexFeed) -> T,
    ) -> Result<(T, Indexed<'e>), EngineError> {
        let (tx, rx) = mpsc::sync_channel::<(Vec<Statement>, BatchOutcome)>(BATCHES_QUEUED_MAX);
        std::thread::scope(|scope| {
            // Named, so that a profile tells building documents apart.
            let indexer = std::thread::Builder::new()
                .name("ingest-index".into())
                .spawn_scoped(scope, move || {
                    for (statements, stored) in rx {
                        upkeep.add(&statements, &stored)?;
                    }
                    Ok(upkeep)
                })
                .map_err(|e| {
                    EngineError::Internal(format!("cannot start the indexing thread: {e}"))
                })?;
            let feed = IndexFeed { tx };
            let out = work(&feed);
            // Closing the feed ends the indexer's loop.
            drop(feed);
            let upkeep = indexer.join().unwrap_or_else(|_| {
                Err(EngineError::Internal("the indexing thread failed".into()))
            });
            Ok((out, upkeep))
        })
    }
}
