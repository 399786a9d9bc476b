//! The column read indicator rules need: the records of a few types with
//! only the properties asked for, streamed in entity order, without
//! building a `Statement` (and hashing its id) for every value the store
//! holds. The caller decides each value through the gate by its shape.

use std::collections::HashMap;
use std::sync::Arc;

use clearstone_model::{Markings, Timestamp};
use rusqlite::params_from_iter;

use crate::pack;
use crate::{SqliteStore, StoreError};

/// One value of a scanned record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanValue {
    /// Shared by every value of the same property in one scan.
    pub prop: Arc<str>,
    pub value: String,
    /// Shared by every value with the same markings in one scan, so a
    /// caller can decide once per shape.
    pub markings: Arc<Markings>,
    /// When the value was first said (the earliest version saying it).
    pub first_seen: Timestamp,
}

/// One entity of one dataset, with the values asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRecord {
    pub entity_id: Arc<str>,
    /// Shared by every record of the same type in one scan.
    pub schema: Arc<str>,
    /// Shared by every record of the same dataset in one scan.
    pub dataset: Arc<str>,
    /// Each (property, value) once, sorted by property then value.
    pub values: Vec<ScanValue>,
}

fn vocab_ids(store: &SqliteStore, names: &[&str]) -> Result<HashMap<i64, Arc<str>>, StoreError> {
    let mut out = HashMap::new();
    let mut q = store
        .conn
        .prepare_cached("SELECT id FROM vocab WHERE text = ?1")?;
    for n in names {
        let mut rows = q.query([n])?;
        if let Some(r) = rows.next()? {
            out.insert(r.get::<_, i64>(0)?, Arc::<str>::from(*n));
        }
    }
    Ok(out)
}

