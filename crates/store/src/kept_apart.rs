//! The pairs a resolution run kept apart (`sql/0015_kept_apart.sql`), so
//! that re-clustering after a judgement keeps them apart as the run did.

use rusqlite::params;

use crate::{SqliteStore, StoreError};

pub trait KeptApartStore {
    /// Replaces the schema's pairs kept apart; each pair `left < right`.
    fn put_kept_apart(&mut self, schema: &str, pairs: &[(&str, &str)]) -> Result<(), StoreError>;
    /// The schema's pairs kept apart, in key order.
    fn kept_apart(&self, schema: &str) -> Result<Vec<(String, String)>, StoreError>;
}

impl KeptApartStore for SqliteStore {
    fn put_kept_apart(&mut self, schema: &str, pairs: &[(&str, &str)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM kept_apart WHERE schema = ?1", [schema])?;
        {
            let mut q = tx.prepare(
                "INSERT OR IGNORE INTO kept_apart(schema, left_id, right_id) VALUES (?1, ?2, ?3)",
            )?;
            for &(a, b) in pairs {
                q.execute(params![schema, a.min(b), a.max(b)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn kept_apart(&self, schema: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT left_id, right_id FROM kept_apart WHERE schema = ?1 ORDER BY left_id, right_id",
        )?;
        let rows = q.query_map([schema], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Erasure, Store};

    #[test]
    fn a_run_replaces_the_pairs_kept_apart_and_an_erasure_takes_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        s.put_kept_apart("Person", &[("b", "a"), ("c", "d")])
            .unwrap();
        s.put_kept_apart("Vehicle", &[("x", "y")]).unwrap();
        assert_eq!(
            s.kept_apart("Person").unwrap(),
            [("a".into(), "b".into()), ("c".into(), "d".into())]
        );
        s.put_kept_apart("Person", &[("e", "a"), ("c", "d")])
            .unwrap();
        assert_eq!(
            s.kept_apart("Person").unwrap(),
            [("a".into(), "e".into()), ("c".into(), "d".into())]
        );
        s.erase_entity(&Erasure {
            entity_id: "d".into(),
            ..Erasure::default()
        })
        .unwrap();
        assert_eq!(s.kept_apart("Person").unwrap(), [("a".into(), "e".into())]);
        assert_eq!(s.kept_apart("Vehicle").unwrap(), [("x".into(), "y".into())]);
    }
}
