use std::collections::HashMap;
use std::sync::LazyLock;

use crate::note::{Note, Span};
use crate::offsets::Offsets;
use crate::sentence::byte_sentences;
use crate::words::{Token, tokens};

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

/// Words that end the name of a school.
const SCHOOL_WORDS: &[&str] = &[
    "school", "academy", "college", "primary", "infants", "juniors", "nursery",
];

/// Which words are part of a school's name ("St Mary's Catholic Primary
/// School", "Church of England Primary"): a school's faith says nothing of
/// a pupil's religion, and masking every mention of the school would hide
/// half the note.
fn in_school_name(toks: &[Token<'_>]) -> Vec<bool> {
    let mut marked = vec![false; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        let mut j = i;
        while toks
            .get(j)
            .is_some_and(|t| t.is_capitalised() || (j > i && matches!(&*t.low, "of" | "the")))
        {
            j += 1;
        }
        let run = toks.get(i..j).unwrap_or_default();
        if run.iter().skip(1).any(|t| SCHOOL_WORDS.contains(&&*t.low)) {
            for m in marked.get_mut(i..j).into_iter().flatten() {
                *m = true;
            }
        }
        i = j.max(i + 1);
    }
    marked
}

/// The categories a run of lowercased words mentions; a religion's words
/// inside a school's name do not count.
fn categories(words: &[String], school: &[bool], out: &mut Vec<SpecialCategory>) {
    let index = &*INDEX;
    for (i, w) in words.iter().enumerate() {
        let in_school = school.get(i).copied().unwrap_or(false);
        for (stem, category) in &index.stems {
            let skip = in_school && *category == SpecialCategory::Religion;
            if w.starts_with(stem) && !out.contains(category) && !skip {
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
            let skip = in_school && t.category == SpecialCategory::Religion;
            if fits && !out.contains(&t.category) && !skip {
                out.push(t.category);
            }
        }
    }
}

/// Where `redact` left placeholders ("[religious withheld]"): their words
/// name a category, they are not data of it, and text shown once redacted
/// must read as holding nothing special.
fn placeholders(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|t| t.find('[')).map(|o| o + from) {
        let Some(close) = text.get(open..).and_then(|t| t.find(']')).map(|c| c + open) else {
            break;
        };
        if text
            .get(open..close)
            .is_some_and(|p| p.ends_with(" withheld"))
        {
            out.push((open, close + 1));
        }
        from = close + 1;
    }
    out
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
        let placeholders = placeholders(sentence);
        let toks: Vec<Token<'_>> = tokens(sentence)
            .into_iter()
            .filter(|t| {
                !placeholders
                    .iter()
                    .any(|(s, e)| t.start >= *s && t.end <= *e)
            })
            .collect();
        let school = in_school_name(&toks);
        let words: Vec<String> = toks.into_iter().map(|t| t.low.into_owned()).collect();
        found.clear();
        categories(&words, &school, &mut found);
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
