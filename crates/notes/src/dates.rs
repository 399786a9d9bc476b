//! Dates in free text: absolute ("12/03/2025", "12 March 2025", "12th
//! Mar"), and relative to the note's own date ("yesterday", "last Tuesday",
//! "next week", "in two weeks"). Shared by the detector, the citation gate
//! and the chronology.

use clearstone_text::Date;
use clearstone_text::date::days_in_month;

use crate::words::{Token, number_value};

/// What a date expression says, before it is resolved against a note's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// A day; the year when written.
    Day {
        year: Option<i32>,
        month: u8,
        day: u8,
    },
    /// A month of a year ("March 2025").
    Month { year: i32, month: u8 },
    /// Days, weeks or months from the note's date ("yesterday" is -1 day).
    Offset { amount: i64, unit: Unit },
    /// A weekday: `shift` -1 for "last", 1 for "next", 0 for bare "on
    /// Tuesday", taken as the latest one on or before the note's date.
    Weekday { weekday: u8, shift: i8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
}

/// A date expression found in text, in byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateExpr {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) when: When,
}

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
/// Monday first, as ISO 8601 numbers weekdays.
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Weekdays as written before a date ("Wed 12/03"); alone, "Sat" and "Sun"
/// are more often other words.
const WEEKDAY_SHORT: &[&str] = &[
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
];

/// Words before a weekday that make it a habit, not a day.
const HABIT_BEFORE: &[&str] = &["every", "each", "most", "alternate", "some"];
/// Words after a weekday that make it a habit, not a day.
const HABIT_AFTER: &[&str] = &["mornings", "afternoons", "evenings", "nights"];

/// A month name, full or abbreviated ("Mar", "Sept"), capitalised as a
/// month is in English: lowercase "may" and "march" are verbs.
fn month(word: &str) -> Option<u8> {
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let w = word.trim_end_matches('.');
    for (i, m) in MONTHS.iter().enumerate() {
        let abbreviation = (w.len() == 3 || w.eq_ignore_ascii_case("sept"))
            && m.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
        if m.eq_ignore_ascii_case(w) || abbreviation {
            return u8::try_from(i + 1).ok();
        }
    }
    None
}

/// A capitalised month or weekday ("March", "Sept", "Tuesday"): a time,
/// not a person, wherever a capital letter might suggest a name.
pub(crate) fn names_a_time(word: &str) -> bool {
    month(word).is_some() || weekday(word).is_some()
}

pub(crate) fn weekday(word: &str) -> Option<u8> {
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let w = word.strip_suffix("'s").unwrap_or(word);
    WEEKDAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(w))
        .and_then(|i| u8::try_from(i).ok())
}

/// Days of the month as ordinal words, "first" to "twentieth"; the rest
/// are "twenty-" or "thirty-" and one of the first nine, and "thirtieth".
const ORDINAL_DAYS: [&str; 20] = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

/// A day of the month written as an ordinal word ("third", "twenty-first").
fn ordinal_day(word: &str) -> Option<u8> {
    // Every word of a note is asked: most end in no ordinal's ending.
    let ending = word.get(word.len().saturating_sub(2)..)?;
    if !["st", "nd", "rd", "th"]
        .iter()
        .any(|e| e.eq_ignore_ascii_case(ending))
    {
        return None;
    }
    let at = |w: &str| {
        ORDINAL_DAYS
            .iter()
            .position(|o| o.eq_ignore_ascii_case(w))
            .and_then(|i| u8::try_from(i + 1).ok())
    };
    if word.eq_ignore_ascii_case("thirtieth") {
        return Some(30);
    }
    match word.split_once('-') {
        Some((tens, unit)) if tens.eq_ignore_ascii_case("twenty") => {
            at(unit).filter(|u| *u < 10).map(|u| 20 + u)
        }
        Some((tens, unit))
            if tens.eq_ignore_ascii_case("thirty") && unit.eq_ignore_ascii_case("first") =>
        {
            Some(31)
        }
        Some(_) => None,
        None => at(word),
    }
}

/// A day of the month as written: "12", "12th", "1st", "third".
fn day_number(word: &str) -> Option<u8> {
    if word.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
        return ordinal_day(word);
    }
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = word.get(digits.len()..).unwrap_or_default();
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !["", "st", "nd", "rd", "th"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(suffix))
    {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_number(word: &str) -> Option<i32> {
    if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok().filter(|y| (1900..=2100).contains(y));
    }
    None
}

fn valid(year: Option<i32>, month: u8, day: u8) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year.unwrap_or(2024), month)
}

/// The text between two tokens.
fn gap<'a>(text: &'a str, a: &Token<'_>, b: &Token<'_>) -> &'a str {
    text.get(a.end..b.start).unwrap_or("\u{0}")
}

