use thiserror::Error;

/// Why a notes operation failed. Messages never quote note text: a note is
/// personal data, and errors travel further than the note does.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NotesError {
    #[error("note `{note_id}` has date `{value}`, which is not a YYYY-MM-DD date")]
    InvalidNoteDate { note_id: String, value: String },

    #[error("`{value}` is not a mention kind")]
    UnknownMentionKind { value: String },

    #[error("`{value}` is not a special category")]
    UnknownSpecialCategory { value: String },

    #[error("no notes to summarise")]
    NoNotes,

    #[error("no model is configured: {reason}")]
    ModelUnavailable { reason: String },

    #[error("the model failed: {reason}")]
    ModelFailed { reason: String },

    #[error("the model returned no sentences")]
    ModelOutputEmpty,

    #[error("no transcriber is configured: {reason}")]
    TranscriberUnavailable { reason: String },

    #[error("transcription failed: {reason}")]
    TranscriptionFailed { reason: String },
}

impl NotesError {
    /// The stable snake_case code callers match on and show.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidNoteDate { .. } => "invalid_note_date",
            Self::UnknownMentionKind { .. } => "unknown_mention_kind",
            Self::UnknownSpecialCategory { .. } => "unknown_special_category",
            Self::NoNotes => "no_notes",
            Self::ModelUnavailable { .. } => "model_unavailable",
            Self::ModelFailed { .. } => "model_failed",
            Self::ModelOutputEmpty => "model_output_empty",
            Self::TranscriberUnavailable { .. } => "transcriber_unavailable",
            Self::TranscriptionFailed { .. } => "transcription_failed",
        }
    }
}
