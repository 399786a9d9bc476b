//! UK postcodes, checked against the Royal Mail format rules.

use std::fmt;
use std::str::FromStr;

use crate::error::{TextError, shown};

/// A valid UK postcode in its standard written form ("SW1A 1AA").
///
/// Parsing accepts any case and spacing ("sw1a1aa", " SW1A  1AA "). The
/// outward code (before the space) must take one of the shapes A9, A99, AA9,
/// AA99, A9A or AA9A, and the inward code 9AA; letters the Royal Mail never
/// uses in a position are rejected. GIR 0AA is accepted as the one historic
/// exception.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode {
    text: String,
    outward_len: usize,
}

/// Letters never used first: Q, V, X.
const FIRST: &[u8] = b"ABCDEFGHIJKLMNOPRSTUWYZ";
/// Letters never used second: I, J, Z.
const SECOND: &[u8] = b"ABCDEFGHKLMNOPQRSTUVWXY";
/// The only letters that end an A9A outward code.
const THIRD: &[u8] = b"ABCDEFGHJKPSTUW";
/// The only letters that end an AA9A outward code.
const FOURTH: &[u8] = b"ABEHMNPRVWXY";
/// Letters of the inward code: never C, I, K, M, O or V, which look like
/// digits or each other when handwritten.
const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// Longest postcode without its space ("SW1A1AA").
const COMPACT_LEN_MAX: usize = 7;

impl Postcode {
    /// Parses a postcode, tolerating case and whitespace.
    ///
    /// # Errors
    /// [`TextError::Postcode`] when the value is not a UK postcode.
    pub fn parse(s: &str) -> Result<Postcode, TextError> {
        let invalid = || TextError::Postcode { value: shown(s) };
        let mut compact = Vec::with_capacity(COMPACT_LEN_MAX);
        for c in s.chars() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_alphanumeric() || compact.len() == COMPACT_LEN_MAX {
                return Err(invalid());
            }
            // ASCII was checked above, so the cast cannot truncate.
            compact.push((c as u8).to_ascii_uppercase());
        }
        if compact.len() < 5 {
            return Err(invalid());
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let historic = compact == b"GIR0AA";
        let valid = historic || (valid_outward(outward) && valid_inward(inward));
        if !valid {
            return Err(invalid());
        }
        let mut text = String::with_capacity(compact.len() + 1);
        text.extend(outward.iter().map(|&b| char::from(b)));
        text.push(' ');
        text.extend(inward.iter().map(|&b| char::from(b)));
        Ok(Postcode {
            text,
            outward_len: outward.len(),
        })
    }

    /// The postcode area: the leading letters ("SW" of "SW1A 1AA").
    pub fn area(&self) -> &str {
        let letters = self
            .text
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        &self.text[..letters]
    }

    /// The postcode district, which is the outward code ("SW1A").
    pub fn district(&self) -> &str {
        self.outward()
    }

    /// The postcode sector: the district and the inward digit ("SW1A 1").
    pub fn sector(&self) -> &str {
        &self.text[..self.outward_len + 2]
    }

    /// The full postcode, which names a unit of a few addresses ("SW1A 1AA").
    pub fn unit(&self) -> &str {
        &self.text
    }

    /// The part before the space ("SW1A").
    pub fn outward(&self) -> &str {
        &self.text[..self.outward_len]
    }

    /// The part after the space ("1AA").
    pub fn inward(&self) -> &str {
        &self.text[self.outward_len + 1..]
    }

    /// The standard written form, as [`Display`](fmt::Display) writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Postcode {
    type Err = TextError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Postcode::parse(s)
    }
}

fn valid_outward(outward: &[u8]) -> bool {
    let digit = |b: &u8| b.is_ascii_digit();
    let one_of = |b: &u8, set: &[u8]| set.contains(b);
    match outward {
        // A9
        [a, n] => one_of(a, FIRST) && digit(n),
        // A99, A9A
        [a, n, x] if one_of(a, FIRST) && digit(n) => digit(x) || one_of(x, THIRD),
        // AA9
        [a, b, n] => one_of(a, FIRST) && one_of(b, SECOND) && digit(n),
        // AA99, AA9A
        [a, b, n, x] => {
            one_of(a, FIRST) && one_of(b, SECOND) && digit(n) && (digit(x) || one_of(x, FOURTH))
        }
        _ => false,
    }
}

fn valid_inward(inward: &[u8]) -> bool {
    matches!(inward, [n, x, y] if n.is_ascii_digit() && INWARD.contains(x) && INWARD.contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> String {
        match Postcode::parse(s) {
            Ok(p) => p.to_string(),
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    #[test]
    fn every_shape_parses() {
        assert_eq!(parsed("M1 1AE"), "M1 1AE"); // A9
        assert_eq!(parsed("B33 8TH"), "B33 8TH"); // A99
        assert_eq!(parsed("W1A 0AX"), "W1A 0AX"); // A9A
        assert_eq!(parsed("CR2 6XH"), "CR2 6XH"); // AA9
        assert_eq!(parsed("DN55 1PT"), "DN55 1PT"); // AA99
        assert_eq!(parsed("EC1A 1BB"), "EC1A 1BB"); // AA9A
        assert_eq!(parsed("gir0aa"), "GIR 0AA");
    }

    #[test]
    fn case_and_spacing_are_tolerated() {
        assert_eq!(parsed("sw1a1aa"), "SW1A 1AA");
        assert_eq!(parsed(" SW1A  1AA "), "SW1A 1AA");
        assert_eq!(parsed("s w 1 a 1 a a"), "SW1A 1AA");
    }

    #[test]
    fn wrong_shapes_and_letters_are_rejected() {
        for bad in [
            "",
            "SW1A",
            "SW1A 1A",
            "SW1A 1AAA",
            "1W1A 1AA",
            "SWW1 1AA",
            "SW1A AAA",
            "QA1 1AA",  // Q never first
            "AI1 1AA",  // I never second
            "W1I 1AA",  // I never ends A9A
            "SW1C 1AA", // C never ends AA9A
            "SW1A 1AC", // C never in the inward code
            "SW1A-1AA",
            "SW1A 1ÅA",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn the_parts_are_slices_of_the_written_form() {
        let p = Postcode::parse("sw1a1aa").unwrap();
        assert_eq!(p.area(), "SW");
        assert_eq!(p.district(), "SW1A");
        assert_eq!(p.sector(), "SW1A 1");
        assert_eq!(p.unit(), "SW1A 1AA");
        assert_eq!(p.inward(), "1AA");
        let short = Postcode::parse("M11AE").unwrap();
        assert_eq!(short.area(), "M");
        assert_eq!(short.sector(), "M1 1");
    }

    #[test]
    fn errors_name_the_value() {
        let e = Postcode::parse("NOT A PC").unwrap_err();
        assert_eq!(e.to_string(), "`NOT A PC` is not a UK postcode");
    }
}