/// Every date expression in `text`, in order, not overlapping.
pub(crate) fn scan(text: &str, toks: &[Token<'_>]) -> Vec<DateExpr> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match at(text, toks, i) {
            Some((used, start, end, when)) => {
                out.push(DateExpr { start, end, when });
                i += used.max(1);
            }
            None => i += 1,
        }
    }
    out
}

/// The date expression starting at token `i`: tokens used, byte span, what.
fn at(text: &str, toks: &[Token<'_>], i: usize) -> Option<(usize, usize, usize, When)> {
    let t = toks.get(i)?;
    let next = |k: usize| toks.get(i + k);
    let w: &str = &t.low;
    // Numeric: 12/03/2025, 12-03-25, 12.03.2025, and ISO 2025-03-12.
    if t.is_number()
        && let (Some(b), Some(c)) = (next(1), next(2))
        && b.is_number()
        && c.is_number()
    {
        let s1 = gap(text, t, b);
        let s2 = gap(text, b, c);
        if s1 == s2 && matches!(s1, "/" | "-" | ".") {
            if t.text.len() == 4 && s1 == "-" {
                let (y, m, d) = (
                    t.text.parse().ok()?,
                    b.text.parse().ok()?,
                    c.text.parse().ok()?,
                );
                if valid(Some(y), m, d) {
                    return Some((
                        3,
                        t.start,
                        c.end,
                        When::Day {
                            year: Some(y),
                            month: m,
                            day: d,
                        },
                    ));
                }
            } else if t.text.len() <= 2 && b.text.len() <= 2 && matches!(c.text.len(), 2 | 4) {
                let (d, m): (u8, u8) = (t.text.parse().ok()?, b.text.parse().ok()?);
                let y: i32 = c.text.parse().ok()?;
                let y = if c.text.len() == 2 {
                    if y < 70 { 2000 + y } else { 1900 + y }
                } else {
                    y
                };
                if valid(Some(y), m, d) {
                    return Some((
                        3,
                        t.start,
                        c.end,
                        When::Day {
                            year: Some(y),
                            month: m,
                            day: d,
                        },
                    ));
                }
            }
        }
    }
    // 12/03 without a year, only after "on" or a weekday: alone it may be
    // a fraction or a score.
    if t.is_number()
        && let Some(b) = next(1)
        && b.is_number()
        && gap(text, t, b) == "/"
        && !next(2).is_some_and(|c| c.is_number() && gap(text, b, c) == "/")
        && i.checked_sub(1).and_then(|p| toks.get(p)).is_some_and(|p| {
            &*p.low == "on" || weekday(p.text).is_some() || WEEKDAY_SHORT.contains(&&*p.low)
        })
        && t.text.len() <= 2
        && b.text.len() <= 2
    {
        let (d, m): (u8, u8) = (t.text.parse().ok()?, b.text.parse().ok()?);
        if valid(None, m, d) {
            return Some((
                2,
                t.start,
                b.end,
                When::Day {
                    year: None,
                    month: m,
                    day: d,
                },
            ));
        }
    }
    // 12 March 2025, 12th of March, 12 Mar, 07-Mar-2025.
    if let Some(d) = day_number(t.text) {
        let mut k = 1;
        if next(k).is_some_and(|o| o.text == "of") {
            k += 1;
        }
        if let Some(m) = next(k).and_then(|m| month(m.text)) {
            let mut end = next(k).map_or(t.end, |m| m.end);
            let mut used = k + 1;
            let year = next(k + 1).and_then(|y| year_number(y.text));
            if let (Some(_), Some(y)) = (year, next(k + 1)) {
                end = y.end;
                used += 1;
            }
            if valid(year, m, d) {
                return Some((
                    used,
                    t.start,
                    end,
                    When::Day {
                        year,
                        month: m,
                        day: d,
                    },
                ));
            }
        }
    }
    // March 12th, 2025; March 2025.
    if let Some(m) = month(t.text) {
        if let Some(d) = next(1).and_then(|d| day_number(d.text)) {
            let year = next(2).and_then(|y| year_number(y.text));
            let (used, end) = match (year, next(2)) {
                (Some(_), Some(y)) => (3, y.end),
                _ => (2, next(1).map_or(t.end, |d| d.end)),
            };
            if valid(year, m, d) {
                return Some((
                    used,
                    t.start,
                    end,
                    When::Day {
                        year,
                        month: m,
                        day: d,
                    },
                ));
            }
        }
        if let Some(y) = next(1).and_then(|y| year_number(y.text)) {
            let end = next(1).map_or(t.end, |n| n.end);
            return Some((2, t.start, end, When::Month { year: y, month: m }));
        }
    }
    // Weekdays: last Tuesday, next Friday, this Monday, (on) Monday.
    if matches!(w, "last" | "next" | "this")
        && let Some(day) = next(1).and_then(|d| weekday(d.text))
    {
        let shift = match w {
            "last" => -1,
            "next" => 1,
            _ => 0,
        };
        let end = next(1).map_or(t.end, |d| d.end);
        return Some((
            2,
            t.start,
            end,
            When::Weekday {
                weekday: day,
                shift,
            },
        ));
    }
    if let Some(day) = weekday(t.text) {
        // "every Friday", "Sunday mornings": a habit, which names no day.
        let before = i.checked_sub(1).and_then(|p| toks.get(p));
        let habit = before.is_some_and(|p| HABIT_BEFORE.contains(&&*p.low))
            || next(1).is_some_and(|n| HABIT_AFTER.contains(&&*n.low));
        if habit {
            return None;
        }
        return Some((
            1,
            t.start,
            t.end,
            When::Weekday {
                weekday: day,
                shift: 0,
            },
        ));
    }
    // One-word relative days.
    let offset = match w {
        "yesterday" => Some(-1),
        "today" | "tonight" => Some(0),
        "tomorrow" => Some(1),
        _ => None,
    };
    if let Some(amount) = offset {
        return Some((
            1,
            t.start,
            t.end,
            When::Offset {
                amount,
                unit: Unit::Day,
            },
        ));
    }
    // this morning / afternoon / evening; last night.
    if let Some(n) = next(1) {
        let nl: &str = &n.low;
        let part = matches!(nl, "morning" | "afternoon" | "evening");
        if (w == "this" && part) || (w == "last" && nl == "night") {
            let amount = if w == "last" { -1 } else { 0 };
            return Some((
                2,
                t.start,
                n.end,
                When::Offset {
                    amount,
                    unit: Unit::Day,
                },
            ));
        }
        // last week, next month, this week.
        if let (Some(sign), Some(unit)) = (sign_word(w), unit_word(nl)) {
            return Some((2, t.start, n.end, When::Offset { amount: sign, unit }));
        }
    }
    // in two weeks('s time), two weeks ago, in 3 days; "a week ago".
    let (lead, count_at) = if w == "in" { (true, i + 1) } else { (false, i) };
    // The unit first: it is one cheap match, and rules out nearly every word.
    if let Some(u) = toks.get(count_at + 1)
        && let Some(unit) = unit_word(&u.low)
        && let Some(count) = toks.get(count_at).and_then(|c| count_value(&c.low))
    {
        let amount = i64::try_from(count).ok()?;
        if lead {
            let mut end = u.end;
            let mut used = 3;
            // "in two weeks' time"
            if let Some(tm) = toks.get(count_at + 2)
                && tm.low == "time"
            {
                end = tm.end;
                used += 1;
            }
            return Some((used, t.start, end, When::Offset { amount, unit }));
        }
        if let Some(ago) = toks.get(count_at + 2)
            && ago.low == "ago"
        {
            return Some((
                3,
                t.start,
                ago.end,
                When::Offset {
                    amount: -amount,
                    unit,
                },
            ));
        }
        if let Some(tm) = toks.get(count_at + 2)
            && tm.low == "time"
            && text
                .get(u.end..tm.start)
                .is_some_and(|g| g.starts_with('\''))
        {
            return Some((3, t.start, tm.end, When::Offset { amount, unit }));
        }
    }
    None
}

fn count_value(w: &str) -> Option<u64> {
    if w == "a" || w == "one" {
        return Some(1);
    }
    number_value(w).filter(|n| *n > 0 && *n <= 60)
}

fn sign_word(w: &str) -> Option<i64> {
    match w {
        "last" | "previous" => Some(-1),
        "next" | "following" => Some(1),
        "this" => Some(0),
        _ => None,
    }
}

fn unit_word(w: &str) -> Option<Unit> {
    match w.trim_end_matches('\'') {
        "day" | "days" => Some(Unit::Day),
        "week" | "weeks" | "week's" | "weeks's" => Some(Unit::Week),
        "month" | "months" | "month's" => Some(Unit::Month),
        _ => None,
    }
}

/// A note's date, if it has a valid one.
pub(crate) fn note_date(date: Option<&str>) -> Option<Date> {
    Date::parse_iso(date?.trim()).ok()
}

/// Days in a week, for weekday arithmetic.
const WEEK: i64 = 7;

/// 1970-01-01 was a Thursday (ISO weekday 3 counting Monday as 0).
fn weekday_of(date: Date) -> i64 {
    (date.days_since_epoch() + 3).rem_euclid(WEEK)
}

/// How precise a resolved date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    Day,
    Week,
    Month,
}

