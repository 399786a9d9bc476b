//! A whole personal name, as a UK export writes it, split into its parts:
//! `SURNAME, Forename Middle`, `Surname, F.`, `I. Surname`, `SURNAME I`,
//! `J R SMITH`, `Mr John SMITH`, `Dr. A. B. Jones-Smith`, `John "Jack" Smith`.
//!
//! Parts keep the case they were written in (comparison folds it anyway), an
//! initial becomes its bare capital letter, and a name that does not read as
//! a personal name comes back whole as the family name: parsing never fails,
//! so no record is lost to it.

use super::clean_name;
use super::words::{initial, is_particle, is_suffix, is_title};

/// Which part of a name without a comma comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameOrder {
    /// Read from the writing: `SMITH John` and `SMITH J` are family first,
    /// anything else given first.
    #[default]
    Auto,
    /// `John Smith`.
    GivenFirst,
    /// `Smith John`, as registers sorted by surname write it.
    FamilyFirst,
}

impl NameOrder {
    /// Reads the order's name as a mapping writes it.
    pub fn parse(s: &str) -> Option<NameOrder> {
        match s {
            "auto" => Some(NameOrder::Auto),
            "given_first" => Some(NameOrder::GivenFirst),
            "family_first" => Some(NameOrder::FamilyFirst),
            _ => None,
        }
    }
}

/// The parts of a personal name. Any part may be empty but `family`, which
/// holds the whole name when it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameParts {
    /// Titles and ranks without their dots (`Dr`, `Det Sgt`).
    pub title: Option<String>,
    /// Given names in order; an initial is its capital letter alone (`J`).
    pub given: Vec<String>,
    pub family: String,
    /// Generational suffixes and honours without their dots (`Jr`, `QC`).
    pub suffix: Option<String>,
    /// A quoted or bracketed name the person goes by (`Jack`).
    pub nickname: Option<String>,
    /// A bracketed former name (`(née Jones)` gives `Jones`).
    pub previous: Option<String>,
}

impl NameParts {
    /// The first given name or initial.
    pub fn first_name(&self) -> Option<&str> {
        self.given.first().map(String::as_str)
    }

    /// The given names after the first, one space apart (`J R` gives `R`).
    pub fn middle_names(&self) -> Option<String> {
        let rest = self.given.get(1..).filter(|r| !r.is_empty())?;
        Some(rest.join(" "))
    }
}

/// Splits a personal name into its parts; see the module documentation for
/// the forms read. `order` says which part of a name without a comma comes
/// first. Never fails: a name it cannot read is returned whole as `family`.
///
/// ```
/// use clearstone_text::name::{NameOrder, parse_name};
/// let p = parse_name("SMITH, Mr John Paul", NameOrder::Auto);
/// assert_eq!(p.title.as_deref(), Some("Mr"));
/// assert_eq!(p.given, ["John", "Paul"]);
/// assert_eq!(p.family, "SMITH");
/// let p = parse_name("J. R. Smith", NameOrder::Auto);
/// assert_eq!((p.first_name(), p.middle_names().as_deref()), (Some("J"), Some("R")));
/// ```
pub fn parse_name(s: &str, order: NameOrder) -> NameParts {
    let cleaned = clean_name(s);
    let whole = || NameParts {
        family: cleaned.clone(),
        ..NameParts::default()
    };
    let Some((text, aside)) = take_aside(&cleaned) else {
        return whole();
    };
    if !text.chars().all(is_name_char) {
        return whole();
    }
    let parts = match split_commas(&text) {
        Some(parts) => parts,
        None => return whole(),
    };
    let Some(mut parsed) = read(parts, order) else {
        return whole();
    };
    match aside {
        Some(Aside::Nickname(n)) => parsed.nickname = Some(n),
        Some(Aside::Previous(p)) => parsed.previous = Some(p),
        None => {}
    }
    parsed
}

/// Letters, the marks that accented letters are written with, and the
/// punctuation names hold; a digit or anything else means the value is not
/// a personal name.
fn is_name_char(c: char) -> bool {
    c.is_alphabetic()
        || matches!(
            c,
            ' ' | '-' | '\'' | '\u{2019}' | '\u{2018}' | '`' | '.' | ','
        )
        || unicode_mark(c)
}

fn unicode_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// What a name holds in quotes or brackets.
enum Aside {
    Nickname(String),
    Previous(String),
}

