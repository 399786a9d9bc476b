//! The embedded backend: one SQLite file in WAL mode. Statements are stored
//! packed, one row per version of an entity's record (`docs/storage.md`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use clearstone_model::{
    Kind, Markings, Origin, Statement, StatementId, SubjectCategory, Timestamp,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::fresh::Fresh;
use crate::migrations::migrate;
use crate::pack::{self, Version};
use crate::{
    Alert, Batch, BatchOutcome, BreakGlass, DanglingReference, Dataset, Document, Erased, Erasure,
    Event, IngestRun, QuarantineRow, Register, RunStatus, Sees, Store, StoreError,
};

/// Page cache per connection. A bulk load appends, so it needs the right
/// edges of the tables and indexes and the pages its lookups touch, and
/// the operating system's cache holds the rest; at 256 MiB the cache alone
/// took a quarter of the 1 GB ingest budget, and a ten-million-row load
/// went over it.
pub(crate) const CACHE_KIB: i64 = 128 * 1024;

/// Page cache per read connection: reads share the operating system's
/// cache, so each reader keeps only its own working set.
const READER_CACHE_KIB: i64 = 32 * 1024;

const PAGE_BYTES: i64 = 16 * 1024;

/// WAL pages between checkpoints (64 MiB at 16 KiB pages): checkpointing
/// less often during a bulk load copies each page once, not once per batch.
const WAL_CHECKPOINT_PAGES: i64 = 4096;

/// Compiled statements a read connection keeps.
const READER_STATEMENTS_KEPT: usize = 128;

pub(crate) const RECORD_COLUMNS: &str = "r.key, r.entity_id, sc.text, d.name, src.path, r.record, r.subject_category, \
     r.kind, r.first_seen, r.last_seen, r.body";
pub(crate) const RECORD_JOINS: &str = "FROM record r JOIN vocab sc ON sc.id = r.schema_id \
     JOIN dataset d ON d.id = r.dataset_id JOIN source src ON src.id = r.source_id";

pub struct SqliteStore {
    pub(crate) conn: Connection,
    /// Interned strings and source ids, cached for the ingest hot path.
    vocab: HashMap<String, i64>,
    /// The reverse of `vocab`, for unpacking bodies; reloaded on a miss.
    names: RefCell<HashMap<i64, Arc<str>>>,
    sources: HashMap<(i64, String), i64>,
    datasets: HashMap<String, i64>,
    /// Datasets that held no records when this handle first wrote to them,
    /// and the entities written to them since (`fresh.rs`).
    fresh: Fresh,
}

impl SqliteStore {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        create_private(path).map_err(|source| StoreError::Create {
            path: shown.clone(),
            source,
        })?;
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: shown.clone(),
            source,
        })?;
        // Records are a few hundred bytes: 16 KiB pages halve the B-tree work
        // per insert. Takes effect only when the file is created.
        conn.pragma_update(None, "page_size", PAGE_BYTES)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        // NORMAL in WAL mode survives a process crash; the audit log, not the
        // store, carries the durability promise for events.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted rows (erasure, released quarantine) are overwritten with
        // zeros, not merely unlinked: the values leave the file. Ingest only
        // mostly appends, so this costs little on its hot path.
        conn.pragma_update(None, "secure_delete", true)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        stable_plans(&conn)?;
        migrate(&mut conn, &shown)?;
        Ok(Self::with(conn))
    }

    /// Opens a second connection to a store another handle has opened (and
    /// migrated), for reading only: in WAL mode it reads beside the writer,
    /// each statement seeing the last commit, never a batch half-written.
    /// Any write through it fails.
    pub fn open_reader(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: shown,
            source,
        })?;
        conn.pragma_update(None, "query_only", true)?;
        conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        stable_plans(&conn)?;
        // One view asks more kinds of question than rusqlite keeps compiled
        // by default (16), so each view compiled some of them again.
        conn.set_prepared_statement_cache_capacity(READER_STATEMENTS_KEPT);
        Ok(Self::with(conn))
    }

    fn with(conn: Connection) -> Self {
        Self {
            conn,
            vocab: HashMap::new(),
            names: RefCell::new(HashMap::new()),
            sources: HashMap::new(),
            datasets: HashMap::new(),
            fresh: Fresh::default(),
        }
    }

    /// Schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn dataset_id(&mut self, name: &str) -> Result<i64, StoreError> {
        if let Some(id) = self.datasets.get(name) {
            return Ok(*id);
        }
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM dataset WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        let id = id.ok_or_else(|| StoreError::UnknownDataset(name.to_string()))?;
        self.datasets.insert(name.to_string(), id);
        Ok(id)
    }

    pub(crate) fn name(&self, id: i64) -> Result<Arc<str>, StoreError> {
        if let Some(n) = self.names.borrow().get(&id) {
            return Ok(n.clone());
        }
        name_of(&self.conn, &self.names, id)
    }

    /// Unpacks a version into statements, checking its content against its
    /// key, so a damaged row is reported rather than shown.
    pub(crate) fn unpack(
        &self,
        v: &RawVersion,
        out: &mut Vec<Statement>,
    ) -> Result<(), StoreError> {
        let corrupt = |why: &str| StoreError::Corrupt {
            id: hex(&v.key),
            why: why.into(),
        };
        let entries = pack::decode(&v.body).ok_or_else(|| corrupt("body does not decode"))?;
        let origin = Origin {
            source: v.source.clone(),
            record: v.record.clone(),
        };
        let start = out.len();
        let mut markings: HashMap<i64, Arc<Markings>> = HashMap::new();
        for e in &entries {
            let prop = self.name(e.prop_id)?;
            let m = match markings.get(&e.markings_id) {
                Some(m) => m.clone(),
                None => {
                    let m: Arc<Markings> = Arc::new(
                        self.name(e.markings_id)?
                            .parse()
                            .map_err(|_| corrupt("markings"))?,
                    );
                    markings.insert(e.markings_id, m.clone());
                    m
                }
            };
            out.push(Statement {
                id: StatementId::new(&v.dataset, &v.entity_id, &prop, e.value),
                entity_id: v.entity_id.clone(),
                schema: v.schema.clone(),
                prop,
                value: e.value.to_string(),
                original_value: e.original.map(str::to_string),
                dataset: v.dataset.clone(),
                origin: origin.clone(),
                first_seen: v.first_seen,
                last_seen: v.last_seen,
                markings: m,
                subject_category: v.category,
                kind: v.kind,
            });
        }
        let version = Version {
            dataset: &v.dataset,
            entity_id: &v.entity_id,
            schema: &v.schema,
            category: v.category,
            kind: v.kind.as_str(),
        };
        let got = out.get(start..).unwrap_or_default();
        let texts: Vec<String> = got.iter().map(|s| s.markings.to_string()).collect();
        let key = pack::version_key(
            &version,
            got.iter().zip(&texts).map(|(s, m)| {
                (
                    &*s.prop,
                    s.value.as_str(),
                    s.original_value.as_deref(),
                    m.as_str(),
                )
            }),
        );
        if key.as_slice() != v.key.as_slice() {
            return Err(corrupt("content does not match its key"));
        }
        Ok(())
    }
}