/// A date expression resolved against the note's date: the ISO form
/// ("2025-03-12", or "2025-03" for a month) and the day the chronology
/// sorts it by. Without a note date, only absolute dates with a year
/// resolve; a day without a year takes the note's year, or the year before
/// when that would put it more than half a year after the note.
pub(crate) fn resolve(when: When, note: Option<Date>) -> Option<(String, Date, Precision)> {
    match when {
        When::Day { year, month, day } => {
            let year = match (year, note) {
                (Some(y), _) => y,
                (None, Some(n)) => {
                    let same = Date::new(n.year(), month, day).ok()?;
                    if n.days_until(same) > 183 {
                        n.year() - 1
                    } else {
                        n.year()
                    }
                }
                (None, None) => return None,
            };
            let d = Date::new(year, month, day).ok()?;
            Some((iso(d), d, Precision::Day))
        }
        When::Month { year, month } => {
            let d = Date::new(year, month, 1).ok()?;
            Some((format!("{year:04}-{month:02}"), d, Precision::Month))
        }
        When::Offset { amount, unit } => {
            let n = note?;
            match unit {
                Unit::Day => {
                    let d = n.add_days(amount).ok()?;
                    Some((iso(d), d, Precision::Day))
                }
                Unit::Week => {
                    let d = n.add_days(amount * WEEK).ok()?;
                    Some((iso(d), d, Precision::Week))
                }
                Unit::Month => {
                    let months = i64::from(n.year()) * 12 + i64::from(n.month()) - 1 + amount;
                    let year = i32::try_from(months.div_euclid(12)).ok()?;
                    let month = u8::try_from(months.rem_euclid(12) + 1).ok()?;
                    let d = Date::new(year, month, 1).ok()?;
                    Some((format!("{year:04}-{month:02}"), d, Precision::Month))
                }
            }
        }
        When::Weekday { weekday, shift } => {
            let n = note?;
            let today = weekday_of(n);
            let back = (today - i64::from(weekday)).rem_euclid(WEEK);
            let days = match shift {
                -1 => -(if back == 0 { WEEK } else { back }),
                1 => {
                    let ahead = (i64::from(weekday) - today).rem_euclid(WEEK);
                    if ahead == 0 { WEEK } else { ahead }
                }
                _ => -back,
            };
            let d = n.add_days(days).ok()?;
            Some((iso(d), d, Precision::Day))
        }
    }
}

