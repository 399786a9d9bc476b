//! Clauses to a tantivy query whose scores are constants per kind of match.
//!
//! Nothing here reads corpus statistics: each matched clause contributes a
//! fixed score ([`score`]), the variants of one word compete (the best one
//! counts, through a disjunction-max, the others only break ties), and the
//! words add up. So a document's score depends on that document and the
//! query alone, never on how many other documents (visible or not) hold a
//! word.
//!
//! Fuzzy words are expanded into the name terms within their distance in
//! every segment's dictionary, hidden documents' terms included. That is
//! harmless (a term only hidden documents hold matches nothing visible)
//! and is why the expansion has no cap: which terms a cap kept would
//! depend on the terms of documents the session may not see.

use std::ops::Bound;

use tantivy::query::doc_predicate_query::DocPredicateQuery;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query as TantivyQuery, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::parse::JOIN_FIRST_CHARS_MAX;
use super::{Clause, DayRange, IdField, Query, What};
use crate::Visible;
use crate::error::SearchError;
use crate::schema::Fields;
use crate::visible::VisibleShapes;

/// The score each kind of match adds. A name word matched exactly outranks
/// one matched as a nickname, a nickname a phonetic match, a phonetic
/// match an initial, an initial a spelling one or two edits away; an
/// identifier matched exactly outranks any name word; words of free text
/// count least.
pub mod score {
    pub const IDENTIFIER: f32 = 12.0;
    pub const NAME_EXACT: f32 = 10.0;
    pub const NAME_NICKNAME: f32 = 7.0;
    pub const NAME_PHONETIC: f32 = 5.0;
    pub const NAME_INITIAL: f32 = 3.0;
    pub const NAME_FUZZY: f32 = 2.0;
    pub const TEXT_WORD: f32 = 1.0;
    /// The other ways a name word matches a record add this share of their
    /// scores, to break ties: "Joane" matches both "Joanne" and "John" by
    /// sound, but only "Joanne" by spelling as well. Small enough that it
    /// never lifts a match above a better kind.
    pub const NAME_TIE_BREAKER: f32 = 0.01;
}

/// Name tokens this short or shorter are not matched by spelling: one edit
/// turns most three-letter names into other real names.
const FUZZY_CHARS_MIN: usize = 4;
/// From this many characters, two edits are allowed instead of one.
const FUZZY_TWO_EDITS_CHARS_MIN: usize = 8;

pub(crate) struct Built {
    pub query: Box<dyn TantivyQuery>,
}

impl Built {
    /// The query restricted to `visible`, plus any extra must clauses.
    pub(crate) fn new(
        query: &Query,
        fields: &Fields,
        visible: &Visible,
        extra: Vec<Box<dyn TantivyQuery>>,
        searcher: &Searcher,
    ) -> Result<Built, SearchError> {
        let x = &Expander { searcher };
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        clauses.push((Occur::Must, filter(visibility(visible))));
        for q in extra {
            clauses.push((Occur::Must, filter(q)));
        }
        for Clause { negated, what } in &query.clauses {
            if *negated {
                clauses.push((Occur::MustNot, exact(what, fields, x)?));
            } else {
                clauses.push((Occur::Must, selecting(what, fields, x)?));
            }
        }
        Ok(Built {
            query: Box::new(BooleanQuery::new(clauses)),
        })
    }
}

pub(crate) fn visibility(visible: &Visible) -> Box<dyn TantivyQuery> {
    Box::new(DocPredicateQuery::from(VisibleShapes(visible.clone())))
}

/// A clause that selects without scoring.
fn filter(q: Box<dyn TantivyQuery>) -> Box<dyn TantivyQuery> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn constant(q: Box<dyn TantivyQuery>, score: f32) -> Box<dyn TantivyQuery> {
    Box::new(ConstScoreQuery::new(q, score))
}

fn term(field: Field, key: &str) -> Box<dyn TantivyQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, key),
        IndexRecordOption::Basic,
    ))
}

/// Documents holding any of `keys`. A handful of terms is a union of term
/// lookups; tantivy's term-set query would instead fill a bitset the size
/// of each segment, which costs more than the lookups it saves.
pub(crate) fn terms<'a>(
    field: Field,
    keys: impl IntoIterator<Item = &'a str>,
) -> Option<Box<dyn TantivyQuery>> {
    let mut terms: Vec<Term> = keys
        .into_iter()
        .map(|k| Term::from_field_text(field, k))
        .collect();
    terms.sort();
    terms.dedup();
    match terms.len() {
        0 => None,
        1 => terms
            .pop()
            .map(|t| Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as _),
        n if n <= TERM_UNION_MAX => Some(Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| {
                    let q: Box<dyn TantivyQuery> =
                        Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect(),
        ))),
        _ => Some(Box::new(TermSetQuery::new(terms))),
    }
}