/// Words that introduce a former name in brackets.
const PREVIOUSLY: &[&str] = &["née", "nee", "né", "formerly", "previously", "born"];

/// The name without its first quoted or bracketed part, and that part;
/// `None` when a quote or bracket is left open.
fn take_aside(s: &str) -> Option<(String, Option<Aside>)> {
    let pairs = [('"', '"'), ('\u{201C}', '\u{201D}'), ('(', ')'), ('[', ']')];
    for (open, close) in pairs {
        let Some(start) = s.find(open) else {
            continue;
        };
        let after = start + open.len_utf8();
        let inner_len = s.get(after..)?.find(close)?;
        let inner = clean_name(s.get(after..after + inner_len)?);
        let rest = format!(
            "{} {}",
            s.get(..start)?,
            s.get(after + inner_len + close.len_utf8()..)?
        );
        let rest = clean_name(&rest);
        if rest.is_empty() {
            return None;
        }
        let aside = match inner.split_once(' ') {
            _ if inner.is_empty() => None,
            Some((lead, name)) if PREVIOUSLY.contains(&lead.to_lowercase().as_str()) => {
                Some(Aside::Previous(name.to_owned()))
            }
            _ => Some(Aside::Nickname(inner)),
        };
        return Some((rest, aside));
    }
    // A single-quoted word (`John 'Jack' Smith`), told from an apostrophe
    // inside a name (`O'Neill`) by standing alone.
    let words: Vec<&str> = s.split(' ').collect();
    let quoted = words.iter().position(|w| {
        w.chars().count() > 2
            && (w.starts_with('\'') && w.ends_with('\'')
                || w.starts_with('\u{2018}') && w.ends_with('\u{2019}'))
    });
    let Some(i) = quoted else {
        return Some((s.to_owned(), None));
    };
    let nickname = words
        .get(i)?
        .trim_matches(|c| matches!(c, '\'' | '\u{2018}' | '\u{2019}'))
        .to_owned();
    let rest: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, w)| *w)
        .collect();
    if rest.is_empty() {
        return None;
    }
    Some((rest.join(" "), Some(Aside::Nickname(nickname))))
}

/// A name's words before and after its comma, with the suffixes written
/// after a further comma (`Smith, John, QC`).
struct Split {
    family: Option<Vec<String>>,
    rest: Vec<String>,
    suffixes: Vec<String>,
}

fn split_commas(text: &str) -> Option<Split> {
    let mut segments: Vec<Vec<String>> = text
        .split(',')
        .map(words)
        .filter(|w| !w.is_empty())
        .collect();
    let mut suffixes = Vec::new();
    while segments.len() > 1
        && segments
            .last()
            .is_some_and(|s| s.iter().all(|w| is_suffix(w)))
    {
        let mut last = segments.pop().unwrap_or_default();
        last.append(&mut suffixes);
        suffixes = last;
    }
    let mut segments = segments.into_iter();
    let (first, second) = (segments.next(), segments.next());
    if segments.next().is_some() {
        return None;
    }
    Some(match (first, second) {
        (Some(family), Some(rest)) => Split {
            family: Some(family),
            rest,
            suffixes,
        },
        (Some(rest), None) => Split {
            family: None,
            rest,
            suffixes,
        },
        _ => return None,
    })
}

/// The words of a segment, with run-together initials (`J.R.`) apart.
fn words(segment: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in segment.split_whitespace() {
        let pieces: Vec<&str> = w.split('.').filter(|p| !p.is_empty()).collect();
        let run_together =
            pieces.len() > 1 && pieces.iter().all(|p| p.chars().count() == 1) && w.contains('.');
        if run_together {
            out.extend(pieces.iter().map(|p| format!("{p}.")));
        } else {
            out.push(w.to_owned());
        }
    }
    out
}

