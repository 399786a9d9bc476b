//! The query language: what the user types, parsed into clauses that every
//! document must satisfy. See `docs/search.md` for the syntax.

mod build;
mod matcher;
mod parse;

pub use build::score;
pub(crate) use build::{Built, terms};
pub(crate) use matcher::Matcher;
pub use matcher::SNIPPET_BYTES_MAX;
pub use parse::CATEGORIES;
pub(crate) use parse::JOIN_FIRST_CHARS_MAX;

use std::fmt;

use crate::error::QueryError;

/// Longest query text, in characters.
pub const QUERY_CHARS_MAX: usize = 1_000;
/// Most words a query may hold, counting each word of a phrase; every word
/// becomes several index lookups (exact, nickname, phonetic, fuzzy).
pub const QUERY_TERMS_MAX: usize = 32;

/// A parsed query. Every clause must hold for a document to match; the
/// index never sees the text, only these clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub(crate) clauses: Vec<Clause>,
}

impl Query {
    /// Parses query text.
    ///
    /// # Errors
    /// A [`QueryError`] naming the character and the problem: an unclosed
    /// quote, an unknown field, a value a field cannot take (a bad date,
    /// something that is not a postcode), or a query over
    /// [`QUERY_CHARS_MAX`] or [`QUERY_TERMS_MAX`].
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        parse::parse(text)
    }

    /// No clauses: every visible document, for lookups that add their own.
    pub(crate) fn everything() -> Query {
        Query {
            clauses: Vec::new(),
        }
    }

    /// Whether any clause selects documents, as opposed to only excluding
    /// them or filtering by type, dataset, category or date.
    pub fn has_terms(&self) -> bool {
        self.clauses.iter().any(|c| !c.negated && c.what.is_term())
    }
}

/// The query in the normal form of the syntax, every value as it is
/// searched (folded, normalised, dates as inclusive day ranges), so that
/// two spellings of one query print alike: `Smith  born:1980` prints
/// `smith born:1980-01-01..1980-12-31`.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if c.negated {
                f.write_str("-")?;
            }
            c.what.write(f)?;
        }
        Ok(())
    }
}

impl What {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::Any { raw, .. } => {
                quoted(f, &raw.split_whitespace().collect::<Vec<_>>().join(" "))
            }
            What::Joined { parts, .. } => {
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    p.write(f)?;
                }
                Ok(())
            }
            What::Name(tokens) => {
                f.write_str("name:")?;
                quoted(f, &tokens.join(" "))
            }
            What::Id { field, keys } => {
                let name = match field {
                    IdField::Any => "id",
                    IdField::Postcode => "postcode",
                    IdField::Phone => "phone",
                    IdField::Email => "email",
                    IdField::Reg => "reg",
                };
                write!(f, "{name}:")?;
                // The last key is the compact form every identifier has.
                quoted(f, keys.last().map_or("", String::as_str))
            }
            What::Text(words) => {
                f.write_str("text:")?;
                quoted(f, &words.join(" "))
            }
            What::Born(r) => write!(f, "born:{r}"),
            What::Date(r) => write!(f, "date:{r}"),
            What::Type(k) => write!(f, "type:{k}"),
            What::Dataset(k) => write!(f, "dataset:{k}"),
            What::Category(k) => write!(f, "category:{k}"),
        }
    }
}

fn quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    if s.contains(char::is_whitespace) {
        write!(f, "\"{s}\"")
    } else {
        f.write_str(s)
    }
}

impl fmt::Display for DayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = |d: Option<i64>| {
            d.and_then(|d| clearstone_text::Date::from_days(d).ok())
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        write!(f, "{}..{}", day(self.from), day(self.to))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    pub negated: bool,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum What {
    /// A bare word or quoted phrase: names, identifiers or free text.
    Any {
        /// The word or phrase as typed, for display.
        raw: String,
        names: Vec<String>,
        ids: Vec<String>,
        text: Vec<String>,
    },
    /// Bare words next to each other that may be one value typed apart: a
    /// postcode or phone number with spaces, or a name written as two
    /// words ("o brien"). Matches if every part does, or if the parts
    /// together are one identifier or one name word.
    Joined {
        parts: Vec<What>,
        ids: Vec<String>,
        name: Option<String>,
    },
    /// Folded name tokens, each of which must match.
    Name(Vec<String>),
    Id {
        field: IdField,
        keys: Vec<String>,
    },
    /// Analysed words of free text, matched as a phrase.
    Text(Vec<String>),
    Born(DayRange),
    Date(DayRange),
    Type(String),
    Dataset(String),
    Category(String),
}

impl What {
    fn is_term(&self) -> bool {
        matches!(
            self,
            What::Any { .. }
                | What::Joined { .. }
                | What::Name(_)
                | What::Id { .. }
                | What::Text(_)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdField {
    Any,
    Postcode,
    Phone,
    Email,
    Reg,
}

/// Days since 1970-01-01, both ends inclusive, either open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl DayRange {
    /// Whether the range shares a day with `first..=last` (a month, or a
    /// single day).
    pub(crate) fn overlaps(&self, first: i64, last: i64) -> bool {
        self.from.is_none_or(|f| last >= f) && self.to.is_none_or(|t| first <= t)
    }
}
