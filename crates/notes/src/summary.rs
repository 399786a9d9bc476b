use serde::{Deserialize, Serialize};

use crate::error::NotesError;
use crate::note::{Note, Span};

/// A pointer from something derived to the note text it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub span: Span,
}

/// Whether a sentence is supported by what it cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Supported,
    /// Each reason is a short code and the word at fault
    /// (`number_not_cited: 3`); a sentence with any blocks sign-off.
    Unsupported {
        reasons: Vec<String>,
    },
}

impl Verdict {
    pub fn is_supported(&self) -> bool {
        matches!(self, Verdict::Supported)
    }
}

/// One sentence of a summary with the note spans it cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummarySentence {
    pub text: String,
    pub citations: Vec<Span>,
    /// Written by a model rather than copied from a note: labelled as such
    /// and part of the record only once a practitioner confirms it.
    pub machine_written: bool,
    pub verdict: Verdict,
}

/// Which model wrote a summary, to be logged with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub version: String,
    /// Hex SHA-256 of the system and user prompt as sent.
    pub prompt_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub sentences: Vec<SummarySentence>,
    /// `None` for an extractive summary.
    pub model: Option<ModelInfo>,
}

impl Summary {
    /// Whether every sentence passed the citation gate, so the summary may
    /// be signed off.
    pub fn all_supported(&self) -> bool {
        self.sentences.iter().all(|s| s.verdict.is_supported())
    }
}

/// Summarises notes: one note, a person's notes over a period, or a case —
/// the caller picks the notes.
pub trait Summariser {
    /// At most `max_sentences` sentences, in the order of the notes given.
    ///
    /// # Errors
    /// [`NotesError::NoNotes`] when `notes` is empty; a model's errors for
    /// a model-backed summariser.
    fn summarise(&self, notes: &[Note], max_sentences: usize) -> Result<Summary, NotesError>;
}
