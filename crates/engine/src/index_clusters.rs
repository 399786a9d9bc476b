//! The cluster map searches group records by, read from the canonical ids
//! resolution stored. A resolution or a judgement changes the map, never
//! the index: the documents name their own record, and each search groups
//! them through the map (`clearstone_search::Clusters`).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use clearstone_search::Clusters;

use crate::{Engine, EngineError};

impl Engine {
    /// The current cluster map, read from the store on first use after a
    /// change, by this process or another (`generations.rs`), and shared
    /// until the next.
    pub(crate) fn clusters(&self) -> Result<Arc<Clusters>, EngineError> {
        let mut slot = self
            .index
            .clusters
            .lock()
            .map_err(|_| EngineError::Internal("the cluster map lock was poisoned".into()))?;
        if let Some((built_at, c)) = slot.as_ref()
            && *built_at >= self.clusters_generation()
        {
            return Ok(c.clone());
        }
        let (built_at, map) = self.read_clusters()?;
        let built = Arc::new(map);
        *slot = Some((built_at, built.clone()));
        Ok(built)
    }

    /// Canonical ids changed: the next search reads the map again, and
    /// what is derived from the index (the graph, which names nodes by
    /// canonical id) is built again.
    pub(crate) fn clusters_changed(&self) -> Result<(), EngineError> {
        *self
            .index
            .clusters
            .lock()
            .map_err(|_| EngineError::Internal("the cluster map lock was poisoned".into()))? = None;
        self.index.generation.fetch_add(1, Ordering::SeqCst);
        self.clusters_written()
    }

    /// The map, with the clusters' counter read before it: a write between
    /// the two makes the map newer than its counter says, never older.
    fn read_clusters(&self) -> Result<(i64, Clusters), EngineError> {
        let store = self.reader()?;
        let built_at = store.generations()?.clusters;
        let mut map = Clusters::empty();
        // Records come in order, so a canonical id's first record is its
        // cluster's smallest, the key the cluster is grouped under.
        // Canonical ids are themselves 64-bit hashes: a hash of one stands
        // for it.
        let mut first: HashMap<u64, u32> = HashMap::new();
        let mut failed = None;
        store.for_each_canonical(&mut |entity, canonical| {
            let place = u32::try_from(map.len()).unwrap_or(u32::MAX);
            let key = *first.entry(fnv64(canonical)).or_insert(place);
            if let Err(e) = map.push(entity, key) {
                failed.get_or_insert(e);
            }
            Ok(())
        })?;
        store.release_cache()?;
        match failed {
            Some(e) => Err(EngineError::Internal(format!("canonical ids: {e}"))),
            None => Ok((built_at, map)),
        }
    }
}

fn fnv64(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
