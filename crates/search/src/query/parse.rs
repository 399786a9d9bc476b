//! Query text to clauses, with the position of every mistake.

use clearstone_text::date::days_in_month;
use clearstone_text::name::name_tokens;
use clearstone_text::{Date, Postcode};
use tantivy::tokenizer::TokenStream;

use super::{Clause, DayRange, IdField, QUERY_CHARS_MAX, QUERY_TERMS_MAX, Query, What};
use crate::error::QueryError;
use crate::keys::{compact, id_query_keys, postcode_query_key};
use crate::schema::text_analyser;

/// The fields a query may name, in the order an error lists them.
const FIELDS: &[&str] = &[
    "name", "id", "postcode", "phone", "email", "reg", "text", "born", "date", "type", "dataset",
    "category",
];

/// The subject categories the statement model knows.
pub const CATEGORIES: &[&str] = &["suspect", "victim", "witness", "staff", "child", "other"];

pub(super) fn parse(text: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > QUERY_CHARS_MAX {
        return Err(QueryError::new(
            QUERY_CHARS_MAX + 1,
            format!(
                "the query is {} characters, over the limit query_chars_max = {QUERY_CHARS_MAX}",
                chars.len()
            ),
        ));
    }
    let mut p = Parser {
        chars,
        at: 0,
        terms: 0,
    };
    let mut clauses = Vec::new();
    while let Some(clause) = p.clause()? {
        clauses.extend(clause);
    }
    let clauses = join(clauses);
    if clauses.is_empty() {
        return Err(QueryError::new(
            text.chars().count() + 1,
            "expected a word, a \"phrase\" or field:value to search for",
        ));
    }
    Ok(Query { clauses })
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    terms: usize,
}

/// A value as typed, and the 1-based character position where it starts.
struct Value {
    text: String,
    position: usize,
    quoted: bool,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn position(&self) -> usize {
        self.at + 1
    }

    /// The next clause; `Ok(None)` at the end, `Ok(Some(None))` for a word
    /// with nothing to search in it (punctuation alone), which is skipped.
    fn clause(&mut self) -> Result<Option<Option<Clause>>, QueryError> {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
        let Some(first) = self.peek() else {
            return Ok(None);
        };
        let start = self.position();
        let negated = first == '-';
        if negated {
            self.at += 1;
            if self.peek().is_none_or(char::is_whitespace) {
                return Err(QueryError::new(
                    start + 1,
                    "expected a word, a \"phrase\" or field:value after `-`",
                ));
            }
        }
        let field = self.field()?;
        let value = self.value(field.as_ref())?;
        let what = match &field {
            None => any(&value)?,
            Some((name, pos)) => fielded(name, *pos, &value)?,
        };
        let Some(what) = what else {
            return Ok(Some(None));
        };
        self.count(&what, start)?;
        Ok(Some(Some(Clause { negated, what })))
    }

    /// A field name and its position if the text here is `word:`.
    fn field(&mut self) -> Result<Option<(String, usize)>, QueryError> {
        let start = self.at;
        let mut end = start;
        while self
            .chars
            .get(end)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
        {
            end += 1;
        }
        if end == start || self.chars.get(end) != Some(&':') {
            return Ok(None);
        }
        let name: String = self.chars[start..end].iter().collect();
        let lower = name.to_ascii_lowercase();
        if !FIELDS.contains(&lower.as_str()) {
            return Err(QueryError::new(
                start + 1,
                format!("unknown field \"{name}\" (fields: {})", FIELDS.join(", ")),
            ));
        }
        self.at = end + 1;
        Ok(Some((lower, start + 1)))
    }

    fn value(&mut self, field: Option<&(String, usize)>) -> Result<Value, QueryError> {
        let position = self.position();
        match self.peek() {
            Some('"') => {
                self.at += 1;
                let from = self.at;
                while self.peek().is_some_and(|c| c != '"') {
                    self.at += 1;
                }
                if self.peek().is_none() {
                    return Err(QueryError::new(
                        position,
                        "unclosed quote: expected a closing `\"`",
                    ));
                }
                let text: String = self.chars[from..self.at].iter().collect();
                self.at += 1;
                if self.peek().is_some_and(|c| !c.is_whitespace()) {
                    return Err(QueryError::new(
                        self.position(),
                        "expected a space after the closing `\"`",
                    ));
                }
                if text.trim().is_empty() {
                    return Err(QueryError::new(
                        position,
                        "empty phrase: expected words between the quotes",
                    ));
                }
                Ok(Value {
                    text,
                    position: position + 1,
                    quoted: true,
                })
            }
            Some(c) if !c.is_whitespace() => {
                let from = self.at;
                while self.peek().is_some_and(|c| !c.is_whitespace()) {
                    self.at += 1;
                }
                Ok(Value {
                    text: self.chars[from..self.at].iter().collect(),
                    position,
                    quoted: false,
                })
            }
            _ => {
                let name = field.map_or("", |(n, _)| n.as_str());
                Err(QueryError::new(
                    position,
                    format!("expected a value after `{name}:`"),
                ))
            }
        }
    }

