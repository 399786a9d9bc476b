//! Collection (s.62 `collect`): ingest a mapped source, and replay quarantine.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clearstone_ingest::{MappedBatch, Mapping};
use clearstone_model::{PropType, Statement, Timestamp, limits};
use clearstone_policy::Action;
use clearstone_store::{Batch, Dataset, IngestRun, QuarantineRow, RunStatus, Store};

use crate::index::IngestUpkeep;
use crate::ingest_subjects::RunSubjects;
use crate::quarantine::{QuarantineEntry, RowGates, gated};
use crate::references::Lookups;
use crate::{EngineError, Operation, Session};

/// Records read back and indexed again that a load's index writer may
/// hold before a run's end commits it: tantivy keeps each one's deletion
/// in memory until the commit (a few hundred bytes each), so a load of
/// tens of millions of rows that re-reads many records stays within its
/// memory bound.
const REREADS_HELD_MAX: usize = 100_000;

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
    /// References this run made to keys no record holds.
    pub dangling: u64,
    pub seconds: f64,
    /// References by a non-key column linked to the one record holding
    /// their value (this run's, and earlier runs' whose record arrived).
    pub references_found: u64,
    /// This run's references by a non-key column whose value two or more
    /// records hold: left unlinked and dangling.
    pub references_ambiguous: u64,
    /// Values read as missing, being placeholders the mapping declares.
    pub placeholders: u64,
    /// Notes whose sentences this run embedded for semantic search (only
    /// with the `semantic` feature and a configured model).
    pub notes_embedded: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ReplaySummary {
    pub examined: u64,
    pub released: u64,
    pub still_failing: u64,
    pub statements_new: u64,
    /// The rows still quarantined after a replay from a corrected file,
    /// with their new reasons, as the session may see them.
    pub still_failing_rows: Vec<crate::QuarantineEntry>,
}

/// A run whose first batch was accepted.
struct Started {
    run_id: i64,
    /// The dataset's register entry before the run, if it had one.
    dataset_before: Option<Dataset>,
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

impl<'e> Session<'e> {
    /// Ingests the source a mapping names: one transaction per batch, records
    /// that fail to map go to quarantine. A file that cannot be read at all
    /// leaves the store's statements as they were.
    pub fn ingest(
        &self,
        mapping_path: &Path,
        progress: &mut dyn FnMut(&IngestProgress),
    ) -> Result<IngestSummary, EngineError> {
        // A mapping that does not load is an attempt too; it is logged
        // without its path, which may be anything a person typed.
        self.logged(Operation::Collect, "ingest", &[], || {
            self.ingest_mapping(mapping_path, progress, None)
        })
    }

