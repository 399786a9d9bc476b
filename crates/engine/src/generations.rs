//! What outlives a session in memory and another process may change: the
//! registers sessions are opened with, and the cluster map searches group
//! by. Each session opened reads the store's counters (migration 11) once;
//! a counter that moved drops what it covers, so `clearstone purpose add`
//! or `clearstone resolve` run beside a server is seen at its next session,
//! not at its restart.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use clearstone_policy::{Principal, Purpose};
use clearstone_store::{Generations, Register, SqliteStore, Store};

use crate::registers::{principal_from, purpose_from};
use crate::{Engine, EngineError};

#[derive(Default)]
pub(crate) struct Memo {
    registers: Mutex<Registers>,
    /// The highest clusters' counter this process has seen; a map built
    /// under a lower one is out of date.
    clusters_seen: AtomicI64,
}

/// The registers as parsed, all read under one value of their counter.
/// Only what exists is kept: a name typed at random adds nothing.
#[derive(Default)]
struct Registers {
    generation: i64,
    principals: HashMap<String, Arc<Principal>>,
    purposes: HashMap<String, Arc<Purpose>>,
    listed: Option<Arc<Vec<Purpose>>>,
}

fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>, EngineError> {
    m.lock()
        .map_err(|_| EngineError::Internal("the register memo lock was poisoned".into()))
}

impl Engine {
    /// Reads the counters and drops whatever they say is out of date.
    /// Returns them, to be passed to the lookups that follow on `store`.
    pub(crate) fn sync_generations(&self, store: &SqliteStore) -> Result<Generations, EngineError> {
        let g = store.generations()?;
        {
            let mut r = lock(&self.memo.registers)?;
            // An older value, read by a slower thread, drops nothing.
            if g.registers > r.generation {
                *r = Registers {
                    generation: g.registers,
                    ..Registers::default()
                };
            }
        }
        self.clusters_seen(g.clusters);
        Ok(g)
    }

    /// Notes the clusters' counter; a move means canonical ids changed
    /// since the map and the graph were built.
    fn clusters_seen(&self, clusters: i64) {
        let before = self
            .memo
            .clusters_seen
            .fetch_max(clusters, Ordering::SeqCst);
        if before < clusters {
            self.index.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// The clusters' counter as last seen.
    pub(crate) fn clusters_generation(&self) -> i64 {
        self.memo.clusters_seen.load(Ordering::SeqCst)
    }

    /// This process changed canonical ids: what the counter now says is
    /// already accounted for, so the next session does not rebuild again.
    pub(crate) fn clusters_written(&self) -> Result<(), EngineError> {
        let g = self.reader()?.generations()?;
        self.memo
            .clusters_seen
            .fetch_max(g.clusters, Ordering::SeqCst);
        Ok(())
    }

    /// A registered principal, from memory while the registers stand still.
    pub(crate) fn registered_principal(
        &self,
        store: &SqliteStore,
        g: Generations,
        id: &str,
    ) -> Result<Option<Arc<Principal>>, EngineError> {
        if let Some(p) = lock(&self.memo.registers)?.principals.get(id) {
            return Ok(Some(p.clone()));
        }
        let Some(doc) = store.document(Register::Principal, id)? else {
            return Ok(None);
        };
        let p = Arc::new(principal_from(&doc)?);
        let mut r = lock(&self.memo.registers)?;
        // Read under the counter the caller saw: kept only if it still stands.
        if r.generation == g.registers {
            r.principals.insert(id.to_string(), p.clone());
        }
        Ok(Some(p))
    }

    /// A registered purpose, from memory while the registers stand still.
    pub(crate) fn registered_purpose(
        &self,
        store: &SqliteStore,
        g: Generations,
        id: &str,
    ) -> Result<Option<Arc<Purpose>>, EngineError> {
        if let Some(p) = lock(&self.memo.registers)?.purposes.get(id) {
            return Ok(Some(p.clone()));
        }
        let Some(doc) = store.document(Register::Purpose, id)? else {
            return Ok(None);
        };
        let p = Arc::new(purpose_from(&doc)?);
        let mut r = lock(&self.memo.registers)?;
        if r.generation == g.registers {
            r.purposes.insert(id.to_string(), p.clone());
        }
        Ok(Some(p))
    }

    /// Every registered purpose, in id order.
    pub(crate) fn registered_purposes(
        &self,
        store: &SqliteStore,
        g: Generations,
    ) -> Result<Arc<Vec<Purpose>>, EngineError> {
        if let Some(all) = &lock(&self.memo.registers)?.listed {
            return Ok(all.clone());
        }
        let all = Arc::new(
            store
                .documents(Register::Purpose)?
                .iter()
                .map(purpose_from)
                .collect::<Result<Vec<_>, _>>()?,
        );
        let mut r = lock(&self.memo.registers)?;
        if r.generation == g.registers {
            r.listed = Some(all.clone());
        }
        Ok(all)
    }
}
