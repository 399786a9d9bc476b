//! Calendar dates without a time or zone: dates of birth, incident dates,
//! start and end of employment. Enough calendar to validate a date, print it
//! as ISO 8601 and count days between two, and no more.

mod format;
mod value;

use std::fmt;
use std::str::FromStr;

pub use format::{DateFormats, TWO_DIGIT_YEAR_PIVOT, parse_date};
pub use value::DateValue;

use crate::error::{TextError, shown};

/// Earliest year a [`Date`] holds; ISO 8601 writes years as four digits.
pub const YEAR_MIN: i32 = 1;
/// Latest year a [`Date`] holds.
pub const YEAR_MAX: i32 = 9999;

/// A valid day in the proleptic Gregorian calendar, years 1 to 9999.
///
/// Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date from its parts.
    ///
    /// # Errors
    /// [`TextError::NoSuchDate`] when the day does not exist (31 February,
    /// 29 February outside a leap year, month 13) or the year is outside
    /// [`YEAR_MIN`]..=[`YEAR_MAX`].
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, TextError> {
        let exists = (YEAR_MIN..=YEAR_MAX).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        if exists {
            Ok(Date { year, month, day })
        } else {
            Err(TextError::NoSuchDate { year, month, day })
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 for January.
    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Appends the date as ISO 8601 (`YYYY-MM-DD`): what `Display` writes,
    /// without the formatting machinery, for writing millions of dates.
    pub fn push_iso(self, out: &mut String) {
        // Years are YEAR_MIN..=YEAR_MAX: four digits, never negative.
        let (y, m, d) = (
            self.year.unsigned_abs(),
            u32::from(self.month),
            u32::from(self.day),
        );
        let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
        for c in [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            '-',
            digit(m / 10),
            digit(m),
            '-',
            digit(d / 10),
            digit(d),
        ] {
            out.push(c);
        }
    }

    /// Parses exactly `YYYY-MM-DD`, surrounding whitespace aside.
    ///
    /// # Errors
    /// [`TextError::DateUnparsed`] when the text has another shape, and
    /// [`TextError::DateNonexistent`] for a well-formed date that does not
    /// exist.
    pub fn parse_iso(s: &str) -> Result<Date, TextError> {
        format::parse_iso(s)
    }

    /// Days since 1970-01-01, negative before it.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil: count from 1 March so that the
        // leap day falls at the end of the counted year.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_from_march = (i64::from(self.month) + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * DAYS_PER_ERA + day_of_era - EPOCH_FROM_MARCH_0000
    }

    /// The date `days` after 1970-01-01 (before it when negative).
    ///
    /// # Errors
    /// [`TextError::DayOutOfRange`] when the day falls outside the years a
    /// date holds.
    pub fn from_days(days: i64) -> Result<Date, TextError> {
        let out_of_range = || TextError::DayOutOfRange {
            days,
            min: YEAR_MIN,
            max: YEAR_MAX,
        };
        // Checked first so the arithmetic below cannot overflow.
        if !(DAYS_MIN..=DAYS_MAX).contains(&days) {
            return Err(out_of_range());
        }
        let shifted = days + EPOCH_FROM_MARCH_0000;
        let era = shifted.div_euclid(DAYS_PER_ERA);
        let day_of_era = shifted - era * DAYS_PER_ERA;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        let year = i32::try_from(year).map_err(|_| out_of_range())?;
        let month = u8::try_from(month).map_err(|_| out_of_range())?;
        let day = u8::try_from(day).map_err(|_| out_of_range())?;
        Date::new(year, month, day).map_err(|_| out_of_range())
    }

    /// The date `days` later (earlier when negative).
    ///
    /// # Errors
    /// [`TextError::DayOutOfRange`] past the years a date holds.
    pub fn add_days(self, days: i64) -> Result<Date, TextError> {
        Date::from_days(self.days_since_epoch().saturating_add(days))
    }

    /// Days from `self` to `other`: positive when `other` is later. For "within
    /// N days" checks take the absolute value.
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }
}

/// Days in 400 Gregorian years.
const DAYS_PER_ERA: i64 = 146_097;
/// Days from 0000-03-01 to 1970-01-01.
const EPOCH_FROM_MARCH_0000: i64 = 719_468;
/// 0001-01-01 counted from 1970-01-01.
const DAYS_MIN: i64 = -719_162;
/// 9999-12-31 counted from 1970-01-01.
const DAYS_MAX: i64 = 2_932_896;

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1 to 12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut iso = String::with_capacity(10);
        self.push_iso(&mut iso);
        f.write_str(&iso)
    }
}

impl FromStr for Date {
    type Err = TextError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse_iso(s)
    }
}

/// The error for a value none of the formats fitted.
fn unparsed(value: &str, formats: &[&str]) -> TextError {
    let formats = if formats.is_empty() {
        "(none given)".to_owned()
    } else {
        formats
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    TextError::DateUnparsed {
        value: shown(value),
        formats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(2000, 2, 29).is_ok());
        assert!(Date::new(1900, 2, 29).is_err());
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(
            Date::new(2020, 2, 31),
            Err(TextError::NoSuchDate {
                year: 2020,
                month: 2,
                day: 31
            })
        );
        assert!(Date::new(2020, 4, 31).is_err());
        assert!(Date::new(2020, 13, 1).is_err());
        assert!(Date::new(2020, 0, 1).is_err());
        assert!(Date::new(2020, 1, 0).is_err());
        assert!(Date::new(0, 1, 1).is_err());
        assert!(Date::new(10_000, 1, 1).is_err());
    }

    #[test]
    fn days_since_epoch_known_values() {
        assert_eq!(date(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(date(1970, 1, 2).days_since_epoch(), 1);
        assert_eq!(date(1969, 12, 31).days_since_epoch(), -1);
        assert_eq!(date(2000, 3, 1).days_since_epoch(), 11_017);
        assert_eq!(date(1, 1, 1).days_since_epoch(), DAYS_MIN);
        assert_eq!(date(9999, 12, 31).days_since_epoch(), DAYS_MAX);
    }

    #[test]
    fn from_days_inverts_and_bounds() {
        assert_eq!(Date::from_days(11_017), Ok(date(2000, 3, 1)));
        assert_eq!(Date::from_days(-1), Ok(date(1969, 12, 31)));
        assert_eq!(Date::from_days(DAYS_MAX), Ok(date(9999, 12, 31)));
        assert!(Date::from_days(DAYS_MAX + 1).is_err());
        assert!(Date::from_days(DAYS_MIN - 1).is_err());
        assert!(Date::from_days(i64::MIN).is_err());
    }

    #[test]
    fn day_arithmetic_crosses_month_and_leap_day() {
        assert_eq!(date(2024, 2, 28).add_days(1), Ok(date(2024, 2, 29)));
        assert_eq!(date(2023, 2, 28).add_days(1), Ok(date(2023, 3, 1)));
        assert_eq!(date(2024, 1, 1).days_until(date(2025, 1, 1)), 366);
        assert_eq!(date(2025, 1, 1).days_until(date(2024, 1, 1)), -366);
        assert!(date(9999, 12, 31).add_days(i64::MAX).is_err());
    }

    #[test]
    fn display_is_iso_and_ordering_is_chronological() {
        assert_eq!(date(984, 7, 3).to_string(), "0984-07-03");
        assert!(date(1999, 12, 31) < date(2000, 1, 1));
        assert!(date(2000, 1, 2) > date(2000, 1, 1));
    }
}