    /// One run. Its documents go to `load`'s writer when given (which is
    /// left holding them, uncommitted), else to a writer of the run's own,
    /// committed before the run's event.
    pub(crate) fn ingest_mapping(
        &self,
        mapping_path: &Path,
        progress: &mut dyn FnMut(&IngestProgress),
        mut load: Option<&mut Option<IngestUpkeep<'e>>>,
    ) -> Result<IngestSummary, EngineError> {
        let started_at = Instant::now();
        let mapping = Mapping::load(mapping_path, self.engine.ontology())?;
        // Against the real dataset and each type the mapping writes, so a
        // purpose that lists its own covers them.
        let ds_name = &mapping.dataset.name;
        for schema in mapping.schemas() {
            let what = format!("load {schema} records into dataset `{ds_name}`");
            self.require_typed(Action::Ingest, ds_name, schema, &what)?;
        }
        let mapping_file =
            std::fs::canonicalize(mapping_path).unwrap_or_else(|_| mapping_path.to_path_buf());
        let now = Timestamp::now();
        let ds = &mapping.dataset;
        let begun = IngestRun {
            dataset: ds.name.clone(),
            mapping: mapping_file.display().to_string(),
            source: mapping.source_name.clone(),
            started_at: now,
            ..IngestRun::default()
        };
        // Nothing is written until the reader hands over its first batch: a
        // file it refuses (missing, bad header, not text) leaves the store as
        // it was but for the record of the failed attempt.
        let mut started: Option<Started> = None;
        let mut sum = IngestSummary {
            dataset: ds.name.clone(),
            source: mapping.source_name.clone(),
            ..IngestSummary::default()
        };
        let mut touched = RunSubjects::default();
        // Entities named only by quarantined rows: subjects of the event too.
        let mut held = RunSubjects::default();
        let mut lookups = Lookups::default();
        #[cfg(feature = "semantic")]
        let mut notes = crate::notes_semantic_ingest::IngestedNotes::new();
        let upkeep = match load.as_mut().and_then(|l| l.take()) {
            Some(u) => u,
            None => self.engine.ingest_upkeep()?,
        };
        let earlier_runs = upkeep.runs_held > 0;
        let (result, upkeep) = self.engine.ingest_indexing(upkeep, |feed| {
            clearstone_ingest::run(&mapping, now, &mut |mut mb| {
                if started.is_none() {
                    started = Some(
                        self.start_run(&mapping, &begun)
                            .map_err(|e| e.to_string())?,
                    );
                }
                sum.rows_read += mb.rows;
                sum.bytes_read += mb.bytes;
                sum.placeholders += mb.placeholders;
                touched.add(self.engine, mb.statements.iter().map(|s| &*s.entity_id));
                #[cfg(feature = "semantic")]
                notes.collect(self, &mb.statements);
                for q in &mb.quarantine {
                    if let Ok(read) =
                        clearstone_ingest::inspect(&mapping, &q.raw, q.header.as_deref())
                    {
                        held.add(self.engine, read.entity_ids.iter().map(String::as_str));
                    }
                }
                sum.references_found += self
                    .resolve_lookups(&mut mb.statements, &mut lookups)
                    .map_err(|e| e.to_string())?
                    .resolved;
                let batch = to_batch(&ds.name, &mapping.source_name, &mapping_file, now, mb);
                let refs = self.references(&batch.statements);
                let mut store = self.engine.store().map_err(|e| e.to_string())?;
                let out = store.write_batch(&batch).map_err(|e| e.to_string())?;
                if let Some(st) = &started {
                    store
                        .note_references(st.run_id, &ds.name, &refs)
                        .map_err(|e| e.to_string())?;
                }
                drop(store);
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
                feed.send(batch.statements, out)
            })
        })?;
        // Indexing that failed fails the run, which is then undone like a
        // run whose file could not be read.
        let (result, upkeep) = match upkeep {
            Ok(u) => (result, Some(u)),
            Err(e) => (
                Err(clearstone_ingest::IngestError::Sink(e.to_string())),
                None,
            ),
        };
        sum.entities_touched = touched.count() as u64;
        sum.seconds = started_at.elapsed().as_secs_f64();
        let mut run = IngestRun {
            finished_at: Some(Timestamp::now()),
            status: RunStatus::Done,
            rows_read: sum.rows_read,
            statements_new: sum.statements_new,
            statements_seen: sum.statements_seen,
            quarantined: sum.quarantined,
            entities_touched: sum.entities_touched,
            ..begun.clone()
        };
        let query = format!(
            "ingest dataset `{}` from `{}`",
            ds.name, mapping.source_name
        );
        let mut subjects = touched;
        subjects.absorb(&held);
        drop(held);
        if let Err(e) = result {
            run.status = RunStatus::Failed;
            run.error = Some(e.to_string());
            match &started {
                // Undo what this run added, so an unreadable file changes nothing.
                Some(st) => {
                    let mut store = self.engine.store()?;
                    store.discard_run(&ds.name, &mapping.source_name, now)?;
                    store.discard_references(st.run_id)?;
                    store.restore_dataset(&ds.name, st.dataset_before.as_ref())?;
                    run.id = st.run_id;
                }
                None => run.id = self.engine.store()?.begin_run(&begun)?,
            }
            // The writer goes with this run's documents, and with it those
            // of the load's earlier runs, whose records are stored: the
            // index is built again from the store.
            drop(upkeep);
            if earlier_runs {
                self.engine.rebuild_index()?;
            }
            self.engine.store()?.finish_run(&run)?;
            self.record_run(Operation::Collect, &query, &mut subjects, "failed")?;
            return Err(e.into());
        }
        run.id = match started {
            Some(st) => st.run_id,
            // A file with no records: accepted, so registered all the same.
            None => self.start_run(&mapping, &begun)?.run_id,
        };
        // The records are searchable from here: indexing counts as loading.
        // In a load, once the load ends, unless the deletions the writer
        // holds for records read back grow past their bound.
        match (upkeep, load) {
            (Some(upkeep), Some(_)) if upkeep.rereads_held > REREADS_HELD_MAX => upkeep.commit()?,
            (Some(mut upkeep), Some(slot)) => {
                upkeep.runs_held += 1;
                *slot = Some(upkeep);
            }
            (Some(upkeep), None) => upkeep.commit()?,
            (None, _) => {}
        }
        #[cfg(feature = "semantic")]
        {
            sum.notes_embedded = notes.embed(self);
        }
        // References by value whose record this run (or an earlier one) loaded.
        let (found, written) = self.settle_lookups(Some(run.id))?;
        sum.references_found += found.resolved;
        sum.references_ambiguous = found.ambiguous;
        let mut found_now = RunSubjects::default();
        found_now.add(self.engine, written.iter().map(String::as_str));
        subjects.absorb(&found_now);
        // References to records later in the file, or already held, are not dangling.
        run.dangling = self.engine.store()?.settle_references(run.id)?;
        sum.dangling = run.dangling;
        self.engine.store()?.finish_run(&run)?;
        sum.seconds = started_at.elapsed().as_secs_f64();
        let mut outcome = format!(
            "{} rows, {} new statements, {} quarantined, {} dangling references",
            sum.rows_read, sum.statements_new, sum.quarantined, sum.dangling
        );
        if sum.references_found + sum.references_ambiguous > 0 {
            outcome.push_str(&format!(
                ", {} references found by value, {} ambiguous",
                sum.references_found, sum.references_ambiguous
            ));
        }
        self.record_run(Operation::Collect, &query, &mut subjects, &outcome)?;
        Ok(sum)
    }

