//! A date value as statements hold it: a month (`1984-07`, ISO 8601 reduced
//! precision), a day (`1984-07-03`), or a day and time (`1984-07-03T14:05`,
//! `1984-07-03T14:05:09`). A companies register gives officers' birth month
//! only, and incident logs give the time.

use std::fmt;
use std::str::FromStr;

use super::{Date, days_in_month, unparsed};
use crate::error::{TextError, shown};

/// A month, a day, or a day and time; local time, without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateValue {
    Month {
        year: i32,
        month: u8,
    },
    Day(Date),
    Time {
        date: Date,
        hour: u8,
        minute: u8,
        second: Option<u8>,
    },
}

impl DateValue {
    /// A month of a year a [`Date`] may hold.
    ///
    /// # Errors
    /// [`TextError::NoSuchDate`] for month 0 or 13, or a year out of range.
    pub fn month(year: i32, month: u8) -> Result<DateValue, TextError> {
        Date::new(year, month, 1)?;
        Ok(DateValue::Month { year, month })
    }

    /// A day and a time of it.
    ///
    /// # Errors
    /// [`TextError::NoSuchTime`] for an hour past 23 or a minute or second
    /// past 59.
    pub fn time(
        date: Date,
        hour: u8,
        minute: u8,
        second: Option<u8>,
    ) -> Result<DateValue, TextError> {
        if hour > 23 || minute > 59 || second.is_some_and(|s| s > 59) {
            return Err(TextError::NoSuchTime {
                hour,
                minute,
                second: second.unwrap_or(0),
            });
        }
        Ok(DateValue::Time {
            date,
            hour,
            minute,
            second,
        })
    }

    /// Reads the forms `Display` writes: `YYYY-MM`, `YYYY-MM-DD`,
    /// `YYYY-MM-DDTHH:MM` and `YYYY-MM-DDTHH:MM:SS`, surrounding whitespace
    /// aside.
    ///
    /// # Errors
    /// [`TextError::DateUnparsed`] for another shape, and
    /// [`TextError::DateNonexistent`] for a month, day or time that does not
    /// exist.
    pub fn parse_iso(s: &str) -> Result<DateValue, TextError> {
        let value = s.trim();
        let b = value.as_bytes();
        let digits = |at: &[usize]| at.iter().all(|&i| b.get(i).is_some_and(u8::is_ascii_digit));
        let two = |i: usize| -> Option<u8> {
            let (t, u) = (b.get(i)?, b.get(i + 1)?);
            Some((t - b'0') * 10 + (u - b'0'))
        };
        let nonexistent = || TextError::DateNonexistent {
            value: shown(value),
            format: ISO_FORMS.to_owned(),
        };
        let shaped = match b.len() {
            7 => digits(&[0, 1, 2, 3, 5, 6]) && b.get(4) == Some(&b'-'),
            10 => return Date::parse_iso(value).map(DateValue::Day),
            16 | 19 => {
                b.get(10) == Some(&b'T')
                    && b.get(13) == Some(&b':')
                    && digits(&[11, 12, 14, 15])
                    && (b.len() == 16 || (b.get(16) == Some(&b':') && digits(&[17, 18])))
            }
            _ => false,
        };
        if !shaped {
            return Err(unparsed(value, &[ISO_FORMS]));
        }
        let year = value
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .ok_or_else(|| unparsed(value, &[ISO_FORMS]))?;
        let month = two(5).ok_or_else(nonexistent)?;
        if b.len() == 7 {
            return DateValue::month(year, month).map_err(|_| nonexistent());
        }
        let date = value
            .get(..10)
            .map(Date::parse_iso)
            .ok_or_else(|| unparsed(value, &[ISO_FORMS]))??;
        let (hour, minute) = (two(11), two(14));
        let second = if b.len() == 19 { two(17) } else { None };
        match (hour, minute) {
            (Some(h), Some(m)) => DateValue::time(date, h, m, second).map_err(|_| nonexistent()),
            _ => Err(unparsed(value, &[ISO_FORMS])),
        }
    }

    /// The day, or a timestamp's day; `None` for a month.
    pub fn date(self) -> Option<Date> {
        match self {
            DateValue::Month { .. } => None,
            DateValue::Day(date) | DateValue::Time { date, .. } => Some(date),
        }
    }

    /// The first day the value may mean.
    pub fn first_day(self) -> Date {
        match self {
            DateValue::Month { year, month } => Date {
                year,
                month,
                day: 1,
            },
            DateValue::Day(date) | DateValue::Time { date, .. } => date,
        }
    }

    /// The last day the value may mean.
    pub fn last_day(self) -> Date {
        match self {
            DateValue::Month { year, month } => Date {
                year,
                month,
                day: days_in_month(year, month),
            },
            DateValue::Day(date) | DateValue::Time { date, .. } => date,
        }
    }
}

/// How the forms [`DateValue::parse_iso`] reads are named in its errors.
const ISO_FORMS: &str = "YYYY-MM[-DD[THH:MM[:SS]]]";

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DateValue::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            DateValue::Day(date) => write!(f, "{date}"),
            DateValue::Time {
                date,
                hour,
                minute,
                second,
            } => {
                write!(f, "{date}T{hour:02}:{minute:02}")?;
                match second {
                    Some(s) => write!(f, ":{s:02}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl FromStr for DateValue {
    type Err = TextError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateValue::parse_iso(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> DateValue {
        DateValue::parse_iso(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn each_form_reads_back_what_it_writes() {
        for s in [
            "1984-07",
            "1984-07-03",
            "1984-07-03T14:05",
            "1984-07-03T14:05:09",
        ] {
            assert_eq!(v(s).to_string(), s);
        }
    }

    #[test]
    fn impossible_values_and_other_shapes_are_refused() {
        for bad in [
            "1984-13",
            "1984-00",
            "1984-02-30",
            "1984-07-03T24:00",
            "1984-07-03T12:60",
            "1984-07-03T12:00:60",
        ] {
            assert!(
                matches!(
                    DateValue::parse_iso(bad),
                    Err(TextError::DateNonexistent { .. } | TextError::DateUnparsed { .. })
                ),
                "{bad}"
            );
        }
        for bad in [
            "1984",
            "1984-7",
            "1984-07-03 14:05",
            "1984-07-03T1405",
            "July 1984",
            "",
        ] {
            assert!(
                matches!(
                    DateValue::parse_iso(bad),
                    Err(TextError::DateUnparsed { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_month_spans_its_days_and_a_time_its_day() {
        let m = v("2024-02");
        assert_eq!(m.first_day().to_string(), "2024-02-01");
        assert_eq!(m.last_day().to_string(), "2024-02-29");
        assert_eq!(m.date(), None);
        let t = v("2024-02-10T09:30");
        assert_eq!(t.first_day(), t.last_day());
        assert_eq!(
            t.date().map(|d| d.to_string()).as_deref(),
            Some("2024-02-10")
        );
    }
}
