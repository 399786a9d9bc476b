//! The dataset register's statement counts by type: the engine gives a
//! session only the counts of the types it may see, so a count never tells
//! how much is held of a type hidden from it.

use crate::{SqliteStore, StoreError};

impl SqliteStore {
    /// (dataset, type, statements) for every type each dataset holds.
    pub fn dataset_type_statements(&self) -> Result<Vec<(String, String, u64)>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT d.name, v.text, coalesce(sum(r.new_statements), 0)
             FROM record r JOIN dataset d ON d.id = r.dataset_id JOIN vocab v ON v.id = r.schema_id
             GROUP BY d.name, v.text ORDER BY d.name, v.text",
        )?;
        let rows = q.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
