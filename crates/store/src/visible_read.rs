//! One record read for a reader who may not see all of it. Whether the
//! reader could see anything of it is answered from the `record_shape`
//! index (type and markings beside the id) before the record is read: a
//! record hidden from the reader then reads the same index pages an absent
//! id does and nothing more, so how long a lookup takes does not tell them
//! apart.

use std::collections::HashMap;

use clearstone_model::{Statement, dataset_of};
use rusqlite::{Connection, params};

use crate::sqlite::SqliteStore;
use crate::{Store, StoreError, pack};

/// Whether a reader may see any statement of a record of this dataset and
/// type carrying these markings (as stored, `Markings`' own spelling).
pub type Sees<'a> = dyn FnMut(&str, &str, &str) -> bool + 'a;

impl SqliteStore {
    pub(crate) fn read_visible(
        &self,
        entity_id: &str,
        limit: usize,
        sees: &mut Sees<'_>,
    ) -> Result<Vec<Statement>, StoreError> {
        if !self.shows_any(entity_id, sees)? {
            return Ok(Vec::new());
        }
        self.entity_statements(entity_id, limit)
    }

    /// The members of the cluster `canonical_id` names, in id order, of
    /// which some version has a shape `sees` accepts, and whether that is
    /// every member. Membership and shape come in one read of the
    /// `record_shape` index beside the cluster's rows, so a hidden member
    /// costs one index row and never a read of its record or a place in
    /// the list the caller then goes through.
    pub fn cluster_members_visible(
        &self,
        canonical_id: &str,
        sees: &mut Sees<'_>,
    ) -> Result<(Vec<String>, bool), StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT c.entity_id, r.schema_id, r.markings_id FROM canonical c \
             LEFT JOIN record r INDEXED BY record_shape ON r.entity_id = c.entity_id \
             WHERE c.canonical_id = ?1 ORDER BY c.entity_id",
        )?;
        let mut rows = q.query(params![canonical_id])?;
        let mut decided = HashMap::new();
        let mut out: Vec<String> = Vec::new();
        // Members seen so far, and whether the last one was kept.
        let (mut members, mut last, mut kept) = (0usize, None::<String>, false);
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if last.as_deref() != Some(id.as_str()) {
                members += 1;
                kept = false;
            }
            let schema_id: Option<i64> = r.get(1)?;
            if !kept
                && let Some(schema_id) = schema_id
                && self.shape_shows(&id, schema_id, r.get(2)?, sees, &mut decided)?
            {
                out.push(id.clone());
                kept = true;
            }
            last = Some(id);
        }
        let all = out.len() == members;
        Ok((out, all))
    }

    /// Whether some version of `entity_id` has a shape `sees` accepts, or
    /// one whose statements carry several markings (decided whole later).
    fn shows_any(&self, entity_id: &str, sees: &mut Sees<'_>) -> Result<bool, StoreError> {
        let mut q = self.conn.prepare_cached(
            "SELECT schema_id, markings_id FROM record INDEXED BY record_shape WHERE entity_id = ?1",
        )?;
        let mut rows = q.query(params![entity_id])?;
        let mut decided = HashMap::new();
        while let Some(r) = rows.next()? {
            if self.shape_shows(entity_id, r.get(0)?, r.get(1)?, sees, &mut decided)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether a version of `entity_id` of this type and markings (none
    /// when its statements carry several) may show anything, each shape
    /// asked of `sees` once per `decided`.
    pub(crate) fn shape_shows(
        &self,
        entity_id: &str,
        schema_id: i64,
        markings_id: Option<i64>,
        sees: &mut Sees<'_>,
        decided: &mut HashMap<(String, i64, i64), bool>,
    ) -> Result<bool, StoreError> {
        // A record's id begins with its dataset (`model::ids::entity_id`).
        let (Some(dataset), Some(markings_id)) = (dataset_of(entity_id), markings_id) else {
            return Ok(true);
        };
        let key = (dataset.to_string(), schema_id, markings_id);
        if let Some(b) = decided.get(&key) {
            return Ok(*b);
        }
        let b = sees(dataset, &self.name(schema_id)?, &self.name(markings_id)?);
        decided.insert(key, b);
        Ok(b)
    }
}

/// The markings every statement of a version carries, if they all carry
/// the same.
pub(crate) fn single_markings(ids: impl IntoIterator<Item = i64>) -> Option<i64> {
    let mut ids = ids.into_iter();
    let first = ids.next()?;
    ids.all(|i| i == first).then_some(first)
}

/// Versions given their markings per statement of the step below: each
/// batch is read whole before it is written.
const FILL_ROWS_MAX: i64 = 10_000;

/// Gives each version stored before `markings_id` existed its markings,
/// read from its body, in the migration's transaction.
pub(crate) fn fill_markings(conn: &Connection) -> Result<(), StoreError> {
    let mut read = conn.prepare(
        "SELECT rowid, body FROM record WHERE rowid > ?1 AND markings_id IS NULL ORDER BY rowid LIMIT ?2",
    )?;
    let mut set = conn.prepare("UPDATE record SET markings_id = ?2 WHERE rowid = ?1")?;
    let mut after = i64::MIN;
    loop {
        let batch: Vec<(i64, Vec<u8>)> = read
            .query_map(params![after, FILL_ROWS_MAX], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let Some((last, _)) = batch.last() else {
            return Ok(());
        };
        after = *last;
        for (rowid, body) in &batch {
            let entries = pack::decode(body).unwrap_or_default();
            if let Some(m) = single_markings(entries.iter().map(|e| e.markings_id)) {
                set.execute(params![rowid, m])?;
            }
        }
    }
}
