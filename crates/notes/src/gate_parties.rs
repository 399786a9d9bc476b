//! Parties a sentence names by what they are rather than by name: "the
//! landlord", "another pupil", "the housing officer", "her son". A noun
//! is one when a determiner opens its phrase and WordNet files its first
//! sense among people or groups of people, so that "the family asked the
//! landlord to leave" is told apart from the other way round as surely as
//! two names are. Without WordNet no noun is a party.

use std::cell::RefCell;
use std::collections::HashMap;

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
    let (party, can, start) = party_phrase(toks, at)?;
    // After a preposition the phrase is an object ("by the health
    // visitor", "with their father"): it names a party but does nothing.
    let object = start
        .checked_sub(1)
        .and_then(|b| toks.get(b))
        .is_some_and(|w| PREPOSITIONS.contains(&&*w.low));
    Some((party, can && !object))
}

/// The party token `at` names, whether it can be a subject by its form
/// (not a possessive), and the index of the token that opens its phrase
/// ("the" of "the housing officer"), for the caller to judge what comes
/// before it.
pub(crate) fn party_phrase(toks: &[Token<'_>], at: usize) -> Option<(String, bool, usize)> {
    let t = toks.get(at)?;
    let low = &*t.low;
    if let Some(acronym) = acronym_party(toks, at) {
        return Some(acronym);
    }
    if t.is_capitalised() || t.is_number() {
        return None;
    }
    let (bare, possessive) = match low.strip_suffix("'s") {
        Some(bare) => (bare, true),
        None => (low, false),
    };
    // The noun first, remembered per word: most words are no party, and
    // every word of a sentence is asked about.
    let party = names_party(bare)?;
    if is_stopword(low) {
        return None;
    }
    let opened = (1..=MODIFIERS_MAX + 1).find(|back| {
        let Some(start) = at.checked_sub(*back) else {
            return false;
        };
        // A possessive opens the phrase as "her" does ("Ava's mum"),
        // unless a noun follows, which the word only describes ("Ava's
        // favourite thing").
        toks.get(start).is_some_and(|d| {
            DETERMINERS.contains(&&*d.low)
                || (d.low.ends_with("'s")
                    && start + 1 == at
                    && !toks
                        .get(at + 1)
                        .is_some_and(|n| wordnet::get().is_some_and(|wn| wn.only_noun(&n.low))))
        }) && toks.get(start + 1..at).is_some_and(|between| {
            between
                .iter()
                .all(|w| !w.is_capitalised() && !is_stopword(&w.low) && !w.is_number())
        })
    })?;
    Some((party, !possessive, at - opened))
}

/// A service's or a role's acronym after a determiner, heading its phrase
/// ("the GP examined", "the IDVA will contact"): someone who acts. Not
/// one that describes the noun after it ("the CAMHS duty line").
fn acronym_party(toks: &[Token<'_>], at: usize) -> Option<(String, bool, usize)> {
    let t = toks.get(at)?;
    let start = at.checked_sub(1)?;
    let acronym = t.text.len() >= 2 && t.text.chars().all(|c| c.is_ascii_uppercase());
    let determined = toks.get(start).is_some_and(|d| d.low == "the");
    // Asked last: WordNet's forms of the next word are not remembered.
    let heads = || {
        toks.get(at + 1).is_none_or(|n| {
            is_stopword(&n.low) || wordnet::get().is_none_or(|wn| !wn.only_noun(&n.low))
        })
    };
    (acronym && determined && heads()).then(|| (t.low.to_string(), true, start))
}

/// Words remembered per thread before the memory is emptied, as in the
/// gate's WordNet readings.
const WORDS_CACHED_MAX: usize = 20_000;

thread_local! {
    static PARTIES: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

/// The party a noun names, as compared, if WordNet files it among people:
/// remembered per thread, as every determiner's noun is asked about.
fn names_party(word: &str) -> Option<String> {
    let wn = wordnet::get()?;
    PARTIES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(word) {
            return hit.clone();
        }
        // A role word of the gate's own table by the word it stands for:
        // WordNet's first "mum" is a chrysanthemum, its "mother" a person.
        let group = canonical(&lemma(word)).to_string();
        let party = (wn.names_party(word) || wn.names_party(&group)).then_some(group);
        if cache.len() >= WORDS_CACHED_MAX {
            cache.clear();
        }
        cache.insert(word.to_string(), party.clone());
        party
    })
}
