//! What entity resolution keeps: runs, scored pairs, judgements and
//! canonical ids (`sql/0003_resolution.sql`).

use std::collections::HashMap;

use clearstone_model::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use crate::sqlite::to_i64;
use crate::{SqliteStore, StoreError};

/// One run of resolution over one entity type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResolutionRun {
    pub id: i64,
    pub schema: String,
    pub at: Timestamp,
    pub principal: String,
    pub incremental: bool,
    pub model_version: String,
    /// The model file the run scored with.
    pub model: String,
    /// The settings file the run used.
    pub settings: String,
    pub records: u64,
    pub new_records: u64,
    pub pairs: u64,
    pub links: u64,
    pub clusters: u64,
}

/// A scored candidate pair, `left_id < right_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPair {
    pub left_id: String,
    pub right_id: String,
    pub weight: f64,
    pub probability: f64,
    pub model_version: String,
    pub run_id: i64,
    /// The decisive field that links the pair by rule, if one does.
    pub rule: Option<String>,
}

/// A person's decision that two records are or are not the same.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judgement {
    pub id: i64,
    pub schema: String,
    pub left_id: String,
    pub right_id: String,
    /// `same`, `not_same` or `unsure`.
    pub verdict: String,
    /// The model's probability for the pair when it was judged, if scored.
    pub probability: Option<f64>,
    pub model_version: Option<String>,
    pub principal: String,
    pub at: Timestamp,
    pub why: String,
    pub withdrawn_at: Option<Timestamp>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_why: Option<String>,
}

