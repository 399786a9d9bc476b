//! Schools, GP surgeries, addresses and places: runs of capitalised words
//! ending in a word that says what the place is, street addresses by their
//! house number and street word, address lines ending in a postcode, and
//! the places the case already knows.

use clearstone_text::fold;

use crate::mention::{Known, MentionKind};
use crate::words::{Token, lower};

use super::Found;

const SCHOOL_HEADS: &[&str] = &[
    "school", "academy", "college", "primary", "infants", "juniors", "nursery", "sixth", "pru",
];
/// GP surgeries; "Health Centre" and "Medical Centre" are two words.
const GP_HEADS: &[&str] = &["surgery", "practice"];
/// Pupil referral units are schools; "Unit" alone is a place.
const SCHOOL_PAIRS: &[(&str, &str)] = &[("referral", "unit")];
const GP_PAIRS: &[(&str, &str)] = &[
    ("medical", "centre"),
    ("health", "centre"),
    ("medical", "center"),
];
const PLACE_HEADS: &[&str] = &[
    "hospital",
    "library",
    "station",
    "park",
    "centre",
    "center",
    "hub",
    "clinic",
    "hall",
    "church",
    "mosque",
    "temple",
    "synagogue",
    "court",
    "estate",
    "ward",
    "unit",
    "house",
    "home",
    "shop",
    "store",
    "supermarket",
    "cafe",
    "pub",
    "club",
    "office",
    "stadium",
    "museum",
    "market",
    "village",
    "town",
    "city",
    "gardens",
];
const STREET_WORDS: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "lane",
    "ln",
    "avenue",
    "ave",
    "close",
    "drive",
    "dr",
    "way",
    "crescent",
    "court",
    "place",
    "gardens",
    "terrace",
    "grove",
    "walk",
    "row",
    "square",
    "hill",
    "mews",
    "view",
    "rise",
    "green",
    "parade",
    "park",
    "circus",
    "boulevard",
    "wharf",
    "yard",
];
/// Words that join the words of a name without being capitalised. Not
/// "and": "Hillside School and Oakfield Academy" are two.
const CONNECTORS: &[&str] = &["of", "the", "&", "upon", "y", "yr"];
/// Capitalised words that start a sentence or a run without being part of
/// a place's name.
const RUN_STOPS: &[&str] = &[
    "the",
    "a",
    "an",
    "at",
    "in",
    "to",
    "from",
    "visited",
    "met",
    "attended",
    "called",
    "rang",
    "phoned",
    "went",
    "seen",
    "saw",
    "spoke",
    "and",
    "but",
    "with",
    "by",
    "on",
    "for",
    "via",
    "after",
    "before",
    "during",
    "i",
    "we",
    "she",
    "he",
    "they",
    "mum",
    "dad",
    "then",
    "today",
    "yesterday",
    "this",
    "that",
    "next",
    "last",
    "her",
    "his",
    "their",
    "our",
    "my",
];
/// Prepositions after which a capitalised run is a place ("in Northtown").
const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "at", "to", "from", "near", "around", "outside", "towards",
];
/// Capitalised words that are not places after such a preposition.
const NOT_PLACES: &[&str] = &[
    "year",
    "court",
    "school",
    "mum",
    "dad",
    "nan",
    "gran",
    "grandad",
    "christmas",
    "easter",
    "i",
    "children's",
    "social",
    "police",
    "the",
];

/// Kinds of building named by what they are, not by a name of their own:
/// "the Kingdom Hall" says no more where than "the church" does.
const GENERIC_PLACES: &[&[&str]] = &[
    &["kingdom", "hall"],
    &["town", "hall"],
    &["village", "hall"],
    &["church", "hall"],
    &["sports", "hall"],
    &["community", "centre"],
    &["leisure", "centre"],
    &["job", "centre"],
    &["jobcentre"],
    &["children's", "centre"],
    &["family", "centre"],
    &["civic", "centre"],
    &["day", "centre"],
    &["youth", "club"],
    &["police", "station"],
    &["fire", "station"],
    &["bus", "station"],
    &["train", "station"],
    &["food", "bank"],
];
/// Last words of an organisation or a service: who does something, not
/// where ("referred to Early Help", "from Children's Services").
const ORGANISATION_HEADS: &[&str] = &[
    "service",
    "services",
    "team",
    "trust",
    "council",
    "board",
    "partnership",
    "agency",
    "department",
    "police",
    "authority",
    "foundation",
    "charity",
    "association",
    "society",
    "group",
    "panel",
    "help",
    "bank",
    "project",
];