    fn count(&mut self, what: &What, start: usize) -> Result<(), QueryError> {
        let words = match what {
            What::Any { names, text, .. } => names.len().max(text.len()).max(1),
            What::Name(w) | What::Text(w) => w.len(),
            _ => 1,
        };
        self.terms += words;
        if self.terms > QUERY_TERMS_MAX {
            return Err(QueryError::new(
                start,
                format!("the query has more than query_terms_max = {QUERY_TERMS_MAX} words"),
            ));
        }
        Ok(())
    }
}

fn any(value: &Value) -> Result<Option<What>, QueryError> {
    let names = name_tokens(&value.text);
    let text = analyse(&value.text);
    let ids = id_query_keys(&value.text);
    if names.is_empty() && text.is_empty() && ids.is_empty() {
        if value.quoted {
            return Err(QueryError::new(
                value.position,
                "the phrase has no letters or digits to search for",
            ));
        }
        return Ok(None);
    }
    Ok(Some(What::Any {
        raw: value.text.clone(),
        names,
        ids,
        text,
    }))
}

fn fielded(field: &str, field_at: usize, value: &Value) -> Result<Option<What>, QueryError> {
    let bad = |problem: String| QueryError::new(value.position, problem);
    let v = value.text.as_str();
    let what = match field {
        "name" => {
            let tokens = name_tokens(v);
            if tokens.is_empty() {
                return Err(bad(format!("expected a name after `name:`, got \"{v}\"")));
            }
            What::Name(tokens)
        }
        "text" => {
            let words = analyse(v);
            if words.is_empty() {
                return Err(bad(format!("expected words after `text:`, got \"{v}\"")));
            }
            What::Text(words)
        }
        "id" => {
            let keys = id_query_keys(v);
            if keys.is_empty() {
                return Err(bad(format!(
                    "expected an identifier after `id:`, got \"{v}\""
                )));
            }
            What::Id {
                field: IdField::Any,
                keys,
            }
        }
        "postcode" => {
            let key = postcode_query_key(v).ok_or_else(|| {
                bad(format!(
                    "\"{v}\" is not a UK postcode, postcode sector (\"SW1A 1\") or district (\"SW1A\")"
                ))
            })?;
            What::Id {
                field: IdField::Postcode,
                keys: vec![key],
            }
        }
        "phone" => {
            let key = clearstone_text::to_e164(v).map_err(|e| bad(e.to_string()))?;
            What::Id {
                field: IdField::Phone,
                keys: vec![key],
            }
        }
        "email" => {
            let key = clearstone_text::normalise_email(v).map_err(|e| bad(e.to_string()))?;
            What::Id {
                field: IdField::Email,
                keys: vec![key],
            }
        }
        "reg" => {
            let key = compact(v);
            if key.is_empty() {
                return Err(bad(format!(
                    "expected a vehicle registration after `reg:`, got \"{v}\""
                )));
            }
            What::Id {
                field: IdField::Reg,
                keys: vec![key],
            }
        }
        "born" => What::Born(range(value)?),
        "date" => What::Date(range(value)?),
        "type" | "dataset" | "category" => {
            let key = compact(v);
            if key.is_empty() {
                return Err(bad(format!(
                    "expected a value after `{field}:`, got \"{v}\""
                )));
            }
            match field {
                "type" => What::Type(key),
                "dataset" => What::Dataset(key),
                _ => {
                    if !CATEGORIES.contains(&key.as_str()) {
                        return Err(bad(format!(
                            "unknown category \"{v}\" (categories: {})",
                            CATEGORIES.join(", ")
                        )));
                    }
                    What::Category(key)
                }
            }
        }
        _ => {
            return Err(QueryError::new(
                field_at,
                format!("unknown field \"{field}\" (fields: {})", FIELDS.join(", ")),
            ));
        }
    };
    Ok(Some(what))
}

/// A name word this short may be the first half of one written apart
/// ("O", "Mc", "De", "Van").
pub(crate) const JOIN_FIRST_CHARS_MAX: usize = 3;
/// Most bare words tried together as one identifier ("0161 496 0000").
const JOIN_WORDS_MAX: usize = 3;

