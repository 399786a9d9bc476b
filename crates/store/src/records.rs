//! Rows the store keeps besides statements.

use std::sync::Arc;

use clearstone_model::{Statement, Timestamp};

/// A dataset's register entry: who owns it and on what legal basis it is held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dataset {
    pub name: String,
    pub title: String,
    pub owner: String,
    pub description: String,
    pub legal_basis: String,
    pub retention: String,
    pub markings: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Filled in by listings.
    pub statements: u64,
    pub quarantined: u64,
    /// References of its records to keys no record holds.
    pub dangling: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunStatus {
    #[default]
    Running,
    Done,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Running,
        }
    }
}

/// One entry of the ingest log. A run left `running` was interrupted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IngestRun {
    pub id: i64,
    pub dataset: String,
    pub mapping: String,
    pub source: String,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub status: RunStatus,
    pub rows_read: u64,
    pub statements_new: u64,
    pub statements_seen: u64,
    pub quarantined: u64,
    pub entities_touched: u64,
    pub error: Option<String>,
    /// References this run made to keys no record held when it finished.
    pub dangling: u64,
}

/// A reference to a key that no record holds (yet).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DanglingReference {
    pub dataset: String,
    /// The record that refers.
    pub entity_id: String,
    pub prop: String,
    /// The entity id referred to, which no record has.
    pub target: String,
    pub run_id: i64,
}

/// A source record that could not be mapped, kept to fix and replay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuarantineRow {
    /// 0 for a row not yet stored.
    pub id: i64,
    pub dataset: String,
    pub source: String,
    pub mapping: String,
    /// 1-based line (CSV, JSON Lines) or row (Parquet) in the source.
    pub line: u64,
    pub column: String,
    pub reason: String,
    /// The record as read: bytes, since invalid UTF-8 is one reason to be here.
    pub raw: Vec<u8>,
    /// The CSV header the record was read under, tab-separated.
    pub header: Option<String>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
}

/// What one ingest transaction writes.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub dataset: String,
    pub source: String,
    pub now: Timestamp,
    pub statements: Vec<Statement>,
    pub quarantine: Vec<QuarantineRow>,
    /// Lines that mapped cleanly: a quarantined copy of them is released.
    pub passed_lines: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    /// Statements not seen before.
    pub inserted: u64,
    /// Statements already held, whose `last_seen` moved.
    pub refreshed: u64,
    pub quarantined: u64,
    pub released: u64,
    /// Entities this batch gave their first version: everything the store
    /// holds about them is in the batch, so derived views (the search index)
    /// can be built from the batch alone.
    pub created: Vec<Arc<str>>,
    /// Entities this batch gave a new version beside versions already held:
    /// what the store holds about them is more than the batch says.
    pub extended: Vec<Arc<str>>,
}

/// One access event (DPA 2018 s.62 operation or platform event).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    pub id: i64,
    pub at: Timestamp,
    pub operation: String,
    pub principal: String,
    pub purpose: String,
    pub justification: String,
    pub case_ref: Option<String>,
    /// What was asked, without personal data (ids go in `subjects`).
    pub query: String,
    /// Keyed hashes of the subject entity ids returned or touched.
    pub subjects: Vec<String>,
    pub recipient: Option<String>,
    pub outcome: String,
    /// Marks for review, e.g. `break_glass`, `self_monitoring`.
    pub flags: Vec<String>,
}

/// A register entry kept as a JSON document under its id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub id: String,
    pub body: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A concern raised for a person to review (never an outcome by itself).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alert {
    pub id: i64,
    pub at: Timestamp,
    pub kind: String,
    pub principal: String,
    /// Keyed hash of the subject looked up.
    pub subject: String,
    pub detail: String,
    pub event_id: Option<i64>,
    /// The review state: `open` for the gate's own alerts, `new` for an
    /// indicator's until someone takes it up.
    pub status: String,
    /// The indicator rule and version that raised it; `None` for the gate's.
    pub rule_id: Option<String>,
    pub rule_version: Option<u32>,
    /// The canonical entity id the alert is about.
    pub person: Option<String>,
    /// JSON: each piece of evidence with the condition it satisfied.
    pub evidence: Option<String>,
    /// Hash of rule, version, person and evidence ids: one alert per finding.
    pub fingerprint: Option<String>,
    /// The rule version whose activation closed this alert.
    pub superseded_by: Option<u32>,
}

/// An emergency override: time-limited, and every act under it flagged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BreakGlass {
    pub id: i64,
    pub principal: String,
    /// The purpose the grant was started under: sessions under any other
    /// do not use it.
    pub purpose: String,
    pub justification: String,
    pub started_at: Timestamp,
    pub expires_at: Timestamp,
}

/// What one erasure removes besides the entity's own records: the
/// quarantined rows and the free text (by hash) found to name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    pub entity_id: String,
    /// Ids of quarantined rows that hold the record.
    pub quarantine_rows: Vec<i64>,
    /// Hashes of kept free text (search queries, justifications) that names it.
    pub texts: Vec<String>,
}

/// What an erasure removed, table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub statements: u64,
    pub quarantined: u64,
    pub judgements: u64,
    pub pairs: u64,
    pub texts: u64,
}
