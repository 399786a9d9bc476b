use crate::error::NotesError;
use crate::gate::citation_gate;
use crate::note::Note;
use crate::sentence::sentences;
use crate::summary::{Summariser, Summary, SummarySentence};

/// The deterministic default: each summary sentence is a note sentence,
/// cited exactly.
#[derive(Debug, Clone, Default)]
pub struct ExtractiveSummariser;

impl Summariser for ExtractiveSummariser {
    fn summarise(&self, notes: &[Note], max_sentences: usize) -> Result<Summary, NotesError> {
        if notes.is_empty() {
            return Err(NotesError::NoNotes);
        }
        let mut out = Vec::new();
        for note in notes {
            for span in sentences(note) {
                if out.len() >= max_sentences {
                    break;
                }
                let Some(text) = span.slice(&note.text) else {
                    continue;
                };
                out.push(SummarySentence {
                    text: text.to_string(),
                    verdict: citation_gate(text, &[text]),
                    citations: vec![span],
                    machine_written: false,
                });
            }
        }
        Ok(Summary {
            sentences: out,
            model: None,
        })
    }
}
