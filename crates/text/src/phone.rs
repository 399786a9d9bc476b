//! Telephone numbers, written the many ways UK records hold them, brought to
//! E.164 so that the same line compares equal wherever it appears.

use crate::error::{TextError, shown};

/// Area codes (national significant number prefixes) where some local
/// numbers are one digit shorter, so the whole number has 9 digits after the
/// 0: the "mixed" areas that still have five-digit local numbers beside
/// six-digit ones (Ofcom's National Telephone Numbering Plan, as
/// libphonenumber's metadata 9.0 has it), and Brampton (016977), where
/// four-digit local numbers remain. Everywhere else a geographic number has 10.
const MIXED_AREAS: [&str; 37] = [
    "1204", "1208", "1254", "1276", "1297", "1298", "1363", "1384", "1386", "1404", "1420", "1460",
    "1461", "1488", "1524", "1527", "1562", "1606", "1629", "1635", "1647", "1659", "1695", "1726",
    "1744", "1750", "1768", "1827", "1837", "1884", "1900", "1905", "1946", "1949", "1963", "1995",
    "16977",
];

/// Numbers that keep fewer digits than their range: ChildLine (0800 1111)
/// and the former NHS Direct (0845 4647).
const SHORT_NUMBERS: [&str; 2] = ["8001111", "8454647"];

/// The digits a UK national significant number (after the 0) has in its
/// range of the numbering plan, or `None` for a range the plan does not use
/// (00, 04, 06, and unused 05 and 08 ranges).
fn uk_nsn_lengths(nsn: &str) -> Option<&'static [usize]> {
    let b = nsn.as_bytes();
    match b {
        [b'1', ..] if MIXED_AREAS.iter().any(|a| nsn.starts_with(a)) => Some(&[9, 10]),
        [b'2' | b'1' | b'3' | b'7' | b'9', ..] => Some(&[10]),
        // Corporate (055) and location-independent (056) numbers.
        [b'5', b'5' | b'6', ..] => Some(&[10]),
        // Freephone 0800 has 9- and 10-digit numbers, 0808 only 10.
        [b'8', ..] if SHORT_NUMBERS.contains(&nsn) => Some(&[7]),
        [b'8', b'0', b'0', ..] => Some(&[9, 10]),
        [b'8', b'0', b'8', ..] | [b'8', b'4' | b'7', ..] => Some(&[10]),
        _ => None,
    }
}

fn uk_nsn_length_fits(nsn: &str) -> bool {
    uk_nsn_lengths(nsn).is_some_and(|l| l.contains(&nsn.len()))
}

/// The most and fewest digits after the 0 of any UK number but the short
/// freephone ones, for telling a number that lost its 0 from one too short.
const UK_NSN_DIGITS: std::ops::RangeInclusive<usize> = 9..=10;

/// E.164 allows at most 15 digits; fewer than 8 is not a real number anywhere.
const INTERNATIONAL_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// Brings a phone number to E.164 ("+447700900123").
///
/// UK numbers are accepted in national form ("07700 900123", "(01632) 960
/// 001"), international form ("+44 7700 900123", "0044 7700 900123",
/// "447700900123") and with the trunk zero kept in brackets ("+44 (0)7700
/// 900123"). A UK number that has lost its leading 0 ("7700900123") is taken
/// as national, because spreadsheets drop leading zeros from numbers.
/// Numbers in other countries, written with `+` or `00`, pass through as `+`
/// and their digits.
///
/// Spaces, hyphens, dots, slashes and brackets are ignored.
///
/// # Errors
/// [`TextError::PhoneLetters`] when the value has letters (including
/// extensions written "ext"), [`TextError::PhoneCharacter`] for any other
/// character, [`TextError::PhoneLength`] when a UK number has the wrong
/// number of digits, [`TextError::PhoneNotUk`] for a national number that
/// cannot be British, [`TextError::PhoneInternational`] for an impossible
/// international number and [`TextError::PhoneEmpty`] when there are no
/// digits.
pub fn to_e164(s: &str) -> Result<String, TextError> {
    let value = s.trim();
    // "+353 (0)1 234 5678": a bracketed trunk zero after a country code is
    // never dialled from abroad, in any country.
    let dialled = match value.find("(0)") {
        Some(at) if value.starts_with('+') || value.starts_with("00") => {
            format!(
                "{}{}",
                value.get(..at).unwrap_or_default(),
                value.get(at + 3..).unwrap_or_default()
            )
        }
        _ => value.to_string(),
    };
    let mut digits = String::with_capacity(value.len());
    let mut plus = false;
    for (i, c) in dialled.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            '-' | '.' | '/' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            c if c.is_alphabetic() => {
                return Err(TextError::PhoneLetters {
                    value: shown(value),
                });
            }
            c => {
                return Err(TextError::PhoneCharacter {
                    value: shown(value),
                    ch: c,
                });
            }
        }
    }
    if digits.is_empty() {
        return Err(TextError::PhoneEmpty);
    }

    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    if let Some(rest) = international {
        if let Some(national) = rest.strip_prefix("44") {
            // "+44 (0)7700 900123": the bracketed trunk zero is not dialled.
            return uk(value, national.strip_prefix('0').unwrap_or(national));
        }
        if INTERNATIONAL_DIGITS.contains(&rest.len()) && !rest.starts_with('0') {
            return Ok(format!("+{rest}"));
        }
        return Err(TextError::PhoneInternational {
            value: shown(value),
        });
    }
    if let Some(nsn) = digits.strip_prefix('0') {
        return uk(value, nsn);
    }
    if let Some(nsn) = digits.strip_prefix("44") {
        // No UK number starts 044, so a leading 44 with the right length is
        // the country code written without its prefix.
        if uk_nsn_length_fits(nsn) {
            return uk(value, nsn);
        }
    }
    // A UK number whose leading 0 was lost on the way through a spreadsheet.
    if uk_nsn_length_fits(&digits) {
        return Ok(format!("+44{digits}"));
    }
    if UK_NSN_DIGITS.contains(&digits.len()) && uk_nsn_lengths(&digits).is_none() {
        return Err(TextError::PhoneNotUk {
            value: shown(value),
        });
    }
    Err(TextError::PhoneLength {
        value: shown(value),
        digits: digits.len(),
        expected: "10 or 11",
    })
}

