//! Every resolved record's canonical id in one ordered pass, for the map a
//! search groups records by: read once after each resolution, so without a
//! string allocated per row.

use crate::{SqliteStore, StoreError};

impl SqliteStore {
    /// Calls `f` with each resolved record and its canonical id, of every
    /// type, in record order.
    pub fn for_each_canonical(
        &self,
        f: &mut dyn FnMut(&str, &str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut q = self
            .conn
            .prepare("SELECT entity_id, canonical_id FROM canonical ORDER BY entity_id")?;
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str, StoreError> {
                r.get_ref(i)?.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                    .into()
                })
            };
            let (entity, canonical) = (text(0)?, text(1)?);
            f(entity, canonical)?;
        }
        Ok(())
    }
}
