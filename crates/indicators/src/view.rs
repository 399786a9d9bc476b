//! The records a rule reads, as the engine hands them over: values with
//! their statement ids, and who is who by resolution.

use std::collections::HashMap;
use std::sync::Arc;

use clearstone_text::{Date, Postcode, fold, normalise_email, to_e164};

use crate::Normalise;

/// One value of a record, with the statement that says it. Property names
/// and values are shared: a rule reads millions of values, most of them
/// repeats (the same property, code, date or person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub prop: Arc<str>,
    pub value: Arc<str>,
    pub statement: String,
}

/// One source record (an entity of one dataset).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// The source-scoped entity id (`absence:absence:ABS0000001`).
    pub id: String,
    pub schema: Arc<str>,
    pub values: Vec<Value>,
    /// Some value was withheld or masked for the rule's purpose: the record
    /// may be of a protected class that cannot be seen, so it never counts.
    pub masked: bool,
}

impl Record {
    pub fn values_of<'a>(&'a self, prop: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.values.iter().filter(move |v| *v.prop == *prop)
    }
}

/// The records of one evaluation, by entity id, and each resolved
/// entity's canonical id.
#[derive(Debug, Default)]
pub struct View {
    records: Vec<Record>,
    by_id: HashMap<String, usize>,
    canonical: HashMap<String, String>,
    /// Each type's records, for the types a rule names (subtypes included
    /// by the engine when it builds the view).
    by_schema: HashMap<String, Vec<usize>>,
}

impl View {
    /// `schemas` maps each record to the types it counts as (the engine
    /// knows the ontology's subtypes; the view does not).
    pub fn new(
        records: Vec<Record>,
        canonical: HashMap<String, String>,
        schemas: &dyn Fn(&str) -> Vec<String>,
    ) -> View {
        let mut by_id = HashMap::with_capacity(records.len());
        let mut by_schema: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            by_id.insert(r.id.clone(), i);
            for s in schemas(&r.schema) {
                by_schema.entry(s).or_default().push(i);
            }
        }
        View {
            records,
            by_id,
            canonical,
            by_schema,
        }
    }

    /// A view in which each record is only of its own type.
    pub fn plain(records: Vec<Record>, canonical: HashMap<String, String>) -> View {
        View::new(records, canonical, &|s| vec![s.to_owned()])
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The same view without the records named in `drop`, each record
    /// keeping the types it counted as.
    pub fn without(&self, drop: &std::collections::HashSet<&str>) -> View {
        let mut index: HashMap<usize, usize> = HashMap::new();
        let mut records = Vec::new();
        for (i, r) in self.records.iter().enumerate() {
            if !drop.contains(r.id.as_str()) {
                index.insert(i, records.len());
                records.push(r.clone());
            }
        }
        let by_id = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let by_schema = self
            .by_schema
            .iter()
            .map(|(s, list)| {
                let kept = list.iter().filter_map(|i| index.get(i).copied()).collect();
                (s.clone(), kept)
            })
            .collect();
        View {
            records,
            by_id,
            canonical: self.canonical.clone(),
            by_schema,
        }
    }

    pub fn of_schema(&self, schema: &str) -> impl Iterator<Item = &Record> {
        self.by_schema
            .get(schema)
            .into_iter()
            .flatten()
            .filter_map(|i| self.records.get(*i))
    }

    pub fn record(&self, id: &str) -> Option<&Record> {
        self.by_id.get(id).and_then(|i| self.records.get(*i))
    }

    /// The canonical id of an entity: its cluster's, or itself unresolved.
    pub fn canonical<'a>(&'a self, entity: &'a str) -> &'a str {
        self.canonical.get(entity).map_or(entity, String::as_str)
    }

    /// Every entity resolution holds to be one of `people`, and each of
    /// `people` itself (an unresolved entity is its own canonical id).
    pub fn members<'a>(
        &'a self,
        people: &'a std::collections::BTreeSet<String>,
    ) -> std::collections::BTreeSet<&'a str> {
        self.canonical
            .iter()
            .filter(|(_, c)| people.contains(*c))
            .map(|(e, _)| e.as_str())
            .chain(people.iter().map(String::as_str))
            .collect()
    }

    /// The values at `path` (`prop`, or `reference.prop` through a
    /// referenced record), with their statements.
    pub fn path<'a>(&'a self, r: &'a Record, path: &'a str) -> Vec<&'a Value> {
        match path.split_once('.') {
            None => r.values_of(path).collect(),
            Some((via, prop)) => r
                .values_of(via)
                .filter_map(|v| self.record(&v.value))
                .flat_map(|t| t.values_of(prop))
                .collect(),
        }
    }

    /// Who a record is about: the canonical ids at `person` (a reference),
    /// or the record's own canonical id when no path is given.
    pub fn people<'a>(&'a self, r: &'a Record, person: Option<&'a str>) -> Vec<&'a str> {
        let mut out: Vec<&str> = match person {
            None => vec![self.canonical(&r.id)],
            Some(p) => self
                .path(r, p)
                .into_iter()
                .map(|v| self.canonical(&v.value))
                .collect(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether every filter is met: for each path, some value is one of
    /// those listed (compared as codes).
    pub fn matches(&self, r: &Record, filter: &crate::Filter) -> bool {
        filter.iter().all(|(path, wanted)| {
            self.path(r, path).iter().any(|v| {
                let v = normalise(Normalise::Code, &v.value);
                wanted.iter().any(|w| normalise(Normalise::Code, w) == v)
            })
        })
    }

    /// Whether some filter is met (an exclusion list): an empty list
    /// excludes nothing.
    pub fn excluded_by(&self, r: &Record, exclude: &crate::Filter) -> bool {
        exclude
            .iter()
            .any(|(path, wanted)| self.matches(r, &[(path.clone(), wanted.clone())].into()))
    }

    /// The earliest date at `path`, in days since 1970-01-01.
    pub fn day<'a>(&'a self, r: &'a Record, path: &'a str) -> Option<(i64, &'a Value)> {
        self.path(r, path)
            .into_iter()
            .filter_map(|v| day(&v.value).map(|d| (d, v)))
            .min_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| a.1.statement.cmp(&b.1.statement))
            })
    }
}

