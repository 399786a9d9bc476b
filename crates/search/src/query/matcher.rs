//! Finds, in a visible document's stored values, what the query matched,
//! to show it. Works from the stored values of the one document alone, so
//! (unlike tantivy's snippet generator, which weighs words by how common
//! they are in the whole index) it can say nothing about other documents.

use clearstone_text::fold;
use clearstone_text::nickname::are_nicknames;
use clearstone_text::similarity::damerau_levenshtein;

use super::build::fuzzy_distance;
use super::parse::analyse;
use super::{DayRange, IdField, Query, What};
use crate::doc::BIRTH_DATE;
use crate::keys::{IdKeys, given_name_tokens, identifier_keys, phonetic_keys};
use crate::results::Snippet;
use crate::stored::Stored;

/// Longest snippet of free text, in bytes; longer text is shown as a
/// window around what matched, marked with an ellipsis at each cut.
pub const SNIPPET_BYTES_MAX: usize = 240;
/// How much text a window keeps before the first highlight, in bytes.
const SNIPPET_LEAD_BYTES: usize = 60;

pub(crate) struct Matcher {
    names: Vec<NameToken>,
    ids: Vec<(IdField, String)>,
    text: Vec<String>,
    born: Vec<DayRange>,
    dates: Vec<DayRange>,
}

struct NameToken {
    token: String,
    phonetic: Vec<String>,
    fuzzy: Option<u8>,
}

impl NameToken {
    /// Whether a folded word of a stored name matches; `given` says whether
    /// it is a given name, the only kind an initial matches.
    fn matches(&self, word: &str, given: bool) -> bool {
        let t = self.token.as_str();
        if word == t {
            return true;
        }
        if t.chars().count() == 1 {
            return given && word.starts_with(t);
        }
        if are_nicknames(word, t) {
            return true;
        }
        if phonetic_keys(word)
            .iter()
            .any(|k| self.phonetic.contains(k))
        {
            return true;
        }
        self.fuzzy
            .is_some_and(|d| damerau_levenshtein(word, t) <= usize::from(d))
    }
}

impl Matcher {
    pub(crate) fn new(query: &Query) -> Matcher {
        let mut m = Matcher {
            names: Vec::new(),
            ids: Vec::new(),
            text: Vec::new(),
            born: Vec::new(),
            dates: Vec::new(),
        };
        for c in query.clauses.iter().filter(|c| !c.negated) {
            m.add(&c.what);
        }
        m
    }

    fn add_names(&mut self, tokens: &[String]) {
        for t in tokens {
            self.names.push(NameToken {
                token: t.clone(),
                phonetic: phonetic_keys(t),
                fuzzy: fuzzy_distance(t),
            });
        }
    }

    fn add(&mut self, what: &What) {
        match what {
            What::Any {
                names, ids, text, ..
            } => {
                self.add_names(names);
                self.ids
                    .extend(ids.iter().map(|k| (IdField::Any, k.clone())));
                self.text.extend(text.iter().cloned());
            }
            What::Joined { parts, ids, name } => {
                for p in parts {
                    self.add(p);
                }
                self.ids
                    .extend(ids.iter().map(|k| (IdField::Any, k.clone())));
                if let Some(n) = name {
                    self.add_names(std::slice::from_ref(n));
                }
            }
            What::Name(tokens) => self.add_names(tokens),
            What::Id { field, keys } => {
                self.ids.extend(keys.iter().map(|k| (*field, k.clone())));
            }
            What::Text(words) => self.text.extend(words.iter().cloned()),
            What::Born(r) => self.born.push(*r),
            What::Date(r) => self.dates.push(*r),
            What::Type(_) | What::Dataset(_) | What::Category(_) => {}
        }
    }