impl SqliteStore {
    /// Which of `schemas` (exact names) have a record first seen after
    /// `since`: read from the index alone, so it costs what is new.
    pub fn schemas_seen_after(
        &self,
        schemas: &[&str],
        since: Timestamp,
    ) -> Result<Vec<String>, StoreError> {
        let ids = vocab_ids(self, schemas)?;
        let mut q = self.conn.prepare_cached(
            "SELECT DISTINCT schema_id FROM record INDEXED BY record_first_seen \
             WHERE first_seen > ?1",
        )?;
        let mut rows = q.query([since.0])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            if let Some(name) = ids.get(&r.get::<_, i64>(0)?) {
                out.push(name.to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    /// Calls `f` with each entity of the types in `schemas` (exact names:
    /// the caller includes subtypes), holding only the values of `props`,
    /// in entity id order. Values said by several versions of a record
    /// count once, with the earliest first-seen time. Returns the records.
    pub fn scan_records(
        &self,
        schemas: &[&str],
        props: &[&str],
        f: &mut dyn FnMut(ScanRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        self.scan_records_after(schemas, props, None, f)
    }

    /// As [`SqliteStore::scan_records`], with `after`: only the record
    /// versions first seen after it, found through the index, each entity
    /// holding only what those versions say.
    pub fn scan_records_after(
        &self,
        schemas: &[&str],
        props: &[&str],
        after: Option<Timestamp>,
        f: &mut dyn FnMut(ScanRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let which = match after {
            Some(t) => Which::After(t),
            None => Which::All,
        };
        self.scan_which(schemas, props, which, f)
    }

    /// As [`SqliteStore::scan_records`], for only the entities named (by
    /// entity id, in any dataset), each found through the entity index.
    pub fn scan_entities(
        &self,
        schemas: &[&str],
        props: &[&str],
        entities: &[&str],
        f: &mut dyn FnMut(ScanRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut ids = entities.to_vec();
        ids.sort_unstable();
        ids.dedup();
        self.scan_which(schemas, props, Which::Entities(&ids), f)
    }

    fn scan_which(
        &self,
        schemas: &[&str],
        props: &[&str],
        which: Which<'_>,
        f: &mut dyn FnMut(ScanRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let schema_ids = vocab_ids(self, schemas)?;
        let prop_ids = vocab_ids(self, props)?;
        if schema_ids.is_empty() {
            return Ok(0);
        }
        let mut datasets: HashMap<i64, Arc<str>> = HashMap::new();
        {
            let mut q = self.conn.prepare_cached("SELECT id, name FROM dataset")?;
            let mut rows = q.query([])?;
            while let Some(r) = rows.next()? {
                datasets.insert(r.get(0)?, Arc::from(r.get::<_, String>(1)?));
            }
        }
        let mut markings: HashMap<i64, Arc<Markings>> = HashMap::new();
        let ids: Vec<i64> = schema_ids.keys().copied().collect();
        let marks = vec!["?"; ids.len()].join(",");
        let (from, when) = match which {
            Which::All => ("record r", ""),
            Which::After(_) => (
                "record r INDEXED BY record_first_seen",
                "AND r.first_seen > ?",
            ),
            Which::Entities(_) => ("record r", "AND r.entity_id = ?"),
        };
        let sql = format!(
            "SELECT r.entity_id, r.schema_id, r.dataset_id, r.first_seen, r.body \
             FROM {from} WHERE r.schema_id IN ({marks}) {when} ORDER BY r.entity_id, r.key"
        );
        let kinds = ids.iter().map(|i| rusqlite::types::Value::Integer(*i));
        // One query for a whole scan; one per entity, in entity order, for
        // the entities named.
        let passes: Vec<Vec<rusqlite::types::Value>> = match which {
            Which::All => vec![kinds.collect()],
            Which::After(t) => vec![
                kinds
                    .chain([rusqlite::types::Value::Integer(t.0)])
                    .collect(),
            ],
            Which::Entities(list) => list
                .iter()
                .map(|e| {
                    kinds
                        .clone()
                        .chain([rusqlite::types::Value::Text((*e).to_owned())])
                        .collect()
                })
                .collect(),
        };
        let mut q = self.conn.prepare_cached(&sql)?;
        let mut n = 0u64;
        let mut current: Option<ScanRecord> = None;
        let mut flush = |rec: Option<ScanRecord>, n: &mut u64| -> Result<(), StoreError> {
            if let Some(mut rec) = rec {
                rec.values.sort_by(|a, b| {
                    (&a.prop, &a.value, a.first_seen).cmp(&(&b.prop, &b.value, b.first_seen))
                });
                rec.values.dedup_by(|later, first| {
                    later.prop == first.prop && later.value == first.value
                });
                *n += 1;
                f(rec)?;
            }
            Ok(())
        };
        for params in passes {
            let mut rows = q.query(params_from_iter(params))?;
            while let Some(r) = rows.next()? {
                let entity_id: String = r.get(0)?;
                let schema_id: i64 = r.get(1)?;
                let dataset_id: i64 = r.get(2)?;
                let first_seen = Timestamp(r.get(3)?);
                let body = r.get_ref(4)?.as_blob().map_err(rusqlite::Error::from)?;
                let corrupt = |why: &str| StoreError::Corrupt {
                    id: entity_id.clone(),
                    why: why.into(),
                };
                let dataset = datasets
                    .get(&dataset_id)
                    .cloned()
                    .ok_or_else(|| corrupt("dataset"))?;
                let same = current
                    .as_ref()
                    .is_some_and(|c| *c.entity_id == *entity_id && c.dataset == dataset);
                if !same {
                    flush(current.take(), &mut n)?;
                    current = Some(ScanRecord {
                        entity_id: Arc::from(entity_id.as_str()),
                        schema: schema_ids
                            .get(&schema_id)
                            .cloned()
                            .ok_or_else(|| corrupt("type"))?,
                        dataset,
                        values: Vec::new(),
                    });
                }
                let entries = pack::decode(body).ok_or_else(|| corrupt("body does not decode"))?;
                let Some(rec) = current.as_mut() else {
                    continue;
                };
                for e in entries {
                    let Some(prop) = prop_ids.get(&e.prop_id) else {
                        continue;
                    };
                    let m = match markings.get(&e.markings_id) {
                        Some(m) => m.clone(),
                        None => {
                            let text: String = self.conn.query_row(
                                "SELECT text FROM vocab WHERE id = ?1",
                                [e.markings_id],
                                |r| r.get(0),
                            )?;
                            let m = Arc::new(text.parse().map_err(|_| corrupt("markings"))?);
                            markings.insert(e.markings_id, Arc::clone(&m));
                            m
                        }
                    };
                    rec.values.push(ScanValue {
                        prop: prop.clone(),
                        value: e.value.to_owned(),
                        markings: m,
                        first_seen,
                    });
                }
            }
        }
        flush(current.take(), &mut n)?;
        Ok(n)
    }
}

/// Which records of the types asked for a scan reads.
#[derive(Clone, Copy)]
enum Which<'a> {
    All,
    /// The versions first seen after a time.
    After(Timestamp),
    /// The entities with these ids, sorted.
    Entities(&'a [&'a str]),
}
