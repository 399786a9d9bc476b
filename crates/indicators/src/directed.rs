//! Records that activity the tool directed produced: an alert led to a
//! check, and the check made the record. Such a record is not independent
//! evidence about the person (had the alert pointed elsewhere, the record
//! would be elsewhere), so a rule that says `exclude_directed = true` reads
//! the view as if it had never been loaded; counting it would feed the
//! tool's output back into its input (`docs/fairness.md`).

use std::collections::HashSet;

use crate::view::{Record, View};

/// The property that marks a record as produced by directed activity: the
/// reference of the alert or case that directed the check. A mapping maps
/// it from a column, or gives it as a constant for a source that is such
/// activity as a whole.
pub const DIRECTED_PROPERTY: &str = "directed_by";

/// Whether the record says directed activity produced it.
pub fn is_directed(r: &Record) -> bool {
    r.values
        .iter()
        .any(|v| &*v.prop == DIRECTED_PROPERTY && !v.value.trim().is_empty())
}

/// The view without its directed records, or `None` when it holds none
/// (so the common case copies nothing).
pub(crate) fn without_directed(view: &View) -> Option<View> {
    let drop: HashSet<&str> = view
        .records()
        .iter()
        .filter(|r| is_directed(r))
        .map(|r| r.id.as_str())
        .collect();
    (!drop.is_empty()).then(|| view.without(&drop))
}
