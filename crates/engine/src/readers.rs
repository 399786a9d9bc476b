//! Read connections beside the store's one writer. Every read of a view
//! (dossier, record, search hits, graph, session opening) takes one of
//! these, so that reads run on every core at once instead of queueing
//! behind the writer's lock. WAL mode gives each read statement the last
//! committed state: never a half-written batch, and every act committed
//! before the read began.

use std::ops::Deref;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use clearstone_store::SqliteStore;

use crate::EngineError;

/// Read connections kept open: more than the cores a server runs on, so a
/// reader is free whenever a core is.
const READERS: usize = 4;

pub(crate) struct Readers {
    db: std::path::PathBuf,
    conns: Vec<Mutex<SqliteStore>>,
    next: AtomicUsize,
}

/// One read connection, borrowed for a read; it has no way to write.
pub(crate) struct Reader<'a>(MutexGuard<'a, SqliteStore>);

impl Deref for Reader<'_> {
    type Target = SqliteStore;

    fn deref(&self) -> &SqliteStore {
        &self.0
    }
}

impl Readers {
    /// Opens the read connections to a store the writer has opened.
    pub(crate) fn open(db: &Path) -> Result<Self, EngineError> {
        let conns = (0..READERS)
            .map(|_| SqliteStore::open_reader(db).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            db: db.to_owned(),
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// A read connection of the caller's own, for a thread that reads while
    /// another holds one of these: waiting for one of these could wait on
    /// the very thread waiting for it.
    pub(crate) fn open_own(&self) -> Result<SqliteStore, EngineError> {
        Ok(SqliteStore::open_reader(&self.db)?)
    }

    /// A free read connection, else waits for the next in turn.
    pub(crate) fn get(&self) -> Result<Reader<'_>, EngineError> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let n = self.conns.len();
        for i in 0..n {
            if let Some(Ok(g)) = self.conns.get((start + i) % n).map(Mutex::try_lock) {
                return Ok(Reader(g));
            }
        }
        self.conns
            .get(start % n.max(1))
            .ok_or_else(|| EngineError::Internal("no read connection is open".into()))?
            .lock()
            .map(Reader)
            .map_err(|_| {
                EngineError::Internal("a read connection was poisoned by a failed read".into())
            })
    }
}
