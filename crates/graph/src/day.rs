//! Calendar days for relationship dates. Source data often gives only a year
//! or a month, so a partial date is read as the widest span it may mean.

use std::fmt;

use crate::GraphError;

/// Days since 1970-01-01 (proleptic Gregorian), so that spans compare as
/// integers on the traversal's hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day `YYYY-MM-DD` names; `None` if it is no real date.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self(days_from_civil(year, month, day)))
    }

    /// The first day `text` may mean: `2012` is 2012-01-01, `2012-05` is
    /// 2012-05-01.
    pub fn parse_earliest(text: &str) -> Result<Self, GraphError> {
        let (year, month, day) = parse_parts(text)?;
        Self::from_ymd(year, month.unwrap_or(1), day.unwrap_or(1))
            .ok_or_else(|| GraphError::Date(text.to_string()))
    }

    /// The last day `text` may mean: `2012` is 2012-12-31, `2012-02` is
    /// 2012-02-29.
    pub fn parse_latest(text: &str) -> Result<Self, GraphError> {
        let (year, month, day) = parse_parts(text)?;
        let month = month.unwrap_or(12);
        let day = day.unwrap_or_else(|| days_in_month(year, month));
        Self::from_ymd(year, month, day).ok_or_else(|| GraphError::Date(text.to_string()))
    }
}

/// ISO 8601 `YYYY-MM-DD`.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// When a relationship held, both ends inclusive; an unknown end is open, so
/// an undated relationship overlaps every range rather than vanishing from a
/// dated query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: Option<Day>,
    pub end: Option<Day>,
}

impl Span {
    /// Refuses a span that ends before it starts: that is bad source data,
    /// and guessing which end is wrong would hide it.
    pub fn new(start: Option<Day>, end: Option<Day>) -> Result<Self, GraphError> {
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(GraphError::Span {
                start: s.to_string(),
                end: e.to_string(),
            });
        }
        Ok(Self { start, end })
    }

    /// From the date strings of a relationship record, each widened to the
    /// most it may mean (`2012` to `2012` is the whole year).
    pub fn parse(start: Option<&str>, end: Option<&str>) -> Result<Self, GraphError> {
        Self::new(
            start.map(Day::parse_earliest).transpose()?,
            end.map(Day::parse_latest).transpose()?,
        )
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        let (a0, a1) = self.bounds();
        let (b0, b1) = other.bounds();
        a0 <= b1 && b0 <= a1
    }

    pub(crate) fn bounds(&self) -> (i32, i32) {
        (
            self.start.map_or(i32::MIN, |d| d.0),
            self.end.map_or(i32::MAX, |d| d.0),
        )
    }

    pub(crate) fn from_bounds(start: i32, end: i32) -> Self {
        Self {
            start: (start != i32::MIN).then_some(Day(start)),
            end: (end != i32::MAX).then_some(Day(end)),
        }
    }
}

fn parse_parts(text: &str) -> Result<(i32, Option<u32>, Option<u32>), GraphError> {
    let bad = || GraphError::Date(text.to_string());
    // A timestamp (`2012-05-03T14:05`, as a mapping with time directives
    // stores it) falls on its day.
    let date = match text.split_once('T') {
        Some((date, time)) if date.len() == 10 && is_time(time) => date,
        _ => text,
    };
    let mut parts = date.split('-');
    let year = parts.next().filter(|p| p.len() == 4).ok_or_else(bad)?;
    let number = |p: &str, len: usize| {
        if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse::<u32>().ok()
        } else {
            None
        }
    };
    let year = number(year, 4).ok_or_else(bad)?;
    let month = parts
        .next()
        .map(|p| number(p, 2).ok_or_else(bad))
        .transpose()?;
    let day = parts
        .next()
        .map(|p| number(p, 2).ok_or_else(bad))
        .transpose()?;
    if parts.next().is_some() {
        return Err(bad());
    }
    let year = i32::try_from(year).map_err(|_| bad())?;
    Ok((year, month, day))
}

/// `HH:MM` or `HH:MM:SS`.
fn is_time(t: &str) -> bool {
    let b = t.as_bytes();
    (b.len() == 5 || b.len() == 8)
        && b.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b':'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's civil-to-days algorithm (proleptic Gregorian).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i32;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of `days_from_civil`.
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = i64::from(z) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let first = Day::parse_earliest("1800-01-01").unwrap().0;
        let last = Day::parse_earliest("2200-12-31").unwrap().0;
        for n in first..=last {
            let text = Day(n).to_string();
            assert_eq!(Day::parse_earliest(&text).unwrap(), Day(n), "{text}");
        }
        assert_eq!(Day::parse_earliest("1970-01-01").unwrap(), Day(0));
        assert_eq!(Day::parse_earliest("2000-03-01").unwrap(), Day(11_017));
    }

    // issue 16, item 3 (I2): a timestamp's span is its day.
    #[test]
    fn timestamps_fall_on_their_day() {
        let span = Span::parse(Some("2012-05-03T14:05"), Some("2012-05-04T09:30:15")).unwrap();
        assert_eq!(span.start.unwrap().to_string(), "2012-05-03");
        assert_eq!(span.end.unwrap().to_string(), "2012-05-04");
        for bad in [
            "2012-05-03T",
            "2012-05-03T1405",
            "2012-05T14:05",
            "2012-05-03T14:05Z",
        ] {
            assert!(Day::parse_earliest(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn partial_dates_widen() {
        let span = Span::parse(Some("2012"), Some("2012-02")).unwrap();
        assert_eq!(span.start.unwrap().to_string(), "2012-01-01");
        assert_eq!(span.end.unwrap().to_string(), "2012-02-29");
        let year = Span::parse(Some("2013"), Some("2013")).unwrap();
        assert_eq!(year.end.unwrap().to_string(), "2013-12-31");
    }

    #[test]
    fn refuses_bad_dates_and_backwards_spans() {
        for bad in [
            "",
            "12",
            "2012-2",
            "2012-13",
            "2012-02-30",
            "2012-01-01T",
            "x012",
            "2012-01-01-01",
            "+012",
        ] {
            assert!(Day::parse_earliest(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            Span::parse(Some("2012-05-02"), Some("2012-05-01")),
            Err(GraphError::Span { .. })
        ));
    }

    #[test]
    fn open_ends_overlap_everything() {
        let day = |s| Some(Day::parse_earliest(s).unwrap());
        let open = Span::default();
        let y2012 = Span::new(day("2012-01-01"), day("2012-12-31")).unwrap();
        let from2013 = Span::new(day("2013-01-01"), None).unwrap();
        let until2012 = Span::new(None, day("2012-01-01")).unwrap();
        assert!(open.overlaps(&y2012));
        assert!(!y2012.overlaps(&from2013));
        assert!(until2012.overlaps(&y2012));
        assert!(!until2012.overlaps(&from2013));
        assert_eq!(Span::from_bounds(y2012.bounds().0, i32::MAX).end, None);
    }
}
