//! Collection (s.62 `collect`): ingest a mapped source, and replay quarantine.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clearstone_ingest::{MappedBatch, Mapping};
use clearstone_model::{Timestamp, limits};
use clearstone_policy::Action;
use clearstone_store::{Batch, Dataset, IngestRun, QuarantineRow, RunStatus, Store};

use crate::{EngineError, Operation, Session};

/// Reported after each transaction, for progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestProgress {
    pub rows: u64,
    pub bytes: u64,
    pub statements: u64,
    pub quarantined: u64,
}

#[derive(Debug, Clone, Default)]
pub struct IngestSummary {
    pub dataset: String,
    pub source: String,
    pub rows_read: u64,
    pub bytes_read: u64,
    /// Statements not held before.
    pub statements_new: u64,
    /// Statements already held (their `last_seen` moved).
    pub statements_seen: u64,
    pub quarantined: u64,
    /// Quarantined records of this source that now mapped and were released.
    pub released: u64,
    pub entities_touched: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Default)]
pub struct ReplaySummary {
    pub examined: u64,
    pub released: u64,
    pub still_failing: u64,
    pub statements_new: u64,
}

fn to_batch(dataset: &str, source: &str, mapping: &Path, now: Timestamp, mb: MappedBatch) -> Batch {
    Batch {
        dataset: dataset.to_string(),
        source: source.to_string(),
        now,
        statements: mb.statements,
        quarantine: mb
            .quarantine
            .into_iter()
            .map(|q| QuarantineRow {
                mapping: mapping.display().to_string(),
                line: q.line,
                column: q.column,
                reason: q.reason,
                raw: q.raw,
                header: q.header,
                ..QuarantineRow::default()
            })
            .collect(),
        passed_lines: mb.passed_lines,
    }
}

