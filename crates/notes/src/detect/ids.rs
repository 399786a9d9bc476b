//! UK identifiers in free text: each candidate is checked by its validator,
//! so a number with a wrong check digit is not offered as an NHS number.

use crate::mention::MentionKind;
use crate::validate;
use crate::words::Token;

use super::Found;

/// Words that make a dateless registration ("ABC 123") likely: without one
/// nearby, such a shape is more often a reference or a room number.
const VEHICLE_WORDS: &[&str] = &[
    "car",
    "van",
    "vehicle",
    "reg",
    "registration",
    "vrm",
    "plate",
    "plates",
    "index",
    "motorbike",
    "taxi",
    "lorry",
];

/// E.164 allows 15 digits; "0044" before a UK number makes 16.
const PHONE_DIGITS_MAX: usize = 16;

fn gap<'a>(text: &'a str, a: &Token<'_>, b: &Token<'_>) -> &'a str {
    text.get(a.end..b.start).unwrap_or("\u{0}")
}

fn all_upper_alnum(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn letters(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Emails: around each `@`, the widest run an address may hold.
pub(super) fn emails(text: &str, out: &mut Vec<Found>) {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    for (at, _) in text.match_indices('@') {
        let mut s = at;
        while s > 0 && b.get(s - 1).copied().is_some_and(local) {
            s -= 1;
        }
        let mut e = at + 1;
        while b.get(e).copied().is_some_and(domain) {
            e += 1;
        }
        while e > at + 1 && matches!(b.get(e - 1), Some(b'.' | b'-')) {
            e -= 1;
        }
        while s < at && matches!(b.get(s), Some(b'.' | b'\'')) {
            s += 1;
        }
        if let Some(candidate) = text.get(s..e)
            && s < at
            && let Some(n) = validate::email(candidate)
        {
            out.push(Found::new(s, e, MentionKind::Email, n));
        }
    }
}

/// Phone numbers, NHS numbers, NI numbers, postcodes and registrations.
pub(super) fn scan(text: &str, toks: &[Token<'_>], out: &mut Vec<Found>) {
    // Whether a word about vehicles is near token `i`: asked only of a
    // dateless registration shape, which is rare.
    let vehicle_near = |i: usize| {
        toks.get(i.saturating_sub(8)..(i + 8).min(toks.len()))
            .is_some_and(|w| w.iter().any(|t| VEHICLE_WORDS.contains(&&*t.low)))
    };
    let mut i = 0;
    while i < toks.len() {
        let used = digits_at(text, toks, i, out)
            .or_else(|| ni_at(text, toks, i, out))
            .or_else(|| postcode_at(text, toks, i, out))
            .or_else(|| reg_at(text, toks, i, &vehicle_near, out));
        i += used.unwrap_or(1).max(1);
    }
}

/// Phone and NHS numbers: a run of digit groups joined by single spaces or
/// hyphens (and a bracketed area code), read as the longest valid number.
fn digits_at(text: &str, toks: &[Token<'_>], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let first = toks.get(i)?;
    if !digits(first.text) {
        return None;
    }
    let bytes = text.as_bytes();
    // A plus sign or an opening bracket right before belongs to the number.
    let mut start = first.start;
    if start > 0 && matches!(bytes.get(start - 1), Some(b'+' | b'(')) {
        start -= 1;
    }
    // Part of a longer token run such as a date or a time: not a number here.
    if start > 0
        && bytes
            .get(start - 1)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b':'))
    {
        return None;
    }
    let mut ends = vec![(i, first.end)];
    let mut count = first.text.len();
    let mut k = i + 1;
    while let (Some(prev), Some(next)) = (toks.get(k - 1), toks.get(k)) {
        let g = gap(text, prev, next);
        if !digits(next.text)
            || !matches!(g, " " | "-" | ") " | ")" | " - ")
            || count + next.text.len() > PHONE_DIGITS_MAX
        {
            break;
        }
        count += next.text.len();
        ends.push((k, next.end));
        k += 1;
    }
    // Longest first, so "0161 496 0000" is not taken as "0161 496".
    for &(last, end) in ends.iter().rev() {
        let candidate = text.get(start..end)?;
        let n_digits = candidate.bytes().filter(u8::is_ascii_digit).count();
        let after_ok = !bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'/');
        if !after_ok {
            continue;
        }
        let bare = candidate.trim_start_matches(['(', '+']);
        // An NHS number as NHS England writes it (3-3-4), or ten digits
        // that are no phone number: Scottish CHI numbers start with 0 to 3.
        let nhs_shape =
            n_digits == 10 && !candidate.starts_with('+') && !candidate.starts_with('(');
        let spaced_nhs = nhs_shape && bare.len() == 12 && bare.as_bytes().get(3) == Some(&b' ');
        if spaced_nhs && let Some(n) = validate::nhs_number(bare) {
            out.push(Found::new(first.start, end, MentionKind::NhsNumber, n));
            return Some(last - i + 1);
        }
        // "00" then an international number is written "0044 …" whole;
        // "005 250 1957" is a reference, not a call to Mexico.
        let international = candidate.starts_with("00") && !candidate.starts_with("0044");
        let trunk = (candidate.starts_with('0') && !international)
            || candidate.starts_with('+')
            || candidate.starts_with("(0");
        if trunk
            && n_digits >= 10
            && let Some(n) = validate::phone(candidate)
        {
            out.push(Found::new(start, end, MentionKind::Phone, n));
            return Some(last - i + 1);
        }
        if nhs_shape && let Some(n) = validate::nhs_number(bare) {
            out.push(Found::new(first.start, end, MentionKind::NhsNumber, n));
            return Some(last - i + 1);
        }
    }
    None
}

/// NI numbers written whole ("AB123456C") or spaced ("AB 12 34 56 C").
fn ni_at(text: &str, toks: &[Token<'_>], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let first = toks.get(i)?;
    let head = first.text.get(..2)?;
    if !letters(head) || !all_upper_alnum(first.text) {
        return None;
    }
    let mut compact = first.text.to_string();
    let mut best = None;
    let mut k = i;
    loop {
        if compact.len() >= 8
            && let Some(n) = validate::ni_number(&compact)
        {
            best = Some((k, n));
        }
        let (Some(prev), Some(next)) = (toks.get(k), toks.get(k + 1)) else {
            break;
        };
        if gap(text, prev, next) != " "
            || !all_upper_alnum(next.text)
            || compact.len() + next.text.len() > 9
        {
            break;
        }
        compact.push_str(next.text);
        k += 1;
    }
    let (last, n) = best?;
    let end = toks.get(last)?.end;
    if text
        .as_bytes()
        .get(end)
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    out.push(Found::new(first.start, end, MentionKind::NiNumber, n));
    Some(last - i + 1)
}

/// Postcodes in capitals, with or without their space.
fn postcode_at(text: &str, toks: &[Token<'_>], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let first = toks.get(i)?;
    if !first
        .text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    // Spaced, the shape is distinctive enough to take in any case ("ne1
    // 4xy"); run together, only in capitals.
    if let Some(next) = toks.get(i + 1)
        && (2..=4).contains(&first.text.len())
        && next.text.len() == 3
        && gap(text, first, next) == " "
        && next.text.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && let Some(n) = validate::postcode(text.get(first.start..next.end)?)
    {
        out.push(Found::new(first.start, next.end, MentionKind::Postcode, n));
        return Some(2);
    }
    if (5..=7).contains(&first.text.len())
        && all_upper_alnum(first.text)
        && first.text.bytes().any(|b| b.is_ascii_digit())
        && let Some(n) = validate::postcode(first.text)
    {
        out.push(Found::new(first.start, first.end, MentionKind::Postcode, n));
        return Some(1);
    }
    None
}

/// Registrations in capitals: current, prefix and suffix forms anywhere;
/// dateless ones only near a word about vehicles.
fn reg_at(
    text: &str,
    toks: &[Token<'_>],
    i: usize,
    vehicle_near: &dyn Fn(usize) -> bool,
    out: &mut Vec<Found>,
) -> Option<usize> {
    let first = toks.get(i)?;
    if !all_upper_alnum(first.text) {
        return None;
    }
    if let Some(next) = toks.get(i + 1)
        && gap(text, first, next) == " "
        && all_upper_alnum(next.text)
        && first.text.len() + next.text.len() <= 7
        && let Some(n) = validate::vehicle_reg(text.get(first.start..next.end)?)
        && (!is_dateless(&n) || vehicle_near(i))
    {
        out.push(Found::new(
            first.start,
            next.end,
            MentionKind::VehicleReg,
            n,
        ));
        return Some(2);
    }
    if first.text.len() == 7
        && let Some(n) = validate::vehicle_reg(first.text)
        && !is_dateless(&n)
    {
        out.push(Found::new(
            first.start,
            first.end,
            MentionKind::VehicleReg,
            n,
        ));
        return Some(1);
    }
    None
}

/// A normalised registration with one run of letters and one of digits.
fn is_dateless(n: &str) -> bool {
    let mut runs = 0;
    let mut last: Option<bool> = None;
    for b in n.bytes().filter(|b| *b != b' ') {
        let alpha = b.is_ascii_alphabetic();
        if last != Some(alpha) {
            runs += 1;
            last = Some(alpha);
        }
    }
    runs == 2
}
