//! The words a lexical search of notes compares: content words, lemmatised
//! as the summariser and the citation gate read them, so "visited" finds
//! "visit" and "the" finds nothing.

use crate::words::{is_stopword, lemma, tokens};

/// The distinct content-word lemmas of `text`, in order of first use.
pub fn search_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens(text) {
        if is_stopword(&t.low) {
            continue;
        }
        let l = lemma(&t.low);
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
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
