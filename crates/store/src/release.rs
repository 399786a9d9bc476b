//! Giving back memory a large one-off operation left in the page cache.

use crate::{SqliteStore, StoreError};

impl SqliteStore {
    /// Frees the pages this connection's cache holds. A resolution run
    /// writes every pair and canonical id once; the pages it touched are not
    /// read again soon, and kept they would add to the run's peak.
    pub fn release_cache(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }
}
