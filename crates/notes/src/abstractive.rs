//! A model-written summary, grounded: the model sees the notes' sentences
//! numbered and redacted, must cite them as `[n]`, and every sentence it
//! writes goes through the citation gate.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::error::NotesError;
use crate::gate::citation_gate;
use crate::note::{Note, Span};
use crate::sentence::sentences;
use crate::special::{SpecialCategory, redact_span, special_spans};
use crate::summary::{ModelInfo, Summariser, Summary, SummarySentence, Verdict};

/// A chat model reached through an OpenAI-compatible endpoint or run in
/// process; implementations live outside this crate.
pub trait ChatModel {
    fn name(&self) -> String;
    fn version(&self) -> String;
    /// # Errors
    /// [`NotesError::ModelUnavailable`] or [`NotesError::ModelFailed`].
    fn complete(&self, system: &str, user: &str) -> Result<String, NotesError>;
}

const SYSTEM_PROMPT: &str = "You summarise social care case notes for a practitioner. \
Write short plain sentences, one per line. End every sentence with the numbers of the \
numbered note sentences that support it, in square brackets, like [2] or [3][5]. \
Use only what those sentences say: no other names, dates, numbers, places or events. \
Keep negations exactly as written. Text in square brackets such as [health withheld] \
was removed; do not guess at it.";

/// Summarises through a [`ChatModel`]. Special-category spans whose category
/// `allowed` refuses are redacted before anything is sent.
pub struct AbstractiveSummariser<M: ChatModel> {
    pub model: M,
    pub allowed: Box<dyn Fn(SpecialCategory) -> bool + Send + Sync>,
}

impl<M: ChatModel> AbstractiveSummariser<M> {
    /// A summariser that sends no special-category span.
    pub fn new(model: M) -> Self {
        AbstractiveSummariser {
            model,
            allowed: Box::new(|_| false),
        }
    }

    /// A summariser that sends the categories `allowed` lets through.
    pub fn allowing(
        model: M,
        allowed: impl Fn(SpecialCategory) -> bool + Send + Sync + 'static,
    ) -> Self {
        AbstractiveSummariser {
            model,
            allowed: Box::new(allowed),
        }
    }
}

/// One numbered sentence as sent: where it is and its redacted text.
struct Numbered {
    span: Span,
    sent: String,
}

fn numbered(notes: &[Note], allowed: &dyn Fn(SpecialCategory) -> bool) -> Vec<Numbered> {
    let mut out = Vec::new();
    for note in notes {
        let special = special_spans(note);
        for span in sentences(note) {
            let Some(sent) = redact_span(&note.text, &span, &special, allowed) else {
                continue;
            };
            out.push(Numbered { span, sent });
        }
    }
    out
}

fn user_prompt(sentences: &[Numbered], max_sentences: usize) -> String {
    let mut user = format!("Summarise these notes in at most {max_sentences} sentences.\n\n");
    for (i, n) in sentences.iter().enumerate() {
        let _ = writeln!(user, "[{}] {}", i + 1, n.sent);
    }
    user
}

/// A model's line split into its text and the sentence numbers it cites.
fn parse_line(line: &str) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(line.len());
    let mut cited = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        text.push_str(before);
        let after = after.get(1..).unwrap_or_default();
        match after.find(']') {
            Some(close) => {
                let inside = after.get(..close).unwrap_or_default();
                let numbers: Option<Vec<usize>> =
                    inside.split(',').map(|n| n.trim().parse().ok()).collect();
                match numbers {
                    Some(ns) if !ns.is_empty() => cited.extend(ns),
                    _ => {
                        text.push('[');
                        text.push_str(inside);
                        text.push(']');
                    }
                }
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => {
                text.push('[');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text
        .trim_start_matches(['-', '*', '•', ' '])
        .replace(" .", ".")
        .trim()
        .to_string();
    cited.dedup();
    (text, cited)
}

impl<M: ChatModel> Summariser for AbstractiveSummariser<M> {
    fn summarise(&self, notes: &[Note], max_sentences: usize) -> Result<Summary, NotesError> {
        if notes.is_empty() {
            return Err(NotesError::NoNotes);
        }
        let numbered = numbered(notes, &*self.allowed);
        let user = user_prompt(&numbered, max_sentences);
        let mut hash = Sha256::new();
        hash.update(SYSTEM_PROMPT.as_bytes());
        hash.update([0u8]);
        hash.update(user.as_bytes());
        let prompt_sha256 = hash
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            });
        let reply = self.model.complete(SYSTEM_PROMPT, &user)?;
        let mut out = Vec::new();
        for line in reply.lines() {
            let (text, cited) = parse_line(line);
            if text.is_empty() {
                continue;
            }
            // A model that writes more than it was asked for is cut short,
            // as the trait promises the caller.
            if out.len() == max_sentences {
                break;
            }
            let mut citations = Vec::new();
            let mut texts = Vec::new();
            let mut bad = Vec::new();
            for n in cited {
                match n.checked_sub(1).and_then(|i| numbered.get(i)) {
                    Some(s) => {
                        citations.push(s.span.clone());
                        texts.push(s.sent.as_str());
                    }
                    None => bad.push(format!("no_such_sentence: {n}")),
                }
            }
            let verdict = match (citation_gate(&text, &texts), bad.is_empty()) {
                (v, true) => v,
                (Verdict::Supported, false) => Verdict::Unsupported { reasons: bad },
                (Verdict::Unsupported { mut reasons }, false) => {
                    reasons.extend(bad);
                    Verdict::Unsupported { reasons }
                }
            };
            out.push(SummarySentence {
                text,
                citations,
                machine_written: true,
                verdict,
            });
        }
        if out.is_empty() {
            return Err(NotesError::ModelOutputEmpty);
        }
        Ok(Summary {
            sentences: out,
            model: Some(ModelInfo {
                name: self.model.name(),
                version: self.model.version(),
                prompt_sha256,
            }),
        })
    }
}
