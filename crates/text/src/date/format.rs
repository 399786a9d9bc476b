//! Reading dates written in the formats source systems use, described with a
//! small subset of strftime.

use super::{Date, DateValue, unparsed};
use crate::error::{TextError, shown};

/// Two-digit years below this are read as 20xx, the rest as 19xx: "29" is
/// 2029 and "30" is 1930.
///
/// Most two-digit years in UK public-sector records are dates of birth and
/// event dates, nearly all in the past. A pivot of 30 reads children's and
/// recent dates correctly while keeping anyone born from 1930 on in the last
/// century. Dates of birth before 1930 written with two digits come out a
/// century late; sources holding such records should send four-digit years.
pub const TWO_DIGIT_YEAR_PIVOT: u8 = 30;

/// The keyword that stands for `YYYY-MM-DD` in a list of formats.
const ISO: &str = "iso";

/// The keyword for a spreadsheet's day number (`44197` is 1 January 2021).
const EXCEL: &str = "excel";

/// Day numbers of the spreadsheet date system that counts 1 January 1900 as
/// day 1: day 60 is the 29 February 1900 it counts and no calendar has.
const EXCEL_LEAP_DAY: i64 = 60;
/// 30 December 1899 in days since 1970, the day before day 1 from day 61
/// on (and 31 December 1899 before it).
const EXCEL_EPOCH_DAYS: i64 = -25_569;
/// 31 December 9999, the last day a spreadsheet counts.
const EXCEL_DAYS_MAX: i64 = 2_958_465;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parses a date with the first of `formats` that fits it.
///
/// A format is literal text with these directives:
///
/// | directive | reads |
/// |---|---|
/// | `%Y` | four-digit year |
/// | `%y` | two-digit year, see [`TWO_DIGIT_YEAR_PIVOT`] |
/// | `%m` | month number, two digits ("07") |
/// | `%-m` | month number, one or two digits ("7" or "07") |
/// | `%d` | day of the month, two digits ("03") |
/// | `%-d` | day of the month, one or two digits ("3" or "03") |
/// | `%e` | day of the month, one or two digits, optionally after a space (" 3") |
/// | `%b`, `%h` | English month name abbreviated to three letters ("Jul") |
/// | `%B` | English month name in full ("July") |
/// | `%H`, `%M`, `%S` | hour (00 to 23), minute, second: two digits |
/// | `%f` | fraction of a second after `%S`: one to nine digits, read and not kept |
/// | `%%` | a literal `%` |
///
/// Each directive means what it means to `strftime` (`%-d` and `%-m` are
/// the GNU "no padding" forms), so a format reads back exactly what it
/// writes: a column that mixes lengths lists one format for each. Letters
/// match regardless of case, and a space in the format matches any run of
/// whitespace. The whole format `iso` stands for `%Y-%m-%d`, and `excel` for
/// a spreadsheet's day number (`44197` is 2021-01-01).
///
/// A format without a day (`%m/%Y`) reads a month, and one with a time reads
/// a timestamp: [`DateFormats::parse_value`] gives them as they are, and this
/// function gives a timestamp's day and passes over a month, which names no
/// day.
///
/// ```
/// use clearstone_text::{Date, parse_date};
/// let d = parse_date("3/7/1984", &["iso", "%-d/%-m/%Y"]).unwrap();
/// assert_eq!(d, Date::new(1984, 7, 3).unwrap());
/// assert!(parse_date("3/7/1984", &["%d/%m/%Y"]).is_err());
/// ```
///
/// # Errors
/// [`TextError::DateFormat`] when a format is malformed (an unknown
/// directive, no year or month, or a time without a day or minutes);
/// [`TextError::DateNonexistent`]
/// when no format gave a real date but one fitted the shape (31/02/2020);
/// otherwise [`TextError::DateUnparsed`] naming the value and the formats.
pub fn parse_date(s: &str, formats: &[&str]) -> Result<Date, TextError> {
    DateFormats::new(formats)?.parse(s)
}

/// Date formats read once, for parsing many dates in them: [`parse_date`]
/// without reading the formats again for every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormats {
    /// Each format as given, and how it reads.
    formats: Vec<(String, Form)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    Iso,
    Excel,
    Items(Vec<Item>),
}