    /// The entity references among statements: (referring entity, property, target).
    fn references<'s>(&self, statements: &'s [Statement]) -> Vec<(&'s str, &'s str, &'s str)> {
        let mut is_ref: HashMap<(*const u8, *const u8), bool> = HashMap::new();
        statements
            .iter()
            .filter(|s| {
                *is_ref
                    .entry((s.schema.as_ptr(), s.prop.as_ptr()))
                    .or_insert_with(|| {
                        self.engine
                            .ontology()
                            .property(&s.schema, &s.prop)
                            .is_some_and(|p| p.ty == PropType::Entity)
                    })
            })
            .map(|s| (&*s.entity_id, &*s.prop, s.value.as_str()))
            .collect()
    }

    /// Registers the dataset (keeping its entry as it was, to restore if the
    /// run fails) and opens the run's entry in the ingest log.
    fn start_run(&self, mapping: &Mapping, run: &IngestRun) -> Result<Started, EngineError> {
        let ds = &mapping.dataset;
        let mut store = self.engine.store()?;
        let dataset_before = store.dataset(&ds.name)?;
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
        let run_id = store.begin_run(run)?;
        Ok(Started {
            run_id,
            dataset_before,
        })
    }

    /// Maps quarantined records again under their (possibly fixed) mapping;
    /// those that now pass land and leave quarantine. Only rows this
    /// session may see are replayed.
    pub fn replay_quarantine(&self, dataset: Option<&str>) -> Result<ReplaySummary, EngineError> {
        self.logged(Operation::Collect, "replay quarantine", &[], || {
            self.replay_stored(dataset)
        })
    }