/// Days since 1970-01-01 of an ISO date (a timestamp's date part counts).
pub(crate) fn day(value: &str) -> Option<i64> {
    let head = value.get(..10).unwrap_or(value);
    Date::parse_iso(head).ok().map(Date::days_since_epoch)
}

/// The ISO form of a day number, for explanations.
pub(crate) fn iso(day: i64) -> String {
    let mut s = String::new();
    if let Ok(d) = Date::from_days(day) {
        d.push_iso(&mut s);
    }
    s
}

const LEGAL_SUFFIXES: &[&str] = &["limited", "ltd", "plc", "llp", "lp", "cic", "company", "co"];

/// A value made comparable as the rule asks: phones, emails and postcodes
/// as search keys them, other text folded.
pub fn normalise(how: Normalise, value: &str) -> String {
    let compact = |s: &str| {
        let mut f = fold(s);
        f.retain(|c| c != ' ');
        f
    };
    match how {
        Normalise::Code => {
            let f = fold(value);
            let mut out = String::with_capacity(f.len());
            for c in f.chars() {
                if c.is_alphanumeric() {
                    out.push(c);
                } else if !out.ends_with('_') && !out.is_empty() {
                    out.push('_');
                }
            }
            out.trim_end_matches('_').to_owned()
        }
        Normalise::Phone => to_e164(value).unwrap_or_else(|_| compact(value)),
        Normalise::Email => normalise_email(value).unwrap_or_else(|_| value.trim().to_lowercase()),
        Normalise::Postcode => Postcode::parse(value)
            .map(|p| p.as_str().to_ascii_lowercase().replace(' ', ""))
            .unwrap_or_else(|_| compact(value)),
        Normalise::Address => {
            let f = fold(value);
            f.chars().filter(|c| c.is_alphanumeric()).collect()
        }
        Normalise::Organisation => {
            let f = fold(value);
            let words: Vec<String> = f
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            let mut end = words.len();
            while end > 1
                && words
                    .get(end - 1)
                    .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.as_str()))
            {
                end -= 1;
            }
            words.get(..end).unwrap_or_default().join(" ")
        }
        Normalise::Number => {
            let c: String = compact(value)
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            let t = c.trim_start_matches('0');
            if t.is_empty() { c } else { t.to_owned() }
        }
    }
}
