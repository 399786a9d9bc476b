//! What saved searches keep (`sql/0009_saved_searches.sql`): each row is
//! one user's, naming by hash the text that `text_ref` holds. The engine
//! decides who may do what; every method here takes the owner, so a row of
//! another user is never read, listed or removed.

use clearstone_model::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use crate::{SqliteStore, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedSearchRow {
    pub id: String,
    pub principal: String,
    /// Hash of the saved text in `text_ref`.
    pub text: String,
    pub created_at: Timestamp,
}

pub trait SavedSearchStore {
    fn put_saved_search(&mut self, row: &SavedSearchRow) -> Result<(), StoreError>;
    /// `principal`'s saved searches, oldest first.
    fn saved_searches(&self, principal: &str) -> Result<Vec<SavedSearchRow>, StoreError>;
    fn saved_search(&self, principal: &str, id: &str)
    -> Result<Option<SavedSearchRow>, StoreError>;
    /// Removes one of `principal`'s saved searches and, when no other saved
    /// search names it, its text; false when `principal` has no such search.
    fn delete_saved_search(&mut self, principal: &str, id: &str) -> Result<bool, StoreError>;
}

const COLUMNS: &str = "id, principal, text, created_at";

fn row(r: &Row<'_>) -> rusqlite::Result<SavedSearchRow> {
    Ok(SavedSearchRow {
        id: r.get(0)?,
        principal: r.get(1)?,
        text: r.get(2)?,
        created_at: Timestamp(r.get(3)?),
    })
}

impl SavedSearchStore for SqliteStore {
    fn put_saved_search(&mut self, s: &SavedSearchRow) -> Result<(), StoreError> {
        self.conn.execute(
            &format!("INSERT INTO saved_search({COLUMNS}) VALUES (?1, ?2, ?3, ?4)"),
            params![s.id, s.principal, s.text, s.created_at.0],
        )?;
        Ok(())
    }

    fn saved_searches(&self, principal: &str) -> Result<Vec<SavedSearchRow>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM saved_search WHERE principal = ?1 ORDER BY created_at, id"
        ))?;
        let rows = q.query_map([principal], row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn saved_search(
        &self,
        principal: &str,
        id: &str,
    ) -> Result<Option<SavedSearchRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM saved_search WHERE principal = ?1 AND id = ?2"),
                params![principal, id],
                row,
            )
            .optional()?)
    }

    fn delete_saved_search(&mut self, principal: &str, id: &str) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let text: Option<String> = tx
            .query_row(
                "SELECT text FROM saved_search WHERE principal = ?1 AND id = ?2",
                params![principal, id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(text) = text else {
            return Ok(false);
        };
        tx.execute(
            "DELETE FROM saved_search WHERE principal = ?1 AND id = ?2",
            params![principal, id],
        )?;
        tx.execute(
            "DELETE FROM text_ref WHERE hash = ?1
             AND NOT EXISTS (SELECT 1 FROM saved_search WHERE text = ?1)",
            [&text],
        )?;
        tx.commit()?;
        Ok(true)
    }
}
