//! Incremental evaluation: after new records arrive, only the people they
//! are about are evaluated again, over all of those people's records, so
//! that their findings are exactly what a full evaluation would give.

use std::collections::{BTreeSet, HashSet};

use crate::{Condition, Finding, Record, Rule, View, evaluate};

/// Each type the condition reads whose records are about a person, with
/// the path to that person (`None`: the record itself).
fn person_paths(c: &Condition) -> Vec<(&str, Option<&str>)> {
    match c {
        Condition::Count(c) => vec![(&c.schema, c.person.as_deref())],
        Condition::Uncorroborated(u) => vec![
            (&u.schema, u.person.as_deref()),
            (&u.corroboration.schema, u.corroboration.person.as_deref()),
        ],
        Condition::Register(r) => vec![
            (&r.person_schema, r.person.as_deref()),
            (&r.register_schema, r.register_person.as_deref()),
            (&r.declarations.schema, r.declarations.person.as_deref()),
        ],
        // Whether a value is shared by too many people depends on everyone
        // who holds it: no person's finding stands on their records alone.
        Condition::Shared(_) => Vec::new(),
    }
}

/// The people whose findings new records can change: those the records
/// (or records they reference) in `changed` are about. `None` when the
/// condition cannot be evaluated person by person, so a full evaluation
/// is needed.
pub fn affected_people(
    rule: &Rule,
    view: &View,
    changed: &HashSet<String>,
) -> Option<BTreeSet<String>> {
    let paths = person_paths(&rule.condition);
    if paths.is_empty() {
        return None;
    }
    let touched = |r: &crate::Record| {
        changed.contains(&r.id) || r.values.iter().any(|v| changed.contains(&*v.value))
    };
    let mut out = BTreeSet::new();
    for (schema, person) in paths {
        for r in view.of_schema(schema).filter(|r| touched(r)) {
            out.extend(view.people(r, person).into_iter().map(str::to_owned));
        }
    }
    Some(out)
}

/// What a full evaluation finds for `people`, reading only their records
/// (and the records those reference).
pub fn evaluate_people(rule: &Rule, view: &View, people: &BTreeSet<String>) -> Vec<Finding> {
    let paths = person_paths(&rule.condition);
    let mut drop: HashSet<&str> = HashSet::new();
    for (schema, person) in &paths {
        for r in view.of_schema(schema) {
            if !view.people(r, *person).iter().any(|p| people.contains(*p)) {
                drop.insert(&r.id);
            }
        }
    }
    // A record of several types is kept when any of them is about one of
    // the people.
    for (schema, person) in &paths {
        for r in view.of_schema(schema) {
            if view.people(r, *person).iter().any(|p| people.contains(*p)) {
                drop.remove(r.id.as_str());
            }
        }
    }
    let sub = view.without(&drop);
    evaluate(rule, &sub)
        .into_iter()
        .filter(|f| people.contains(&f.person))
        .collect()
}

/// For an `[uncorroborated]` rule when the only new records are
/// corroborating ones: the people whose findings they can change. A new
/// corroborating record can only corroborate an event (never make one
/// count), so it can only clear or shrink a finding, and only that of a
/// person with a counted event within the rule's window of its date.
/// `view` holds the rule's events and `new` the new corroborating records.
/// `None` when the rule is of another kind.
pub fn corroboration_reach(rule: &Rule, view: &View, new: &[Record]) -> Option<BTreeSet<String>> {
    let Condition::Uncorroborated(u) = &rule.condition else {
        return None;
    };
    let c = &u.corroboration;
    let window = i64::from(u.window_days);
    let mut days: std::collections::HashMap<&str, Vec<i64>> = std::collections::HashMap::new();
    for r in view.of_schema(&u.schema) {
        if !crate::protected::may_count(r)
            || !view.matches(r, &u.filter)
            || view.excluded_by(r, &u.not_checkable)
        {
            continue;
        }
        let Some((day, _)) = view.day(r, &u.date) else {
            continue;
        };
        for p in view.people(r, u.person.as_deref()) {
            days.entry(p).or_default().push(day);
        }
    }
    let mut out = BTreeSet::new();
    for r in new {
        if !view.matches(r, &c.filter) {
            continue;
        }
        let Some((day, _)) = view.day(r, &c.date) else {
            continue;
        };
        for p in view.people(r, c.person.as_deref()) {
            let near = days
                .get(p)
                .is_some_and(|ds| ds.iter().any(|d| (d - day).abs() <= window));
            if near {
                out.insert(p.to_owned());
            }
        }
    }
    Some(out)
}
