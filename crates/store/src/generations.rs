//! The counters of migration 11: each moves when another process may have
//! changed what a long-running one keeps in memory.

use crate::{SqliteStore, StoreError};

/// The value of each counter at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Generations {
    /// Moves on every change to the registers of principals and purposes.
    pub registers: i64,
    /// Moves on every write of canonical ids.
    pub clusters: i64,
}

impl SqliteStore {
    /// The counters now. Asked at every session opened, so one cached
    /// statement over a two-row table.
    pub fn generations(&self) -> Result<Generations, StoreError> {
        let mut q = self
            .conn
            .prepare_cached("SELECT name, value FROM generation")?;
        let mut rows = q.query([])?;
        let mut out = Generations::default();
        while let Some(r) = rows.next()? {
            let value: i64 = r.get(1)?;
            match r.get_ref(0)?.as_str().unwrap_or_default() {
                "registers" => out.registers = value,
                "clusters" => out.clusters = value,
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Bumps the clusters' counter inside the transaction that changed them.
pub(crate) fn clusters_changed(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE generation SET value = value + 1 WHERE name = 'clusters'",
        [],
    )?;
    Ok(())
}
