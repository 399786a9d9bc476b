//! Parties a sentence names by what they are rather than by name: "the
//! landlord", "another pupil", "the housing officer", "her son". A noun
//! is one when a determiner opens its phrase and WordNet files its first
//! sense among people or groups of people, so that "the family asked the
//! landlord to leave" is told apart from the other way round as surely as
//! two names are. Without WordNet no noun is a party.

use crate::gate_clauses::PREPOSITIONS;
use crate::wordnet;
use crate::words::{Token, canonical, is_stopword, lemma};

/// Words that open a noun phrase naming one party.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "another", "his", "her", "their", "my", "our", "your", "its",
];

/// Words at most between the determiner and the noun ("the housing
/// officer", "her older sister").
const MODIFIERS_MAX: usize = 2;

/// The party token `at` of `toks` names, as compared (lemma, synonyms
/// merged), and whether it can be a subject (not a possessive).
pub(crate) fn party(toks: &[Token<'_>], at: usize) -> Option<(String, bool)> {
    let t = toks.get(at)?;
    let low = &*t.low;
    if t.is_capitalised() || is_stopword(low) || t.is_number() {
        return None;
    }
    let opened = (1..=MODIFIERS_MAX + 1).find(|back| {
        let Some(start) = at.checked_sub(*back) else {
            return false;
        };
        toks.get(start)
            .is_some_and(|d| DETERMINERS.contains(&&*d.low))
            && toks.get(start + 1..at).is_some_and(|between| {
                between
                    .iter()
                    .all(|w| !w.is_capitalised() && !is_stopword(&w.low) && !w.is_number())
            })
    })?;
    // After a preposition the phrase is an object ("by the health
    // visitor", "with their father"): it names a party but does nothing.
    let object = at
        .checked_sub(opened + 1)
        .and_then(|b| toks.get(b))
        .is_some_and(|w| PREPOSITIONS.contains(&&*w.low));
    let (bare, can) = match low.strip_suffix("'s") {
        Some(bare) => (bare, false),
        None => (low, !object),
    };
    wordnet::get()
        .filter(|wn| wn.names_party(bare))
        .map(|_| (canonical(&lemma(bare)).to_string(), can))
}
