//! UK identifiers checked properly, each giving its normalised form or
//! `None`. Postcodes, phones and emails are checked by `clearstone_text`,
//! as ingest and search check them; the checks here are the ones only free
//! text needs.

use clearstone_text::{Postcode, normalise_email, to_e164};

/// An NHS number (England, Wales, Isle of Man) in its spaced form
/// ("943 476 5919"): ten digits, spaced or hyphenated as 3-3-4 or not at
/// all, whose last digit is the modulus 11 check of the first nine. A check
/// of 10 means no number was ever issued; ten equal digits pass the check
/// but are placeholders ("000 000 0000"), never issued either.
pub fn nhs_number(s: &str) -> Option<String> {
    let digits = grouped_digits(s.trim(), &[3, 3, 4])?;
    let first = *digits.first()?;
    if digits.iter().all(|&d| d == first) {
        return None;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().take(9).enumerate() {
        // Weights run 10 down to 2; i < 9 so the cast is exact.
        sum += u32::from(d) * (10 - i as u32);
    }
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return None,
        c => c,
    };
    if u32::from(*digits.get(9)?) != check {
        return None;
    }
    let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    Some(format!(
        "{} {} {}",
        text.get(..3)?,
        text.get(3..6)?,
        text.get(6..)?
    ))
}

/// The digits of `s` when it is only digits, either contiguous or in the
/// given groups separated by single spaces or hyphens (one separator kind).
fn grouped_digits(s: &str, groups: &[usize]) -> Option<Vec<u8>> {
    let total: usize = groups.iter().sum();
    if s.len() == total {
        return s
            .bytes()
            .map(|b| b.is_ascii_digit().then(|| b - b'0'))
            .collect();
    }
    let sep = *s.as_bytes().get(*groups.first()?)?;
    if sep != b' ' && sep != b'-' {
        return None;
    }
    let mut out = Vec::with_capacity(total);
    let mut parts = s.split(char::from(sep));
    for &g in groups {
        let part = parts.next()?;
        if part.len() != g || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.extend(part.bytes().map(|b| b - b'0'));
    }
    parts.next().is_none().then_some(out)
}

/// Letters never used in either place of a National Insurance prefix.
const NI_NEVER: &[u8] = b"DFIQUV";
/// Prefixes HMRC does not allocate (and TN, a temporary number).
const NI_PREFIXES_BARRED: &[&[u8; 2]] = &[b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];

/// A National Insurance number in its spaced form ("AB 12 34 56 C"): two
/// prefix letters, six digits and a suffix A to D, in any case and spacing.
/// Neither prefix letter is D, F, I, Q, U or V, the second is not O, and the
/// prefix is not BG, GB, KN, NK, NT, TN or ZZ. A number written without its
/// suffix, as some records hold it, is accepted and normalised without one.
pub fn ni_number(s: &str) -> Option<String> {
    let compact: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let (prefix, rest) = compact.split_at_checked(2)?;
    let (digits, suffix) = rest.split_at_checked(6)?;
    let [a, b] = *prefix else { return None };
    let letters_ok = a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !NI_NEVER.contains(&a)
        && !NI_NEVER.contains(&b)
        && b != b'O'
        && !NI_PREFIXES_BARRED.iter().any(|p| **p == [a, b]);
    if !letters_ok || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let suffix = match suffix {
        [] => None,
        [c @ b'A'..=b'D'] => Some(*c),
        _ => return None,
    };
    let d = |r: std::ops::Range<usize>| std::str::from_utf8(digits.get(r)?).ok();
    let mut out = format!(
        "{}{} {} {} {}",
        char::from(a),
        char::from(b),
        d(0..2)?,
        d(2..4)?,
        d(4..6)?
    );
    if let Some(c) = suffix {
        out.push(' ');
        out.push(char::from(c));
    }
    Some(out)
}

/// A UK postcode in standard form ("SW1A 1AA").
pub fn postcode(s: &str) -> Option<String> {
    Postcode::parse(s).ok().map(|p| p.as_str().to_string())
}

/// A phone number in E.164 ("+447700900123").
pub fn phone(s: &str) -> Option<String> {
    to_e164(s).ok()
}

/// An email address, trimmed and lowercased.
pub fn email(s: &str) -> Option<String> {
    normalise_email(s).ok()
}

