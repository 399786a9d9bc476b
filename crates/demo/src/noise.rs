//! How one real person comes out differently in different systems: the
//! recording errors and habits that entity resolution has to see through.
//!
//! Documented date-of-birth errors (the only ones the generator makes, and
//! what the tests allow): day and month swapped, year off by one, missing.

use crate::date::Date;
use crate::names;
use crate::rng::Rng;

pub fn strip_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ŷ' | 'ý' => 'y',
            'ł' => 'l',
            'Ł' => 'L',
            'ś' => 's',
            'Ś' => 'S',
            'ż' | 'ź' => 'z',
            'Ż' | 'Ź' => 'Z',
            'ć' => 'c',
            'ń' => 'n',
            'Ó' => 'O',
            c => c,
        })
        .collect()
}

/// One keying slip: swapped neighbours, a dropped or doubled letter, or a
/// neighbouring key.
pub fn typo(r: &mut Rng, s: &str) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (1..cs.len())
        .filter(|&i| cs[i].is_alphabetic() && cs[i - 1].is_alphabetic())
        .collect();
    if letters.is_empty() {
        return s.to_string();
    }
    let i = letters[r.below_usize(letters.len())];
    match r.below(4) {
        0 => cs.swap(i - 1, i),
        1 if cs.len() > 3 => {
            cs.remove(i);
        }
        2 => cs.insert(i, cs[i]),
        _ => {
            const NEAR: &[(char, char)] = &[
                ('a', 's'),
                ('e', 'r'),
                ('i', 'o'),
                ('o', 'p'),
                ('n', 'm'),
                ('t', 'y'),
                ('s', 'd'),
                ('l', 'k'),
                ('r', 't'),
                ('u', 'i'),
                ('c', 'v'),
                ('h', 'j'),
            ];
            let c = cs[i];
            if let Some((_, b)) = NEAR.iter().find(|(a, _)| *a == c.to_ascii_lowercase()) {
                cs[i] = *b;
            } else {
                cs.swap(i - 1, i);
            }
        }
    }
    cs.into_iter().collect()
}

/// A first name as a system holds it: usually as given, sometimes the
/// familiar form, sometimes mistyped.
pub fn first_name(r: &mut Rng, first: &str, nickname_p: f64, typo_p: f64) -> String {
    let nicks = names::nicknames(first);
    if !nicks.is_empty() && r.chance(nickname_p) {
        return nicks[r.zipf(nicks.len())].to_string();
    }
    if r.chance(typo_p) {
        return typo(r, first);
    }
    first.to_string()
}

/// A surname as a system holds it: apostrophes, prefixes and hyphens are
/// where systems disagree most.
pub fn surname(r: &mut Rng, s: &str, typo_p: f64) -> String {
    if r.chance(typo_p) {
        return typo(r, s);
    }
    if s.contains('\'') && r.chance(0.4) {
        return if r.chance(0.5) {
            s.replace('\'', "")
        } else {
            s.replace('\'', " ")
        };
    }
    if s.contains('-') && r.chance(0.3) {
        return s.replace('-', " ");
    }
    if let Some(rest) = s.strip_prefix("Mc")
        && r.chance(0.2)
    {
        return format!("Mc {rest}");
    }
    if !s.is_ascii() && r.chance(0.5) {
        return strip_diacritics(s);
    }
    s.to_string()
}

/// A date of birth as recorded, with the documented error types only.
pub fn dob(r: &mut Rng, true_dob: Date, missing_p: f64, error_p: f64) -> Option<Date> {
    if r.chance(missing_p) {
        return None;
    }
    if r.chance(error_p) {
        if r.chance(0.6)
            && let Some(s) = true_dob.swapped()
        {
            return Some(s);
        }
        let (y, m, d) = true_dob.ymd();
        if !(m == 2 && d == 29) {
            let dy = if r.chance(0.5) { 1 } else { -1 };
            return Some(Date::from_ymd(y + dy, m, d));
        }
    }
    Some(true_dob)
}

/// A postcode as typed: case and spacing vary, the letters do not.
pub fn postcode(r: &mut Rng, pc: &str, messy_p: f64) -> String {
    if !r.chance(messy_p) {
        return pc.to_string();
    }
    match r.below(4) {
        0 => pc.to_lowercase(),
        1 => pc.replace(' ', ""),
        2 => pc.replace(' ', "  "),
        _ => format!(" {}", pc.to_lowercase().replace(' ', "")),
    }
}

/// A UK mobile (ten digits after the trunk 0) in one of the ways people write it.
pub fn phone(r: &mut Rng, digits: &str) -> String {
    if digits.len() != 10 {
        return digits.to_string();
    }
    let (a, b) = digits.split_at(4);
    match r.weighted(&[40, 20, 20, 10, 10]) {
        0 => format!("0{a} {b}"),
        1 => format!("0{digits}"),
        2 => format!("+44 {a} {b}"),
        3 => format!("+44{digits}"),
        _ => {
            let (b1, b2) = b.split_at(3);
            format!("0{a} {b1} {b2}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_stay_within_the_documented_kinds() {
        let mut r = Rng::new(1);
        let d = Date::from_ymd(1980, 3, 7);
        for _ in 0..200 {
            if let Some(x) = dob(&mut r, d, 0.1, 0.5) {
                let (y, m, dd) = x.ymd();
                assert!(
                    x == d
                        || (y, m, dd) == (1980, 7, 3)
                        || ((y - 1980).abs() == 1 && (m, dd) == (3, 7))
                );
            }
        }
        assert_eq!(strip_diacritics("Łukasz Wójcik"), "Lukasz Wojcik");
        assert!(phone(&mut Rng::new(3), "7700900123").replace(' ', "").len() >= 11);
    }
}
