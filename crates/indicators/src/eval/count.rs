//! Distinct records per person in a sliding window.

use std::collections::BTreeMap;

use super::{findings, statements};
use crate::protected::may_count;
use crate::view::{iso, normalise};
use crate::{CountRule, Evidence, Finding, Normalise, View};

/// One distinct record: its day, and the copy that stands for it.
struct Counted {
    day: i64,
    record: String,
    statements: Vec<String>,
}

pub(super) fn evaluate(c: &CountRule, view: &View) -> Vec<Finding> {
    let mut by_person: BTreeMap<&str, BTreeMap<Vec<String>, Counted>> = BTreeMap::new();
    for r in view.of_schema(&c.schema) {
        if !may_count(r) || !view.matches(r, &c.filter) || view.excluded_by(r, &c.exclude) {
            continue;
        }
        let Some((day, date)) = view.day(r, &c.date) else {
            continue;
        };
        let key: Vec<String> = if c.dedupe.is_empty() {
            vec![r.id.clone()]
        } else {
            c.dedupe
                .iter()
                .map(|p| {
                    let mut vs: Vec<String> = view
                        .path(r, p)
                        .iter()
                        .map(|v| normalise(Normalise::Code, &v.value))
                        .collect();
                    vs.sort_unstable();
                    vs.dedup();
                    vs.join("|")
                })
                .collect()
        };
        let used = statements(
            std::iter::once(date)
                .chain(c.person.as_deref().map_or(Vec::new(), |p| view.path(r, p))),
        );
        for person in view.people(r, c.person.as_deref()) {
            let slot = by_person.entry(person).or_default();
            let better = slot
                .get(&key)
                .is_none_or(|k| (day, r.id.as_str()) < (k.day, k.record.as_str()));
            if better {
                slot.insert(
                    key.clone(),
                    Counted {
                        day,
                        record: r.id.clone(),
                        statements: used.clone(),
                    },
                );
            }
        }
    }
    let window = i64::from(c.window_days);
    let threshold = c.threshold as usize;
    let mut out: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for (person, keys) in by_person {
        let mut items: Vec<Counted> = keys.into_values().collect();
        items.sort_by(|a, b| (a.day, &a.record).cmp(&(b.day, &b.record)));
        let mut start = 0;
        for end in 0..items.len() {
            let end_day = items.get(end).map_or(0, |i| i.day);
            while items.get(start).is_some_and(|s| end_day - s.day >= window) {
                start += 1;
            }
            if end + 1 - start >= threshold {
                let first = items.get(start).map_or(0, |i| i.day);
                let n = end + 1 - start;
                let evidence = items
                    .get(start..=end)
                    .unwrap_or_default()
                    .iter()
                    .map(|i| Evidence {
                        record: i.record.clone(),
                        statements: i.statements.clone(),
                        condition: format!(
                            "a distinct `{}` record dated {}, one of {n} within the {} days from {} \
                             (threshold {}); copies with the same {} counted once",
                            c.schema,
                            iso(i.day),
                            c.window_days,
                            iso(first),
                            c.threshold,
                            dedupe_words(&c.dedupe),
                        ),
                    })
                    .collect();
                out.insert(person.to_owned(), evidence);
                break;
            }
        }
    }
    findings(out, |e| {
        format!(
            "{} distinct `{}` records within {} days, at or over the threshold of {}",
            e.len(),
            c.schema,
            c.window_days,
            c.threshold
        )
    })
}

fn dedupe_words(dedupe: &[String]) -> String {
    if dedupe.is_empty() {
        "record id".to_owned()
    } else {
        dedupe
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    }
}
