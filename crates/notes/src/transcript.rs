use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::NotesError;
use crate::note::{Note, Span};

/// Turns an audio recording into timed text. Implementations that run a
/// model live outside this crate.
pub trait Transcriber {
    /// # Errors
    /// [`NotesError::TranscriberUnavailable`] when there is no model,
    /// [`NotesError::TranscriptionFailed`] when it fails on this audio.
    fn transcribe(&self, audio_path: &Path) -> Result<Transcript, NotesError>;
}

/// One stretch of speech.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Transcript {
    pub segments: Vec<Segment>,
}

impl Transcript {
    /// The transcript as a note — segments trimmed, one per line, so each
    /// ends a sentence — and each segment's span in that note with its
    /// time span, so a citation into the note finds its place in the audio.
    pub fn to_note(&self, id: &str, date: Option<String>) -> (Note, Vec<(Span, u64, u64)>) {
        let mut text = String::new();
        let mut chars = 0;
        let mut times = Vec::with_capacity(self.segments.len());
        for segment in &self.segments {
            let piece = segment.text.trim();
            if piece.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push('\n');
                chars += 1;
            }
            let len = piece.chars().count();
            text.push_str(piece);
            times.push((
                Span {
                    note_id: id.to_string(),
                    start: chars,
                    end: chars + len,
                },
                segment.start_ms,
                segment.end_ms,
            ));
            chars += len;
        }
        let note = Note {
            id: id.to_string(),
            text,
            date,
            kind: Some("transcript".to_string()),
            author: None,
        };
        (note, times)
    }
}
