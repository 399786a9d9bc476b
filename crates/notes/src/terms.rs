//! The words a lexical search of notes compares: content words, lemmatised
//! as the summariser and the citation gate read them, so "visited" finds
//! "visit", "swam" finds "swim" (WordNet's exception lists, where it is
//! installed) and "the" finds nothing.

use crate::wordnet;
use crate::words::{is_stopword, lemma, tokens};

/// The distinct content-word lemmas of `text`, in order of first use.
pub fn search_terms(text: &str) -> Vec<String> {
    let wn = wordnet::get();
    let mut out: Vec<String> = Vec::new();
    for t in tokens(text) {
        if is_stopword(&t.low) {
            continue;
        }
        // An irregular form's base, from WordNet where the gate's own
        // table does not know it; the first listed, as a query and a note
        // sentence must agree on one.
        let own = lemma(&t.low);
        let l = match wn.and_then(|wn| wn.irregular_bases(&t.low).first().copied()) {
            Some(base) if own == *t.low => base.to_string(),
            _ => own,
        };
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// The words to look a query's notes up by in an index that stems but
/// knows no irregular form: each of its [`search_terms`] and the irregular
/// forms WordNet lists for it, so "go" also asks for "went" and "gone".
/// Just the terms without WordNet.
pub fn search_forms(text: &str) -> Vec<String> {
    let mut out = search_terms(text);
    if let Some(wn) = wordnet::get() {
        let terms = out.clone();
        for t in &terms {
            for form in wn.irregular_forms(t) {
                if !form.contains('_') && !out.iter().any(|o| o == form) {
                    out.push(form.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_words_lemmatised_once() {
        assert_eq!(
            search_terms("The worker visited; visits were missed."),
            vec!["worker", "visit", "miss"]
        );
    }
}