fn iso(d: Date) -> String {
    let mut s = String::with_capacity(10);
    d.push_iso(&mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::tokens;

    fn found(text: &str, note: &str) -> Vec<(String, String)> {
        let toks = tokens(text);
        let n = note_date(Some(note));
        scan(text, &toks)
            .into_iter()
            .map(|e| {
                let written = text.get(e.start..e.end).unwrap_or_default().to_string();
                let iso = resolve(e.when, n).map(|r| r.0).unwrap_or_default();
                (written, iso)
            })
            .collect()
    }

    #[test]
    fn absolute_and_relative_dates_resolve() {
        // 2025-03-19 was a Wednesday.
        let got = found(
            "Seen on 12/03/2025 and 14th March, yesterday, last Tuesday, next week, in two weeks' time and on Friday. Review 2025-04-01, 3 days ago.",
            "2025-03-19",
        );
        let want = [
            ("12/03/2025", "2025-03-12"),
            ("14th March", "2025-03-14"),
            ("yesterday", "2025-03-18"),
            ("last Tuesday", "2025-03-18"),
            ("next week", "2025-03-26"),
            ("in two weeks' time", "2025-04-02"),
            ("Friday", "2025-03-14"),
            ("2025-04-01", "2025-04-01"),
            ("3 days ago", "2025-03-16"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    /// Issue 19: a summary writes the day as a word ("the third of May").
    #[test]
    fn days_written_as_ordinal_words() {
        let got = found(
            "Seen on the third of May, the twenty-first of June and the fourteenth March.",
            "2025-03-19",
        );
        let want = [
            ("third of May", "2025-05-03"),
            ("twenty-first of June", "2025-06-21"),
            ("fourteenth March", "2025-03-14"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn verbs_and_impossible_days_are_not_dates() {
        assert!(found("They may march on 31/02/2025.", "2025-03-19").is_empty());
    }

    #[test]
    fn habits_name_no_day() {
        let got = found(
            "They attend every Friday, avoid Sunday mornings and see Nan on Tuesday.",
            "2025-03-19",
        );
        assert_eq!(got, [("Tuesday".to_string(), "2025-03-18".to_string())]);
    }
}