/// Whether tokens `first..=last` name a kind of building, not a place.
fn generic(toks: &[Token<'_>], first: usize, last: usize) -> bool {
    let Some(words) = toks.get(first..=last) else {
        return false;
    };
    GENERIC_PLACES
        .iter()
        .any(|g| g.len() == words.len() && g.iter().zip(words).all(|(a, b)| *a == &*b.low))
}

fn gap<'a>(text: &'a str, a: &Token<'_>, b: &Token<'_>) -> &'a str {
    text.get(a.end..b.start).unwrap_or("\u{0}")
}

/// The run of capitalised words (with connectors inside) from token `i`,
/// as the index of its last token.
fn run_end(text: &str, toks: &[Token<'_>], i: usize) -> Option<usize> {
    let first = toks.get(i)?;
    if !first.is_capitalised() {
        return None;
    }
    let mut last = i;
    let mut k = i + 1;
    while let (Some(prev), Some(next)) = (toks.get(k - 1), toks.get(k)) {
        let g = gap(text, prev, next);
        // "St. Mary's": a stop after an abbreviation keeps the run going.
        let joined = g == " " || (g == ". " && prev.low == "st");
        if !joined {
            break;
        }
        // A capitalised word with digits ("NE1") is a code, not a name.
        let code = next.text.bytes().any(|b| b.is_ascii_digit());
        if (next.is_capitalised() && !code) || next.is_number() && prev.low == "flat" {
            last = k;
        } else if !CONNECTORS.contains(&&*next.low) {
            break;
        }
        k += 1;
    }
    Some(last)
}

/// Whether token `i` continues a run that [`named_at`] read from an
/// earlier token.
pub(super) fn continues_run(text: &str, toks: &[Token<'_>], i: usize) -> bool {
    let (Some(prev), Some(t)) = (i.checked_sub(1).and_then(|p| toks.get(p)), toks.get(i)) else {
        return false;
    };
    prev.is_capitalised()
        && t.is_capitalised()
        && gap(text, prev, t) == " "
        && !RUN_STOPS.contains(&&*prev.low)
        && !prev.text.bytes().any(|b| b.is_ascii_digit())
        && !t.text.bytes().any(|b| b.is_ascii_digit())
}

/// Schools, surgeries and places named by their head word, starting at `i`.
pub(super) fn named_at(
    text: &str,
    toks: &[Token<'_>],
    i: usize,
    out: &mut Vec<Found>,
) -> Option<usize> {
    let t = toks.get(i)?;
    if !t.is_capitalised() || RUN_STOPS.contains(&&*t.low) {
        return None;
    }
    let last = run_end(text, toks, i)?;
    // The kind is set by the last head word in the run: "Hillside Primary
    // School" is a school, "Marsh Lane Surgery" a surgery.
    let mut found: Option<(usize, MentionKind)> = None;
    let mut k = i;
    while k <= last {
        let w: &str = &toks.get(k)?.low;
        let next: &str = toks.get(k + 1).map_or("", |n| &n.low);
        let kind = if SCHOOL_HEADS.contains(&w) && k > i {
            Some((k, MentionKind::School))
        } else if GP_HEADS.contains(&w) && k > i {
            Some((k, MentionKind::GpSurgery))
        } else if k < last && SCHOOL_PAIRS.contains(&(w, next)) {
            Some((k + 1, MentionKind::School))
        } else if k < last && GP_PAIRS.contains(&(w, next)) {
            Some((k + 1, MentionKind::GpSurgery))
        } else if PLACE_HEADS.contains(&w) && k > i {
            Some((k, MentionKind::Place))
        } else {
            None
        };
        if let Some(kf) = kind {
            found = Some(kf);
            // "Medical Centre" is read as a pair: its "Centre" is no place.
            k = kf.0;
        }
        k += 1;
    }
    let (end_tok, kind) = found?;
    if kind == MentionKind::Place && generic(toks, i, end_tok) {
        return None;
    }
    let end = toks.get(end_tok)?.end;
    let shown = text.get(t.start..end)?;
    out.push(Found::new(t.start, end, kind, fold(shown)));
    Some(end_tok - i + 1)
}

/// "Dr Patel's surgery": a surgery named by its doctor.
pub(super) fn doctors_surgery_at(
    text: &str,
    toks: &[Token<'_>],
    i: usize,
    out: &mut Vec<Found>,
) -> Option<usize> {
    let t = toks.get(i)?;
    if t.low != "dr" {
        return None;
    }
    let name = toks.get(i + 1)?;
    let head = toks.get(i + 2)?;
    let possessive = name.text.ends_with("'s") || name.text.ends_with("\u{2019}s");
    let w: &str = &head.low;
    if name.is_capitalised() && possessive && matches!(w, "surgery" | "practice") {
        let shown = text.get(t.start..head.end)?;
        out.push(Found::new(
            t.start,
            head.end,
            MentionKind::GpSurgery,
            fold(shown),
        ));
        return Some(3);
    }
    None
}

/// A street address: "12 Acacia Road", "Flat 3, 14 Mill Street", with the
/// town after it when a comma and a capitalised word follow.
pub(super) fn street_at(
    text: &str,
    toks: &[Token<'_>],
    i: usize,
    out: &mut Vec<Found>,
) -> Option<usize> {
    let t = toks.get(i)?;
    let number = t.text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if number.is_empty()
        || number.len() > 4
        || !number.bytes().all(|b| b.is_ascii_digit())
        || t.text.len() > number.len() + 1
    {
        return None;
    }
    let last = run_end(text, toks, i + 1)?;
    if gap(text, t, toks.get(i + 1)?) != " " {
        return None;
    }
    let street = (i + 1..=last).rev().find(|k| {
        toks.get(*k)
            .is_some_and(|w| STREET_WORDS.contains(&&*w.low))
    })?;
    if street == i + 1 {
        return None;
    }
    let mut start = t.start;
    // "Flat 3, 14 Mill Street"
    if i >= 2
        && let (Some(flat), Some(n)) = (toks.get(i - 2), toks.get(i - 1))
        && matches!(&*flat.low, "flat" | "apartment" | "unit")
        && n.text.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && gap(text, n, t).trim() == ","
    {
        start = flat.start;
    }
    let mut end_tok = street;
    if let (Some(s), Some(town)) = (toks.get(street), toks.get(street + 1))
        && gap(text, s, town) == ", "
        && town.is_capitalised()
        && !town.text.bytes().any(|b| b.is_ascii_digit())
        && let Some(town_end) = run_end(text, toks, street + 1)
    {
        end_tok = town_end;
    }
    let end = toks.get(end_tok)?.end;
    let shown = text.get(start..end)?;
    out.push(Found::new(
        start,
        end,
        MentionKind::Address,
        collapse(shown),
    ));
    Some(end_tok - i + 1)
}

/// The address line before a postcode: the capitalised words, numbers and
/// commas before it on the same line ("14 Mill Street, Ashby" of "14 Mill
/// Street, Ashby NE1 4XY"). The postcode is a mention of its own.
pub(super) fn address_before_postcode(
    text: &str,
    toks: &[Token<'_>],
    postcode: &Found,
    out: &mut Vec<Found>,
) {
    let Some(first) = toks.iter().position(|t| t.start == postcode.start) else {
        return;
    };
    let mut start_tok = first;
    let mut k = first;
    while k > 0 {
        let (Some(prev), Some(cur)) = (toks.get(k - 1), toks.get(k)) else {
            break;
        };
        let g = gap(text, prev, cur);
        if !matches!(g, " " | ", " | ",") {
            break;
        }
        let ok =
            prev.is_capitalised() || prev.text.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if !ok || RUN_STOPS.contains(&&*prev.low) {
            break;
        }
        start_tok = k - 1;
        k -= 1;
    }
    // A line of one word before the postcode is a town, not an address.
    if first - start_tok < 2 {
        return;
    }
    let (Some(start), Some(last)) = (toks.get(start_tok), toks.get(first - 1)) else {
        return;
    };
    if let Some(shown) = text.get(start.start..last.end) {
        out.push(Found::new(
            start.start,
            last.end,
            MentionKind::Address,
            collapse(shown),
        ));
    }
}

/// A capitalised run after "in", "at", "to" and the like: a place the
/// detector has no other name for ("in Northtown").
pub(super) fn after_preposition_at(
    text: &str,
    toks: &[Token<'_>],
    i: usize,
    out: &mut Vec<Found>,
) -> Option<usize> {
    let prep = toks.get(i)?;
    if !PLACE_PREPOSITIONS.contains(&&*prep.low) {
        return None;
    }
    let t = toks.get(i + 1)?;
    let w: &str = &t.low;
    // An acronym after "to" is a service ("referred to CAMHS").
    let acronym = t.text.len() <= 6 && t.text.bytes().all(|b| b.is_ascii_uppercase());
    if gap(text, prep, t) != " "
        || acronym
        || !t.is_capitalised()
        || NOT_PLACES.contains(&w)
        || RUN_STOPS.contains(&w)
    {
        return None;
    }
    let last = run_end(text, toks, i + 1)?;
    let head: &str = &toks.get(last)?.low;
    if ORGANISATION_HEADS.contains(&head) || generic(toks, i + 1, last) {
        return None;
    }
    let end = toks.get(last)?.end;
    let shown = text.get(t.start..end)?;
    out.push(Found::new(t.start, end, MentionKind::Place, fold(shown)));
    Some(last - i + 1)
}

/// The places the case knows, by their folded names.
pub(super) fn known_at(
    text: &str,
    toks: &[Token<'_>],
    i: usize,
    known: &[(String, Vec<String>)],
    out: &mut Vec<Found>,
) -> Option<usize> {
    let t = toks.get(i)?;
    let first: &str = &t.low;
    for (entity, words) in known {
        if words.first().map(String::as_str) != Some(first) {
            continue;
        }
        let fits = words
            .iter()
            .enumerate()
            .skip(1)
            .all(|(k, w)| toks.get(i + k).is_some_and(|n| n.low == *w));
        if fits {
            let end = toks.get(i + words.len() - 1)?.end;
            let shown = text.get(t.start..end)?;
            out.push(
                Found::new(t.start, end, MentionKind::Place, fold(shown))
                    .linked(Some(entity.clone())),
            );
            return Some(words.len());
        }
    }
    None
}

/// The known places as (entity id, lowercased words), longest first so the
/// longest name wins.
pub(super) fn known_words(known: &Known) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = known
        .places
        .iter()
        .map(|(id, name)| {
            (
                id.clone(),
                crate::words::tokens(name)
                    .iter()
                    .map(|t| lower(t.text))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.1.len()));
    out
}

/// Links a mention of a school, surgery, place or address to a known place
/// with the same folded name (or, for an address, the same postcode and
/// house number).
pub(super) fn link(found: &mut Found, text: &str, known: &Known) {
    let shown = fold(text.get(found.start..found.end).unwrap_or_default());
    for (id, name) in &known.places {
        let name = fold(name);
        let same = name == shown
            || (found.kind == MentionKind::Address
                && !shown.is_empty()
                && name.starts_with(&shown))
            || (found.kind == MentionKind::Address && !name.is_empty() && shown.ends_with(&name));
        if same {
            found.entity = Some(id.clone());
            return;
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
