//! Incremental evaluation: after new records arrive, only the people they
//! are about are evaluated again, over all of those people's records, so
//! that their findings are exactly what a full evaluation would give.

use std::collections::{BTreeSet, HashSet};

use crate::view::normalise;
use crate::{Condition, Finding, Record, Rule, SharedRule, View, evaluate};

/// Each type the condition reads whose records are about a person, with
/// the path to that person (`None`: the record itself). Empty for a
/// `[shared]` condition, whose findings do not stand on one person's
/// records alone.
pub fn person_paths(c: &Condition) -> Vec<(&str, Option<&str>)> {
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
        // who holds it: no person's finding stands on their records alone
        // (see `shared_affected` and `shared_records`).
        Condition::Shared(_) => Vec::new(),
    }
}

/// The two sides of a `[shared]` rule: type, path to the person, properties.
fn shared_sides(s: &SharedRule) -> [(&str, Option<&str>, &[String]); 2] {
    [
        (&s.person_schema, s.person.as_deref(), &s.person_props),
        (&s.other_schema, s.other_person.as_deref(), &s.other_props),
    ]
}

/// Each value `r` holds under `props`, normalised as the rule compares them.
fn shared_keys(s: &SharedRule, view: &View, r: &Record, props: &[String]) -> Vec<String> {
    props
        .iter()
        .flat_map(|p| view.path(r, p))
        .map(|v| normalise(s.normalise, &v.value))
        .filter(|k| !k.is_empty())
        .collect()
}

/// The people a `[shared]` rule's findings can change for, given the
/// records `touched` says are new: everyone holding, on either side, a
/// value a new record holds (a new holder can make a pair, or push the
/// value over `max_people`), and the person of every new declaration.
fn shared_affected(
    s: &SharedRule,
    view: &View,
    touched: &dyn Fn(&Record) -> bool,
) -> BTreeSet<String> {
    let mut keys: HashSet<String> = HashSet::new();
    let mut out = BTreeSet::new();
    for (schema, _, props) in shared_sides(s) {
        for r in view.of_schema(schema).filter(|r| touched(r)) {
            keys.extend(shared_keys(s, view, r, props));
        }
    }
    for (schema, person, props) in shared_sides(s) {
        for r in view.of_schema(schema) {
            if shared_keys(s, view, r, props)
                .iter()
                .any(|k| keys.contains(k))
            {
                out.extend(view.people(r, person).into_iter().map(str::to_owned));
            }
        }
    }
    if let Some(d) = &s.declarations {
        for r in view.of_schema(&d.schema).filter(|r| touched(r)) {
            out.extend(
                view.people(r, d.person.as_deref())
                    .into_iter()
                    .map(str::to_owned),
            );
        }
    }
    out
}

/// The records a `[shared]` finding for one of `people` stands on: their
/// own records, every record on either side holding a value they hold
/// (all its holders are counted against `max_people`), their
/// declarations, and the records those reference.
fn shared_records<'v>(
    s: &SharedRule,
    view: &'v View,
    people: &BTreeSet<String>,
) -> HashSet<&'v str> {
    let about = |r: &Record, person: Option<&str>| {
        view.people(r, person).iter().any(|p| people.contains(*p))
    };
    let mut keep: HashSet<&str> = HashSet::new();
    let mut keys: HashSet<String> = HashSet::new();
    let [(schema, person, props), _] = shared_sides(s);
    for r in view.of_schema(schema).filter(|r| about(r, person)) {
        keys.extend(shared_keys(s, view, r, props));
    }
    for (schema, person, props) in shared_sides(s) {
        for r in view.of_schema(schema) {
            let holds = || {
                shared_keys(s, view, r, props)
                    .iter()
                    .any(|k| keys.contains(k))
            };
            if about(r, person) || holds() {
                keep.insert(&r.id);
            }
        }
    }
    if let Some(d) = &s.declarations {
        for r in view
            .of_schema(&d.schema)
            .filter(|r| about(r, d.person.as_deref()))
        {
            keep.insert(&r.id);
        }
    }
    let referenced: Vec<&str> = keep
        .iter()
        .filter_map(|id| view.record(id))
        .flat_map(|r| r.values.iter())
        .filter_map(|v| view.record(&v.value).map(|t| t.id.as_str()))
        .collect();
    keep.extend(referenced);
    keep
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
    let touched = |r: &crate::Record| {
        changed.contains(&r.id) || r.values.iter().any(|v| changed.contains(&*v.value))
    };
    if let Condition::Shared(s) = &rule.condition {
        return Some(shared_affected(s, view, &touched));
    }
    let paths = person_paths(&rule.condition);
    if paths.is_empty() {
        return None;
    }
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
    if let Condition::Shared(s) = &rule.condition {
        let keep = shared_records(s, view, people);
        let drop: HashSet<&str> = view
            .records()
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| !keep.contains(id))
            .collect();
        return evaluate(rule, &view.without(&drop))
            .into_iter()
            .filter(|f| people.contains(&f.person))
            .collect();
    }
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
