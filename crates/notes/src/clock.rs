//! Times of day, for the citation gate: "9pm", "11.10 pm", "nine in the
//! evening", "ten past eleven at night", "two in the morning", "ten
//! o'clock", "midnight". A summary writes a note's time in another of
//! these shapes as often as not, and must still be held to the same
//! minute: "2pm" of "two in the morning" is a changed time.

use crate::words::{Token, number_value};

/// Minutes in half a day: a time whose half is not said ("ten o'clock")
/// meets either.
const HALF_DAY_MINUTES: u16 = 12 * 60;

/// A time of day found in a text, by token index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    pub(crate) first: usize,
    pub(crate) last: usize,
    /// Minutes past midnight.
    pub(crate) minutes: u16,
    /// Whether the text says which half of the day ("pm", "in the
    /// morning", "at night").
    pub(crate) half_said: bool,
}

impl Clock {
    /// Whether two times name the same minute, either half of the day
    /// where one does not say which.
    pub(crate) fn meets(&self, other: &Clock) -> bool {
        if self.half_said && other.half_said {
            self.minutes == other.minutes
        } else {
            self.minutes % HALF_DAY_MINUTES == other.minutes % HALF_DAY_MINUTES
        }
    }
}

/// The times of day among `toks`, whose text is `text`.
pub(crate) fn scan(text: &str, toks: &[Token<'_>]) -> Vec<Clock> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match at(text, toks, i) {
            Some(c) => {
                i = c.last + 1;
                out.push(c);
            }
            None => i += 1,
        }
    }
    out
}

fn word<'t>(toks: &'t [Token<'_>], i: usize) -> &'t str {
    toks.get(i).map_or("", |t| &*t.low)
}

/// An hour of the clock, 1 to 12, in digits or words.
fn hour(low: &str) -> Option<u16> {
    number_value(low)
        .filter(|h| (1..=12).contains(h))
        .and_then(|h| u16::try_from(h).ok())
}

/// The time starting at token `i`, if one does.
fn at(text: &str, toks: &[Token<'_>], i: usize) -> Option<Clock> {
    let first = i;
    match word(toks, i) {
        "midnight" => return Some(clock(first, i, 0, true)),
        "midday" | "noon" => return Some(clock(first, i, HALF_DAY_MINUTES, true)),
        _ => {}
    }
    // "half past eleven", "ten past eleven", "quarter to three".
    let (offset, mut i) = match (word(toks, i), word(toks, i + 1)) {
        ("half", "past") => (30i32, i + 2),
        ("quarter", "past") => (15, i + 2),
        ("quarter", "to") => (-15, i + 2),
        (m, "past" | "to") if number_value(m).is_some_and(|m| m < 60) => {
            let m = i32::try_from(number_value(m)?).ok()?;
            (if word(toks, i + 1) == "past" { m } else { -m }, i + 2)
        }
        _ => (0, i),
    };
    let said = offset != 0;
    let t = toks.get(i)?;
    // "3am", "10pm": the hour and its half in one word.
    let (h, mut pm) = match t
        .low
        .strip_suffix("am")
        .or_else(|| t.low.strip_suffix("pm"))
    {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            (hour(digits)?, Some(t.low.ends_with("pm")))
        }
        _ => (hour(&t.low)?, None),
    };
    let mut minutes = 0u16;
    // "11.10 pm", "9:30".
    if pm.is_none()
        && let Some(next) = toks.get(i + 1)
        && text
            .get(t.end..next.start)
            .is_some_and(|g| g == "." || g == ":")
        && next.is_number()
        && next.text.len() == 2
    {
        minutes = next.text.parse().ok().filter(|m| *m < 60)?;
        i += 1;
    }
    let mut marked = pm.is_some() || said || minutes > 0;
    if pm.is_none() {
        match word(toks, i + 1) {
            "am" | "a.m" => (pm, i) = (Some(false), i + 1),
            "pm" | "p.m" => (pm, i) = (Some(true), i + 1),
            "o'clock" => (marked, i) = (true, i + 1),
            _ => {}
        }
    }
    if pm.is_none() {
        // "in the morning", "in the evening", "at night".
        let part = match (word(toks, i + 1), word(toks, i + 2), word(toks, i + 3)) {
            ("in", "the", "morning") => Some((false, 3)),
            ("in", "the", "afternoon" | "evening") => Some((true, 3)),
            ("at", "night", _) => Some((h >= 6 && h != 12, 2)),
            _ => None,
        };
        if let Some((p, len)) = part {
            pm = Some(p);
            i += len;
        }
    }
    if !marked && pm.is_none() {
        return None;
    }
    let base = (h % 12) * 60
        + if pm == Some(true) {
            HALF_DAY_MINUTES
        } else {
            0
        }
        + minutes;
    let total = i32::from(base) + offset;
    let minutes = u16::try_from(total.rem_euclid(24 * 60)).ok()?;
    Some(clock(first, i, minutes, pm.is_some()))
}

fn clock(first: usize, last: usize, minutes: u16, half_said: bool) -> Clock {
    Clock {
        first,
        last,
        minutes,
        half_said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::tokens;

    fn minutes(text: &str) -> Vec<(u16, bool)> {
        scan(text, &tokens(text))
            .iter()
            .map(|c| (c.minutes, c.half_said))
            .collect()
    }

    #[test]
    fn times_in_their_shapes() {
        assert_eq!(minutes("visited at 9pm"), [(21 * 60, true)]);
        assert_eq!(minutes("at nine in the evening"), [(21 * 60, true)]);
        assert_eq!(minutes("at about 11.10 pm"), [(23 * 60 + 10, true)]);
        assert_eq!(minutes("ten past eleven at night"), [(23 * 60 + 10, true)]);
        assert_eq!(minutes("two in the morning"), [(120, true)]);
        assert_eq!(minutes("until 3am"), [(180, true)]);
        assert_eq!(minutes("ten o'clock"), [(600, false)]);
        assert_eq!(
            minutes("between midnight and 4am"),
            [(0, true), (240, true)]
        );
        // A number without a clock's mark is no time.
        assert!(minutes("for two days and ten weeks").is_empty());
    }

    #[test]
    fn times_meet_by_the_minute() {
        let t = |s: &str| scan(s, &tokens(s)).first().copied();
        let (Some(ten), Some(ten_am), Some(ten_pm)) = (t("ten o'clock"), t("10am"), t("10pm"))
        else {
            panic!("not read");
        };
        assert!(ten.meets(&ten_am) && ten.meets(&ten_pm));
        assert!(!ten_am.meets(&ten_pm));
    }
}
