//! Who did what to whom: "Mum told Jack" and "Jack told Mum" hold the same
//! words, so the word checks pass either. Where a sentence names two people
//! either side of a verb, and the cited text has the same verb only with
//! the two the other way round, the sentence has swapped their roles.

use crate::gate_parties::party;
use crate::words::{Token, canonical, is_stopword, lemma, lower, tokens};

/// Words between two names that make them a list, not a subject and object.
const JOINS: &[&str] = &["and", "or", "&", "nor", "with", "plus"];
/// Words at most between two names for them to count as either side of one
/// verb ("Mum told Jack", "Mum had told Jack", "Mum shouted at Jack").
const BETWEEN_MAX: usize = 3;

/// A person named, as compared: a name or a role word, lowercased and with
/// role synonyms merged ("Mum" and "mother").
fn person(t: &Token<'_>) -> Option<String> {
    if !t.is_capitalised() {
        return None;
    }
    let l = lower(t.text);
    let bare = l.strip_suffix("'s").unwrap_or(&l);
    if bare == "i" || is_stopword(bare) || bare.len() < 2 {
        return None;
    }
    Some(canonical(bare).to_string())
}

/// Each (subject, object, verb lemmas) a text says: two people with one to
/// three lowercase words between them, none of them a list's join.
fn acts(text: &str) -> Vec<(String, String, Vec<String>)> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let named = |i: usize| {
        let t = toks.get(i)?;
        person(t).or_else(|| party(&toks, i).map(|(p, _)| p))
    };
    for i in 0..toks.len() {
        let Some(a) = named(i) else { continue };
        for gap in 1..=BETWEEN_MAX {
            let Some(between) = toks.get(i + 1..i + 1 + gap) else {
                break;
            };
            if between
                .iter()
                .any(|w| w.is_capitalised() || JOINS.contains(&&*w.low))
            {
                break;
            }
            let Some(b) = named(i + 1 + gap) else {
                continue;
            };
            let verbs: Vec<String> = between
                .iter()
                .filter(|w| !is_stopword(&w.low))
                .map(|w| canonical(&lemma(&w.low)).to_string())
                .collect();
            if !verbs.is_empty() && a != b {
                // "Mum was told by Jack": the agent after "by" does it.
                if between.iter().any(|w| w.low == "by") {
                    out.push((b, a.clone(), verbs));
                } else {
                    out.push((a.clone(), b, verbs));
                }
            }
            break;
        }
    }
    out
}

/// The first person of each act the sentence says the other way round from
/// every cited text that says it.
pub(crate) fn swapped(sentence: &str, cited: &[&str]) -> Vec<String> {
    let said: Vec<(String, String, Vec<String>)> = cited.iter().flat_map(|c| acts(c)).collect();
    // One verb, however inflected: as the word checks compare words.
    let shares = |x: &[String], y: &[String]| {
        x.iter()
            .any(|v| y.iter().any(|w| v == w || crate::gate::shared_stem(v, w)))
    };
    let mut out = Vec::new();
    for (a, b, verbs) in acts(sentence) {
        let forward = said
            .iter()
            .any(|(x, y, v)| *x == a && *y == b && shares(v, &verbs));
        let backward = said
            .iter()
            .any(|(x, y, v)| *x == b && *y == a && shares(v, &verbs));
        if backward && !forward {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_did_what_to_whom() {
        let src = "Mum told Jack that the visit was cancelled. Jack and Amelia hit the wall.";
        assert!(swapped("Mum told Jack the visit was cancelled.", &[src]).is_empty());
        assert!(swapped("The mother told Jack about the visit.", &[src]).is_empty());
        assert_eq!(
            swapped("Jack told Mum the visit was cancelled.", &[src]),
            ["jack"]
        );
        // A list is no subject and object; the order of its names is free.
        assert!(swapped("Amelia and Jack hit the wall.", &[src]).is_empty());
    }
}
