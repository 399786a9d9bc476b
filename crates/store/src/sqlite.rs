//! The embedded backend: one SQLite file in WAL mode.

use std::collections::HashMap;
use std::path::Path;

use clearstone_model::{
    Kind, Markings, Origin, Statement, StatementId, SubjectCategory, Timestamp,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::migrations::migrate;
use crate::{
    Batch, BatchOutcome, Dataset, Event, IngestRun, QuarantineRow, RunStatus, Store, StoreError,
};

/// Page cache per connection. Ingest inserts into a hash-ordered index, so the
/// cache decides how often a page goes back to disk; 128 MiB keeps a few
/// million statements' index pages resident within the 1 GB ingest budget.
const CACHE_KIB: i64 = 128 * 1024;

pub struct SqliteStore {
    conn: Connection,
    /// Interned strings and source ids, cached for the ingest hot path.
    vocab: HashMap<String, i64>,
    sources: HashMap<(i64, String), i64>,
    datasets: HashMap<String, i64>,
}

const STATEMENT_COLUMNS: &str = "s.id, s.entity_id, sc.text, p.text, s.value, s.original_value, \
     d.name, src.path, s.record, s.first_seen, s.last_seen, m.text, s.subject_category, s.kind";
const STATEMENT_JOINS: &str = "FROM statement s \
     JOIN vocab sc ON sc.id = s.schema_id JOIN vocab p ON p.id = s.prop_id \
     JOIN vocab m ON m.id = s.markings_id JOIN dataset d ON d.id = s.dataset_id \
     JOIN source src ON src.id = s.source_id";

impl SqliteStore {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: shown.clone(),
            source,
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode survives a process crash; the audit log, not the
        // store, carries the durability promise for events.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn, &shown)?;
        Ok(Self {
            conn,
            vocab: HashMap::new(),
            sources: HashMap::new(),
            datasets: HashMap::new(),
        })
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

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Reads a statement row and checks it against its id, so a damaged row is
/// reported rather than shown.
fn statement_from_row(r: &Row<'_>) -> Result<Statement, StoreError> {
    let raw_id: Vec<u8> = r.get(0)?;
    let id_bytes: [u8; 16] = raw_id
        .as_slice()
        .try_into()
        .map_err(|_| StoreError::Corrupt {
            id: format!("{raw_id:02x?}"),
            why: "id is not 16 bytes".into(),
        })?;
    let id = StatementId(id_bytes);
    let markings_text: String = r.get(11)?;
    let category: Option<String> = r.get(12)?;
    let kind: String = r.get(13)?;
    let corrupt = |why: String| StoreError::Corrupt {
        id: id.to_string(),
        why,
    };
    let s = Statement {
        id,
        entity_id: r.get(1)?,
        schema: r.get(2)?,
        prop: r.get(3)?,
        value: r.get(4)?,
        original_value: r.get(5)?,
        dataset: r.get(6)?,
        origin: Origin {
            source: r.get(7)?,
            record: r.get(8)?,
        },
        first_seen: Timestamp(r.get(9)?),
        last_seen: Timestamp(r.get(10)?),
        markings: markings_text
            .parse::<Markings>()
            .map_err(|e| corrupt(e.to_string()))?,
        subject_category: match category {
            Some(c) => Some(
                SubjectCategory::parse(&c)
                    .ok_or_else(|| corrupt(format!("subject category `{c}`")))?,
            ),
            None => None,
        },
        kind: Kind::parse(&kind).ok_or_else(|| corrupt(format!("kind `{kind}`")))?,
    };
    if s.expected_id() != s.id {
        return Err(corrupt("content does not match its id".into()));
    }
    Ok(s)
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
                    (SELECT count(*) FROM statement s WHERE s.dataset_id = d.id),
                    (SELECT count(*) FROM quarantine q WHERE q.dataset_id = d.id)
             FROM dataset d ORDER BY d.name",
        )?;
        let rows = q.query_map([], |r| {
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
                statements: to_u64(r.get(9)?),
                quarantined: to_u64(r.get(10)?),
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
               statements_seen = ?6, quarantined = ?7, entities_touched = ?8, error = ?9 WHERE id = ?1",
            params![
                run.id,
                run.finished_at.map(|t| t.0),
                run.status.as_str(),
                to_i64(run.rows_read),
                to_i64(run.statements_new),
                to_i64(run.statements_seen),
                to_i64(run.quarantined),
                to_i64(run.entities_touched),
                run.error
            ],
        )?;
        Ok(())
    }

    fn runs(&self, limit: usize) -> Result<Vec<IngestRun>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT id, dataset, mapping, source, started_at, finished_at, status, rows_read, statements_new,
                    statements_seen, quarantined, entities_touched, error
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
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn write_batch(&mut self, b: &Batch) -> Result<BatchOutcome, StoreError> {
        let dataset_id = self.dataset_id(&b.dataset)?;
        let tx = self.conn.transaction()?;
        let src = source_id(&tx, &mut self.sources, dataset_id, &b.source)?;
        let mut out = BatchOutcome::default();
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO statement(id, entity_id, schema_id, prop_id, value, original_value,
                   dataset_id, source_id, record, first_seen, last_seen, markings_id, subject_category, kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13)",
            )?;
            let mut touch = tx.prepare_cached(
                "UPDATE statement SET last_seen = ?2 WHERE id = ?1 AND last_seen < ?2",
            )?;
            let mut markings_text = String::new();
            for s in &b.statements {
                use std::fmt::Write as _;
                markings_text.clear();
                let _ = write!(markings_text, "{}", s.markings);
                let schema_id = intern(&tx, &mut self.vocab, &s.schema)?;
                let prop_id = intern(&tx, &mut self.vocab, &s.prop)?;
                let markings_id = intern(&tx, &mut self.vocab, &markings_text)?;
                let n = insert.execute(params![
                    &s.id.0[..],
                    s.entity_id,
                    schema_id,
                    prop_id,
                    s.value,
                    s.original_value,
                    dataset_id,
                    src,
                    s.origin.record,
                    s.first_seen.0,
                    markings_id,
                    s.subject_category.map(SubjectCategory::as_str),
                    s.kind.as_str()
                ])?;
                if n == 1 {
                    out.inserted += 1;
                } else {
                    touch.execute(params![&s.id.0[..], b.now.0])?;
                    out.refreshed += 1;
                }
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
            n = tx.execute(
                "DELETE FROM statement WHERE source_id = ?1 AND first_seen = ?2",
                params![src, first_seen.0],
            )?;
            tx.execute(
                "DELETE FROM quarantine WHERE source_id = ?1 AND first_seen = ?2",
                params![src, first_seen.0],
            )?;
        }
        tx.commit()?;
        Ok(n as u64)
    }

    fn entity_statements(
        &self,
        entity_id: &str,
        limit: usize,
    ) -> Result<Vec<Statement>, StoreError> {
        let Some(dataset) = clearstone_model::dataset_of(entity_id) else {
            return Ok(Vec::new());
        };
        let key = clearstone_model::entity_key(dataset, entity_id);
        let mut lo = [0u8; 16];
        let mut hi = [0xffu8; 16];
        lo[..8].copy_from_slice(&key);
        hi[..8].copy_from_slice(&key);
        let sql = format!(
            "SELECT {STATEMENT_COLUMNS} {STATEMENT_JOINS} WHERE s.id BETWEEN ?1 AND ?2 AND s.entity_id = ?3 ORDER BY s.id LIMIT ?4"
        );
        let mut q = self.conn.prepare_cached(&sql)?;
        let mut rows = q.query(params![
            &lo[..],
            &hi[..],
            entity_id,
            to_i64(limit as u64 + 1)
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(statement_from_row(r)?);
        }
        if out.len() > limit {
            return Err(StoreError::TooManyStatements {
                id: entity_id.to_string(),
                limit,
            });
        }
        Ok(out)
    }

    fn for_each_statement(
        &self,
        f: &mut dyn FnMut(Statement) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let sql = format!("SELECT {STATEMENT_COLUMNS} {STATEMENT_JOINS} ORDER BY s.id");
        let mut q = self.conn.prepare(&sql)?;
        let mut rows = q.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            f(statement_from_row(r)?)?;
            n += 1;
        }
        Ok(n)
    }

    fn statement_count(&self) -> Result<u64, StoreError> {
        Ok(to_u64(self.conn.query_row(
            "SELECT count(*) FROM statement",
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
        self.conn.execute(
            "INSERT INTO event(at, operation, principal, purpose, justification, case_ref, query, subjects, recipient, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.at.0,
                e.operation,
                e.principal,
                e.purpose,
                e.justification,
                e.case_ref,
                e.query,
                e.subjects.join(" "),
                e.recipient,
                e.outcome
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn events(&self, limit: usize) -> Result<Vec<Event>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT id, at, operation, principal, purpose, justification, case_ref, query, subjects, recipient, outcome
             FROM event ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = q.query_map([to_i64(limit as u64)], |r| {
            let subjects: String = r.get(8)?;
            Ok(Event {
                id: r.get(0)?,
                at: Timestamp(r.get(1)?),
                operation: r.get(2)?,
                principal: r.get(3)?,
                purpose: r.get(4)?,
                justification: r.get(5)?,
                case_ref: r.get(6)?,
                query: r.get(7)?,
                subjects: subjects.split_whitespace().map(str::to_string).collect(),
                recipient: r.get(9)?,
                outcome: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