impl DateFormats {
    /// # Errors
    /// [`TextError::DateFormat`] for a format that is not one (see
    /// [`parse_date`]).
    pub fn new(formats: &[&str]) -> Result<DateFormats, TextError> {
        let formats = formats
            .iter()
            .map(|&f| {
                let form = match f {
                    ISO => Form::Iso,
                    EXCEL => Form::Excel,
                    _ => Form::Items(compile(f)?),
                };
                Ok((f.to_owned(), form))
            })
            .collect::<Result<_, TextError>>()?;
        Ok(DateFormats { formats })
    }

    /// `s` read with the first format that fits it, as [`parse_date`].
    ///
    /// # Errors
    /// As [`parse_date`], but for the formats, read already.
    pub fn parse(&self, s: &str) -> Result<Date, TextError> {
        self.find(s, DateValue::date)
    }

    /// `s` read with the first format that fits it, to the precision the
    /// format has: a month, a day, or a day and time.
    ///
    /// # Errors
    /// As [`parse_date`].
    pub fn parse_value(&self, s: &str) -> Result<DateValue, TextError> {
        self.find(s, Some)
    }

    /// The first value a format reads from `s` that `accept` takes.
    fn find<T>(&self, s: &str, accept: impl Fn(DateValue) -> Option<T>) -> Result<T, TextError> {
        let value = s.trim();
        let mut nonexistent: Option<&str> = None;
        let mut partial: Option<&str> = None;
        for (format, form) in &self.formats {
            let read = match form {
                Form::Iso => iso_fields(value).map(|f| f.value()),
                Form::Excel => excel_day(value),
                Form::Items(items) => match_items(value, items).map(|f| f.value()),
            };
            if let Some(read) = read {
                match read {
                    Ok(v) => match accept(v) {
                        Some(t) => return Ok(t),
                        None => {
                            partial.get_or_insert(format);
                        }
                    },
                    Err(_) => {
                        nonexistent.get_or_insert(format);
                    }
                }
            }
        }
        Err(match (nonexistent, partial) {
            (Some(format), _) => TextError::DateNonexistent {
                value: shown(value),
                format: format.to_owned(),
            },
            (None, Some(format)) => TextError::DateNoDay {
                value: shown(value),
                format: format.to_owned(),
            },
            (None, None) => {
                let formats: Vec<&str> = self.formats.iter().map(|(f, _)| f.as_str()).collect();
                let excel = self.formats.iter().any(|(_, f)| *f == Form::Excel);
                let mut e = unparsed(value, &formats);
                // Said so, since nothing else would tell a reader of the
                // quarantine what a bare five-digit "date" is.
                if !excel
                    && excel_day(value).is_some_and(|d| d.is_ok())
                    && let TextError::DateUnparsed { formats, .. } = &mut e
                {
                    formats.push_str(" (a spreadsheet's day number? add the format `excel`)");
                }
                e
            }
        })
    }
}

/// A spreadsheet's day number as a date; `None` when it is no whole
/// number of days.
fn excel_day(value: &str) -> Option<Result<DateValue, TextError>> {
    if value.is_empty() || value.len() > 7 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = i64::from(number(value.as_bytes()));
    let days = match n {
        0 | EXCEL_LEAP_DAY => {
            return Some(Err(TextError::DateNonexistent {
                value: shown(value),
                format: EXCEL.to_owned(),
            }));
        }
        1..EXCEL_LEAP_DAY => EXCEL_EPOCH_DAYS + 1 + n,
        _ if n <= EXCEL_DAYS_MAX => EXCEL_EPOCH_DAYS + n,
        _ => return None,
    };
    Some(Date::from_days(days).map(DateValue::Day))
}

pub(super) fn parse_iso(s: &str) -> Result<Date, TextError> {
    parse_date(s, &[ISO])
}

struct Fields {
    year: i32,
    month: u8,
    day: Option<u8>,
    /// Hour and minute, and second when the format has one.
    time: Option<(u8, u8, Option<u8>)>,
}

impl Fields {
    fn value(&self) -> Result<DateValue, TextError> {
        let Some(day) = self.day else {
            return DateValue::month(self.year, self.month);
        };
        let date = Date::new(self.year, self.month, day)?;
        match self.time {
            None => Ok(DateValue::Day(date)),
            Some((hour, minute, second)) => DateValue::time(date, hour, minute, second),
        }
    }
}