    fn replay_stored(&self, dataset: Option<&str>) -> Result<ReplaySummary, EngineError> {
        let mut rows = self.engine.store()?.quarantine(dataset, usize::MAX >> 1)?;
        let mut gates = RowGates::default();
        rows.retain(|q| gates.get(self, q).visible());
        let now = Timestamp::now();
        let mut mappings: BTreeMap<String, Mapping> = BTreeMap::new();
        let mut batches: BTreeMap<(String, String), Batch> = BTreeMap::new();
        let mut released = Vec::new();
        let mut failing = Vec::new();
        let mut subjects: Vec<String> = Vec::new();
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
                Err(e) => {
                    if let Ok(read) = clearstone_ingest::inspect(m, &q.raw, q.header.as_deref()) {
                        subjects.extend(read.entity_ids);
                    }
                    failing.push((q.id, e.column, e.reason));
                }
            }
        }
        subjects.extend(self.land_replayed(&batches, &released, &failing, &mut sum)?);
        subjects.sort_unstable();
        subjects.dedup();
        sum.released = released.len() as u64;
        sum.still_failing = failing.len() as u64;
        // The filter is named only when it is a registered dataset: the log
        // keeps no text a person typed.
        let registered = match dataset {
            Some(d) => self.engine.store()?.datasets()?.iter().any(|x| x.name == d),
            None => false,
        };
        let query = format!(
            "replay quarantine{}",
            dataset
                .filter(|_| registered)
                .map(|d| format!(" of `{d}`"))
                .unwrap_or_default()
        );
        let names: Vec<&str> = subjects.iter().map(String::as_str).collect();
        self.record(
            Operation::Collect,
            &query,
            &names,
            None,
            &format!(
                "{} released, {} still failing",
                sum.released, sum.still_failing
            ),
        )?;
        Ok(sum)
    }

    /// Quarantined records (they hold personal data, so reading them is a
    /// consultation), gated like the values they would have become: only
    /// rows of datasets this session may load and whose every value it may
    /// see, special-category columns masked. The count is of those rows.
    pub fn quarantine(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<QuarantineEntry>, u64), EngineError> {
        self.logged(Operation::Consult, "list quarantine", &[], || {
            self.list_quarantine(dataset, limit)
        })
    }

    fn list_quarantine(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<QuarantineEntry>, u64), EngineError> {
        let limit = limit.min(limits::PAGE_ROWS_MAX);
        let store = self.engine.store()?;
        let mut rows = store.quarantine(dataset, usize::MAX >> 1)?;
        drop(store);
        let mut gates = RowGates::default();
        rows.retain(|q| gates.get(self, q).visible());
        let total = rows.len() as u64;
        rows.truncate(limit);
        let mut out = Vec::with_capacity(rows.len());
        let mut subjects: Vec<String> = Vec::new();
        for q in rows {
            let gate = gates.get(self, &q);
            let (entry, ids) = gated(q, gate);
            out.push(entry);
            subjects.extend(ids);
        }
        subjects.sort_unstable();
        subjects.dedup();
        let names: Vec<&str> = subjects.iter().map(String::as_str).collect();
        self.record(
            Operation::Consult,
            "list quarantine",
            &names,
            None,
            &format!("{} of {total} rows", out.len()),
        )?;
        Ok((out, total))
    }
}

impl Session<'_> {
    /// Writes a replay's released records, settles the quarantine (released
    /// rows go, failing ones keep their new reason) and the dangling
    /// references the released records may answer, and indexes what landed.
    /// Returns the ids of the records written.
    pub(crate) fn land_replayed(
        &self,
        batches: &BTreeMap<(String, String), Batch>,
        released: &[i64],
        failing: &[(i64, String, String)],
        sum: &mut ReplaySummary,
    ) -> Result<Vec<String>, EngineError> {
        // References by a non-key column are looked up as at ingest.
        let mut lookups = Lookups::default();
        let mut landing = Vec::with_capacity(batches.len());
        for b in batches.values() {
            let mut b = b.clone();
            self.resolve_lookups(&mut b.statements, &mut lookups)?;
            landing.push(b);
        }
        let mut store = self.engine.store()?;
        for b in &landing {
            sum.statements_new += store.write_batch(b)?.inserted;
        }
        store.settle_quarantine(released, failing)?;
        store.settle_references(0)?;
        drop(store);
        let mut touched: Vec<String> = batches
            .values()
            .flat_map(|b| b.statements.iter().map(|s| s.entity_id.to_string()))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        self.engine.reindex(&touched)?;
        Ok(touched)
    }
}
