//! What the engine hands the index, and what the index hands back about a
//! document outside of a search.

/// One document per (source entity, shape). A shape is an opaque visibility
/// token chosen by the engine (a hash of dataset, type, markings,
/// sensitivity); every value in a document has the same shape, so one
/// decision covers it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexDoc {
    /// Source-scoped entity id, e.g. "hr:staff:100231".
    pub entity: String,
    /// The id the entity's records are grouped under (equal to `entity`
    /// when unresolved). The engine gives its cluster's smallest record, so
    /// that a resolution rewrites only the records that joined another's
    /// cluster, and names hits, referrers and scanned documents by their
    /// canonical id itself.
    pub canonical: String,
    pub shape: u64,
    /// The record's own type, e.g. "Officer".
    pub schema: String,
    /// The type and its parents: ["Officer", "StaffMember", "Person", "LegalEntity", "Thing"].
    pub schema_ancestors: Vec<String>,
    pub dataset: String,
    /// suspect, victim, witness, staff, child, other.
    pub subject_category: Option<String>,
    /// Display caption chosen by the engine.
    pub label: String,
    /// (property, value) for name-typed properties, original text.
    pub names: Vec<(String, String)>,
    /// (property, value): identifier, postcode, phone, email, vehicle
    /// registration, collar number ..., raw; the index normalises them by
    /// what the property name says they are (postcode, phone, email, vehicle
    /// registration, or anything else in compact form; see `docs/search.md`).
    pub identifiers: Vec<(String, String)>,
    /// (property, "YYYY-MM-DD"); property [`BIRTH_DATE`] also feeds `born:`.
    pub dates: Vec<(String, String)>,
    /// (property, text): free text of notes and reports, addresses, enum values.
    pub texts: Vec<(String, String)>,
    /// (property, target entity id): references to other entities.
    pub refs: Vec<(String, String)>,
}

/// The date property that `born:` searches.
pub const BIRTH_DATE: &str = "birth_date";

/// One document as [`SearchIndex::scan`](crate::SearchIndex::scan) passes
/// it: what the engine needs to build its graph and timelines, borrowed
/// from the stored document for the length of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSummary<'a> {
    pub entity: &'a str,
    pub canonical: &'a str,
    pub shape: u64,
    pub schema: &'a str,
    pub label: &'a str,
    /// (property, target entity id).
    pub refs: Vec<(&'a str, &'a str)>,
    /// (property, "YYYY-MM-DD").
    pub dates: Vec<(&'a str, &'a str)>,
    /// (property, value) as [`IndexDoc::identifiers`] holds them, raw.
    pub identifiers: Vec<(&'a str, &'a str)>,
    /// (property, text) as [`IndexDoc::texts`] holds them.
    pub texts: Vec<(&'a str, &'a str)>,
}

/// A visible document that refers to one of the asked-for targets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Referrer {
    pub entity: String,
    pub canonical: String,
    pub shape: u64,
    pub schema: String,
    pub label: String,
    /// The referring property.
    pub prop: String,
    /// The target it points at, one of those asked for.
    pub target: String,
    /// The referring document's dates (property, "YYYY-MM-DD"), to place it
    /// on a timeline.
    pub dates: Vec<(String, String)>,
}