    /// The snippets of one stored document, in the order names,
    /// identifiers, dates, text.
    pub(crate) fn snippets(&self, doc: &Stored<'_>, out: &mut Vec<Snippet>) {
        if !self.names.is_empty() {
            for (prop, value) in &doc.names {
                let given = given_name_tokens(prop, value);
                let hl = words(value, |w| {
                    fold(w).split(' ').any(|t| {
                        let is_given = given.iter().any(|g| g == t);
                        self.names.iter().any(|n| n.matches(t, is_given))
                    })
                });
                push(out, prop, value, hl);
            }
        }
        if !self.ids.is_empty() {
            for (prop, value) in &doc.identifiers {
                let mut keys = IdKeys::default();
                identifier_keys(prop, value, &mut keys);
                let hit = self.ids.iter().any(|(field, key)| {
                    let in_field = match field {
                        IdField::Any => &keys.id,
                        IdField::Postcode => &keys.postcode,
                        IdField::Phone => &keys.phone,
                        IdField::Email => &keys.email,
                        IdField::Reg => &keys.reg,
                    };
                    in_field.contains(key)
                });
                if hit {
                    push(out, prop, value, vec![(0, value.len())]);
                }
            }
        }
        if !self.born.is_empty() || !self.dates.is_empty() {
            for (prop, value) in &doc.dates {
                let Ok(date) = clearstone_text::DateValue::parse_iso(value) else {
                    continue;
                };
                let (first, last) = (
                    date.first_day().days_since_epoch(),
                    date.last_day().days_since_epoch(),
                );
                let hit = self.dates.iter().any(|r| r.overlaps(first, last))
                    || (*prop == BIRTH_DATE && self.born.iter().any(|r| r.overlaps(first, last)));
                if hit {
                    push(out, prop, value, vec![(0, value.len())]);
                }
            }
        }
        if !self.text.is_empty() {
            for (prop, value) in &doc.texts {
                let hl = words(value, |w| analyse(w).iter().any(|s| self.text.contains(s)));
                push(out, prop, value, hl);
            }
        }
    }
}

fn push(out: &mut Vec<Snippet>, prop: &str, value: &str, highlights: Vec<(usize, usize)>) {
    if highlights.is_empty() {
        return;
    }
    out.push(window(prop, value, highlights));
}

/// Byte ranges of the words of `text` for which `hit` holds. A word is a
/// run of letters and digits, with apostrophes inside it ("O'Neill").
fn words(text: &str, mut hit: impl FnMut(&str) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}');
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word(c) && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if hit(&text[s..i]) {
                    out.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The value, or for long text a window of it around the highlights.
fn window(prop: &str, value: &str, highlights: Vec<(usize, usize)>) -> Snippet {
    if value.len() <= SNIPPET_BYTES_MAX {
        return Snippet {
            prop: prop.to_owned(),
            text: value.to_owned(),
            highlights,
        };
    }
    let first = highlights.first().map_or(0, |h| h.0);
    let mut start = first.saturating_sub(SNIPPET_LEAD_BYTES);
    while !value.is_char_boundary(start) {
        start -= 1;
    }
    // Start at a word, not inside one.
    if start > 0
        && let Some(space) = value[start..first].find(char::is_whitespace)
    {
        start += space + 1;
    }
    let mut end = (start + SNIPPET_BYTES_MAX).min(value.len());
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < value.len() { "…" } else { "" };
    let text = format!("{lead}{}{tail}", &value[start..end]);
    let shift = lead.len();
    let highlights = highlights
        .into_iter()
        .filter(|&(s, e)| s >= start && e <= end)
        .map(|(s, e)| (s - start + shift, e - start + shift))
        .collect();
    Snippet {
        prop: prop.to_owned(),
        text,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_by_byte_range() {
        let text = "Seen: Zoë O'Neill, 10:30";
        let hl = words(text, |w| w == "Zoë" || w == "O'Neill");
        assert_eq!(hl.len(), 2);
        assert_eq!(&text[hl[0].0..hl[0].1], "Zoë");
        assert_eq!(&text[hl[1].0..hl[1].1], "O'Neill");
    }

    #[test]
    fn long_text_is_windowed_around_the_match() {
        let text = format!("{} needle {}", "hay ".repeat(100), "straw ".repeat(100));
        let at = text.find("needle").unwrap_or_default();
        let s = window("note", &text, vec![(at, at + 6)]);
        assert!(s.text.len() <= SNIPPET_BYTES_MAX + 2 * "…".len());
        let (a, b) = s.highlights[0];
        assert_eq!(&s.text[a..b], "needle");
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
    }
}
