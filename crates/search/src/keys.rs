//! The keys values are indexed and searched by, computed with the text
//! crate on both sides so that a value and a query for it always meet.
//!
//! Identifiers are normalised by what their property name says they are:
//! a property whose name has the word `postcode` (or `post_code`, `zip`)
//! holds postcodes, `phone`, `mobile`, `tel` or `telephone` phone numbers,
//! `email` email addresses, and `reg`, `vrm`, `registration` or `plate`
//! vehicle registrations (words of the name split on `_`, `-`, space and
//! case changes). Every identifier is also indexed under `id:` in compact
//! form: folded, without spaces or punctuation, so "AB 12 34 56 C" and
//! "ab123456c" meet.

use clearstone_text::{Postcode, fold, normalise_email, to_e164};

/// What an identifier property holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdKind {
    Postcode,
    Phone,
    Email,
    Reg,
    Other,
}

impl IdKind {
    pub(crate) fn of_property(prop: &str) -> IdKind {
        let mut kind = IdKind::Other;
        for word in property_words(prop) {
            kind = match word.as_str() {
                "postcode" | "zip" => IdKind::Postcode,
                "phone" | "mobile" | "tel" | "telephone" => IdKind::Phone,
                "email" => IdKind::Email,
                "reg" | "vrm" | "registration" | "plate" => IdKind::Reg,
                _ => continue,
            };
            break;
        }
        kind
    }
}

/// "homePostcode" and "home_postcode" give ["home", "postcode"].
fn property_words(prop: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in prop.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    // "e_mail" and "post_code" are single words split by a separator.
    let mut joined = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let pair = words
            .get(i + 1)
            .map(|next| format!("{}{}", words[i], next))
            .filter(|p| matches!(p.as_str(), "email" | "postcode"));
        if let Some(p) = pair {
            joined.push(p);
            i += 2;
        } else {
            joined.push(words[i].clone());
            i += 1;
        }
    }
    joined
}

/// Folded, with every space removed: "SW1A 1AA" gives "sw1a1aa".
pub(crate) fn compact(s: &str) -> String {
    let mut f = fold(s);
    f.retain(|c| c != ' ');
    f
}

/// The keys one stored identifier is indexed under, by field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct IdKeys {
    pub id: Vec<String>,
    pub postcode: Vec<String>,
    pub phone: Vec<String>,
    pub email: Vec<String>,
    pub reg: Vec<String>,
}

pub(crate) fn identifier_keys(prop: &str, value: &str, out: &mut IdKeys) {
    let plain = compact(value);
    match IdKind::of_property(prop) {
        IdKind::Postcode => {
            if let Ok(p) = Postcode::parse(value) {
                out.postcode.extend(postcode_keys(&p));
            } else if !plain.is_empty() {
                out.postcode.push(plain.clone());
            }
        }
        IdKind::Phone => match to_e164(value) {
            Ok(e) => {
                out.id.push(e.clone());
                out.phone.push(e);
            }
            Err(_) if !plain.is_empty() => out.phone.push(plain.clone()),
            Err(_) => {}
        },
        IdKind::Email => {
            let e = normalise_email(value).unwrap_or_else(|_| value.trim().to_lowercase());
            if !e.is_empty() {
                out.id.push(e.clone());
                out.email.push(e);
            }
        }
        IdKind::Reg => {
            if !plain.is_empty() {
                out.reg.push(plain.clone());
            }
        }
        IdKind::Other => {
            // An email address under a generic property still meets `email:`.
            if value.contains('@')
                && let Ok(e) = normalise_email(value)
            {
                out.id.push(e.clone());
                out.email.push(e);
            }
        }
    }
    if !plain.is_empty() {
        out.id.push(plain);
    }
}

/// A postcode is found by itself, its sector and its district: "sw1a1aa",
/// "sw1a1" and "sw1a".
fn postcode_keys(p: &Postcode) -> [String; 3] {
    let outward = p.outward().to_ascii_lowercase();
    let inward = p.inward().to_ascii_lowercase();
    let sector = format!("{outward}{}", inward.get(..1).unwrap_or_default());
    [format!("{outward}{inward}"), sector, outward]
}

/// The key a `postcode:` query looks up: a whole postcode, a sector
/// ("SW1A 1") or a district ("SW1A"); `None` for anything else.
pub(crate) fn postcode_query_key(value: &str) -> Option<String> {
    if let Ok(p) = Postcode::parse(value) {
        return postcode_keys(&p).into_iter().next();
    }
    let key = compact(value);
    if !key.is_ascii() {
        return None;
    }
    // A district or sector is a valid outward code, then maybe one digit.
    let (outward, sector_digit) = match key.as_bytes().last() {
        Some(d) if d.is_ascii_digit() && key.len() >= 3 => {
            // Either "sw1a1" (sector) or "sw11" (district, AA99): both are
            // accepted if they read as a postcode with a made-up inward code.
            (key.clone(), true)
        }
        _ => (key.clone(), false),
    };
    let probe = |out: &str| Postcode::parse(&format!("{out} 1AA")).is_ok();
    if probe(&outward) {
        return Some(key);
    }
    if sector_digit {
        let district = &key[..key.len() - 1];
        if probe(district) {
            return Some(key);
        }
    }
    None
}