/// Above this many terms, one pass over the term dictionary and a bitset
/// beat a union of lookups.
const TERM_UNION_MAX: usize = 128;

fn best_of(variants: Vec<Box<dyn TantivyQuery>>) -> Box<dyn TantivyQuery> {
    match variants.len() {
        0 => Box::new(EmptyQuery),
        1 => variants
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(DisjunctionMaxQuery::new(variants)),
    }
}

fn all_of(parts: Vec<Box<dyn TantivyQuery>>) -> Box<dyn TantivyQuery> {
    match parts.len() {
        0 => Box::new(EmptyQuery),
        1 => parts
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(BooleanQuery::new(
            parts.into_iter().map(|q| (Occur::Must, q)).collect(),
        )),
    }
}

/// How many edits a fuzzy match of a name token allows.
pub(crate) fn fuzzy_distance(token: &str) -> Option<u8> {
    match token.chars().count() {
        n if n >= FUZZY_TWO_EDITS_CHARS_MIN => Some(2),
        n if n >= FUZZY_CHARS_MIN => Some(1),
        _ => None,
    }
}

/// Every way a document's names may match one folded query token, each
/// name term scored for its best kind, in one flat disjunction-max: the
/// token itself (exact), its nicknames, the names within one or two edits
/// of it (fuzzy, expanded against the index's dictionaries now), its sound
/// codes (phonetic) and, for a single letter, given-name initials.
fn name_token(
    token: &str,
    f: &Fields,
    x: &Expander<'_>,
) -> Result<Box<dyn TantivyQuery>, SearchError> {
    let mut scored: Vec<(String, f32)> = vec![(token.to_owned(), score::NAME_EXACT)];
    let mut v = Vec::new();
    if token.chars().count() == 1 {
        v.push(constant(term(f.name_initial, token), score::NAME_INITIAL));
    } else {
        for nick in clearstone_text::nickname::variants(token) {
            scored.push((nick.to_owned(), score::NAME_NICKNAME));
        }
        if let Some(d) = fuzzy_distance(token) {
            for t in x.fuzzy(f.name, token, d)? {
                scored.push((t, score::NAME_FUZZY));
            }
        }
        let codes = crate::keys::phonetic_keys(token);
        if let Some(q) = terms(f.name_phonetic, codes.iter().map(String::as_str)) {
            v.push(constant(q, score::NAME_PHONETIC));
        }
    }
    // Each term once, at its best score.
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    scored.dedup_by(|later, first| later.0 == first.0);
    for (t, s) in scored {
        v.push(constant(term(f.name, &t), s));
    }
    Ok(Box::new(DisjunctionMaxQuery::with_tie_breaker(
        v,
        score::NAME_TIE_BREAKER,
    )))
}

/// The words of a name, each of which must match. A short word and the one
/// after it may also match as one word, exactly, counting as
/// two: records disagree on whether "O'Brien", "Mc Donald" or "De Souza"
/// is one word or two.
fn names(
    tokens: &[String],
    f: &Fields,
    x: &Expander<'_>,
) -> Result<Box<dyn TantivyQuery>, SearchError> {
    let mut parts = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        match tokens.get(i + 1) {
            Some(next) if t.chars().count() <= JOIN_FIRST_CHARS_MAX => {
                let apart = all_of(vec![name_token(t, f, x)?, name_token(next, f, x)?]);
                parts.push(best_of(vec![apart, joined(&format!("{t}{next}"), f)]));
                i += 2;
            }
            _ => {
                parts.push(name_token(t, f, x)?);
                i += 1;
            }
        }
    }
    Ok(all_of(parts))
}

/// Two words of a name as one, exactly, scored as two exact words. Not by
/// sound: the code of "j alan" as one word is the code of "Alan".
fn joined(word: &str, f: &Fields) -> Box<dyn TantivyQuery> {
    constant(term(f.name, word), 2.0 * score::NAME_EXACT)
}

