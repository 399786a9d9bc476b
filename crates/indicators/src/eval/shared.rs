//! A value held both by a person and by a record of another type.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::findings;
use crate::protected::is_protected;
use crate::view::normalise;
use crate::{Evidence, Finding, Record, SharedRule, Value, View};

struct Holder<'a> {
    people: Vec<&'a str>,
    record: &'a Record,
    prop: &'a str,
    value: &'a Value,
}

fn holders<'a>(
    view: &'a View,
    s: &SharedRule,
    schema: &str,
    person: Option<&'a str>,
    props: &'a [String],
    into: &mut HashMap<String, Vec<Holder<'a>>>,
) {
    for r in view.of_schema(schema) {
        if is_protected(r) {
            continue;
        }
        let people = view.people(r, person);
        for prop in props {
            for v in view.path(r, prop) {
                let key = normalise(s.normalise, &v.value);
                if key.is_empty() {
                    continue;
                }
                into.entry(key).or_default().push(Holder {
                    people: people.clone(),
                    record: r,
                    prop,
                    value: v,
                });
            }
        }
    }
}

pub(super) fn evaluate(s: &SharedRule, view: &View) -> Vec<Finding> {
    let mut mine: HashMap<String, Vec<Holder<'_>>> = HashMap::new();
    let mut theirs: HashMap<String, Vec<Holder<'_>>> = HashMap::new();
    holders(
        view,
        s,
        &s.person_schema,
        s.person.as_deref(),
        &s.person_props,
        &mut mine,
    );
    holders(
        view,
        s,
        &s.other_schema,
        s.other_person.as_deref(),
        &s.other_props,
        &mut theirs,
    );
    let mut declared: HashSet<(&str, &str)> = HashSet::new();
    if let Some(d) = &s.declarations
        && let Some(link) = d.link.as_deref()
    {
        for r in view.of_schema(&d.schema) {
            let linked: Vec<&str> = view
                .path(r, link)
                .into_iter()
                .map(|v| view.canonical(&v.value))
                .collect();
            for p in view.people(r, d.person.as_deref()) {
                for l in &linked {
                    declared.insert((p, l));
                }
            }
        }
    }
    let mut out: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for (key, mine) in &mine {
        let Some(theirs) = theirs.get(key) else {
            continue;
        };
        let people: BTreeSet<&str> = mine
            .iter()
            .chain(theirs)
            .flat_map(|h| h.people.iter().copied())
            .collect();
        if people.len() > s.max_people as usize {
            continue;
        }
        for m in mine {
            for t in theirs {
                if t.record.id == m.record.id {
                    continue;
                }
                for p in &m.people {
                    let others: Vec<&str> = t
                        .people
                        .iter()
                        .copied()
                        .filter(|w| w != p && !declared.contains(&(*p, *w)))
                        .collect();
                    if others.is_empty() {
                        continue;
                    }
                    let e = out.entry((*p).to_owned()).or_default();
                    e.push(Evidence {
                        record: m.record.id.clone(),
                        statements: vec![m.value.statement.clone()],
                        condition: format!(
                            "the person's `{}` on their `{}` record",
                            m.prop, s.person_schema
                        ),
                    });
                    e.push(Evidence {
                        record: t.record.id.clone(),
                        statements: vec![t.value.statement.clone()],
                        condition: format!(
                            "a `{}` record whose `{}` is the same once normalised as {}, held by \
                             {} people (at most {} allowed); not the same person by resolution, \
                             and no declaration links them",
                            s.other_schema,
                            t.prop,
                            s.normalise.as_str(),
                            people.len(),
                            s.max_people
                        ),
                    });
                }
            }
        }
    }
    findings(out, |e| {
        format!(
            "shares a value with {} `{}` record(s) of other people, with no declaration",
            e.iter().filter(|x| x.condition.starts_with("a `")).count(),
            s.other_schema
        )
    })
}
