//! The built-in exclusion by protected class. An absence that is maternity,
//! paternity, adoption or shared parental leave, pregnancy-related,
//! disability-related or a workplace adjustment never counts towards any
//! indicator (Equality Act 2010 ss. 15, 18, 20 and 26; the Met's pilot was
//! criticised for exactly this). No rule field switches it off: evaluation
//! asks [`is_protected`] of every record before it counts it.
//!
//! The classes are the ontology's codes for an absence's `reason_class`
//! (`crates/model/ontology/default.toml`), with the spellings source systems
//! use for them when a mapping leaves them as typed.

use crate::Normalise;
use crate::view::{Record, normalise};

/// Codes (as [`Normalise::Code`] gives them) of the protected classes.
pub const PROTECTED_CLASSES: &[&str] = &[
    "maternity",
    "maternity_leave",
    "paternity",
    "paternity_leave",
    "adoption",
    "adoption_leave",
    "shared_parental",
    "shared_parental_leave",
    "spl",
    "pregnancy",
    "pregnancy_related",
    "pregnancy_related_sickness",
    "antenatal",
    "antenatal_care",
    "disability",
    "disability_related",
    "disability_related_absence",
    "disability_leave",
    "workplace_adjustment",
    "reasonable_adjustment",
    "reasonable_adjustments",
    "adjustment_leave",
];

/// The properties whose value names an absence's class. A free-text reason
/// is not read: a class is decided by its code, not by guessing at prose.
pub const CLASS_PROPERTIES: &[&str] =
    &["reason_class", "absence_type", "leave_type", "reason_code"];

/// Whether a record is of a protected class and so never counts.
pub fn is_protected(r: &Record) -> bool {
    r.values.iter().any(|v| {
        CLASS_PROPERTIES.contains(&&*v.prop)
            && PROTECTED_CLASSES.contains(&normalise(Normalise::Code, &v.value).as_str())
    })
}

/// Whether a record may count towards an indicator at all: not of a
/// protected class, and not partly hidden from the rule's purpose (a
/// masked class could be a protected one).
pub fn may_count(r: &Record) -> bool {
    !r.masked && !is_protected(r)
}
