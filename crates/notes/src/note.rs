use serde::{Deserialize, Serialize};

/// One note as written: a case note, visit record, assessment or transcript.
/// The text is never altered; everything derived points back into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub text: String,
    /// The note's own date, YYYY-MM-DD: what "yesterday" in it is counted from.
    pub date: Option<String>,
    pub kind: Option<String>,
    pub author: Option<String>,
}

impl Note {
    /// A note with only an id and text, for callers that know nothing else.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Note {
        Note {
            id: id.into(),
            text: text.into(),
            date: None,
            kind: None,
            author: None,
        }
    }

    /// The same note with its date set.
    #[must_use]
    pub fn dated(mut self, date: impl Into<String>) -> Note {
        self.date = Some(date.into());
        self
    }
}

/// Where something is in a note: char offsets, half-open `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub note_id: String,
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The text the span covers, or `None` when it does not fit the text
    /// (a span of another version of the note, or start after end).
    pub fn slice<'a>(&self, text: &'a str) -> Option<&'a str> {
        if self.start > self.end {
            return None;
        }
        let mut bytes = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        let from = bytes.nth(self.start)?;
        let to = if self.end == self.start {
            from
        } else {
            bytes.nth(self.end - self.start - 1)?
        };
        text.get(from..to)
    }

    /// How many chars the span covers.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}
