//! clearstone's data model: ontology, statements, entities, markings, ids and
//! limits. Pure: no I/O, so every layer above can share it.

mod entity;
mod ids;
pub mod limits;
mod markings;
mod ontology;
mod sensitivity;
mod statement;
mod time;

pub use entity::Entity;
pub use ids::{StatementId, dataset_of, entity_id, entity_key};
pub use markings::{Classification, Markings};
pub use ontology::{
    DEFAULT_ONTOLOGY, Ends, EntityType, Ontology, OntologyError, PropType, Property,
};
pub use sensitivity::Sensitivity;
pub use statement::{Kind, Origin, Statement, SubjectCategory};
pub use time::Timestamp;

/// Errors from parsing model values.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ModelError {
    #[error("invalid markings {0}")]
    Markings(String),
    #[error("{0}")]
    Id(String),
}