/// Letters never used in the area code of a British registration; I and Z
/// mark Northern Irish ones, which are dateless.
const REG_AREA_NEVER: &[u8] = b"IQZ";
/// Letters never used as a prefix or suffix year letter.
const REG_YEAR_NEVER: &[u8] = b"IOQUZ";

/// The age identifiers of current registrations: March (02 to 30) and
/// September (51 to 80) issues from September 2001 to 2030.
fn current_age(n: u32) -> bool {
    (2..=30).contains(&n) || (51..=80).contains(&n)
}

/// A vehicle registration in its standard spacing: the current form
/// ("AB12 CDE", 2001 on), the prefix form ("A123 BCD", 1983–2001), the
/// suffix form ("ABC 123D", 1963–1983) or a dateless one ("ABC 123",
/// "1234 AB", Northern Irish "ABZ 1234"). Any case and spacing is accepted.
pub fn vehicle_reg(s: &str) -> Option<String> {
    let compact: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !compact.iter().all(u8::is_ascii_alphanumeric) || compact.len() < 2 || compact.len() > 7 {
        return None;
    }
    let runs = runs(&compact);
    let text = |r: &[u8]| String::from_utf8_lossy(r).into_owned();
    let area_ok = |r: &[u8]| r.iter().all(|c| !REG_AREA_NEVER.contains(c));
    let serial_ok = |r: &[u8]| r.iter().all(|c| *c != b'I' && *c != b'Q');
    let number_ok = |r: &[u8]| r.first().is_some_and(|c| *c != b'0');
    let year_ok = |r: &[u8]| matches!(r, [c] if !REG_YEAR_NEVER.contains(c));
    match runs.as_slice() {
        // Current: AB12 CDE.
        [(true, a), (false, n), (true, c)] if a.len() == 2 && n.len() == 2 && c.len() == 3 => {
            let age: u32 = text(n).parse().ok()?;
            (area_ok(a) && current_age(age) && serial_ok(c))
                .then(|| format!("{}{} {}", text(a), text(n), text(c)))
        }
        // Prefix: A123 BCD.
        [(true, y), (false, n), (true, c)] if y.len() == 1 && n.len() <= 3 && c.len() == 3 => {
            (year_ok(y) && number_ok(n) && serial_ok(c) && area_ok(c.get(1..)?))
                .then(|| format!("{}{} {}", text(y), text(n), text(c)))
        }
        // Suffix: ABC 123D.
        [(true, c), (false, n), (true, y)] if c.len() == 3 && n.len() <= 3 && y.len() == 1 => {
            (year_ok(y) && number_ok(n) && serial_ok(c) && area_ok(c.get(1..)?))
                .then(|| format!("{} {}{}", text(c), text(n), text(y)))
        }
        // Dateless, letters first: ABC 123, and Northern Irish ABZ 1234.
        [(true, l), (false, n)] if l.len() <= 3 && n.len() <= 4 => {
            let irish = l.len() == 3
                && l.get(1..)?.iter().any(|c| *c == b'I' || *c == b'Z')
                && !l.contains(&b'Q');
            let ok = number_ok(n) && (irish || (n.len() <= 3 && area_ok(l)));
            ok.then(|| format!("{} {}", text(l), text(n)))
        }
        // Dateless, digits first: 1234 AB.
        [(false, n), (true, l)] if l.len() <= 3 && n.len() <= 4 => {
            (number_ok(n) && area_ok(l)).then(|| format!("{} {}", text(n), text(l)))
        }
        _ => None,
    }
}

/// Runs of letters (`true`) and of digits (`false`).
fn runs(s: &[u8]) -> Vec<(bool, &[u8])> {
    let mut out: Vec<(bool, &[u8])> = Vec::new();
    let mut start = 0;
    for i in 1..=s.len() {
        let boundary = match (s.get(i - 1), s.get(i)) {
            (Some(a), Some(b)) => a.is_ascii_alphabetic() != b.is_ascii_alphabetic(),
            _ => true,
        };
        if boundary {
            if let (Some(run), Some(first)) = (s.get(start..i), s.get(start)) {
                out.push((first.is_ascii_alphabetic(), run));
            }
            start = i;
        }
    }
    out
}