impl Session<'_> {
    fn may_ingest(&self, dataset: &str) -> bool {
        self.decide(
            Action::Ingest,
            &crate::session::dataset_resource(dataset),
            false,
        )
        .is_allow()
    }

    /// Ingests the source a mapping names: one transaction per batch, records
    /// that fail to map go to quarantine. A file that cannot be read at all
    /// leaves the store's statements as they were.
    pub fn ingest(
        &self,
        mapping_path: &Path,
        progress: &mut dyn FnMut(&IngestProgress),
    ) -> Result<IngestSummary, EngineError> {
        let started = Instant::now();
        let mapping = Mapping::load(mapping_path, self.engine.ontology())?;
        self.require_on(
            Action::Ingest,
            &mapping.dataset.name,
            &format!("load dataset `{}`", mapping.dataset.name),
        )?;
        let mapping_file =
            std::fs::canonicalize(mapping_path).unwrap_or_else(|_| mapping_path.to_path_buf());
        let now = Timestamp::now();
        let ds = &mapping.dataset;
        let run_id = {
            let mut store = self.engine.store()?;
            store.upsert_dataset(&Dataset {
                name: ds.name.clone(),
                title: ds.title.clone(),
                owner: ds.owner.clone(),
                description: ds.description.clone(),
                legal_basis: ds.legal_basis.clone(),
                retention: ds.retention.clone(),
                markings: ds.markings.to_string(),
                ..Dataset::default()
            })?;
            store.begin_run(&IngestRun {
                dataset: ds.name.clone(),
                mapping: mapping_file.display().to_string(),
                source: mapping.source_name.clone(),
                started_at: now,
                ..IngestRun::default()
            })?
        };
        let mut sum = IngestSummary {
            dataset: ds.name.clone(),
            source: mapping.source_name.clone(),
            ..IngestSummary::default()
        };
        let mut touched: HashSet<Arc<str>> = HashSet::new();
        let mut upkeep = self.engine.ingest_upkeep()?;
        let result = clearstone_ingest::run(&mapping, now, &mut |mb| {
            sum.rows_read += mb.rows;
            sum.bytes_read += mb.bytes;
            touched.extend(mb.statements.iter().map(|s| s.entity_id.clone()));
            let batch = to_batch(&ds.name, &mapping.source_name, &mapping_file, now, mb);
            let out = self
                .engine
                .store()
                .map_err(|e| e.to_string())?
                .write_batch(&batch)
                .map_err(|e| e.to_string())?;
            upkeep
                .add(&batch.statements, &out)
                .map_err(|e| e.to_string())?;
            sum.statements_new += out.inserted;
            sum.statements_seen += out.refreshed;
            sum.quarantined += out.quarantined;
            sum.released += out.released;
            progress(&IngestProgress {
                rows: sum.rows_read,
                bytes: sum.bytes_read,
                statements: sum.statements_new + sum.statements_seen,
                quarantined: sum.quarantined,
            });
            Ok(())
        });
        sum.entities_touched = touched.len() as u64;
        sum.seconds = started.elapsed().as_secs_f64();
        let mut run = IngestRun {
            id: run_id,
            finished_at: Some(Timestamp::now()),
            status: RunStatus::Done,
            rows_read: sum.rows_read,
            statements_new: sum.statements_new,
            statements_seen: sum.statements_seen,
            quarantined: sum.quarantined,
            entities_touched: sum.entities_touched,
            ..IngestRun::default()
        };
        let query = format!(
            "ingest dataset `{}` from `{}`",
            ds.name, mapping.source_name
        );
        if let Err(e) = result {
            // Undo what this run added, so an unreadable file changes nothing.
            self.engine
                .store()?
                .discard_run(&ds.name, &mapping.source_name, now)?;
            run.status = RunStatus::Failed;
            run.error = Some(e.to_string());
            self.engine.store()?.finish_run(&run)?;
            self.record(Operation::Collect, &query, &[], None, "failed")?;
            return Err(e.into());
        }
        self.engine.store()?.finish_run(&run)?;
        upkeep.commit()?;
        // The records are searchable from here: indexing counts as loading.
        sum.seconds = started.elapsed().as_secs_f64();
        let outcome = format!(
            "{} rows, {} new statements, {} quarantined",
            sum.rows_read, sum.statements_new, sum.quarantined
        );
        self.record(Operation::Collect, &query, &[], None, &outcome)?;
        Ok(sum)
    }

    /// Maps quarantined records again under their (possibly fixed) mapping;
    /// those that now pass land and leave quarantine.
    pub fn replay_quarantine(&self, dataset: Option<&str>) -> Result<ReplaySummary, EngineError> {
        let mut rows = self.engine.store()?.quarantine(dataset, usize::MAX >> 1)?;
        rows.retain(|q| self.may_ingest(&q.dataset));
        let now = Timestamp::now();
        let mut mappings: BTreeMap<String, Mapping> = BTreeMap::new();
        let mut batches: BTreeMap<(String, String), Batch> = BTreeMap::new();
        let mut released = Vec::new();
        let mut failing = Vec::new();
        let mut sum = ReplaySummary::default();
        for q in rows {
            sum.examined += 1;
            if !mappings.contains_key(&q.mapping) {
                let m = Mapping::load(&PathBuf::from(&q.mapping), self.engine.ontology())?;
                mappings.insert(q.mapping.clone(), m);
            }
            let Some(m) = mappings.get(&q.mapping) else {
                continue;
            };
            match clearstone_ingest::remap(m, &q.raw, q.header.as_deref(), q.line, now) {
                Ok(statements) => {
                    let b = batches
                        .entry((q.dataset.clone(), q.source.clone()))
                        .or_insert_with(|| Batch {
                            dataset: q.dataset.clone(),
                            source: q.source.clone(),
                            now,
                            ..Batch::default()
                        });
                    b.statements.extend(statements);
                    released.push(q.id);
                }
                Err(e) => failing.push((q.id, e.column, e.reason)),
            }
        }
        let mut store = self.engine.store()?;
        for b in batches.values() {
            sum.statements_new += store.write_batch(b)?.inserted;
        }
        store.settle_quarantine(&released, &failing)?;
        drop(store);
        let mut touched: Vec<String> = batches
            .values()
            .flat_map(|b| b.statements.iter().map(|s| s.entity_id.to_string()))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        self.engine.reindex(&touched)?;
        sum.released = released.len() as u64;
        sum.still_failing = failing.len() as u64;
        let query = format!(
            "replay quarantine{}",
            dataset.map(|d| format!(" of `{d}`")).unwrap_or_default()
        );
        self.record(
            Operation::Collect,
            &query,
            &[],
            None,
            &format!(
                "{} released, {} still failing",
                sum.released, sum.still_failing
            ),
        )?;
        Ok(sum)
    }

    /// Quarantined records (they hold personal data, so reading them is a consultation).
    pub fn quarantine(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<QuarantineRow>, u64), EngineError> {
        let limit = limit.min(limits::PAGE_ROWS_MAX);
        // Quarantined records are raw source rows that no per-value policy
        // has classified: only those who may load a dataset see its rows.
        let store = self.engine.store()?;
        let mut rows = store.quarantine(dataset, usize::MAX >> 1)?;
        drop(store);
        rows.retain(|q| self.may_ingest(&q.dataset));
        let total = rows.len() as u64;
        rows.truncate(limit);
        self.record(
            Operation::Consult,
            "list quarantine",
            &[],
            None,
            &format!("{} of {total} rows", rows.len()),
        )?;
        Ok((rows, total))
    }
}
