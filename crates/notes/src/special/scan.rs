use std::collections::HashMap;
use std::sync::LazyLock;

use crate::note::{Note, Span};
use crate::offsets::Offsets;
use crate::sentence::byte_sentences;
use crate::words::tokens;

use super::lexicon::LEXICON;
use super::{SensitiveSpan, SpecialCategory};

/// A term after its first word: the words that must follow, whether its
/// last word is a stem (`*`), and its category.
struct Term {
    rest: Vec<&'static str>,
    stem: bool,
    category: SpecialCategory,
}

struct Index {
    by_first: HashMap<&'static str, Vec<Term>>,
    /// One-word stems ("diagnos*"), matched by prefix.
    stems: Vec<(&'static str, SpecialCategory)>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut by_first: HashMap<&'static str, Vec<Term>> = HashMap::new();
    let mut stems = Vec::new();
    for (category, terms) in LEXICON {
        for term in *terms {
            let (body, stem) = match term.strip_suffix('*') {
                Some(b) => (b, true),
                None => (*term, false),
            };
            let mut words = body.split(' ');
            let Some(first) = words.next() else { continue };
            let rest: Vec<&'static str> = words.collect();
            if stem && rest.is_empty() {
                stems.push((first, *category));
            } else {
                by_first.entry(first).or_default().push(Term {
                    rest,
                    stem,
                    category: *category,
                });
            }
        }
    }
    Index { by_first, stems }
});

/// The categories a run of lowercased words mentions.
fn categories(words: &[String], out: &mut Vec<SpecialCategory>) {
    let index = &*INDEX;
    for (i, w) in words.iter().enumerate() {
        for (stem, category) in &index.stems {
            if w.starts_with(stem) && !out.contains(category) {
                out.push(*category);
            }
        }
        let Some(terms) = index.by_first.get(w.as_str()) else {
            continue;
        };
        for t in terms {
            let n = t.rest.len();
            let fits = t.rest.iter().enumerate().all(|(k, r)| {
                words.get(i + 1 + k).is_some_and(|w| {
                    if t.stem && k + 1 == n {
                        w.starts_with(r)
                    } else {
                        w == r
                    }
                })
            });
            if fits && !out.contains(&t.category) {
                out.push(t.category);
            }
        }
    }
}

/// The special-category spans of a note: each sentence holding a term of
/// the lexicon is one span of that term's category (a sentence with terms
/// of two categories gives two spans). The whole sentence, because the
/// words around a diagnosis say as much as the diagnosis does: the lexicon
/// errs towards masking.
pub fn special_spans(note: &Note) -> Vec<SensitiveSpan> {
    let offsets = Offsets::new(&note.text);
    let mut out = Vec::new();
    let mut found = Vec::new();
    for (s, e) in byte_sentences(&note.text) {
        let Some(sentence) = note.text.get(s..e) else {
            continue;
        };
        let words: Vec<String> = tokens(sentence)
            .into_iter()
            .map(|t| t.low.into_owned())
            .collect();
        found.clear();
        categories(&words, &mut found);
        for category in &found {
            out.push(SensitiveSpan {
                span: Span {
                    note_id: note.id.clone(),
                    start: offsets.char_at(s),
                    end: offsets.char_at(e),
                },
                category: *category,
            });
        }
    }
    out
}