/// Finds bare words that may be one value typed apart. A run of two or
/// three that reads as a UK postcode or a phone number may also be that
/// identifier; a short name word and the next may also be one name word.
fn join(clauses: Vec<Clause>) -> Vec<Clause> {
    let bare = |c: &Clause| match &c.what {
        What::Any { raw, .. } if !c.negated && !raw.contains(char::is_whitespace) => {
            Some(raw.clone())
        }
        _ => None,
    };
    let mut out = Vec::with_capacity(clauses.len());
    let mut rest = clauses.into_iter().peekable();
    let mut pending: Vec<Clause> = Vec::new();
    loop {
        // Fill a window of bare words to look at.
        while pending.len() < JOIN_WORDS_MAX {
            match rest.peek() {
                Some(c) if bare(c).is_some() => pending.extend(rest.next()),
                _ => break,
            }
        }
        if pending.is_empty() {
            match rest.next() {
                Some(c) => {
                    out.push(c);
                    continue;
                }
                None => break,
            }
        }
        let words: Vec<String> = pending.iter().filter_map(bare).collect();
        let mut taken = 0;
        for n in (2..=words.len()).rev() {
            let value = words[..n].join(" ");
            if Postcode::parse(&value).is_ok() || phone_like(&value) {
                let parts = pending.drain(..n).map(|c| c.what).collect();
                out.push(Clause {
                    negated: false,
                    what: What::Joined {
                        parts,
                        ids: id_query_keys(&value),
                        name: None,
                    },
                });
                taken = n;
                break;
            }
        }
        if taken > 0 {
            continue;
        }
        let name_pair = match (
            pending.first().map(|c| &c.what),
            pending.get(1).map(|c| &c.what),
        ) {
            (Some(What::Any { names: a, .. }), Some(What::Any { names: b, .. }))
                if a.len() == 1 && b.len() == 1 && a[0].chars().count() <= JOIN_FIRST_CHARS_MAX =>
            {
                Some(format!("{}{}", a[0], b[0]))
            }
            _ => None,
        };
        if let Some(name) = name_pair {
            let parts = pending.drain(..2).map(|c| c.what).collect();
            out.push(Clause {
                negated: false,
                what: What::Joined {
                    parts,
                    ids: Vec::new(),
                    name: Some(name),
                },
            });
            continue;
        }
        out.extend(pending.drain(..1));
    }
    out
}

/// Digits and the separators numbers are written with, which read as a
/// phone number.
fn phone_like(value: &str) -> bool {
    value.bytes().any(|b| b.is_ascii_digit())
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'(' | b')' | b'-'))
        && clearstone_text::to_e164(value).is_ok()
}

/// Folded, stemmed words, as the text field indexes them.
pub(crate) fn analyse(text: &str) -> Vec<String> {
    let mut analyser = text_analyser();
    let mut stream = analyser.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// `1980`, `1980-03`, `1980-03-02`, and ranges of them with `..`, either
/// end open: `1980..1985` runs from the first day of 1980 to the last of
/// 1985.
fn range(value: &Value) -> Result<DayRange, QueryError> {
    let v = value.text.trim();
    let Some((lo, hi)) = v.split_once("..") else {
        let (from, to) = period(v, value.position)?;
        return Ok(DayRange {
            from: Some(from),
            to: Some(to),
        });
    };
    let hi_at = value.position + lo.chars().count() + 2;
    if hi.contains("..") {
        return Err(QueryError::new(hi_at, "a range has one `..`"));
    }
    if lo.is_empty() && hi.is_empty() {
        return Err(QueryError::new(
            value.position,
            "expected a date before or after `..`",
        ));
    }
    let from = if lo.is_empty() {
        None
    } else {
        Some(period(lo, value.position)?.0)
    };
    let to = if hi.is_empty() {
        None
    } else {
        Some(period(hi, hi_at)?.1)
    };
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(QueryError::new(
            value.position,
            format!("the range \"{v}\" ends before it starts"),
        ));
    }
    Ok(DayRange { from, to })
}

/// The first and last day of a year, month or day.
fn period(s: &str, position: usize) -> Result<(i64, i64), QueryError> {
    let bad = || {
        QueryError::new(
            position,
            format!("bad date \"{s}\": expected YYYY, YYYY-MM or YYYY-MM-DD"),
        )
    };
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Result<u32, QueryError> {
        if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let day = |y: u32, m: u32, d: u32| -> Result<i64, QueryError> {
        let y = i32::try_from(y).map_err(|_| bad())?;
        let m = u8::try_from(m).map_err(|_| bad())?;
        let d = u8::try_from(d).map_err(|_| bad())?;
        Date::new(y, m, d)
            .map(Date::days_since_epoch)
            .map_err(|_| bad())
    };
    match parts[..] {
        [y] => {
            let y = num(y, 4)?;
            Ok((day(y, 1, 1)?, day(y, 12, 31)?))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)?, num(m, 2)?);
            let first = day(y, m, 1)?;
            let last = u32::from(days_in_month(
                i32::try_from(y).map_err(|_| bad())?,
                u8::try_from(m).map_err(|_| bad())?,
            ));
            Ok((first, day(y, m, last)?))
        }
        [y, m, d] => {
            let d = day(num(y, 4)?, num(m, 2)?, num(d, 2)?)?;
            Ok((d, d))
        }
        _ => Err(bad()),
    }
}
