//! People the case knows, by their names, given names, surnames with a
//! title, known-as names, nicknames and family roles; and titled people it
//! does not know, offered for linking.

use std::collections::HashMap;

use clearstone_text::nickname;

use crate::mention::{Known, MentionKind};
use crate::words::{Token, is_stopword, lower, tokens};

use super::Found;

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "pc", "dc", "sgt", "insp", "nurse", "cllr", "prof",
    "rev",
];

/// Family words used as a title before a given name: "Aunt Lisa".
const FAMILY_TITLES: &[&str] = &[
    "aunt", "auntie", "aunty", "uncle", "nan", "nana", "nanny", "gran", "granny", "grandma",
    "grandad", "grandpa", "cousin",
];

/// Words after which a capitalised word is a person's name: "her brother
/// Kai", "Mum's partner, Dean Walsh".
const RELATIONS: &[&str] = &[
    "friend",
    "brother",
    "sister",
    "partner",
    "boyfriend",
    "girlfriend",
    "husband",
    "wife",
    "cousin",
    "uncle",
    "aunt",
    "neighbour",
    "son",
    "daughter",
    "stepdad",
    "stepmum",
    "stepfather",
    "stepmother",
    "half-brother",
    "half-sister",
    "ex-partner",
    "fiance",
    "fiancee",
    "lodger",
    "babysitter",
    "childminder",
];

/// Capitalised words that follow a relation word without being a name.
const NOT_NAMES: &[&str] = &[
    "i",
    "mum",
    "dad",
    "and",
    "but",
    "the",
    "a",
    "on",
    "at",
    "in",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words for family roles, with the role names a case record may use.
const ROLE_WORDS: &[(&str, &[&str])] = &[
    (
        "mum",
        &[
            "mother",
            "mum",
            "birth mother",
            "stepmother",
            "adoptive mother",
        ],
    ),
    ("mother", &["mother", "mum", "birth mother"]),
    (
        "dad",
        &[
            "father",
            "dad",
            "birth father",
            "stepfather",
            "adoptive father",
        ],
    ),
    ("father", &["father", "dad", "birth father"]),
    (
        "nan",
        &[
            "grandmother",
            "nan",
            "maternal grandmother",
            "paternal grandmother",
        ],
    ),
    (
        "gran",
        &[
            "grandmother",
            "gran",
            "maternal grandmother",
            "paternal grandmother",
        ],
    ),
    (
        "grandad",
        &[
            "grandfather",
            "grandad",
            "maternal grandfather",
            "paternal grandfather",
        ],
    ),
    ("stepdad", &["stepfather"]),
    ("stepmum", &["stepmother"]),
];

/// The longest word of [`ROLE_WORDS`].
const ROLE_WORD_LEN_MAX: usize = 8;

/// A name pattern: its words after the first, lowercased, and whose it is.
struct Pattern {
    rest: Vec<String>,
    person: usize,
    /// Nicknames match only where the word cannot be an ordinary one.
    nickname: bool,
}

pub(super) struct People {
    /// Entity ids, by the index patterns name.
    entities: Vec<String>,
    by_first: HashMap<String, Vec<Pattern>>,
    /// Role word to the one person holding that role, or `None` when
    /// several do.
    roles: HashMap<&'static str, Option<usize>>,
}

impl People {
    pub(super) fn new(known: &Known) -> People {
        let mut by_first: HashMap<String, Vec<Pattern>> = HashMap::new();
        let mut add = |words: Vec<String>, person: usize, nickname: bool| {
            let mut it = words.into_iter();
            if let Some(first) = it.next() {
                by_first.entry(first).or_default().push(Pattern {
                    rest: it.collect(),
                    person,
                    nickname,
                });
            }
        };
        for (p, person) in known.people.iter().enumerate() {
            for name in &person.names {
                let words: Vec<String> = tokens(name).iter().map(|t| lower(t.text)).collect();
                let (Some(given), Some(surname)) = (words.first(), words.last()) else {
                    continue;
                };
                add(words.clone(), p, false);
                add(vec![given.clone()], p, false);
                if words.len() > 1 {
                    add(vec![given.clone(), surname.clone()], p, false);
                }
                // Children are not "Mr Hughes": leaving them out keeps the
                // title for the adult of the family who shares the surname.
                if words.len() > 1 && !is_child(person.role.as_deref()) {
                    for title in TITLES {
                        add(vec![(*title).to_string(), surname.clone()], p, false);
                    }
                }
                for group in nickname::groups_of(given) {
                    for alias in group.members() {
                        if *alias != given {
                            add(vec![(*alias).to_string()], p, true);
                            if words.len() > 1 {
                                add(vec![(*alias).to_string(), surname.clone()], p, true);
                            }
                        }
                    }
                }
            }
        }
        let mut roles: HashMap<&'static str, Option<usize>> = HashMap::new();
        for (word, role_names) in ROLE_WORDS {
            for (p, person) in known.people.iter().enumerate() {
                let role = person
                    .role
                    .as_deref()
                    .map(str::to_lowercase)
                    .unwrap_or_default();
                if role_names.contains(&role.as_str()) {
                    roles
                        .entry(word)
                        .and_modify(|e| {
                            if *e != Some(p) {
                                *e = None;
                            }
                        })
                        .or_insert(Some(p));
                }
            }
        }
        People {
            entities: known.people.iter().map(|p| p.entity_id.clone()).collect(),
            by_first,
            roles,
        }
    }

    /// The person mentions starting at token `i`, and how many tokens used.
    pub(super) fn at(
        &self,
        text: &str,
        toks: &[Token<'_>],
        i: usize,
        out: &mut Vec<Found>,
    ) -> Option<usize> {
        let t = toks.get(i)?;
        let first: &str = &t.low;
        let first = strip_possessive(first);
        if let Some(n) = self.known_at(text, toks, i, first, out) {
            return Some(n);
        }
        if t.is_capitalised()
            && (TITLES.contains(&first) || FAMILY_TITLES.contains(&first))
            && let Some(n) = titled(text, toks, i, out)
        {
            return Some(n);
        }
        if RELATIONS.contains(&first) {
            return related(text, toks, i, out);
        }
        // Role words are short and lowercase or capitalised; most words are
        // ruled out before the lookup.
        if first.len() <= ROLE_WORD_LEN_MAX
            && let Some(Some(p)) = self.roles.get(first)
        {
            let (end, shown) = possessive_end(t);
            let entity = self.entities.get(*p).cloned();
            out.push(
                Found::new(t.start, end, MentionKind::Person, shown.to_lowercase()).linked(entity),
            );
            return Some(1);
        }
        None
    }

    fn known_at(
        &self,
        text: &str,
        toks: &[Token<'_>],
        i: usize,
        first: &str,
        out: &mut Vec<Found>,
    ) -> Option<usize> {
        let t = toks.get(i)?;
        if !t.is_capitalised() {
            return None;
        }
        let patterns = self.by_first.get(first)?;
        let mut best: Option<(usize, Vec<usize>)> = None;
        for p in patterns {
            if p.nickname && p.rest.is_empty() && is_stopword(first) {
                continue;
            }
            let fits = p.rest.iter().enumerate().all(|(k, w)| {
                let (Some(prev), Some(next)) = (toks.get(i + k), toks.get(i + k + 1)) else {
                    return false;
                };
                let g = text.get(prev.end..next.start).unwrap_or_default();
                matches!(g, " " | ". ") && next.is_capitalised() && strip_possessive(&next.low) == w
            });
            if !fits {
                continue;
            }
            let len = p.rest.len() + 1;
            match &mut best {
                Some((l, people)) if *l == len => {
                    if !people.contains(&p.person) {
                        people.push(p.person);
                    }
                }
                Some((l, _)) if *l > len => {}
                _ => best = Some((len, vec![p.person])),
            }
        }
        let (len, people) = best?;
        let last = toks.get(i + len - 1)?;
        let (end, _) = possessive_end(last);
        let shown = text.get(t.start..end)?;
        // A name two people share is offered for linking, not guessed.
        let entity = match people.as_slice() {
            [one] => self.entities.get(*one).cloned(),
            _ => None,
        };
        out.push(
            Found::new(
                t.start,
                end,
                MentionKind::Person,
                clearstone_text::fold(shown),
            )
            .linked(entity),
        );
        Some(len)
    }
}

fn is_child(role: Option<&str>) -> bool {
    role.map(str::to_lowercase).is_some_and(|r| {
        ["child", "young person", "baby", "infant", "son", "daughter"]
            .iter()
            .any(|c| r.contains(c))
    })
}

fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w)
}

/// Where a name token ends without its possessive "'s".
fn possessive_end<'a>(t: &Token<'a>) -> (usize, &'a str) {
    let bare = strip_possessive(t.text);
    (t.start + bare.len(), bare)
}

