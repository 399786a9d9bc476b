//! Cleaning one value by its property type. The raw text is kept as
//! `original_value` whenever cleaning changed it, so nothing a source said is lost.

use std::collections::BTreeMap;

use clearstone_model::{PropType, limits};
use clearstone_text::{Postcode, name::clean_name, normalise_email, to_e164};

use crate::mapping::PropMap;

/// Returns the cleaned value, or a one-line reason it cannot be cleaned.
pub(crate) fn clean(raw: &str, pm: &PropMap) -> Result<String, String> {
    if raw.len() > limits::VALUE_BYTES_MAX {
        return Err(format!(
            "value of {} bytes exceeds value_bytes_max ({})",
            raw.len(),
            limits::VALUE_BYTES_MAX
        ));
    }
    // No export means a NUL as text, and text readers downstream stop at one.
    if raw.contains('\0') {
        return Err("holds a control character (U+0000)".to_string());
    }
    let trimmed = trim(raw);
    if let Some(why) = spreadsheet_error(trimmed) {
        return Err(why);
    }
    let v = mapped(&pm.map, trimmed);
    Ok(match pm.ty {
        PropType::Name | PropType::Address => clean_name(v),
        PropType::Text => v.to_string(),
        // A month or a timestamp where the format reads one (`docs/mapping.md`).
        PropType::Date => pm
            .date_formats
            .parse_value(v)
            .map_err(|e| e.to_string())?
            .to_string(),
        PropType::Postcode => Postcode::parse(v).map_err(|e| e.to_string())?.to_string(),
        PropType::Phone => to_e164(v).map_err(|e| e.to_string())?,
        PropType::Email => normalise_email(v).map_err(|e| e.to_string())?,
        PropType::Identifier if pm.upper => v
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect(),
        PropType::Identifier => {
            if let Some(why) = rounded_id(v) {
                return Err(why);
            }
            v.to_string()
        }
        PropType::Entity => v.to_string(),
        PropType::Number => number(v).ok_or_else(|| format!("`{v}` is not a number"))?,
        PropType::Enum => {
            if !pm.allowed.iter().any(|a| a == v) {
                return Err(format!("`{v}` is not one of: {}", pm.allowed.join(", ")));
            }
            v.to_string()
        }
    })
}

/// A value without what is never content at either end of it: whitespace,
/// and the invisible characters pasted in from web pages and word
/// processors (zero-width space and joiners, word joiner, a byte-order mark
/// where files were joined), which would make `7` and `\u{200b}7` two keys.
pub(crate) fn trim(v: &str) -> &str {
    v.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
    })
}

/// A `map` code, exactly or else in another case (`y` for `Y`), unless the
/// map holds codes that differ only by case and so tells them apart.
fn mapped<'a>(map: &'a BTreeMap<String, String>, v: &'a str) -> &'a str {
    if let Some(m) = map.get(v) {
        return m;
    }
    let mut same = map.iter().filter(|(k, _)| k.eq_ignore_ascii_case(v));
    match (same.next(), same.next()) {
        (Some((_, m)), None) => m,
        _ => v,
    }
}

/// The values a spreadsheet writes where a formula failed: what the cell
/// held is lost, so it is no value (a mapping that means "not known" by
/// `#N/A` lists it in `missing`).
const SPREADSHEET_ERRORS: [&str; 11] = [
    "#N/A",
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#GETTING_DATA",
];

pub(crate) fn spreadsheet_error(v: &str) -> Option<String> {
    (v.starts_with('#') && SPREADSHEET_ERRORS.iter().any(|e| e.eq_ignore_ascii_case(v)))
        .then(|| format!("`{v}` is a spreadsheet error value, not the cell's value"))
}

/// An identifier a spreadsheet has shown in scientific notation and saved
/// so (`1.23457E+11`): its digits are gone, and two ids become one.
pub(crate) fn rounded_id(v: &str) -> Option<String> {
    let b = v.as_bytes();
    let e = b.iter().position(|c| matches!(c, b'e' | b'E'))?;
    let (mantissa, exp) = (b.get(..e)?, b.get(e + 1..)?);
    let mantissa_ok = match mantissa {
        [d] => d.is_ascii_digit(),
        [d, b'.', rest @ ..] => {
            d.is_ascii_digit() && !rest.is_empty() && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    let exp_ok = match exp {
        [b'+' | b'-', digits @ ..] => {
            (1..=3).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    (mantissa_ok && exp_ok).then(|| {
        format!("`{v}` is in scientific notation, as a spreadsheet shows a long number: its digits are lost")
    })
}

/// A number as finance and HR systems write it: a currency sign, commas
/// between thousands, a trailing minus or brackets for a negative amount.
/// Only what reads one way is read: a comma that groups no thousands
/// (`1.234,56`, `12,34`) is not guessed at.
fn number(v: &str) -> Option<String> {
    let finite = |s: &str| s.parse::<f64>().is_ok_and(f64::is_finite);
    if finite(v) {
        return Some(v.to_string());
    }
    let (mut negative, mut body) = match v.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => match v.strip_suffix('-') {
            Some(inner) => (true, inner),
            None => (false, v),
        },
    };
    for _ in 0..2 {
        if let Some(rest) = body.strip_prefix('-') {
            if negative {
                return None;
            }
            (negative, body) = (true, rest);
        }
        body = body.strip_prefix(['£', '$', '€']).unwrap_or(body);
    }
    let digits = if body.contains(',') {
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let mut groups = whole.split(',');
        let first = groups.next()?;
        let grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3)
            && whole.bytes().all(|c| c.is_ascii_digit() || c == b',')
            && fraction.bytes().all(|c| c.is_ascii_digit());
        if !grouped {
            return None;
        }
        body.replace(',', "")
    } else {
        body.to_string()
    };
    // What is left is digits and a point: no sign, exponent or word of its own.
    if digits.is_empty()
        || !digits.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        || !finite(&digits)
    {
        return None;
    }
    Some(if negative {
        format!("-{digits}")
    } else {
        digits
    })
}
