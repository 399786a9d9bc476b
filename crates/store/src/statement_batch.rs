//! Many records read in one query: an answer that names dozens of records
//! (a dossier's members and the records pointing at it, a search's hits and
//! their clusters) otherwise asks SQLite once per record, and the asking,
//! not the rows, was most of what those reads cost.

use std::collections::{HashMap, HashSet};

use clearstone_model::Statement;
use rusqlite::params_from_iter;

use crate::sqlite::{RECORD_COLUMNS, RECORD_JOINS, merge, raw_version};
use crate::{Sees, SqliteStore, StoreError};

/// Ids bound in one query. Every list is padded to this length with its
/// last id (which `IN` counts once), so one kept statement serves every
/// batch instead of one compiled per length.
const IDS_PER_QUERY: usize = 32;

/// `?1, ?2, …` for one padded batch.
fn placeholders() -> String {
    (1..=IDS_PER_QUERY)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ids` in batches, each padded to [`IDS_PER_QUERY`].
fn batches<'a>(ids: &'a [&'a str]) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    ids.chunks(IDS_PER_QUERY).filter_map(|chunk| {
        let last = chunk.last()?;
        Some(
            chunk
                .iter()
                .chain(std::iter::repeat(last))
                .take(IDS_PER_QUERY)
                .copied()
                .collect(),
        )
    })
}

impl SqliteStore {
    /// The statements of each record of `entity_ids`, as
    /// `Store::entity_statements` reads one (the same statements in the
    /// same order, `limit` per record); a record with none maps to an
    /// empty list.
    pub fn statements_of_many(
        &self,
        entity_ids: &[&str],
        limit: usize,
    ) -> Result<HashMap<String, Vec<Statement>>, StoreError> {
        let mut raw: HashMap<String, Vec<Statement>> = entity_ids
            .iter()
            .map(|id| ((*id).to_string(), Vec::new()))
            .collect();
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} {RECORD_JOINS} WHERE r.entity_id IN ({})",
            placeholders()
        ))?;
        for batch in batches(entity_ids) {
            let mut rows = q.query(params_from_iter(batch))?;
            while let Some(r) = rows.next()? {
                let v = raw_version(r)?;
                let out = raw.entry(v.entity_id.to_string()).or_default();
                self.unpack(&v, out)?;
                if out.len() > limit {
                    return Err(StoreError::TooManyStatements {
                        id: v.entity_id.to_string(),
                        limit,
                    });
                }
            }
        }
        Ok(raw.into_iter().map(|(id, all)| (id, merge(all))).collect())
    }

    /// As [`SqliteStore::statements_of_many`], but a record none of whose
    /// versions has a shape `sees` accepts maps to an empty list without
    /// being read, as `Store::entity_statements_visible` reads one: a
    /// cluster's hidden members then cost what absent ids cost.
    pub fn statements_of_many_visible(
        &self,
        entity_ids: &[&str],
        limit: usize,
        sees: &mut Sees<'_>,
    ) -> Result<HashMap<String, Vec<Statement>>, StoreError> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT entity_id, schema_id, markings_id FROM record INDEXED BY record_shape \
             WHERE entity_id IN ({})",
            placeholders()
        ))?;
        let mut decided = HashMap::new();
        let mut shown = HashSet::new();
        for batch in batches(entity_ids) {
            let mut rows = q.query(params_from_iter(batch))?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if !shown.contains(&id)
                    && self.shape_shows(&id, r.get(1)?, r.get(2)?, sees, &mut decided)?
                {
                    shown.insert(id);
                }
            }
        }
        let asked: Vec<&str> = entity_ids
            .iter()
            .copied()
            .filter(|id| shown.contains(*id))
            .collect();
        let mut out = self.statements_of_many(&asked, limit)?;
        for id in entity_ids {
            out.entry((*id).to_string()).or_default();
        }
        Ok(out)
    }

    /// The members of each cluster of `canonical_ids`, in id order, as
    /// `ResolutionStore::cluster_members` reads one; an id that names no
    /// cluster maps to an empty list.
    pub fn clusters_of_many(
        &self,
        canonical_ids: &[&str],
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut out: HashMap<String, Vec<String>> = canonical_ids
            .iter()
            .map(|id| ((*id).to_string(), Vec::new()))
            .collect();
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT canonical_id, entity_id FROM canonical WHERE canonical_id IN ({})",
            placeholders()
        ))?;
        for batch in batches(canonical_ids) {
            let mut rows = q.query(params_from_iter(batch))?;
            while let Some(r) = rows.next()? {
                let canonical: String = r.get(0)?;
                out.entry(canonical).or_default().push(r.get(1)?);
            }
        }
        for members in out.values_mut() {
            members.sort_unstable();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn batches_are_padded_with_their_last_id() {
        let ids: Vec<String> = (0..IDS_PER_QUERY + 2).map(|i| format!("e{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let all: Vec<Vec<&str>> = batches(&refs).collect();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|b| b.len() == IDS_PER_QUERY));
        let second = all.get(1).unwrap();
        assert_eq!(second.first(), Some(&"e32"));
        assert!(second.iter().skip(1).all(|id| *id == "e33"));
        assert!(batches(&[]).next().is_none());
    }
}
