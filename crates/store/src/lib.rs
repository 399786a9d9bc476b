//! The statement store. `Store` is the backend trait the engine talks to; the
//! embedded default is [`SqliteStore`] (one file, WAL mode). A PostgreSQL
//! backend implements the same trait. The on-disk format is written down in
//! `docs/storage.md`.

mod accounts;
mod canonical_scan;
mod cases;
mod dataset_counts;
mod error;
mod fresh;
mod generations;
mod indicator_scan;
mod indicators;
mod kept_apart;
mod migrations;
mod pack;
mod records;
mod release;
mod resolution;
mod saved_searches;
mod sqlite;
mod statement_batch;
mod value_scan;
mod visible_read;

pub use accounts::{AccountStore, ApiToken};
pub use cases::{AlertReviewAct, CaseDecision, CaseEntry, CaseFile, CaseStore, CaseTask};
pub use error::StoreError;
pub use generations::Generations;
pub use indicator_scan::{ScanRecord, ScanValue};
pub use indicators::{AlertWrite, IndicatorRule, IndicatorRun, IndicatorStore};
pub use kept_apart::KeptApartStore;
pub use migrations::SCHEMA_VERSION;
pub use records::{
    Alert, Batch, BatchOutcome, BreakGlass, DanglingReference, Dataset, Document, Erased, Erasure,
    Event, IngestRun, QuarantineRow, RunStatus,
};
pub use resolution::{Judgement, MatchPair, ResolutionRun, ResolutionStore};
pub use saved_searches::{SavedSearchRow, SavedSearchStore};
pub use sqlite::SqliteStore;
pub use value_scan::{EntityRange, ScannedEntity, ScannedValue};
pub use visible_read::Sees;

use clearstone_model::{Statement, Timestamp};

/// The registers kept as documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Principal,
    Purpose,
}

/// What the engine needs from a backend. Methods that change data take
/// `&mut self` and are each one transaction: either all of it lands or none.
pub trait Store {
    /// Creates or updates a dataset's register entry; returns its id.
    fn upsert_dataset(&mut self, dataset: &Dataset) -> Result<i64, StoreError>;
    fn datasets(&self) -> Result<Vec<Dataset>, StoreError>;

    fn begin_run(&mut self, run: &IngestRun) -> Result<i64, StoreError>;
    fn finish_run(&mut self, run: &IngestRun) -> Result<(), StoreError>;
    fn runs(&self, limit: usize) -> Result<Vec<IngestRun>, StoreError>;

    /// Writes statements (new ones inserted, known ones only move
    /// `last_seen`) and quarantined rows, and clears quarantine entries for
    /// records that now passed — in one transaction.
    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError>;

    /// Removes what one ingest run added (statements and quarantine entries
    /// first seen at `first_seen` from this source), after the run failed.
    fn discard_run(
        &mut self,
        dataset: &str,
        source: &str,
        first_seen: Timestamp,
    ) -> Result<u64, StoreError>;

    /// Erases one source-scoped entity in one transaction: every version of
    /// its record, the candidate pairs, cluster membership and judgements
    /// naming it, the quarantined rows and kept texts the erasure lists.
    /// Freed pages are overwritten and the write-ahead log emptied, so the
    /// values are gone from the files and not merely unlinked.
    fn erase_entity(&mut self, erasure: &Erasure) -> Result<Erased, StoreError>;

    /// The queries of events whose subjects include any of `subjects`
    /// (keyed hashes), oldest first.
    fn event_queries_naming(&self, subjects: &[String]) -> Result<Vec<String>, StoreError>;

    /// Visits every kept text with its hash.
    fn for_each_text(&self, f: &mut dyn FnMut(&str, &str)) -> Result<(), StoreError>;

    /// Every statement about one source-scoped entity id.
    fn entity_statements(
        &self,
        entity_id: &str,
        limit: usize,
    ) -> Result<Vec<Statement>, StoreError>;

    /// As `entity_statements`, or nothing when `sees` accepts the dataset,
    /// type and markings of none of the record's versions. That is decided
    /// on the id's index alone, so a record hidden from the reader is
    /// answered as quickly as an absent one.
    fn entity_statements_visible(
        &self,
        entity_id: &str,
        limit: usize,
        sees: &mut Sees<'_>,
    ) -> Result<Vec<Statement>, StoreError>;