fn text(words: &[String], field: Field) -> Box<dyn TantivyQuery> {
    let n = words.len() as f32;
    let q: Box<dyn TantivyQuery> = if words.len() == 1 {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &words[0]),
            IndexRecordOption::Basic,
        ))
    } else {
        Box::new(PhraseQuery::new(
            words
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect(),
        ))
    };
    constant(q, score::TEXT_WORD * n)
}

fn id_field(field: IdField, f: &Fields) -> Field {
    match field {
        IdField::Any => f.id,
        IdField::Postcode => f.postcode,
        IdField::Phone => f.phone,
        IdField::Email => f.email,
        IdField::Reg => f.reg,
    }
}

fn days(field: Field, range: DayRange) -> Box<dyn TantivyQuery> {
    let bound = |d: Option<i64>| match d {
        Some(d) => Bound::Included(Term::from_field_i64(field, d)),
        None => Bound::Unbounded,
    };
    if range.from.is_none() && range.to.is_none() {
        // Any date at all: the widest range the field can hold.
        return Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(field, i64::MIN)),
            Bound::Included(Term::from_field_i64(field, i64::MAX)),
        ));
    }
    Box::new(RangeQuery::new(bound(range.from), bound(range.to)))
}

/// A clause as it selects and scores documents.
fn selecting(
    what: &What,
    f: &Fields,
    x: &Expander<'_>,
) -> Result<Box<dyn TantivyQuery>, SearchError> {
    Ok(match what {
        What::Any {
            names: n,
            ids,
            text: t,
            ..
        } => {
            let mut v = Vec::new();
            if !n.is_empty() {
                v.push(names(n, f, x)?);
            }
            if let Some(q) = terms(f.id, ids.iter().map(String::as_str)) {
                v.push(constant(q, score::IDENTIFIER));
            }
            if !t.is_empty() {
                v.push(text(t, f.text));
            }
            best_of(v)
        }
        What::Joined { parts, ids, name } => {
            let mut apart = Vec::with_capacity(parts.len());
            for p in parts {
                apart.push(selecting(p, f, x)?);
            }
            let mut v = vec![all_of(apart)];
            if let Some(q) = terms(f.id, ids.iter().map(String::as_str)) {
                v.push(constant(q, score::IDENTIFIER));
            }
            if let Some(n) = name {
                v.push(joined(n, f));
            }
            best_of(v)
        }
        What::Name(tokens) => names(tokens, f, x)?,
        What::Id { field, keys } => {
            match terms(id_field(*field, f), keys.iter().map(String::as_str)) {
                Some(q) => constant(q, score::IDENTIFIER),
                None => Box::new(EmptyQuery),
            }
        }
        What::Text(words) => text(words, f.text),
        What::Born(r) => filter(days(f.born, *r)),
        What::Date(r) => filter(days(f.date, *r)),
        What::Type(k) => filter(term(f.kind, k)),
        What::Dataset(k) => filter(term(f.dataset, k)),
        What::Category(k) => filter(term(f.category, k)),
    })
}

/// A clause as it excludes: exact forms only, so that `-jon` removes
/// records naming Jon and not every John, Jonathan and Joan.
fn exact(what: &What, f: &Fields, x: &Expander<'_>) -> Result<Box<dyn TantivyQuery>, SearchError> {
    let exact_names = |tokens: &[String]| all_of(tokens.iter().map(|t| term(f.name, t)).collect());
    match what {
        What::Any {
            names: n,
            ids,
            text: t,
            ..
        } => {
            let mut v: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
            if !n.is_empty() {
                v.push((Occur::Should, exact_names(n)));
            }
            if let Some(q) = terms(f.id, ids.iter().map(String::as_str)) {
                v.push((Occur::Should, q));
            }
            if !t.is_empty() {
                v.push((Occur::Should, text(t, f.text)));
            }
            Ok(Box::new(BooleanQuery::new(v)))
        }
        What::Name(tokens) => Ok(exact_names(tokens)),
        _ => selecting(what, f, x),
    }
}

/// Expands a fuzzy name token into the name terms within its distance,
/// against every segment's term dictionary.
pub(crate) struct Expander<'a> {
    pub searcher: &'a Searcher,
}

impl Expander<'_> {
    fn fuzzy(&self, field: Field, token: &str, distance: u8) -> Result<Vec<String>, SearchError> {
        let dfa =
            FuzzyTermQuery::new(Term::from_field_text(field, token), distance, true).automaton()?;
        let mut out: Vec<String> = Vec::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&dfa).into_stream()?;
            while stream.advance() {
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    out.push(t.to_owned());
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}
