use thiserror::Error;

/// How many characters of an offending value an error keeps. A wrongly mapped
/// column can put a whole document into a phone field; the error only needs
/// enough to find the value again.
pub(crate) const VALUE_SHOWN_CHARS_MAX: usize = 64;

/// Why a value could not be cleaned or parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TextError {
    #[error("`{value}` is not a UK postcode")]
    Postcode { value: String },

    #[error("phone number is empty")]
    PhoneEmpty,

    #[error("phone number `{value}` contains letters")]
    PhoneLetters { value: String },

    #[error("phone number `{value}` contains `{ch}`")]
    PhoneCharacter { value: String, ch: char },

    #[error(
        "phone number `{value}` has {digits} digits in UK national form, where its range has {expected}"
    )]
    PhoneLength {
        value: String,
        digits: usize,
        /// The lengths the numbering plan gives the number's range ("11", "10 or 11").
        expected: &'static str,
    },

    #[error("phone number `{value}` is in no range of the UK numbering plan")]
    PhoneUnallocated { value: String },

    #[error("phone number `{value}` has no international prefix and is not a UK number")]
    PhoneNotUk { value: String },

    #[error(
        "phone number `{value}` is not an international number (8 to 15 digits after the prefix, the first not 0)"
    )]
    PhoneInternational { value: String },

    #[error("email `{value}` {reason}")]
    Email { value: String, reason: &'static str },

    #[error("no such date {year:04}-{month:02}-{day:02}")]
    NoSuchDate { year: i32, month: u8, day: u8 },

    #[error("day {days} after 1970-01-01 is outside years {min} to {max}")]
    DayOutOfRange { days: i64, min: i32, max: i32 },

    #[error("date `{value}` matches none of the formats {formats}")]
    DateUnparsed { value: String, formats: String },

    #[error("date `{value}` has the shape of `{format}` but no such day exists")]
    DateNonexistent { value: String, format: String },

    #[error("date format `{format}` {reason}")]
    DateFormat { format: String, reason: String },

    #[error("date `{value}` read with `{format}` names a month but no day")]
    DateNoDay { value: String, format: String },

    #[error("no such time {hour:02}:{minute:02}:{second:02}")]
    NoSuchTime { hour: u8, minute: u8, second: u8 },
}

/// Keeps the start of `value` for an error message.
pub(crate) fn shown(value: &str) -> String {
    match value.char_indices().nth(VALUE_SHOWN_CHARS_MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept_whole() {
        assert_eq!(shown("07700 900123"), "07700 900123");
    }

    #[test]
    fn long_values_are_cut_with_a_mark() {
        let long = "é".repeat(VALUE_SHOWN_CHARS_MAX + 10);
        let kept = shown(&long);
        assert_eq!(kept.chars().count(), VALUE_SHOWN_CHARS_MAX + 1);
        assert!(kept.ends_with('…'));
    }

    #[test]
    fn messages_name_the_value() {
        let e = TextError::Postcode {
            value: "XX1".into(),
        };
        assert_eq!(e.to_string(), "`XX1` is not a UK postcode");
    }
}
