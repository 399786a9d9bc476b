use serde::{Deserialize, Serialize};

use crate::mention::Known;
use crate::note::{Note, Span};

/// One dated event of a chronology, cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChronologyEntry {
    /// YYYY-MM-DD.
    pub date: String,
    /// The sentence that records the event, as written.
    pub what: String,
    /// Entity ids of the known people it mentions, or names as written for
    /// people the case does not know.
    pub who: Vec<String>,
    pub citation: Span,
}

/// The significant events across `notes`, in date order, each cited.
pub fn chronology(notes: &[Note], known: &Known) -> Vec<ChronologyEntry> {
    let _ = known;
    let mut out = Vec::new();
    for note in notes {
        let Some(date) = &note.date else { continue };
        if let Some(span) = crate::sentence::sentences(note).into_iter().next()
            && let Some(what) = span.slice(&note.text)
        {
            out.push(ChronologyEntry {
                date: date.clone(),
                what: what.to_string(),
                who: Vec::new(),
                citation: span,
            });
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out
}
