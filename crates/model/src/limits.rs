//! Named limits. Exceeding one is a clear error, never a silent truncation.
//! Each says why it has the value it has.

/// Largest ontology or mapping file: these are hand-written configuration;
/// anything larger is a mistake, not a schema.
pub const CONFIG_BYTES_MAX: usize = 4 * 1024 * 1024;

/// Largest single source record (CSV row or JSON line). Bigger rows are
/// quarantined: they are almost always a broken quote swallowing the file.
pub const ROW_BYTES_MAX: usize = 1024 * 1024;

/// Largest single value. Case notes are long, but not this long.
pub const VALUE_BYTES_MAX: usize = 256 * 1024;

/// Rows per ingest transaction: large enough to amortise the commit, small
/// enough that an interrupted ingest loses little work.
pub const BATCH_ROWS_MAX: usize = 20_000;

/// Statements assembled into one entity; past this, `show` refuses rather than
/// exhausting memory on a pathological record.
pub const ENTITY_STATEMENTS_MAX: usize = 100_000;

/// Page size for listings (quarantine, datasets).
pub const PAGE_ROWS_MAX: usize = 1_000;

/// Properties mapped from one row.
pub const MAPPED_PROPERTIES_MAX: usize = 512;
