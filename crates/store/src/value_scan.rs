//! A bulk read of a few properties of every entity, for resolution: the
//! values and what a policy decision needs (dataset, type and markings, as
//! ids), entity by entity, without assembling statements. A resolution run
//! reads every record; building a `Statement` (and its hashed id) for each
//! value was most of its time.

use clearstone_model::{Markings, Timestamp};
use rusqlite::{OptionalExtension, params};

use crate::pack;
use crate::{SqliteStore, StoreError};

/// One value of a wanted property, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScannedValue<'a> {
    /// The property's place in the list asked for.
    pub prop: usize,
    pub dataset_id: i64,
    pub schema_id: i64,
    pub markings_id: i64,
    pub value: &'a str,
    /// When the earliest version holding the value was first seen.
    pub first_seen: Timestamp,
}

/// The wanted values of one entity: each value of a property once, ordered
/// by property and value.
#[derive(Debug)]
pub struct ScannedEntity<'a> {
    pub entity_id: &'a str,
    pub values: &'a [ScannedValue<'a>],
}

/// Entity ids from `from` (included) up to `to` (left out); an end not
/// given is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityRange {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One stored version of the entity being read.
struct Version {
    dataset_id: i64,
    schema_id: i64,
    first_seen: Timestamp,
    body: Vec<u8>,
}

impl SqliteStore {
    /// Visits every entity holding a value of one of `props`, in entity id
    /// order, with those values. The versions of an entity are merged as
    /// [`crate::Store::for_each_statement`] merges them: a value said by
    /// several versions is given once, as the earliest said it. Returns the
    /// entities visited.
    pub fn for_each_entity_values(
        &self,
        props: &[&str],
        f: &mut dyn FnMut(ScannedEntity<'_>) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        self.for_each_entity_values_in(props, &EntityRange::default(), f)
    }

    /// As [`SqliteStore::for_each_entity_values`], over the entities of
    /// `range` only: a read split into ranges runs on several connections
    /// at once.
    pub fn for_each_entity_values_in(
        &self,
        props: &[&str],
        range: &EntityRange,
        f: &mut dyn FnMut(ScannedEntity<'_>) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut prop_ids: Vec<(i64, usize)> = Vec::new();
        for (i, p) in props.iter().enumerate() {
            if let Some(id) = self.vocab_id(p)? {
                prop_ids.push((id, i));
            }
        }
        if prop_ids.is_empty() {
            return Ok(0);
        }
        let bounds: Vec<&str> = [range.from.as_deref(), range.to.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let condition = match (&range.from, &range.to) {
            (None, None) => "",
            (Some(_), None) => "WHERE entity_id >= ?1 ",
            (None, Some(_)) => "WHERE entity_id < ?1 ",
            (Some(_), Some(_)) => "WHERE entity_id >= ?1 AND entity_id < ?2 ",
        };
        let mut q = self.conn.prepare(&format!(
            "SELECT entity_id, dataset_id, schema_id, first_seen, body FROM record \
             {condition}ORDER BY entity_id, key"
        ))?;
        let mut rows = q.query(rusqlite::params_from_iter(bounds))?;
        let mut current = String::new();
        let mut versions: Vec<Version> = Vec::new();
        // Bodies are reused from entity to entity.
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let entity = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if entity != current {
                n += visit(&current, &versions, &prop_ids, f)?;
                spare.extend(versions.drain(..).map(|v| v.body));
                current.clear();
                current.push_str(entity);
            }
            let mut body = spare.pop().unwrap_or_default();
            body.clear();
            body.extend_from_slice(r.get_ref(4)?.as_blob().map_err(rusqlite::Error::from)?);
            versions.push(Version {
                dataset_id: r.get(1)?,
                schema_id: r.get(2)?,
                first_seen: Timestamp(r.get(3)?),
                body,
            });
        }
        n += visit(&current, &versions, &prop_ids, f)?;
        Ok(n)
    }

    /// Ranges of entity ids that together hold every record, in order, each
    /// with about as many records as the others: `parts` of them, or fewer
    /// when there are fewer records.
    pub fn entity_ranges(&self, parts: usize) -> Result<Vec<EntityRange>, StoreError> {
        let records: i64 = self
            .conn
            .query_row("SELECT count(*) FROM record", [], |r| r.get(0))?;
        let parts = i64::try_from(parts.max(1)).unwrap_or(1).min(records.max(1));
        let mut cuts: Vec<String> = Vec::new();
        // Each cut is found from the last, so the index is walked once
        // whatever the number of parts.
        let mut q = self.conn.prepare(
            "SELECT entity_id FROM record WHERE entity_id >= ?1 ORDER BY entity_id LIMIT 1 OFFSET ?2",
        )?;
        for i in 1..parts {
            let from = cuts.last().map_or("", String::as_str);
            let step = records * i / parts - records * (i - 1) / parts;
            let cut: String = q.query_row(params![from, step], |r| r.get(0))?;
            // Versions of one entity never straddle a cut.
            if cuts.last() != Some(&cut) {
                cuts.push(cut);
            }
        }
        let mut ranges = Vec::with_capacity(cuts.len() + 1);
        let mut from = None;
        for cut in cuts {
            ranges.push(EntityRange {
                from: from.take(),
                to: Some(cut.clone()),
            });
            from = Some(cut);
        }
        ranges.push(EntityRange { from, to: None });
        Ok(ranges)
    }

    /// The text a vocabulary id names (a type, property or markings).
    pub fn vocab_text(&self, id: i64) -> Result<std::sync::Arc<str>, StoreError> {
        self.name(id)
    }

    /// The markings a vocabulary id names.
    pub fn markings_of(&self, id: i64) -> Result<Markings, StoreError> {
        self.name(id)?.parse().map_err(|_| StoreError::Corrupt {
            id: format!("vocab {id}"),
            why: "markings".into(),
        })
    }

    /// A dataset's name from its id.
    pub fn dataset_name(&self, id: i64) -> Result<String, StoreError> {
        self.conn
            .prepare_cached("SELECT name FROM dataset WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Corrupt {
                id: format!("dataset {id}"),
                why: "unknown dataset id".into(),
            })
    }

    fn vocab_id(&self, text: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM vocab WHERE text = ?1")?
            .query_row([text], |r| r.get(0))
            .optional()?)
    }
}

/// Decodes one entity's versions and hands over its wanted values; returns
/// 1 when it had any.
fn visit(
    entity_id: &str,
    versions: &[Version],
    prop_ids: &[(i64, usize)],
    f: &mut dyn FnMut(ScannedEntity<'_>) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let mut values: Vec<ScannedValue<'_>> = Vec::new();
    for v in versions {
        let entries = pack::decode(&v.body).ok_or_else(|| StoreError::Corrupt {
            id: entity_id.to_owned(),
            why: "body does not decode".into(),
        })?;
        for e in entries {
            let Some(&(_, prop)) = prop_ids.iter().find(|(id, _)| *id == e.prop_id) else {
                continue;
            };
            values.push(ScannedValue {
                prop,
                dataset_id: v.dataset_id,
                schema_id: v.schema_id,
                markings_id: e.markings_id,
                value: e.value,
                first_seen: v.first_seen,
            });
        }
    }
    if values.is_empty() {
        return Ok(0);
    }
    values.sort_by(|a, b| (a.prop, a.value, a.first_seen).cmp(&(b.prop, b.value, b.first_seen)));
    values.dedup_by(|later, first| later.prop == first.prop && later.value == first.value);
    f(ScannedEntity {
        entity_id,
        values: &values,
    })?;
    Ok(1)
}
