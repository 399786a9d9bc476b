//! Connectors: declarative mappings (`docs/mapping.md`) from CSV, JSON Lines
//! and Parquet sources to statements of the ontology. Records that cannot be
//! mapped are returned for quarantine with file, line, column and reason;
//! this crate never writes to a store itself (the engine does, through its gate).

mod clean;
mod error;
mod inspect;
mod lookup;
mod map;
mod mapping;
mod run;
mod source;

pub use error::{IngestError, RowError};
pub use inspect::{ColumnUse, Inspected, inspect};
pub use lookup::Lookup;
pub use map::QuarantinedEntity;
pub use mapping::{DatasetInfo, Format, Mapping};
pub use run::{BATCH_STATEMENTS_MAX, MappedBatch, Quarantined, quarantined_entities, remap, run};
