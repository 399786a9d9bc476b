//! Telephone numbers, written the many ways UK records hold them, brought to
//! E.164 so that the same line compares equal wherever it appears.

use crate::error::{TextError, shown};

/// UK national significant numbers (after the 0) have 10 digits, except that
/// some 01 area codes and some 0800 numbers have 9.
const UK_NSN_DIGITS: std::ops::RangeInclusive<usize> = 9..=10;

fn uk_nsn_length_fits(nsn: &str) -> bool {
    match nsn.as_bytes().first() {
        Some(b'1' | b'8') => UK_NSN_DIGITS.contains(&nsn.len()),
        Some(_) => nsn.len() == *UK_NSN_DIGITS.end(),
        None => false,
    }
}

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
    let mut digits = String::with_capacity(value.len());
    let mut plus = false;
    for (i, c) in value.char_indices() {
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
        // No UK numbers start 04 or 06.
        if digits.starts_with(['4', '6']) {
            return Err(TextError::PhoneNotUk {
                value: shown(value),
            });
        }
        return Ok(format!("+44{digits}"));
    }
    Err(TextError::PhoneLength {
        value: shown(value),
        digits: digits.len(),
    })
}

/// Checks a UK national significant number (the digits after the 0).
fn uk(value: &str, nsn: &str) -> Result<String, TextError> {
    if !uk_nsn_length_fits(nsn) || nsn.starts_with('0') {
        return Err(TextError::PhoneLength {
            value: shown(value),
            digits: nsn.len() + 1,
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
