//! What is asked for: one value or record, described by where it came from,
//! its type, its sensitivity tag and its markings.

use clearstone_model::{Markings, Sensitivity};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    pub dataset: String,
    /// The entity type of the record the value belongs to.
    pub schema: String,
    /// The type and its parents (`["Officer", "Person"]`), so a purpose that
    /// covers `Person` covers `Officer`. `schema` counts as covered even if
    /// left out here.
    pub schema_ancestors: Vec<String>,
    pub sensitivity: Sensitivity,
    /// What the record says by existing, the type's own tag (ontology
    /// `sensitivity` on a type): a special category hides the whole record
    /// from a purpose without a lawful condition.
    pub type_sensitivity: Sensitivity,
    pub markings: Markings,
}