/// Checks a UK national significant number (the digits after the 0)
/// against the numbering plan: its range must be in use and its length one
/// the range has.
fn uk(value: &str, nsn: &str) -> Result<String, TextError> {
    let Some(lengths) = uk_nsn_lengths(nsn) else {
        return Err(TextError::PhoneUnallocated {
            value: shown(value),
        });
    };
    if !lengths.contains(&nsn.len()) {
        return Err(TextError::PhoneLength {
            value: shown(value),
            digits: nsn.len() + 1,
            expected: match lengths {
                [7] => "8",
                [9, 10] => "10 or 11",
                _ => "11",
            },
        });
    }
    Ok(format!("+44{nsn}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_numbers_in_every_common_form() {
        for written in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "0044 7700 900123",
            "+44 (0)7700 900123",
            "+44 (0) 7700-900-123",
            "447700900123",
            "7700900123",
            " 07700.900.123 ",
        ] {
            assert_eq!(
                to_e164(written).as_deref(),
                Ok("+447700900123"),
                "{written}"
            );
        }
        assert_eq!(to_e164("(01632) 960 001").as_deref(), Ok("+441632960001"));
        assert_eq!(to_e164("0800 123 456").as_deref(), Ok("+44800123456"));
    }

    #[test]
    fn other_countries_pass_through() {
        assert_eq!(to_e164("+1 (202) 555-0143").as_deref(), Ok("+12025550143"));
        assert_eq!(to_e164("00353 1 234 5678").as_deref(), Ok("+35312345678"));
    }

    #[test]
    fn wrong_digit_counts_are_rejected() {
        assert_eq!(
            to_e164("07700 90012"),
            Err(TextError::PhoneLength {
                value: "07700 90012".into(),
                digits: 10,
                expected: "11",
            })
        );
        assert!(matches!(
            to_e164("077009001234"),
            Err(TextError::PhoneLength { digits: 12, .. })
        ));
        assert!(matches!(
            to_e164("+44 12"),
            Err(TextError::PhoneLength { .. })
        ));
        assert!(matches!(
            to_e164("12345"),
            Err(TextError::PhoneLength { digits: 5, .. })
        ));
        assert!(matches!(
            to_e164("0207 946 000"),
            Err(TextError::PhoneLength { digits: 10, .. })
        ));
        assert_eq!(to_e164("016977 3456").as_deref(), Ok("+44169773456"));
        assert!(matches!(
            to_e164("6700900123"),
            Err(TextError::PhoneNotUk { .. })
        ));
        assert!(matches!(
            to_e164("+1 555"),
            Err(TextError::PhoneInternational { .. })
        ));
    }

    // issue 15, class 9: a number one digit short is not a landline.
    #[test]
    fn lengths_follow_the_numbering_plan_range_by_range() {
        assert_eq!(
            to_e164("01632 96000"),
            Err(TextError::PhoneLength {
                value: "01632 96000".into(),
                digits: 10,
                expected: "11",
            })
        );
        assert!(matches!(
            to_e164("+44 1632 96000"),
            Err(TextError::PhoneLength { .. })
        ));
        // Bolton and the other mixed areas keep five-digit local numbers.
        assert_eq!(to_e164("01204 61234").as_deref(), Ok("+44120461234"));
        assert_eq!(to_e164("01204 123456").as_deref(), Ok("+441204123456"));
        assert_eq!(to_e164("0800 1111").as_deref(), Ok("+448001111"));
        assert_eq!(to_e164("0845 4647").as_deref(), Ok("+448454647"));
        assert!(matches!(
            to_e164("01480 61234"),
            Err(TextError::PhoneLength { .. })
        ));
        assert!(matches!(
            to_e164("0808 123 456"),
            Err(TextError::PhoneLength { .. })
        ));
        for unused in [
            "0612 345678",
            "+44 4123 456789",
            "0500 123456",
            "0821 234 5678",
        ] {
            assert!(
                matches!(to_e164(unused), Err(TextError::PhoneUnallocated { .. })),
                "{unused}"
            );
        }
        assert_eq!(
            to_e164("0612 345678").unwrap_err().to_string(),
            "phone number `0612 345678` is in no range of the UK numbering plan"
        );
    }

    #[test]
    fn letters_and_symbols_are_rejected() {
        assert_eq!(
            to_e164("0770O 900123").unwrap_err().to_string(),
            "phone number `0770O 900123` contains letters"
        );
        assert!(matches!(
            to_e164("07700 900123 ext 4"),
            Err(TextError::PhoneLetters { .. })
        ));
        assert!(matches!(
            to_e164("07700#900123"),
            Err(TextError::PhoneCharacter { ch: '#', .. })
        ));
        assert!(matches!(
            to_e164("0+7700900123"),
            Err(TextError::PhoneCharacter { ch: '+', .. })
        ));
        assert_eq!(to_e164(" () "), Err(TextError::PhoneEmpty));
    }
}