fn iso_fields(value: &str) -> Option<Fields> {
    let b = value.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shaped {
        return None;
    }
    Some(Fields {
        year: number(&b[0..4]),
        month: u8::try_from(number(&b[5..7])).ok()?,
        day: Some(u8::try_from(number(&b[8..10])).ok()?),
        time: None,
    })
}

/// The value of a run of ASCII digits, which callers keep to four or fewer.
fn number(digits: &[u8]) -> i32 {
    digits.iter().fold(0, |n, d| n * 10 + i32::from(d - b'0'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Year,
    ShortYear,
    Month,
    /// `%-m`
    ShortMonth,
    /// `%b`, `%h`
    MonthAbbreviation,
    /// `%B`
    MonthName,
    Day,
    /// `%-d`
    ShortDay,
    /// `%e`
    PaddedDay,
    Hour,
    Minute,
    Second,
    /// `%f`
    Fraction,
    Whitespace,
    Literal(char),
}

fn compile(format: &str) -> Result<Vec<Item>, TextError> {
    let fail = |reason: String| TextError::DateFormat {
        format: format.to_owned(),
        reason,
    };
    let mut items = Vec::with_capacity(format.len());
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        let item = match c {
            '%' => match chars.next() {
                Some('Y') => Item::Year,
                Some('y') => Item::ShortYear,
                Some('m') => Item::Month,
                Some('b' | 'h') => Item::MonthAbbreviation,
                Some('B') => Item::MonthName,
                Some('d') => Item::Day,
                Some('e') => Item::PaddedDay,
                Some('H') => Item::Hour,
                Some('M') => Item::Minute,
                Some('S') => Item::Second,
                Some('f') => Item::Fraction,
                Some('-') => match chars.next() {
                    Some('d') => Item::ShortDay,
                    Some('m') => Item::ShortMonth,
                    Some(other) => {
                        return Err(fail(format!("has the unsupported directive `%-{other}`")));
                    }
                    None => return Err(fail("ends with a lone `%-`".to_owned())),
                },
                Some('%') => Item::Literal('%'),
                Some(other) => {
                    return Err(fail(format!("has the unsupported directive `%{other}`")));
                }
                None => return Err(fail("ends with a lone `%`".to_owned())),
            },
            c if c.is_whitespace() => Item::Whitespace,
            c => Item::Literal(c),
        };
        items.push(item);
    }
    let count = |wanted: &[Item]| items.iter().filter(|i| wanted.contains(i)).count();
    for (what, kinds) in [
        ("year", &[Item::Year, Item::ShortYear][..]),
        (
            "month",
            &[
                Item::Month,
                Item::ShortMonth,
                Item::MonthAbbreviation,
                Item::MonthName,
            ][..],
        ),
    ] {
        match count(kinds) {
            1 => {}
            0 => return Err(fail(format!("has no {what}"))),
            _ => return Err(fail(format!("has more than one {what}"))),
        }
    }
    // A day, an hour, a minute and a second are each optional, but none
    // without the one before: a month, a day, or a day and time.
    for (what, kinds) in [
        ("day", &[Item::Day, Item::ShortDay, Item::PaddedDay][..]),
        ("hour", &[Item::Hour][..]),
        ("minute", &[Item::Minute][..]),
        ("second", &[Item::Second][..]),
    ] {
        if count(kinds) > 1 {
            return Err(fail(format!("has more than one {what}")));
        }
    }
    let has = |item: Item| items.contains(&item);
    let day = count(&[Item::Day, Item::ShortDay, Item::PaddedDay]) == 1;
    let (hour, minute, second) = (has(Item::Hour), has(Item::Minute), has(Item::Second));
    let missing = if (hour || minute || second) && !day {
        Some("has a time but no day")
    } else if hour && !minute {
        Some("has an hour but no minute")
    } else if (minute || second) && !hour {
        Some("has minutes or seconds but no hour")
    } else if has(Item::Fraction) && !second {
        Some("has a fraction of a second but no second")
    } else {
        None
    };
    if let Some(reason) = missing {
        return Err(fail(reason.to_owned()));
    }
    Ok(items)
}

fn match_items(value: &str, items: &[Item]) -> Option<Fields> {
    let mut rest = value;
    let (mut year, mut month) = (0, 0);
    let mut day: Option<i32> = None;
    let (mut hour, mut minute, mut second): (Option<i32>, Option<i32>, Option<i32>) =
        (None, None, None);
    for item in items {
        match *item {
            Item::Year => year = take_digits(&mut rest, 4, 4)?,
            Item::ShortYear => {
                let yy = take_digits(&mut rest, 2, 2)?;
                let century = if yy < i32::from(TWO_DIGIT_YEAR_PIVOT) {
                    2000
                } else {
                    1900
                };
                year = century + yy;
            }
            Item::Month => month = take_digits(&mut rest, 2, 2)?,
            Item::ShortMonth => month = take_digits(&mut rest, 1, 2)?,
            Item::Day => day = Some(take_digits(&mut rest, 2, 2)?),
            Item::ShortDay => day = Some(take_digits(&mut rest, 1, 2)?),
            Item::PaddedDay => {
                rest = rest.strip_prefix(' ').unwrap_or(rest);
                day = Some(take_digits(&mut rest, 1, 2)?);
            }
            Item::Hour => hour = Some(take_digits(&mut rest, 2, 2)?),
            Item::Minute => minute = Some(take_digits(&mut rest, 2, 2)?),
            Item::Second => second = Some(take_digits(&mut rest, 2, 2)?),
            Item::Fraction => {
                take_digits(&mut rest, 1, 9)?;
            }
            Item::MonthAbbreviation => month = take_month_name(&mut rest, true)?,
            Item::MonthName => month = take_month_name(&mut rest, false)?,
            Item::Whitespace => {
                let trimmed = rest.trim_start();
                if trimmed.len() == rest.len() {
                    return None;
                }
                rest = trimmed;
            }
            Item::Literal(c) => {
                let next = rest.chars().next()?;
                if !next.eq_ignore_ascii_case(&c) {
                    return None;
                }
                rest = &rest[next.len_utf8()..];
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    let small = |n: i32| u8::try_from(n).ok();
    let second = match second {
        Some(s) => Some(small(s)?),
        None => None,
    };
    let time = match (hour, minute) {
        (Some(h), Some(m)) => Some((small(h)?, small(m)?, second)),
        _ => None,
    };
    let day = match day {
        Some(d) => Some(small(d)?),
        None => None,
    };
    Some(Fields {
        year,
        month: small(month)?,
        day,
        time,
    })
}

/// Takes between `min` and `max` ASCII digits, as many as there are.
fn take_digits(rest: &mut &str, min: usize, max: usize) -> Option<i32> {
    let len = rest
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if len < min {
        return None;
    }
    let (digits, after) = rest.split_at(len);
    *rest = after;
    Some(number(digits.as_bytes()))
}

/// Takes an English month name, its three-letter abbreviation or in full,
/// and gives its number.
fn take_month_name(rest: &mut &str, abbreviated: bool) -> Option<i32> {
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let word = rest.get(..letters)?.to_ascii_lowercase();
    let index = MONTHS.iter().position(|full| {
        if abbreviated {
            full.get(..3) == Some(word.as_str())
        } else {
            *full == word
        }
    })?;
    *rest = rest.get(letters..)?;
    i32::try_from(index + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn iso_is_strict() {
        assert_eq!(Date::parse_iso("1984-07-03"), Ok(date(1984, 7, 3)));
        assert_eq!(Date::parse_iso(" 1984-07-03\n"), Ok(date(1984, 7, 3)));
        for bad in ["1984-7-3", "84-07-03", "1984/07/03", "1984-07-03T00:00", ""] {
            assert!(Date::parse_iso(bad).is_err(), "{bad:?}");
        }
    }

    // issue 15, class 9: directives mean what they mean to strftime.
    #[test]
    fn numeric_directives_take_the_digits_strftime_writes() {
        let f = &["%d/%m/%Y"];
        assert_eq!(parse_date("03/07/1984", f), Ok(date(1984, 7, 3)));
        for unpadded in ["3/7/1984", "03/7/1984", "3/07/1984"] {
            assert!(parse_date(unpadded, f).is_err(), "{unpadded}");
        }
        let short = &["%-d/%-m/%Y"];
        assert_eq!(parse_date("3/7/1984", short), Ok(date(1984, 7, 3)));
        assert_eq!(parse_date("03/07/1984", short), Ok(date(1984, 7, 3)));
        assert_eq!(parse_date("19840703", &["%Y%m%d"]), Ok(date(1984, 7, 3)));
        assert!(parse_date("1984073", &["%Y%m%d"]).is_err());
        assert!(parse_date("3/7/84", f).is_err());
    }

    #[test]
    fn two_digit_years_pivot() {
        let f = &["%d/%m/%y"];
        assert_eq!(parse_date("01/01/29", f), Ok(date(2029, 1, 1)));
        assert_eq!(parse_date("01/01/30", f), Ok(date(1930, 1, 1)));
        assert_eq!(parse_date("01/01/00", f), Ok(date(2000, 1, 1)));
        assert_eq!(parse_date("01/01/99", f), Ok(date(1999, 1, 1)));
    }

    // issue 15, class 9: `%b` is the abbreviation, `%B` the full name.
    #[test]
    fn month_names_abbreviated_with_b_and_in_full_with_capital_b() {
        assert_eq!(
            parse_date("03 Jul 1984", &["%d %b %Y"]),
            Ok(date(1984, 7, 3))
        );
        assert_eq!(
            parse_date("03 jul 1984", &["%d %h %Y"]),
            Ok(date(1984, 7, 3))
        );
        assert_eq!(
            parse_date("03 JULY 1984", &["%d %B %Y"]),
            Ok(date(1984, 7, 3))
        );
        assert_eq!(parse_date("03-Sep-84", &["%d-%b-%y"]), Ok(date(1984, 9, 3)));
        for (value, format) in [
            ("03 July 1984", "%d %b %Y"),
            ("03-Sept-84", "%d-%b-%y"),
            ("03 Jul 1984", "%d %B %Y"),
            ("03 Jux 1984", "%d %b %Y"),
            ("03 Ju 1984", "%d %b %Y"),
        ] {
            assert!(parse_date(value, &[format]).is_err(), "{value} as {format}");
        }
        // A column that mixes them lists both.
        let both = &["%d %b %Y", "%d %B %Y"];
        assert_eq!(parse_date("03 Sep 1984", both), Ok(date(1984, 9, 3)));
        assert_eq!(parse_date("03 September 1984", both), Ok(date(1984, 9, 3)));
        assert_eq!(
            parse_date("July  3, 1984", &["%B %e, %Y"]),
            Ok(date(1984, 7, 3))
        );
        assert_eq!(
            parse_date("Jul  3 1984", &["%b %e %Y"]),
            Ok(date(1984, 7, 3))
        );
    }

    #[test]
    fn formats_are_tried_in_order() {
        let formats = &["iso", "%d/%m/%Y", "%m/%d/%Y"];
        assert_eq!(parse_date("2001-02-03", formats), Ok(date(2001, 2, 3)));
        assert_eq!(parse_date("02/03/2001", formats), Ok(date(2001, 3, 2)));
        // Only the American order gives a real date.
        assert_eq!(parse_date("02/13/2001", formats), Ok(date(2001, 2, 13)));
    }

    #[test]
    fn a_fitting_shape_with_no_such_day_says_so() {
        assert_eq!(
            parse_date("31/02/2020", &["iso", "%d/%m/%Y"]),
            Err(TextError::DateNonexistent {
                value: "31/02/2020".into(),
                format: "%d/%m/%Y".into(),
            })
        );
    }

    #[test]
    fn nothing_fitting_names_value_and_formats() {
        let e = parse_date("yesterday", &["iso", "%d/%m/%Y"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "date `yesterday` matches none of the formats `iso`, `%d/%m/%Y`"
        );
        assert!(parse_date("1984-07-03", &[]).is_err());
        assert!(parse_date("03/07/1984x", &["%d/%m/%Y"]).is_err());
    }

    #[test]
    fn malformed_formats_are_reported() {
        for (format, reason) in [
            ("%d/%m/%Q", "has the unsupported directive `%Q`"),
            ("%d/%m/%", "ends with a lone `%`"),
            ("%d/%-q/%Y", "has the unsupported directive `%-q`"),
            ("%-d/%m/%-", "ends with a lone `%-`"),
            ("%d %b %B %Y", "has more than one month"),
            ("%d/%m", "has no year"),
            ("%d %Y", "has no month"),
            ("%H:%M %m %Y", "has a time but no day"),
            ("%d/%m/%Y %H", "has an hour but no minute"),
            ("%d/%m/%Y %M:%S", "has minutes or seconds but no hour"),
            ("%d/%m/%Y %H:%S", "has an hour but no minute"),
            ("%d/%m/%Y %H:%M %H", "has more than one hour"),
            ("%d %d %m %Y", "has more than one day"),
        ] {
            assert_eq!(
                parse_date("1", &[format]),
                Err(TextError::DateFormat {
                    format: format.into(),
                    reason: reason.into(),
                })
            );
        }
    }

    // issue 16, item 3 (I2): a format without a day reads a month.
    #[test]
    fn formats_without_a_day_read_a_month() {
        let month = |s: &str, f: &str| {
            DateFormats::new(&[f])
                .and_then(|d| d.parse_value(s))
                .map(|v| v.to_string())
        };
        assert_eq!(month("07/1984", "%m/%Y").as_deref(), Ok("1984-07"));
        assert_eq!(month("Jul 1984", "%b %Y").as_deref(), Ok("1984-07"));
        assert_eq!(month("JULY 1984", "%B %Y").as_deref(), Ok("1984-07"));
        assert_eq!(month("1984-07", "%Y-%m").as_deref(), Ok("1984-07"));
        assert!(month("July 1984", "%b %Y").is_err());
        assert!(matches!(
            month("13/1984", "%m/%Y"),
            Err(TextError::DateNonexistent { .. })
        ));
        // A month names no day, so it is no `Date`.
        assert!(parse_date("07/1984", &["%m/%Y"]).is_err());
        assert_eq!(
            parse_date("07/1984", &["%m/%Y", "%d/%m/%Y"]),
            Err(TextError::DateNoDay {
                value: "07/1984".into(),
                format: "%m/%Y".into()
            }),
            "a month is not read as its first day"
        );
    }

    // issue 16, item 3 (I2): time directives read a timestamp.
    #[test]
    fn time_directives_read_a_timestamp() {
        let read = |s: &str, f: &str| {
            DateFormats::new(&[f])
                .and_then(|d| d.parse_value(s))
                .map(|v| v.to_string())
        };
        assert_eq!(
            read("03/07/1984 14:05", "%d/%m/%Y %H:%M").as_deref(),
            Ok("1984-07-03T14:05")
        );
        assert_eq!(
            read("1984-07-03T14:05:09", "%Y-%m-%dT%H:%M:%S").as_deref(),
            Ok("1984-07-03T14:05:09")
        );
        assert!(matches!(
            read("03/07/1984 24:05", "%d/%m/%Y %H:%M"),
            Err(TextError::DateNonexistent { .. })
        ));
        // As a `Date`, a timestamp is its day.
        assert_eq!(
            parse_date("03/07/1984 14:05", &["%d/%m/%Y %H:%M"]),
            Ok(date(1984, 7, 3))
        );
    }

    #[test]
    fn literal_percent_and_letters() {
        assert_eq!(
            parse_date("1984%07%03", &["%Y%%%m%%%d"]),
            Ok(date(1984, 7, 3))
        );
        assert_eq!(
            parse_date("1984t07t03", &["%YT%mT%d"]),
            Ok(date(1984, 7, 3))
        );
    }

    #[test]
    fn spreadsheet_day_numbers_and_fractions_of_a_second() {
        let excel = DateFormats::new(&["excel"]).unwrap();
        assert_eq!(excel.parse("44197"), Ok(date(2021, 1, 1)));
        assert_eq!(excel.parse("61"), Ok(date(1900, 3, 1)));
        assert_eq!(excel.parse("59"), Ok(date(1900, 2, 28)));
        assert_eq!(excel.parse("1"), Ok(date(1900, 1, 1)));
        for no_day in ["0", "60"] {
            assert!(matches!(
                excel.parse(no_day),
                Err(TextError::DateNonexistent { .. })
            ));
        }
        assert!(excel.parse("44197.5").is_err());
        let e = parse_date("44197", &["%d/%m/%Y"]).unwrap_err().to_string();
        assert!(e.contains("add the format `excel`"), "{e}");
        let f = DateFormats::new(&["%Y-%m-%d %H:%M:%S.%f"]).unwrap();
        assert_eq!(
            f.parse("2021-01-02 03:04:05.123456789"),
            Ok(date(2021, 1, 2))
        );
        assert!(f.parse("2021-01-02 03:04:05.").is_err());
        assert!(DateFormats::new(&["%Y-%m-%d %H:%M.%f"]).is_err());
    }
}