/// The keys an `id:` query (or a bare word) looks up: the compact form,
/// and the phone and email forms when the text reads as one.
pub(crate) fn id_query_keys(value: &str) -> Vec<String> {
    let mut keys = Vec::with_capacity(3);
    let plain = compact(value);
    if let Ok(e) = normalise_email(value)
        && value.contains('@')
    {
        keys.push(e);
    }
    if value.chars().any(|c| c.is_ascii_digit())
        && let Ok(e) = to_e164(value)
    {
        keys.push(e);
    }
    if !plain.is_empty() {
        keys.push(plain);
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The Double Metaphone codes of a name token, each once.
pub(crate) fn phonetic_keys(token: &str) -> Vec<String> {
    let (primary, alternate) = clearstone_text::phonetic::double_metaphone(token);
    let mut keys = Vec::with_capacity(2);
    if !primary.is_empty() {
        keys.push(primary);
    }
    if !alternate.is_empty() && !keys.contains(&alternate) {
        keys.push(alternate);
    }
    keys
}

/// A stable 128-bit key of a canonical id (FNV-1a), read from fast fields
/// to count distinct entities across index segments without looking up
/// their text. Stable across builds because indexes outlive them.
pub(crate) fn canonical_key(canonical: &str) -> u128 {
    canonical_key_bytes(canonical.as_bytes())
}

/// [`canonical_key`] of an id as its bytes, as a term dictionary gives it.
pub(crate) fn canonical_key_bytes(canonical: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for &b in canonical {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Where the given names are in a name value, for `j smith`-style
/// queries: all words of a given-name property, none of a surname
/// property, and for a whole name every word but the last ("John Paul
/// Smith"), or every word after the comma ("Smith, John Paul").
pub(crate) fn given_name_tokens(prop: &str, value: &str) -> Vec<String> {
    let words = property_words(prop);
    let has = |w: &[&str]| words.iter().any(|p| w.contains(&p.as_str()));
    if has(&["surname", "last", "family"]) {
        return Vec::new();
    }
    if has(&[
        "given",
        "first",
        "forename",
        "forenames",
        "middle",
        "christian",
    ]) {
        return clearstone_text::name::name_tokens(value);
    }
    if let Some((_, given)) = value.split_once(',') {
        return clearstone_text::name::name_tokens(given);
    }
    let mut tokens = clearstone_text::name::name_tokens(value);
    if tokens.len() > 1 {
        tokens.pop();
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_names_say_what_an_identifier_is() {
        assert_eq!(IdKind::of_property("postcode"), IdKind::Postcode);
        assert_eq!(IdKind::of_property("homePostcode"), IdKind::Postcode);
        assert_eq!(IdKind::of_property("post_code"), IdKind::Postcode);
        assert_eq!(IdKind::of_property("mobile_number"), IdKind::Phone);
        assert_eq!(IdKind::of_property("e_mail"), IdKind::Email);
        assert_eq!(IdKind::of_property("vehicle_reg"), IdKind::Reg);
        assert_eq!(IdKind::of_property("region"), IdKind::Other);
        assert_eq!(IdKind::of_property("collar_number"), IdKind::Other);
    }

    #[test]
    fn identifiers_are_indexed_under_their_kinds() {
        let mut k = IdKeys::default();
        identifier_keys("postcode", "sw1a 1aa", &mut k);
        assert_eq!(k.postcode, ["sw1a1aa", "sw1a1", "sw1a"]);
        assert_eq!(k.id, ["sw1a1aa"]);
        let mut k = IdKeys::default();
        identifier_keys("phone", "07700 900123", &mut k);
        assert_eq!(k.phone, ["+447700900123"]);
        assert_eq!(k.id, ["+447700900123", "07700900123"]);
    }

    #[test]
    fn postcode_queries_take_districts_and_sectors() {
        assert_eq!(postcode_query_key("SW1A 1AA").as_deref(), Some("sw1a1aa"));
        assert_eq!(postcode_query_key("sw1a").as_deref(), Some("sw1a"));
        assert_eq!(postcode_query_key("SW1A 1").as_deref(), Some("sw1a1"));
        assert_eq!(postcode_query_key("M1").as_deref(), Some("m1"));
        assert_eq!(postcode_query_key("hello"), None);
    }

    #[test]
    fn given_names_come_from_the_right_words() {
        assert_eq!(
            given_name_tokens("name", "John Paul Smith"),
            ["john", "paul"]
        );
        assert_eq!(given_name_tokens("name", "Smith, John"), ["john"]);
        assert_eq!(given_name_tokens("given_name", "Jo Ann"), ["jo", "ann"]);
        assert!(given_name_tokens("surname", "Smith").is_empty());
        assert_eq!(given_name_tokens("alias", "Madonna"), ["madonna"]);
    }

    #[test]
    fn canonical_keys_differ_and_are_stable() {
        assert_ne!(canonical_key("a"), canonical_key("b"));
        assert_eq!(canonical_key(""), 0x6c62272e07bb014262b821756295c58d);
    }
}
