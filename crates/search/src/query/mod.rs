//! The query language: what the user types, parsed into clauses that every
//! document must satisfy. See `docs/search.md` for the syntax.

mod build;
mod matcher;
mod parse;

pub(crate) use build::Built;
pub use build::score;
pub(crate) use matcher::Matcher;
pub use matcher::SNIPPET_BYTES_MAX;
pub use parse::CATEGORIES;

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

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    pub negated: bool,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum What {
    /// A bare word or quoted phrase: names, identifiers or free text.
    Any {
        names: Vec<String>,
        ids: Vec<String>,
        text: Vec<String>,
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
            What::Any { .. } | What::Name(_) | What::Id { .. } | What::Text(_)
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
    pub(crate) fn contains(&self, day: i64) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}