/// The name after a relation word, offered for linking: one or two
/// capitalised words, after a space or a comma.
fn related(text: &str, toks: &[Token<'_>], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let rel = toks.get(i)?;
    let name = toks.get(i + 1)?;
    let g = text.get(rel.end..name.start).unwrap_or_default();
    if !matches!(g, " " | ", ")
        || !name.is_capitalised()
        || NOT_NAMES.contains(&strip_possessive(&name.low))
    {
        return None;
    }
    let mut last = i + 1;
    if let (Some(a), Some(b)) = (toks.get(i + 1), toks.get(i + 2))
        && text.get(a.end..b.start) == Some(" ")
        && b.is_capitalised()
        && !NOT_NAMES.contains(&strip_possessive(&b.low))
        && !a.text.ends_with("'s")
    {
        last = i + 2;
    }
    let (end, _) = possessive_end(toks.get(last)?);
    let shown = text.get(name.start..end)?;
    out.push(Found::new(
        name.start,
        end,
        MentionKind::Person,
        clearstone_text::fold(shown),
    ));
    Some(1)
}

/// A title and the capitalised words after it: "Dr Patel", "Mrs J Hughes".
fn titled(text: &str, toks: &[Token<'_>], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let t = toks.get(i)?;
    let mut k = i;
    while let (Some(prev), Some(next)) = (toks.get(k), toks.get(k + 1)) {
        let g = text.get(prev.end..next.start).unwrap_or_default();
        if !matches!(g, " " | ". ") || !next.is_capitalised() || k - i >= 3 {
            break;
        }
        k += 1;
    }
    if k == i {
        return None;
    }
    let (end, _) = possessive_end(toks.get(k)?);
    let shown = text.get(t.start..end)?;
    out.push(Found::new(
        t.start,
        end,
        MentionKind::Person,
        clearstone_text::fold(shown),
    ));
    Some(k - i + 1)
}
