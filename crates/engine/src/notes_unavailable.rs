//! What needs a model the server has none of (a summary written by a chat
//! model, a recording transcribed) is still an attempt on a person's notes:
//! one refused event, naming the person by keyed hash as the act itself
//! would, without looking them up, so a hidden person is answered exactly
//! as an absent one.

use crate::{EngineError, NoteScope, Operation, Session};

/// What was asked for without its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelAct {
    /// A summary of a person's notes by the chat model.
    Summary,
    /// A recording of a visit transcribed into a note about a person.
    Transcription,
}

impl Session<'_> {
    /// Records the refused attempt: one event, the query the act would
    /// have logged and the code of the missing model.
    pub fn refuse_without_model(&self, act: ModelAct, about: &str) -> Result<(), EngineError> {
        let (query, code) = match act {
            ModelAct::Summary => {
                let scope = NoteScope::Person {
                    id: about.to_string(),
                    from: None,
                    to: None,
                };
                (
                    format!("summarise notes of {}", scope.code()),
                    "model_unavailable",
                )
            }
            ModelAct::Transcription => (
                "transcribe recording to note".to_string(),
                "transcriber_unavailable",
            ),
        };
        self.record(Operation::Refused, &query, &[about], None, code)
    }
}