/// Plans a statement once, whatever values are bound to it. Otherwise SQLite
/// compiles again, on its next step, any statement with a parameter that
/// might change its plan (a `LIMIT ?`, an equality it would estimate from
/// the value) each time a value is bound: with the bindings cleared between
/// uses, that is every use of a kept statement, and it was a sixth of a
/// busy server's time. The store keeps no statistics and matches no
/// patterns, so no plan here depends on a bound value.
fn stable_plans(conn: &Connection) -> Result<(), StoreError> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Creates the database file readable by its owner only, before SQLite
/// opens it: SQLite gives its write-ahead log and shared-memory files the
/// database file's mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// One stored version as read, before it is unpacked.
pub(crate) struct RawVersion {
    key: Vec<u8>,
    pub(crate) entity_id: Arc<str>,
    schema: Arc<str>,
    dataset: Arc<str>,
    source: Arc<str>,
    record: Arc<str>,
    category: Option<SubjectCategory>,
    kind: Kind,
    first_seen: Timestamp,
    last_seen: Timestamp,
    body: Vec<u8>,
}

pub(crate) fn raw_version(r: &Row<'_>) -> Result<RawVersion, StoreError> {
    let key: Vec<u8> = r.get(0)?;
    let category: Option<String> = r.get(6)?;
    let kind: String = r.get(7)?;
    let corrupt = |why: String| StoreError::Corrupt { id: hex(&key), why };
    Ok(RawVersion {
        entity_id: r.get::<_, String>(1)?.into(),
        schema: r.get::<_, String>(2)?.into(),
        dataset: r.get::<_, String>(3)?.into(),
        source: r.get::<_, String>(4)?.into(),
        record: r.get::<_, String>(5)?.into(),
        category: match category {
            Some(c) => Some(
                SubjectCategory::parse(&c)
                    .ok_or_else(|| corrupt(format!("subject category `{c}`")))?,
            ),
            None => None,
        },
        kind: Kind::parse(&kind).ok_or_else(|| corrupt(format!("kind `{kind}`")))?,
        first_seen: Timestamp(r.get(8)?),
        last_seen: Timestamp(r.get(9)?),
        body: r.get(10)?,
        key,
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Merges the versions of one entity into its statements: a statement said by
/// several versions was first seen by the earliest and last seen by the latest.
pub(crate) fn merge(mut all: Vec<Statement>) -> Vec<Statement> {
    all.sort_by(|a, b| a.id.cmp(&b.id).then(a.first_seen.cmp(&b.first_seen)));
    let mut out: Vec<Statement> = Vec::with_capacity(all.len());
    for s in all {
        match out.last_mut() {
            Some(prev) if prev.id == s.id => prev.last_seen = prev.last_seen.max(s.last_seen),
            _ => out.push(s),
        }
    }
    out
}

fn intern(
    conn: &Connection,
    cache: &mut HashMap<String, i64>,
    text: &str,
) -> Result<i64, StoreError> {
    if let Some(id) = cache.get(text) {
        return Ok(*id);
    }
    conn.execute("INSERT OR IGNORE INTO vocab(text) VALUES (?1)", [text])?;
    let id: i64 = conn.query_row("SELECT id FROM vocab WHERE text = ?1", [text], |r| r.get(0))?;
    cache.insert(text.to_string(), id);
    Ok(id)
}

fn name_of(
    conn: &Connection,
    names: &RefCell<HashMap<i64, Arc<str>>>,
    id: i64,
) -> Result<Arc<str>, StoreError> {
    let t: String = conn
        .query_row("SELECT text FROM vocab WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Corrupt {
            id: format!("vocab {id}"),
            why: "unknown name id".into(),
        })?;
    let t: Arc<str> = t.into();
    names.borrow_mut().insert(id, t.clone());
    Ok(t)
}

fn source_id(
    conn: &Connection,
    cache: &mut HashMap<(i64, String), i64>,
    dataset_id: i64,
    path: &str,
) -> Result<i64, StoreError> {
    let key = (dataset_id, path.to_string());
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    conn.execute(
        "INSERT OR IGNORE INTO source(dataset_id, path) VALUES (?1, ?2)",
        params![dataset_id, path],
    )?;
    let id: i64 = conn.query_row(
        "SELECT id FROM source WHERE dataset_id = ?1 AND path = ?2",
        params![dataset_id, path],
        |r| r.get(0),
    )?;
    cache.insert(key, id);
    Ok(id)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Store for SqliteStore {
    fn upsert_dataset(&mut self, d: &Dataset) -> Result<i64, StoreError> {
        let now = self.now();
        self.conn.execute(
            "INSERT INTO dataset(name, title, owner, description, legal_basis, retention, markings, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             ON CONFLICT(name) DO UPDATE SET title = excluded.title, owner = excluded.owner,
               description = excluded.description, legal_basis = excluded.legal_basis,
               retention = excluded.retention, markings = excluded.markings, updated_at = excluded.updated_at",
            params![d.name, d.title, d.owner, d.description, d.legal_basis, d.retention, d.markings, now.0],
        )?;
        self.datasets.remove(&d.name);
        self.dataset_id(&d.name)
    }

    fn datasets(&self) -> Result<Vec<Dataset>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT d.name, d.title, d.owner, d.description, d.legal_basis, d.retention, d.markings,
                    d.created_at, d.updated_at,
                    (SELECT coalesce(sum(r.new_statements), 0) FROM record r WHERE r.dataset_id = d.id),
                    (SELECT count(*) FROM quarantine q WHERE q.dataset_id = d.id),
                    (SELECT count(*) FROM dangling g WHERE g.dataset_id = d.id)
             FROM dataset d ORDER BY d.name",
        )?;
        let rows = q.query_map([], |r| {
            Ok(Dataset {
                statements: to_u64(r.get(9)?),
                quarantined: to_u64(r.get(10)?),
                dangling: to_u64(r.get(11)?),
                ..dataset_row(r)?
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn begin_run(&mut self, run: &IngestRun) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO ingest_run(dataset, mapping, source, started_at, status) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![run.dataset, run.mapping, run.source, run.started_at.0, RunStatus::Running.as_str()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn finish_run(&mut self, run: &IngestRun) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE ingest_run SET finished_at = ?2, status = ?3, rows_read = ?4, statements_new = ?5,
               statements_seen = ?6, quarantined = ?7, entities_touched = ?8, error = ?9, dangling = ?10 WHERE id = ?1",
            params![
                run.id,
                run.finished_at.map(|t| t.0),
                run.status.as_str(),
                to_i64(run.rows_read),
                to_i64(run.statements_new),
                to_i64(run.statements_seen),
                to_i64(run.quarantined),
                to_i64(run.entities_touched),
                run.error,
                to_i64(run.dangling)
            ],
        )?;
        Ok(())
    }

    fn runs(&self, limit: usize) -> Result<Vec<IngestRun>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT id, dataset, mapping, source, started_at, finished_at, status, rows_read, statements_new,
                    statements_seen, quarantined, entities_touched, error, dangling
             FROM ingest_run ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = q.query_map([to_i64(limit as u64)], |r| {
            let status: String = r.get(6)?;
            Ok(IngestRun {
                id: r.get(0)?,
                dataset: r.get(1)?,
                mapping: r.get(2)?,
                source: r.get(3)?,
                started_at: Timestamp(r.get(4)?),
                finished_at: r.get::<_, Option<i64>>(5)?.map(Timestamp),
                status: RunStatus::parse(&status),
                rows_read: to_u64(r.get(7)?),
                statements_new: to_u64(r.get(8)?),
                statements_seen: to_u64(r.get(9)?),
                quarantined: to_u64(r.get(10)?),
                entities_touched: to_u64(r.get(11)?),
                error: r.get(12)?,
                dangling: to_u64(r.get(13)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn write_batch(&mut self, b: &Batch) -> Result<BatchOutcome, StoreError> {
        let dataset_id = self.dataset_id(&b.dataset)?;
        if !self.fresh.contains(dataset_id) {
            let any: bool = self.conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM record WHERE dataset_id = ?1)",
                [dataset_id],
                |r| r.get(0),
            )?;
            if !any {
                self.fresh.add(dataset_id);
            }
        }
        // Until the batch commits: a failed one leaves the dataset looked up.
        let fresh = self.fresh.contains(dataset_id);
        self.fresh.remove(dataset_id);
        let tx = self.conn.transaction()?;
        let src = source_id(&tx, &mut self.sources, dataset_id, &b.source)?;
        let mut out = BatchOutcome::default();
        let mut props: HashMap<*const u8, i64> = HashMap::new();
        {
            let mut probe =
                tx.prepare_cached("SELECT key, body FROM record WHERE entity_id = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO record(key, entity_id, schema_id, dataset_id, source_id, record, subject_category, kind,
                   first_seen, last_seen, statements, new_statements, body, markings_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let mut touch = tx.prepare_cached("UPDATE record SET last_seen = ?3 WHERE entity_id = ?1 AND key = ?2 AND last_seen < ?3")?;
            // Markings are shared `Arc`s: spell and intern each one once per batch.
            let mut markings: Vec<(*const Markings, String, i64)> = Vec::new();
            let mut body = Vec::with_capacity(1024);
            // Statements arrive grouped by record and entity: each run of equal
            // (entity, record) is one version.
            let groups = b.statements.chunk_by(|x, y| {
                x.entity_id == y.entity_id
                    && x.origin.record == y.origin.record
                    && x.schema == y.schema
            });
            for group in groups {
                let Some(first) = group.first() else { continue };
                let sorted = pack::sorted_unique(group);
                let mut mids = Vec::with_capacity(sorted.len());
                for s in &sorted {
                    let ptr = Arc::as_ptr(&s.markings);
                    let i = match markings.iter().position(|(p, _, _)| *p == ptr) {
                        Some(i) => i,
                        None => {
                            let text = s.markings.to_string();
                            let id = intern(&tx, &mut self.vocab, &text)?;
                            markings.push((ptr, text, id));
                            markings.len() - 1
                        }
                    };
                    mids.push(i);
                }
                let version = Version {
                    dataset: &first.dataset,
                    entity_id: &first.entity_id,
                    schema: &first.schema,
                    category: first.subject_category,
                    kind: first.kind.as_str(),
                };
                let key = pack::version_key(
                    &version,
                    sorted.iter().zip(&mids).map(|(s, i)| {
                        (
                            &*s.prop,
                            s.value.as_str(),
                            s.original_value.as_deref(),
                            markings.get(*i).map_or("", |m| m.1.as_str()),
                        )
                    }),
                );
                // Other versions of this entity: their statements are not new.
                let mut known: HashSet<StatementId> = HashSet::new();
                let mut same = false;
                let mut known_any = false;
                let unseen = fresh && self.fresh.insert(dataset_id, &first.entity_id);
                if !unseen {
                    let mut rows = probe.query(params![&*first.entity_id])?;
                    while let Some(r) = rows.next()? {
                        known_any = true;
                        let k: Vec<u8> = r.get(0)?;
                        if k.as_slice() == key.as_slice() {
                            same = true;
                            break;
                        }
                        let other: Vec<u8> = r.get(1)?;
                        for e in pack::decode(&other).unwrap_or_default() {
                            let cached = self.names.borrow().get(&e.prop_id).cloned();
                            let prop = match cached {
                                Some(p) => p,
                                None => name_of(&tx, &self.names, e.prop_id)?,
                            };
                            known.insert(StatementId::new(
                                &first.dataset,
                                &first.entity_id,
                                &prop,
                                e.value,
                            ));
                        }
                    }
                }
                let n = sorted.len() as u64;
                if !same {
                    let list = if known_any {
                        &mut out.extended
                    } else {
                        &mut out.created
                    };
                    list.push(first.entity_id.clone());
                }
                if same {
                    touch.execute(params![&*first.entity_id, &key[..], b.now.0])?;
                    out.refreshed += n;
                    continue;
                }
                body.clear();
                for (s, i) in sorted.iter().zip(&mids) {
                    let prop_id = match props.get(&s.prop.as_ptr()) {
                        Some(id) => *id,
                        None => {
                            let id = intern(&tx, &mut self.vocab, &s.prop)?;
                            props.insert(s.prop.as_ptr(), id);
                            id
                        }
                    };
                    let markings_id = markings.get(*i).map_or(0, |m| m.2);
                    pack::put_varint(&mut body, to_u64(prop_id));
                    pack::put_varint(&mut body, to_u64(markings_id));
                    pack::put_varint(&mut body, s.value.len() as u64);
                    body.extend_from_slice(s.value.as_bytes());
                    match &s.original_value {
                        Some(o) => {
                            pack::put_varint(&mut body, o.len() as u64 + 1);
                            body.extend_from_slice(o.as_bytes());
                        }
                        None => body.push(0),
                    }
                }
                let new = sorted.iter().filter(|s| !known.contains(&s.id)).count() as u64;
                let schema_id = intern(&tx, &mut self.vocab, &first.schema)?;
                insert.execute(params![
                    &key[..],
                    &*first.entity_id,
                    schema_id,
                    dataset_id,
                    src,
                    &*first.origin.record,
                    first.subject_category.map(SubjectCategory::as_str),
                    first.kind.as_str(),
                    first.first_seen.0,
                    to_i64(n),
                    to_i64(new),
                    &body,
                    crate::visible_read::single_markings(
                        mids.iter().map(|i| markings.get(*i).map_or(0, |m| m.2))
                    ),
                ])?;
                out.inserted += new;
                out.refreshed += n - new;
            }
            if !b.passed_lines.is_empty() {
                let any: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM quarantine WHERE source_id = ?1)",
                    [src],
                    |r| r.get(0),
                )?;
                if any {
                    let mut release = tx.prepare_cached(
                        "DELETE FROM quarantine WHERE source_id = ?1 AND line = ?2",
                    )?;
                    for line in &b.passed_lines {
                        out.released += release.execute(params![src, to_i64(*line)])? as u64;
                    }
                }
            }
            let mut quarantine = tx.prepare_cached(
                "INSERT INTO quarantine(dataset_id, source_id, mapping, line, col, reason, raw, header, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                 ON CONFLICT(source_id, line) DO UPDATE SET mapping = excluded.mapping, col = excluded.col,
                   reason = excluded.reason, raw = excluded.raw, header = excluded.header, last_seen = excluded.last_seen",
            )?;
            for q in &b.quarantine {
                quarantine.execute(params![
                    dataset_id,
                    src,
                    q.mapping,
                    to_i64(q.line),
                    q.column,
                    q.reason,
                    q.raw,
                    q.header,
                    b.now.0
                ])?;
                out.quarantined += 1;
            }
        }
        tx.commit()?;
        if fresh {
            self.fresh.add(dataset_id);
        }
        Ok(out)
    }

    fn discard_run(
        &mut self,
        dataset: &str,
        source: &str,
        first_seen: Timestamp,
    ) -> Result<u64, StoreError> {
        let dataset_id = self.dataset_id(dataset)?;
        let tx = self.conn.transaction()?;
        let src: Option<i64> = tx
            .query_row(
                "SELECT id FROM source WHERE dataset_id = ?1 AND path = ?2",
                params![dataset_id, source],
                |r| r.get(0),
            )
            .optional()?;
        let mut n = 0;
        if let Some(src) = src {
            n = tx.query_row(
                "SELECT coalesce(sum(new_statements), 0) FROM record WHERE source_id = ?1 AND first_seen = ?2",
                params![src, first_seen.0],
                |r| r.get(0),
            )?;
            tx.execute(
                "DELETE FROM record WHERE source_id = ?1 AND first_seen = ?2",
                params![src, first_seen.0],
            )?;
            tx.execute(
                "DELETE FROM quarantine WHERE source_id = ?1 AND first_seen = ?2",
                params![src, first_seen.0],
            )?;
        }
        tx.commit()?;
        Ok(to_u64(n))
    }

    fn erase_entity(&mut self, e: &Erasure) -> Result<Erased, StoreError> {
        let id = e.entity_id.as_str();
        let tx = self.conn.transaction()?;
        let statements: i64 = tx.query_row(
            "SELECT coalesce(sum(new_statements), 0) FROM record WHERE entity_id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        let mut out = Erased {
            statements: to_u64(statements),
            ..Erased::default()
        };
        tx.execute("DELETE FROM record WHERE entity_id = ?1", params![id])?;
        out.pairs = tx.execute(
            "DELETE FROM match_pair WHERE left_id = ?1 OR right_id = ?1",
            params![id],
        )? as u64;
        // A judgement names the record and says why in a person's words:
        // withdrawn or not, it goes with the record.
        out.judgements = tx.execute(
            "DELETE FROM judgement WHERE left_id = ?1 OR right_id = ?1",
            params![id],
        )? as u64;
        tx.execute(
            "DELETE FROM kept_apart WHERE left_id = ?1 OR right_id = ?1",
            params![id],
        )?;
        tx.execute("DELETE FROM canonical WHERE entity_id = ?1", params![id])?;
        crate::generations::clusters_changed(&tx)?;
        for row in &e.quarantine_rows {
            out.quarantined += tx.execute("DELETE FROM quarantine WHERE id = ?1", [row])? as u64;
        }
        for hash in &e.texts {
            out.texts += tx.execute("DELETE FROM text_ref WHERE hash = ?1", [hash])? as u64;
            // A saved search of an erased text would keep its hash, its
            // owner and its place toward their limit: it goes whole.
            tx.execute("DELETE FROM saved_search WHERE text = ?1", [hash])?;
        }
        tx.execute("DELETE FROM dangling WHERE entity_id = ?1", params![id])?;
        // A case's link names the record: it goes with it.
        tx.execute(
            "DELETE FROM case_link WHERE target = ?1 AND kind IN ('subject', 'entity')",
            params![id],
        )?;
        tx.commit()?;
        // `secure_delete` (set at open) zeroed the freed cells and pages; the
        // write-ahead log still holds the pages as they were: copy the zeroed
        // pages back and empty it.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(out)
    }

    fn event_queries_naming(&self, subjects: &[String]) -> Result<Vec<String>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT query FROM event WHERE instr(' ' || subjects || ' ', ?1) > 0 ORDER BY id",
        )?;
        let mut out = Vec::new();
        for s in subjects {
            let rows = q.query_map([format!(" {s} ")], |r| r.get::<_, String>(0))?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    fn for_each_text(&self, f: &mut dyn FnMut(&str, &str)) -> Result<(), StoreError> {
        let mut q = self.conn.prepare("SELECT hash, text FROM text_ref")?;
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let hash: String = r.get(0)?;
            let text: String = r.get(1)?;
            f(&hash, &text);
        }
        Ok(())
    }

    fn entity_statements(
        &self,
        entity_id: &str,
        limit: usize,
    ) -> Result<Vec<Statement>, StoreError> {
        let sql =
            format!("SELECT {RECORD_COLUMNS} {RECORD_JOINS} WHERE r.entity_id = ?1 ORDER BY r.key");
        let mut q = self.conn.prepare_cached(&sql)?;
        let mut rows = q.query(params![entity_id])?;
        let mut all = Vec::new();
        while let Some(r) = rows.next()? {
            self.unpack(&raw_version(r)?, &mut all)?;
            if all.len() > limit {
                return Err(StoreError::TooManyStatements {
                    id: entity_id.to_string(),
                    limit,
                });
            }
        }
        Ok(merge(all))
    }

    fn entity_statements_visible(
        &self,
        entity_id: &str,
        limit: usize,
        sees: &mut Sees<'_>,
    ) -> Result<Vec<Statement>, StoreError> {
        self.read_visible(entity_id, limit, sees)
    }

    fn for_each_statement(
        &self,
        f: &mut dyn FnMut(Statement) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        self.statements_where("", [], f)
    }

    fn for_each_statement_under(
        &self,
        prefix: &str,
        f: &mut dyn FnMut(Statement) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        // A range on the entity id index: every id with the prefix sorts at
        // or after it and before the prefix with its last character bumped.
        let mut end: Vec<char> = prefix.chars().collect();
        let Some(last) = end.pop() else {
            return self.for_each_statement(f);
        };
        let Some(next) = char::from_u32(u32::from(last) + 1) else {
            return self.statements_where(
                "WHERE substr(r.entity_id, 1, length(?1)) = ?1",
                [prefix],
                f,
            );
        };
        end.push(next);
        let end: String = end.into_iter().collect();
        self.statements_where(
            "WHERE r.entity_id >= ?1 AND r.entity_id < ?2",
            [prefix, end.as_str()],
            f,
        )
    }

    fn statement_count(&self) -> Result<u64, StoreError> {
        Ok(to_u64(self.conn.query_row(
            "SELECT coalesce(sum(new_statements), 0) FROM record",
            [],
            |r| r.get(0),
        )?))
    }

    fn quarantine(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<Vec<QuarantineRow>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT q.id, d.name, src.path, q.mapping, q.line, q.col, q.reason, q.raw, q.header, q.first_seen, q.last_seen
             FROM quarantine q JOIN dataset d ON d.id = q.dataset_id JOIN source src ON src.id = q.source_id
             WHERE ?1 IS NULL OR d.name = ?1 ORDER BY d.name, src.path, q.line LIMIT ?2",
        )?;
        let rows = q.query_map(params![dataset, to_i64(limit as u64)], |r| {
            Ok(QuarantineRow {
                id: r.get(0)?,
                dataset: r.get(1)?,
                source: r.get(2)?,
                mapping: r.get(3)?,
                line: to_u64(r.get(4)?),
                column: r.get(5)?,
                reason: r.get(6)?,
                raw: r.get(7)?,
                header: r.get(8)?,
                first_seen: Timestamp(r.get(9)?),
                last_seen: Timestamp(r.get(10)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn quarantine_count(&self, dataset: Option<&str>) -> Result<u64, StoreError> {
        Ok(to_u64(self.conn.query_row(
            "SELECT count(*) FROM quarantine q JOIN dataset d ON d.id = q.dataset_id WHERE ?1 IS NULL OR d.name = ?1",
            [dataset],
            |r| r.get(0),
        )?))
    }

    fn settle_quarantine(
        &mut self,
        released: &[i64],
        still_failing: &[(i64, String, String)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for id in released {
            tx.execute("DELETE FROM quarantine WHERE id = ?1", [id])?;
        }
        for (id, column, reason) in still_failing {
            tx.execute(
                "UPDATE quarantine SET col = ?2, reason = ?3 WHERE id = ?1",
                params![id, column, reason],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn append_event(&mut self, e: &Event) -> Result<i64, StoreError> {
        insert_event(&self.conn, e)
    }

    fn append_events(&mut self, events: &mut [Event]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for e in events.iter_mut() {
            e.id = insert_event(&tx, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn events(&self, limit: usize) -> Result<Vec<Event>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM event ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = q.query_map([to_i64(limit as u64)], event_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn events_after(&self, after: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM event WHERE id > ?2 ORDER BY id LIMIT ?1"
        ))?;
        let rows = q.query_map(params![to_i64(limit as u64), after], event_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_document(
        &mut self,
        register: Register,
        d: &Document,
        extra: &str,
    ) -> Result<(), StoreError> {
        let now = self.now();
        match register {
            Register::Principal => self.conn.execute(
                "INSERT INTO principal(id, body, disabled, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT(id) DO UPDATE SET body = excluded.body, disabled = excluded.disabled, updated_at = excluded.updated_at",
                params![d.id, d.body, i64::from(extra == "disabled"), now.0],
            )?,
            Register::Purpose => self.conn.execute(
                "INSERT INTO purpose(id, body, expires, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT(id) DO UPDATE SET body = excluded.body, expires = excluded.expires, updated_at = excluded.updated_at",
                params![d.id, d.body, extra, now.0],
            )?,
        };
        Ok(())
    }

    fn document(&self, register: Register, id: &str) -> Result<Option<Document>, StoreError> {
        let sql = match register {
            Register::Principal => {
                "SELECT id, body, created_at, updated_at FROM principal WHERE id = ?1"
            }
            Register::Purpose => {
                "SELECT id, body, created_at, updated_at FROM purpose WHERE id = ?1"
            }
        };
        // Every session opened reads its principal and purpose.
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row([id], document_row)
            .optional()?)
    }

    fn documents(&self, register: Register) -> Result<Vec<Document>, StoreError> {
        let sql = match register {
            Register::Principal => {
                "SELECT id, body, created_at, updated_at FROM principal ORDER BY id"
            }
            Register::Purpose => "SELECT id, body, created_at, updated_at FROM purpose ORDER BY id",
        };
        let mut q = self.conn.prepare(sql)?;
        let rows = q.query_map([], document_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn append_alert(&mut self, a: &Alert) -> Result<i64, StoreError> {
        crate::indicators::insert_alert(&self.conn, a)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn alerts(&self, limit: usize) -> Result<Vec<Alert>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {} FROM alert ORDER BY id DESC LIMIT ?1",
            crate::indicators::ALERT_COLUMNS
        ))?;
        let rows = q.query_map([to_i64(limit as u64)], crate::indicators::alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn start_break_glass(&mut self, g: &BreakGlass) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO break_glass(principal, purpose, justification, started_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![g.principal, g.purpose, g.justification, g.started_at.0, g.expires_at.0],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn break_glass(
        &self,
        principal: &str,
        purpose: &str,
        justification: &str,
        now: Timestamp,
    ) -> Result<Option<BreakGlass>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, principal, purpose, justification, started_at, expires_at FROM break_glass
                 WHERE principal = ?1 AND purpose = ?2 AND justification = ?3
                   AND started_at <= ?4 AND expires_at > ?4
                 ORDER BY expires_at DESC LIMIT 1",
                params![principal, purpose, justification, now.0],
                |r| {
                    Ok(BreakGlass {
                        id: r.get(0)?,
                        principal: r.get(1)?,
                        purpose: r.get(2)?,
                        justification: r.get(3)?,
                        started_at: Timestamp(r.get(4)?),
                        expires_at: Timestamp(r.get(5)?),
                    })
                },
            )
            .optional()?)
    }

    fn end_break_glass(&mut self, principal: &str, now: Timestamp) -> Result<bool, StoreError> {
        let ended = self.conn.execute(
            "UPDATE break_glass SET expires_at = ?2
             WHERE principal = ?1 AND started_at <= ?2 AND expires_at > ?2",
            params![principal, now.0],
        )?;
        Ok(ended > 0)
    }

    fn dataset(&self, name: &str) -> Result<Option<Dataset>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, title, owner, description, legal_basis, retention, markings, created_at, updated_at
                 FROM dataset WHERE name = ?1",
                [name],
                dataset_row,
            )
            .optional()?)
    }

    fn restore_dataset(&mut self, name: &str, before: Option<&Dataset>) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        match before {
            Some(d) => {
                tx.execute(
                    "UPDATE dataset SET title = ?2, owner = ?3, description = ?4, legal_basis = ?5,
                       retention = ?6, markings = ?7, created_at = ?8, updated_at = ?9 WHERE name = ?1",
                    params![
                        name,
                        d.title,
                        d.owner,
                        d.description,
                        d.legal_basis,
                        d.retention,
                        d.markings,
                        d.created_at.0,
                        d.updated_at.0
                    ],
                )?;
            }
            None => {
                tx.execute(
                    "DELETE FROM source WHERE dataset_id = (SELECT id FROM dataset WHERE name = ?1)
                       AND NOT EXISTS (SELECT 1 FROM record r WHERE r.source_id = source.id)
                       AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.source_id = source.id)",
                    [name],
                )?;
                tx.execute(
                    "DELETE FROM dataset WHERE name = ?1
                       AND NOT EXISTS (SELECT 1 FROM source s WHERE s.dataset_id = dataset.id)",
                    [name],
                )?;
            }
        }
        tx.commit()?;
        self.datasets.remove(name);
        self.sources.clear();
        self.fresh.clear();
        Ok(())
    }

    fn note_references(
        &mut self,
        run_id: i64,
        dataset: &str,
        refs: &[(&str, &str, &str)],
    ) -> Result<(), StoreError> {
        if refs.is_empty() {
            return Ok(());
        }
        let dataset_id = self.dataset_id(dataset)?;
        let tx = self.conn.transaction()?;
        {
            let mut note = tx.prepare_cached(
                "INSERT INTO dangling(entity_id, prop, target, dataset_id, run_id)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM record WHERE entity_id = ?3)
                 ON CONFLICT(entity_id, prop, target) DO UPDATE SET run_id = excluded.run_id",
            )?;
            for (entity, prop, target) in refs {
                note.execute(params![entity, prop, target, dataset_id, run_id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn settle_references(&mut self, run_id: i64) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM dangling WHERE EXISTS (SELECT 1 FROM record r WHERE r.entity_id = dangling.target)
               OR NOT EXISTS (SELECT 1 FROM record r WHERE r.entity_id = dangling.entity_id)",
            [],
        )?;
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM dangling WHERE run_id = ?1",
            [run_id],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(to_u64(n))
    }

    fn discard_references(&mut self, run_id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM dangling WHERE run_id = ?1", [run_id])?;
        Ok(())
    }

    fn dangling_references(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DanglingReference>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT d.name, g.entity_id, g.prop, g.target, g.run_id FROM dangling g JOIN dataset d ON d.id = g.dataset_id
             WHERE ?1 IS NULL OR d.name = ?1 ORDER BY d.name, g.entity_id, g.prop, g.target LIMIT ?2",
        )?;
        let rows = q.query_map(params![dataset, to_i64(limit as u64)], |r| {
            Ok(DanglingReference {
                dataset: r.get(0)?,
                entity_id: r.get(1)?,
                prop: r.get(2)?,
                target: r.get(3)?,
                run_id: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn forget_reference(
        &mut self,
        entity_id: &str,
        prop: &str,
        target: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM dangling WHERE entity_id = ?1 AND prop = ?2 AND target = ?3",
            params![entity_id, prop, target],
        )?;
        Ok(())
    }

    fn put_text(&mut self, hash: &str, text: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO text_ref(hash, text) VALUES (?1, ?2)",
            params![hash, text],
        )?;
        Ok(())
    }

    fn text(&self, hash: &str) -> Result<Option<String>, StoreError> {
        // Every session's first event asks for its justification.
        Ok(self
            .conn
            .prepare_cached("SELECT text FROM text_ref WHERE hash = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?)
    }
}

const EVENT_COLUMNS: &str = "id, at, operation, principal, purpose, justification, case_ref, query, subjects, recipient, outcome, flags";

fn event_row(r: &Row<'_>) -> rusqlite::Result<Event> {
    let words = |s: String| s.split_whitespace().map(str::to_string).collect();
    Ok(Event {
        id: r.get(0)?,
        at: Timestamp(r.get(1)?),
        operation: r.get(2)?,
        principal: r.get(3)?,
        purpose: r.get(4)?,
        justification: r.get(5)?,
        case_ref: r.get(6)?,
        query: r.get(7)?,
        subjects: words(r.get(8)?),
        recipient: r.get(9)?,
        outcome: r.get(10)?,
        flags: words(r.get(11)?),
    })
}

fn document_row(r: &Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        body: r.get(1)?,
        created_at: Timestamp(r.get(2)?),
        updated_at: Timestamp(r.get(3)?),
    })
}

/// A dataset's register columns, in the order both dataset queries select
/// them (the counts, where asked for, follow).
fn dataset_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Dataset> {
    Ok(Dataset {
        name: r.get(0)?,
        title: r.get(1)?,
        owner: r.get(2)?,
        description: r.get(3)?,
        legal_basis: r.get(4)?,
        retention: r.get(5)?,
        markings: r.get(6)?,
        created_at: Timestamp(r.get(7)?),
        updated_at: Timestamp(r.get(8)?),
        ..Dataset::default()
    })
}

impl SqliteStore {
    /// Visits the statements of the records `filter` selects (an SQL
    /// `WHERE` over `record r`, or nothing), entity by entity.
    fn statements_where<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
        f: &mut dyn FnMut(Statement) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let sql =
            format!("SELECT {RECORD_COLUMNS} {RECORD_JOINS} {filter} ORDER BY r.entity_id, r.key");
        let mut q = self.conn.prepare(&sql)?;
        let mut rows = q.query(params)?;
        let mut n = 0;
        let mut group: Vec<Statement> = Vec::new();
        let mut current: Option<Arc<str>> = None;
        let mut flush = |group: &mut Vec<Statement>, n: &mut u64| -> Result<(), StoreError> {
            for s in merge(std::mem::take(group)) {
                f(s)?;
                *n += 1;
            }
            Ok(())
        };
        while let Some(r) = rows.next()? {
            let v = raw_version(r)?;
            if current.as_ref() != Some(&v.entity_id) {
                flush(&mut group, &mut n)?;
                current = Some(v.entity_id.clone());
            }
            self.unpack(&v, &mut group)?;
        }
        flush(&mut group, &mut n)?;
        Ok(n)
    }
}

/// Inserts one event; its id.
fn insert_event(conn: &rusqlite::Connection, e: &Event) -> Result<i64, StoreError> {
    conn
        .prepare_cached(
            "INSERT INTO event(at, operation, principal, purpose, justification, case_ref, query, subjects, recipient, outcome, flags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            e.at.0,
            e.operation,
            e.principal,
            e.purpose,
            e.justification,
            e.case_ref,
            e.query,
            e.subjects.join(" "),
            e.recipient,
            e.outcome,
            e.flags.join(" ")
        ])?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use rusqlite::StatementStatus;

    use super::SqliteStore;
    use crate::ResolutionStore;

    /// A kept statement is not compiled again because a new value is bound
    /// to it (its `LIMIT ?` here), on the writer or on a reader.
    #[test]
    fn kept_statements_are_not_planned_again_per_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clearstone.db");
        let writer = SqliteStore::open(&path).unwrap();
        let reader = SqliteStore::open_reader(&path).unwrap();
        for store in [&writer, &reader] {
            for limit in [5, 6, 7] {
                store.resolution_run_ids("Person", limit).unwrap();
            }
            let q = store
                .conn
                .prepare_cached(
                    "SELECT id FROM resolution_run WHERE schema = ?1 ORDER BY id DESC LIMIT ?2",
                )
                .unwrap();
            assert_eq!(q.get_status(StatementStatus::RePrepare), 0);
        }
    }
}
