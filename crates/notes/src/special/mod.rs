//! Special-category data in free text (UK GDPR arts. 9 and 10): which spans
//! of a note are about health, ethnicity, religion and the rest, so that a
//! reader whose purpose does not allow them sees a placeholder instead, as
//! with a masked property.

mod lexicon;
mod scan;

use std::fmt;
use std::str::FromStr;

use clearstone_model::Sensitivity;
use serde::{Deserialize, Serialize};

use crate::error::NotesError;
use crate::note::Span;

pub use scan::special_spans;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCategory {
    Health,
    Ethnicity,
    Religion,
    SexLife,
    SexualOrientation,
    PoliticalOpinion,
    TradeUnion,
    Genetic,
    Biometric,
    Offence,
}

impl SpecialCategory {
    pub const ALL: [SpecialCategory; 10] = [
        Self::Health,
        Self::Ethnicity,
        Self::Religion,
        Self::SexLife,
        Self::SexualOrientation,
        Self::PoliticalOpinion,
        Self::TradeUnion,
        Self::Genetic,
        Self::Biometric,
        Self::Offence,
    ];

    /// The ontology's sensitivity tag for the category, so that a span is
    /// decided by the same policies as a property carrying that tag.
    pub fn sensitivity(self) -> Sensitivity {
        match self {
            Self::Health => Sensitivity::Health,
            Self::Ethnicity => Sensitivity::Ethnic,
            Self::Religion => Sensitivity::Religious,
            Self::SexLife => Sensitivity::SexLife,
            Self::SexualOrientation => Sensitivity::SexualOrientation,
            Self::PoliticalOpinion => Sensitivity::Political,
            Self::TradeUnion => Sensitivity::TradeUnion,
            Self::Genetic => Sensitivity::Genetic,
            Self::Biometric => Sensitivity::Biometric,
            Self::Offence => Sensitivity::Offence,
        }
    }

    /// The stable code: the sensitivity tag's name ("health", "ethnic",
    /// "religious", "sex_life", ...).
    pub fn code(self) -> &'static str {
        self.sensitivity().as_str()
    }
}

impl fmt::Display for SpecialCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for SpecialCategory {
    type Err = NotesError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| NotesError::UnknownSpecialCategory {
                value: s.to_string(),
            })
    }
}

/// A stretch of a note that is special-category data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SensitiveSpan {
    pub span: Span,
    pub category: SpecialCategory,
}

/// `text` with every span whose category is not `allowed` replaced by a
/// placeholder ("[health withheld]"). Overlapping or touching withheld spans
/// become one placeholder naming each category once, so nothing of a
/// withheld span, not even where two categories meet, shows through. Spans
/// outside the text are clipped to it.
pub fn redact(
    text: &str,
    spans: &[SensitiveSpan],
    allowed: &dyn Fn(SpecialCategory) -> bool,
) -> String {
    let mut withheld: Vec<(usize, usize, SpecialCategory)> = spans
        .iter()
        .filter(|s| !allowed(s.category) && s.span.start < s.span.end)
        .map(|s| (s.span.start, s.span.end, s.category))
        .collect();
    if withheld.is_empty() {
        return text.to_string();
    }
    withheld.sort_unstable();
    let mut merged: Vec<(usize, usize, Vec<SpecialCategory>)> = Vec::new();
    for (start, end, category) in withheld {
        match merged.last_mut() {
            Some(last) if start <= last.1 => {
                last.1 = last.1.max(end);
                if !last.2.contains(&category) {
                    last.2.push(category);
                }
            }
            _ => merged.push((start, end, vec![category])),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut pending = merged.iter().peekable();
    let mut inside: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        if let Some(end) = inside {
            if i < end {
                continue;
            }
            inside = None;
        }
        if let Some((start, end, categories)) = pending.peek()
            && i >= *start
        {
            push_placeholder(categories, &mut out);
            inside = Some(*end);
            pending.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// The text of `span` in `note_text` with the parts of `spans` that
/// `allowed` refuses replaced as [`redact`] does: what a summary sentence or
/// chronology entry citing that span may show. `None` when the span does
/// not fit the text.
pub fn redact_span(
    note_text: &str,
    span: &Span,
    spans: &[SensitiveSpan],
    allowed: &dyn Fn(SpecialCategory) -> bool,
) -> Option<String> {
    let text = span.slice(note_text)?;
    let local: Vec<SensitiveSpan> = spans
        .iter()
        .filter(|s| {
            s.span.note_id == span.note_id && s.span.start < span.end && s.span.end > span.start
        })
        .map(|s| SensitiveSpan {
            span: Span {
                note_id: s.span.note_id.clone(),
                start: s.span.start.saturating_sub(span.start),
                end: s.span.end.min(span.end) - span.start,
            },
            category: s.category,
        })
        .collect();
    Some(redact(text, &local, allowed))
}

fn push_placeholder(categories: &[SpecialCategory], out: &mut String) {
    out.push('[');
    for (i, c) in categories.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(c.code());
    }
    out.push_str(" withheld]");
}