fn read(split: Split, order: NameOrder) -> Option<NameParts> {
    let Split {
        family,
        rest,
        mut suffixes,
    } = split;
    let mut titles = Vec::new();
    let (family, given) = match family {
        Some(mut family) => {
            let mut given = rest;
            // `Smith, Mr John`, and the rarer `Mr Smith, John`.
            strip_titles(&mut given, &mut titles, 0);
            strip_titles(&mut family, &mut titles, 1);
            strip_suffixes(&mut given, &mut suffixes, 0);
            strip_suffixes(&mut family, &mut suffixes, 1);
            (family, given)
        }
        None => {
            let mut words = rest;
            strip_titles(&mut words, &mut titles, 1);
            strip_suffixes(&mut words, &mut suffixes, 1);
            let at = family_first_words(&words, order);
            match at {
                Some(n) => {
                    let given = words.split_off(n);
                    (words, given)
                }
                None => {
                    let n = given_first_family_start(&words);
                    let family = words.split_off(n);
                    (family, words)
                }
            }
        }
    };
    let family_is_initial = family.len() == 1 && family.first().and_then(|w| initial(w)).is_some();
    if family.is_empty() || family_is_initial {
        return None;
    }
    let given = given
        .iter()
        .map(|w| match initial(w) {
            Some(c) => c.to_uppercase().collect(),
            None => w.clone(),
        })
        .collect();
    let joined = |v: &[String]| {
        (!v.is_empty()).then(|| {
            v.iter()
                .map(|w| w.trim_end_matches('.'))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    Some(NameParts {
        title: joined(&titles),
        given,
        family: family.join(" "),
        suffix: joined(&suffixes),
        nickname: None,
        previous: None,
    })
}

/// Moves leading titles from `words` to `titles`, leaving at least `keep`
/// words.
fn strip_titles(words: &mut Vec<String>, titles: &mut Vec<String>, keep: usize) {
    while words.len() > keep && words.first().is_some_and(|w| is_title(w)) {
        titles.push(words.remove(0));
    }
}

/// Moves trailing suffixes from `words` to the front of `suffixes`, leaving
/// at least `keep` words.
fn strip_suffixes(words: &mut Vec<String>, suffixes: &mut Vec<String>, keep: usize) {
    while words.len() > keep && words.last().is_some_and(|w| is_suffix(w)) {
        if let Some(w) = words.pop() {
            suffixes.insert(0, w);
        }
    }
}

/// How many leading words make the family name when it comes first, or
/// `None` when the name is given first.
fn family_first_words(words: &[String], order: NameOrder) -> Option<usize> {
    if words.len() < 2 {
        return None;
    }
    let particles = words.iter().take_while(|w| is_particle(w)).count();
    match order {
        NameOrder::GivenFirst => None,
        NameOrder::FamilyFirst => Some((particles + 1).min(words.len())),
        NameOrder::Auto => {
            let rest_initials = |from: usize| {
                words
                    .get(from..)
                    .is_some_and(|r| !r.is_empty() && r.iter().all(|w| initial(w).is_some()))
            };
            // `SMITH J R`, `Smith J.`, `van der Berg J`.
            if words.first().and_then(|w| initial(w)).is_none() && rest_initials(particles + 1) {
                return Some(particles + 1);
            }
            // `SMITH John`, `VAN DER BERG Jan`: the capitals are the surname.
            let capitals = words.iter().take_while(|w| is_capitals(w)).count();
            let rest_mixed = words
                .get(capitals..)
                .is_some_and(|r| !r.is_empty() && r.iter().all(|w| !is_capitals(w)));
            (capitals > 0 && rest_mixed).then_some(capitals)
        }
    }
}

/// Where the family name starts in a name written given name first: the
/// last word and the particles before it.
fn given_first_family_start(words: &[String]) -> usize {
    let mut start = words.len().saturating_sub(1);
    while start > 0 && words.get(start - 1).is_some_and(|w| is_particle(w)) {
        start -= 1;
    }
    // `Di Jones`, `Van Morrison`: a capitalised first word that is also a
    // given name is one.
    let given_name = |w: &String| {
        w.starts_with(char::is_uppercase)
            && !is_capitals(w)
            && ["di", "del", "van"].contains(&w.to_lowercase().as_str())
    };
    if start == 0 && words.len() > 1 && words.first().is_some_and(given_name) {
        start = 1;
    }
    start
}

/// A word of two or more letters, all capitals (`SMITH`, `O'NEILL`), but
/// for a `Mc` or `Mac` that upper-case exports often keep (`McDONALD`).
fn is_capitals(w: &str) -> bool {
    let w = ["Mc", "Mac"]
        .iter()
        .find_map(|p| w.strip_prefix(p))
        .unwrap_or(w);
    let letters = w.chars().filter(|c| c.is_alphabetic());
    letters.clone().count() >= 2 && letters.clone().all(char::is_uppercase)
}