    /// Visits every statement in a stable order (dataset, entity, property).
    fn for_each_statement(
        &self,
        f: &mut dyn FnMut(Statement) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError>;

    fn statement_count(&self) -> Result<u64, StoreError>;

    fn quarantine(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<Vec<QuarantineRow>, StoreError>;
    fn quarantine_count(&self, dataset: Option<&str>) -> Result<u64, StoreError>;
    /// Removes released rows and records the new reason for rows that still fail.
    fn settle_quarantine(
        &mut self,
        released: &[i64],
        still_failing: &[(i64, String, String)],
    ) -> Result<(), StoreError>;

    /// Appends an access event. Until the tamper-evident log takes over, the
    /// store's event table is where they land; an event is never dropped.
    fn append_event(&mut self, event: &Event) -> Result<i64, StoreError>;
    /// Appends events in one transaction, setting each one's id: one act
    /// naming many subjects is recorded as several events.
    fn append_events(&mut self, events: &mut [Event]) -> Result<(), StoreError>;
    fn events(&self, limit: usize) -> Result<Vec<Event>, StoreError>;
    /// Events with an id above `id`, oldest first.
    fn events_after(&self, id: i64, limit: usize) -> Result<Vec<Event>, StoreError>;

    /// Registers: principals and purposes as JSON documents.
    fn put_document(
        &mut self,
        register: Register,
        doc: &Document,
        disabled_or_expires: &str,
    ) -> Result<(), StoreError>;
    fn document(&self, register: Register, id: &str) -> Result<Option<Document>, StoreError>;
    fn documents(&self, register: Register) -> Result<Vec<Document>, StoreError>;

    fn append_alert(&mut self, alert: &Alert) -> Result<i64, StoreError>;
    fn alerts(&self, limit: usize) -> Result<Vec<Alert>, StoreError>;

    fn start_break_glass(&mut self, grant: &BreakGlass) -> Result<i64, StoreError>;
    /// The grant in force at `now` for a principal working under `purpose`
    /// with the justification whose hash is `justification`, if any.
    fn break_glass(
        &self,
        principal: &str,
        purpose: &str,
        justification: &str,
        now: Timestamp,
    ) -> Result<Option<BreakGlass>, StoreError>;
    /// Ends a principal's grants in force at `now`; whether there was one.
    fn end_break_glass(&mut self, principal: &str, now: Timestamp) -> Result<bool, StoreError>;

    /// Keeps free text under its hash (idempotent).
    fn put_text(&mut self, hash: &str, text: &str) -> Result<(), StoreError>;
    fn text(&self, hash: &str) -> Result<Option<String>, StoreError>;

    /// A dataset's register entry as stored (without counts).
    fn dataset(&self, name: &str) -> Result<Option<Dataset>, StoreError>;

    /// Puts a dataset's register entry back as it was before a failed run:
    /// `before`, or no entry (and none of the run's sources) when it had none.
    /// The run's statements and quarantine are gone by then (`discard_run`).
    fn restore_dataset(&mut self, name: &str, before: Option<&Dataset>) -> Result<(), StoreError>;

    /// Notes the references (referring entity, property, target) among
    /// those given whose target no record holds, as made by `run_id`.
    fn note_references(
        &mut self,
        run_id: i64,
        dataset: &str,
        refs: &[(&str, &str, &str)],
    ) -> Result<(), StoreError>;

    /// Drops the notes whose target a record now holds, and of the records
    /// no longer held; returns how many notes `run_id` still owns.
    fn settle_references(&mut self, run_id: i64) -> Result<u64, StoreError>;

    /// Removes the notes a failed run made.
    fn discard_references(&mut self, run_id: i64) -> Result<(), StoreError>;

    fn dangling_references(
        &self,
        dataset: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DanglingReference>, StoreError>;

    /// Removes one note, answered some other way than by the target's id
    /// arriving (a reference by a non-key column, once found).
    fn forget_reference(
        &mut self,
        entity_id: &str,
        prop: &str,
        target: &str,
    ) -> Result<(), StoreError>;

    /// Visits the statements of the entities whose id starts with `prefix`
    /// (`hr:staff:`), in the order of [`Store::for_each_statement`].
    fn for_each_statement_under(
        &self,
        prefix: &str,
        f: &mut dyn FnMut(Statement) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        self.for_each_statement(&mut |s| {
            if s.entity_id.starts_with(prefix) {
                n += 1;
                f(s)?;
            }
            Ok(())
        })?;
        Ok(n)
    }

    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}