/// Storage for resolution. Each method is one transaction.
pub trait ResolutionStore {
    /// Records a run; with `replace_pairs` its pairs replace every stored
    /// pair of the schema (a full run), otherwise they are added.
    fn put_resolution(
        &mut self,
        run: &ResolutionRun,
        pairs: &[MatchPair],
        replace_pairs: bool,
    ) -> Result<i64, StoreError>;
    fn resolution_runs(&self, schema: &str, limit: usize)
    -> Result<Vec<ResolutionRun>, StoreError>;
    /// Stored pairs of the schema at or above `min_probability`.
    fn match_pairs(&self, schema: &str, min_probability: f64)
    -> Result<Vec<MatchPair>, StoreError>;
    fn match_pair(
        &self,
        schema: &str,
        left: &str,
        right: &str,
    ) -> Result<Option<MatchPair>, StoreError>;
    /// Pairs with probability in `[low, high]` and no judgement in force,
    /// the most uncertain (nearest 0.5) first.
    fn review_queue(
        &self,
        schema: &str,
        low: f64,
        high: f64,
        limit: usize,
    ) -> Result<Vec<MatchPair>, StoreError>;
    fn add_judgement(&mut self, j: &Judgement) -> Result<i64, StoreError>;
    /// Marks a judgement withdrawn; false when there is no such judgement
    /// in force.
    fn withdraw_judgement(
        &mut self,
        id: i64,
        by: &str,
        at: Timestamp,
        why: &str,
    ) -> Result<bool, StoreError>;
    fn judgement(&self, id: i64) -> Result<Option<Judgement>, StoreError>;
    /// Judgements of the schema, newest first; withdrawn ones only when asked.
    fn judgements(&self, schema: &str, withdrawn: bool) -> Result<Vec<Judgement>, StoreError>;
    /// Replaces the schema's canonical ids.
    fn put_canonical(&mut self, schema: &str, ids: &[(String, String)]) -> Result<(), StoreError>;
    fn canonical_ids(&self, schema: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// The resolved type and canonical id of an entity.
    fn canonical_of(&self, entity_id: &str) -> Result<Option<(String, String)>, StoreError>;
    fn cluster_members(&self, canonical_id: &str) -> Result<Vec<String>, StoreError>;
    /// Ids of the schema's runs, newest first, without their model and
    /// settings files: a run is never changed once stored, so a reader
    /// that has seen one by id need not read it again.
    fn resolution_run_ids(&self, schema: &str, limit: usize) -> Result<Vec<i64>, StoreError>;
    fn resolution_run(&self, id: i64) -> Result<Option<ResolutionRun>, StoreError>;
    /// Judgements of the schema on a pair with either side among `ids`,
    /// newest first; withdrawn ones only when asked. A dossier asks for
    /// its members' rather than reading every judgement of the type.
    fn judgements_of(
        &self,
        schema: &str,
        ids: &[&str],
        withdrawn: bool,
    ) -> Result<Vec<Judgement>, StoreError>;
    /// The resolved type and canonical id of each of `entity_ids` that has
    /// one, in one read: a dossier names every record pointing at it.
    fn canonicals_of(
        &self,
        entity_ids: &[&str],
    ) -> Result<HashMap<String, (String, String)>, StoreError>;
}

const RUN_COLUMNS: &str = "id, schema, at, principal, incremental, model_version, model, settings, \
     records, new_records, pairs, links, clusters";
/// Canonical ids written at once from which a run that writes more rows
/// than the table held builds the table's indexes after the rows.
const CANONICAL_BULK_ROWS_MIN: usize = 10_000;
/// New canonical ids one insert statement carries: a statement executed per
/// row cost more than writing the row (3 parameters each, far below
/// SQLite's limit).
const CANONICAL_ROWS_PER_INSERT: usize = 128;
/// Pairs one insert statement carries (8 parameters each, far below
/// SQLite's limit).
const PAIRS_PER_INSERT: usize = 64;
/// The page cache, and so the sort runs, while the canonical id index is
/// built after a bulk write.
const INDEX_SORT_CACHE_KIB: i64 = 2 * 1024;
/// Sorting threads beside the writer's own while an index is built.
const INDEX_SORT_THREADS: i64 = 1;
/// Builds an index (`create`) with the rows sorted in runs the size of a
/// small page cache: a million canonical ids sorted as one run in a
/// page cache of 256 MiB took twice the CPU of small runs merged, which stay in
/// the processor's cache. The writer's cache is set back after.
/// Runs are sorted on a thread of their own while the writer reads the
/// table into the next (SQLite's sorter threads): on two cores, the other
/// one hashes the run's subjects meanwhile and would then idle.
fn sorted_in_small_runs(tx: &rusqlite::Transaction<'_>, create: &str) -> Result<(), StoreError> {
    tx.pragma_update(None, "cache_size", -INDEX_SORT_CACHE_KIB)?;
    tx.pragma_update_and_check(None, "threads", INDEX_SORT_THREADS, |_| Ok(()))?;
    let built = tx.execute_batch(create);
    tx.pragma_update_and_check(None, "threads", 0, |_| Ok(()))?;
    tx.pragma_update(None, "cache_size", -crate::sqlite::CACHE_KIB)?;
    Ok(built?)
}

const PAIR_COLUMNS: &str = "left_id, right_id, weight, probability, model_version, run_id, rule";
/// Record ids one query binds ([`ResolutionStore::judgements_of`],
/// [`ResolutionStore::canonicals_of`]).
const JUDGED_IDS_PER_QUERY: usize = 200;
const JUDGEMENT_COLUMNS: &str = "id, schema, left_id, right_id, verdict, probability, model_version, \
     principal, at, why, withdrawn_at, withdrawn_by, withdrawn_why";

fn run_row(r: &Row<'_>) -> rusqlite::Result<ResolutionRun> {
    let u = |i: usize| r.get::<_, i64>(i).map(|v| u64::try_from(v).unwrap_or(0));
    Ok(ResolutionRun {
        id: r.get(0)?,
        schema: r.get(1)?,
        at: Timestamp(r.get(2)?),
        principal: r.get(3)?,
        incremental: r.get(4)?,
        model_version: r.get(5)?,
        model: r.get(6)?,
        settings: r.get(7)?,
        records: u(8)?,
        new_records: u(9)?,
        pairs: u(10)?,
        links: u(11)?,
        clusters: u(12)?,
    })
}

fn pair_row(r: &Row<'_>) -> rusqlite::Result<MatchPair> {
    Ok(MatchPair {
        left_id: r.get(0)?,
        right_id: r.get(1)?,
        weight: r.get(2)?,
        probability: r.get(3)?,
        model_version: r.get(4)?,
        run_id: r.get(5)?,
        rule: r.get(6)?,
    })
}

fn judgement_row(r: &Row<'_>) -> rusqlite::Result<Judgement> {
    Ok(Judgement {
        id: r.get(0)?,
        schema: r.get(1)?,
        left_id: r.get(2)?,
        right_id: r.get(3)?,
        verdict: r.get(4)?,
        probability: r.get(5)?,
        model_version: r.get(6)?,
        principal: r.get(7)?,
        at: Timestamp(r.get(8)?),
        why: r.get(9)?,
        withdrawn_at: r.get::<_, Option<i64>>(10)?.map(Timestamp),
        withdrawn_by: r.get(11)?,
        withdrawn_why: r.get(12)?,
    })
}

impl ResolutionStore for SqliteStore {
    fn put_resolution(
        &mut self,
        run: &ResolutionRun,
        pairs: &[MatchPair],
        replace_pairs: bool,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO resolution_run(schema, at, principal, incremental, model_version, model, settings, \
             records, new_records, pairs, links, clusters) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                run.schema,
                run.at.0,
                run.principal,
                run.incremental,
                run.model_version,
                run.model,
                run.settings,
                to_i64(run.records),
                to_i64(run.new_records),
                to_i64(run.pairs),
                to_i64(run.links),
                to_i64(run.clusters)
            ],
        )?;
        let id = tx.last_insert_rowid();
        if replace_pairs {
            tx.execute("DELETE FROM match_pair WHERE schema = ?1", [&run.schema])?;
        }
        // The pairs come in key order, so the table is appended to; the
        // index by probability took them in random order, and is built
        // once after instead (half the CPU at 338,738 pairs).
        let bulk = replace_pairs && pairs.len() >= CANONICAL_BULK_ROWS_MIN;
        if bulk {
            tx.execute_batch("DROP INDEX IF EXISTS match_pair_probability;")?;
        }
        {
            // Many rows a statement, as canonical ids are written: a
            // statement executed per pair cost more than storing it.
            let insert = |n: usize| {
                let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; n].join(", ");
                format!(
                    "INSERT OR REPLACE INTO match_pair(schema, left_id, right_id, weight, probability, model_version, run_id, rule) \
                     VALUES {rows}"
                )
            };
            fn row<'a>(
                run: &'a ResolutionRun,
                run_id: &'a i64,
                p: &'a MatchPair,
            ) -> [&'a dyn rusqlite::ToSql; 8] {
                [
                    &run.schema,
                    &p.left_id,
                    &p.right_id,
                    &p.weight,
                    &p.probability,
                    &p.model_version,
                    run_id,
                    &p.rule,
                ]
            }
            let mut many = tx.prepare(&insert(PAIRS_PER_INSERT))?;
            let mut chunks = pairs.chunks_exact(PAIRS_PER_INSERT);
            for chunk in &mut chunks {
                many.execute(rusqlite::params_from_iter(
                    chunk.iter().flat_map(|p| row(run, &id, p)),
                ))?;
            }
            let mut one = tx.prepare(&insert(1))?;
            for p in chunks.remainder() {
                one.execute(rusqlite::params_from_iter(row(run, &id, p)))?;
            }
        }
        if bulk {
            // As `sql/0003_resolution.sql` creates it.
            sorted_in_small_runs(
                &tx,
                "CREATE INDEX match_pair_probability ON match_pair(schema, probability);",
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    fn resolution_runs(
        &self,
        schema: &str,
        limit: usize,
    ) -> Result<Vec<ResolutionRun>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM resolution_run WHERE schema = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = q.query_map(params![schema, to_i64(limit as u64)], run_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn match_pairs(
        &self,
        schema: &str,
        min_probability: f64,
    ) -> Result<Vec<MatchPair>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {PAIR_COLUMNS} FROM match_pair WHERE schema = ?1 AND probability >= ?2"
        ))?;
        let rows = q.query_map(params![schema, min_probability], pair_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn match_pair(
        &self,
        schema: &str,
        left: &str,
        right: &str,
    ) -> Result<Option<MatchPair>, StoreError> {
        // Prepared once per connection: a dossier asks this for every
        // pair of its members.
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {PAIR_COLUMNS} FROM match_pair WHERE schema = ?1 AND left_id = ?2 AND right_id = ?3"
            ))?
            .query_row(params![schema, left, right], pair_row)
            .optional()?)
    }

    fn review_queue(
        &self,
        schema: &str,
        low: f64,
        high: f64,
        limit: usize,
    ) -> Result<Vec<MatchPair>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {PAIR_COLUMNS} FROM match_pair p WHERE schema = ?1 AND probability BETWEEN ?2 AND ?3 \
             AND NOT EXISTS (SELECT 1 FROM judgement j WHERE j.schema = p.schema \
                 AND j.left_id = p.left_id AND j.right_id = p.right_id AND j.withdrawn_at IS NULL) \
             ORDER BY abs(probability - 0.5), left_id, right_id LIMIT ?4"
        ))?;
        let rows = q.query_map(params![schema, low, high, to_i64(limit as u64)], pair_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_judgement(&mut self, j: &Judgement) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO judgement(schema, left_id, right_id, verdict, probability, model_version, principal, at, why) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                j.schema,
                j.left_id,
                j.right_id,
                j.verdict,
                j.probability,
                j.model_version,
                j.principal,
                j.at.0,
                j.why
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn withdraw_judgement(
        &mut self,
        id: i64,
        by: &str,
        at: Timestamp,
        why: &str,
    ) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE judgement SET withdrawn_at = ?2, withdrawn_by = ?3, withdrawn_why = ?4 \
             WHERE id = ?1 AND withdrawn_at IS NULL",
            params![id, at.0, by, why],
        )?;
        Ok(n == 1)
    }

    fn judgement(&self, id: i64) -> Result<Option<Judgement>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {JUDGEMENT_COLUMNS} FROM judgement WHERE id = ?1"),
                [id],
                judgement_row,
            )
            .optional()?)
    }

    fn judgements(&self, schema: &str, withdrawn: bool) -> Result<Vec<Judgement>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {JUDGEMENT_COLUMNS} FROM judgement WHERE schema = ?1 \
             AND (?2 OR withdrawn_at IS NULL) ORDER BY id DESC"
        ))?;
        let rows = q.query_map(params![schema, withdrawn], judgement_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_canonical(&mut self, schema: &str, ids: &[(String, String)]) -> Result<(), StoreError> {
        // Written as a difference: a run moves few records, and every row
        // deleted is overwritten with zeros (`secure_delete`).
        let tx = self.conn.transaction()?;
        {
            let mut before: std::collections::HashMap<String, String> = tx
                .prepare("SELECT entity_id, canonical_id FROM canonical WHERE schema = ?1")?
                .query_map([schema], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            // A first run (or one that moves most records) writes a row per
            // record: the secondary index is built once after, sorted,
            // rather than kept up row by row in the random order of the
            // canonical ids.
            let bulk = ids.len() >= CANONICAL_BULK_ROWS_MIN && before.len() < ids.len() / 2;
            if bulk {
                tx.execute_batch("DROP INDEX IF EXISTS canonical_by_id;")?;
            }
            let mut update =
                tx.prepare("UPDATE canonical SET canonical_id = ?2 WHERE entity_id = ?1")?;
            let mut new: Vec<&(String, String)> = Vec::new();
            for row @ (entity, canonical) in ids {
                match before.remove(entity) {
                    Some(was) if was == *canonical => {}
                    Some(_) => {
                        update.execute(params![entity, canonical])?;
                    }
                    None => new.push(row),
                }
            }
            let one = |n: usize| {
                let rows = vec!["(?, ?, ?)"; n].join(", ");
                format!("INSERT INTO canonical(schema, entity_id, canonical_id) VALUES {rows}")
            };
            let mut many = tx.prepare(&one(CANONICAL_ROWS_PER_INSERT))?;
            let mut chunks = new.chunks_exact(CANONICAL_ROWS_PER_INSERT);
            for chunk in &mut chunks {
                many.execute(rusqlite::params_from_iter(
                    chunk
                        .iter()
                        .flat_map(|(e, c)| [schema, e.as_str(), c.as_str()]),
                ))?;
            }
            let mut single = tx.prepare(&one(1))?;
            for (entity, canonical) in chunks.remainder() {
                single.execute(params![schema, entity, canonical])?;
            }
            let mut delete = tx.prepare("DELETE FROM canonical WHERE entity_id = ?1")?;
            for entity in before.keys() {
                delete.execute([entity])?;
            }
            if bulk {
                // As `sql/0003_resolution.sql` creates it.
                sorted_in_small_runs(
                    &tx,
                    "CREATE INDEX canonical_by_id ON canonical(canonical_id);",
                )?;
            }
        }
        crate::generations::clusters_changed(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn canonical_ids(&self, schema: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT entity_id, canonical_id FROM canonical WHERE schema = ?1 ORDER BY entity_id",
        )?;
        let rows = q.query_map([schema], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn canonical_of(&self, entity_id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT schema, canonical_id FROM canonical WHERE entity_id = ?1")?
            .query_row([entity_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn cluster_members(&self, canonical_id: &str) -> Result<Vec<String>, StoreError> {
        // Every answer naming entities asks this once per cluster.
        let mut q = self.conn.prepare_cached(
            "SELECT entity_id FROM canonical WHERE canonical_id = ?1 ORDER BY entity_id",
        )?;
        let rows = q.query_map([canonical_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn resolution_run_ids(&self, schema: &str, limit: usize) -> Result<Vec<i64>, StoreError> {
        // Every dossier asks this.
        let mut q = self.conn.prepare_cached(
            "SELECT id FROM resolution_run WHERE schema = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = q.query_map(params![schema, to_i64(limit as u64)], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn resolution_run(&self, id: i64) -> Result<Option<ResolutionRun>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM resolution_run WHERE id = ?1"),
                [id],
                run_row,
            )
            .optional()?)
    }

    fn judgements_of(
        &self,
        schema: &str,
        ids: &[&str],
        withdrawn: bool,
    ) -> Result<Vec<Judgement>, StoreError> {
        let mut out = Vec::new();
        // Bound parameters per statement stay far below SQLite's limit.
        for chunk in ids.chunks(JUDGED_IDS_PER_QUERY) {
            let list = (3..3 + chunk.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut q = self.conn.prepare_cached(&format!(
                "SELECT {JUDGEMENT_COLUMNS} FROM judgement WHERE schema = ?1 \
                 AND (?2 OR withdrawn_at IS NULL) \
                 AND (left_id IN ({list}) OR right_id IN ({list})) ORDER BY id DESC"
            ))?;
            let mut values: Vec<&dyn rusqlite::ToSql> = vec![&schema, &withdrawn];
            values.extend(chunk.iter().map(|id| id as &dyn rusqlite::ToSql));
            let rows = q.query_map(values.as_slice(), judgement_row)?;
            for r in rows {
                out.push(r?);
            }
        }
        if ids.len() > JUDGED_IDS_PER_QUERY {
            out.sort_by_key(|j| std::cmp::Reverse(j.id));
            out.dedup_by_key(|j| j.id);
        }
        Ok(out)
    }

    fn canonicals_of(
        &self,
        entity_ids: &[&str],
    ) -> Result<HashMap<String, (String, String)>, StoreError> {
        let mut out = HashMap::with_capacity(entity_ids.len());
        for chunk in entity_ids.chunks(JUDGED_IDS_PER_QUERY) {
            let list = (1..=chunk.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut q = self.conn.prepare_cached(&format!(
                "SELECT entity_id, schema, canonical_id FROM canonical WHERE entity_id IN ({list})"
            ))?;
            let rows = q.query_map(rusqlite::params_from_iter(chunk.iter()), |r| {
                Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))
            })?;
            for r in rows {
                let (entity, found) = r?;
                out.insert(entity, found);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::ResolutionStore;
    use crate::SqliteStore;

    fn ids(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(e, c)| ((*e).to_owned(), (*c).to_owned()))
            .collect()
    }

    /// A run that moves one record writes one row, not every row again.
    #[test]
    fn canonical_ids_are_written_as_a_difference() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
        s.put_canonical(
            "Person",
            &ids(&[("a", "cs-a"), ("b", "cs-b"), ("c", "cs-c")]),
        )
        .unwrap();
        let before = s.conn.total_changes();
        let generation = s.generations().unwrap().clusters;
        // `b` joins `a`, `c` is no longer resolved, `d` is new.
        let after = ids(&[("a", "cs-a"), ("b", "cs-a"), ("d", "cs-d")]);
        s.put_canonical("Person", &after).unwrap();
        // Three rows, and the clusters' counter.
        assert_eq!(s.conn.total_changes() - before, 3 + 1);
        assert_eq!(s.generations().unwrap().clusters, generation + 1);
        assert_eq!(s.canonical_ids("Person").unwrap(), after);
    }

    /// The statements that create `table`'s indexes, as the store has them.
    fn indexes_of(s: &SqliteStore, table: &str) -> Vec<String> {
        s.conn
            .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = ?1 AND type = 'index' ORDER BY name")
            .unwrap()
            .query_map([table], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The small cache an index was sorted in is not kept.
    fn assert_writer_cache(s: &SqliteStore) {
        let cache: i64 = s
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .unwrap();
        assert_eq!(cache, -crate::sqlite::CACHE_KIB);
        let threads: i64 = s
            .conn
            .pragma_query_value(None, "threads", |r| r.get(0))
            .unwrap();
        assert_eq!(threads, 0);
    }

    /// A first run's rows are written before the indexes, which are then
    /// built as the schema has them.
    #[test]
    fn a_first_run_writes_its_rows_then_builds_the_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
        let indexes = |s: &SqliteStore| indexes_of(s, "canonical");
        let schema_has = indexes(&s);
        let rows: Vec<(String, String)> = (0..super::CANONICAL_BULK_ROWS_MIN + 5)
            .map(|i| (format!("r{i:06}"), format!("cs-{:06}", i / 2)))
            .collect();
        s.put_canonical("Person", &rows).unwrap();
        assert_eq!(indexes(&s), schema_has);
        assert_writer_cache(&s);
        assert_eq!(s.canonical_ids("Person").unwrap(), rows);
        assert_eq!(
            s.cluster_members("cs-000001").unwrap(),
            ["r000002", "r000003"]
        );
    }

    /// A full run's pairs are written before the index by probability,
    /// which is then built as the schema has it and answers as before.
    #[test]
    fn a_full_run_writes_its_pairs_then_builds_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
        let indexes = |s: &SqliteStore| indexes_of(s, "match_pair");
        let schema_has = indexes(&s);
        let pairs: Vec<super::MatchPair> = (0..super::CANONICAL_BULK_ROWS_MIN + 5)
            .map(|i| super::MatchPair {
                left_id: format!("a{i:06}"),
                right_id: format!("b{i:06}"),
                weight: f64::from(u32::try_from(i).unwrap()) / 8.0 - 100.0,
                probability: f64::from(u32::try_from(i * 7919 % 1000).unwrap()) / 1000.0,
                model_version: "m".into(),
                run_id: 0,
                rule: (i % 3 == 0).then(|| "payroll".to_owned()),
            })
            .collect();
        let run = super::ResolutionRun {
            schema: "Person".into(),
            ..Default::default()
        };
        let id = s.put_resolution(&run, &pairs, true).unwrap();
        assert_eq!(indexes(&s), schema_has);
        assert_writer_cache(&s);
        // Every pair as given, many to an insert or one (the count is not
        // a multiple of the rows a statement carries).
        assert_ne!(pairs.len() % super::PAIRS_PER_INSERT, 0);
        for at_least in [0.0, 0.9] {
            let mut read = s.match_pairs("Person", at_least).unwrap();
            read.sort_by(|a, b| a.left_id.cmp(&b.left_id));
            let wanted: Vec<super::MatchPair> = pairs
                .iter()
                .filter(|p| p.probability >= at_least)
                .map(|p| super::MatchPair {
                    run_id: id,
                    ..p.clone()
                })
                .collect();
            assert_eq!(read, wanted);
        }
    }
}
