//! A person matching an external register's entry while employed, with no
//! declaration of the organisation.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{findings, statements};
use crate::view::{iso, normalise};
use crate::{Evidence, Finding, Interval, Normalise, Record, RegisterRule, Value, View};

/// A closed or open range of days; an absent end is still running.
type Span = (i64, Option<i64>);

/// A person's record with its employment span and the values that gave it.
type Job<'a> = (&'a Record, Span, Vec<&'a Value>);

fn span<'a>(view: &'a View, r: &'a Record, i: &'a Interval) -> Option<(Span, Vec<&'a Value>)> {
    let (start, sv) = view.day(r, &i.start)?;
    let end = i.end.as_deref().and_then(|e| view.day(r, e));
    let mut used = vec![sv];
    used.extend(end.map(|e| e.1));
    Some(((start, end.map(|e| e.0)), used))
}

fn overlap(a: Span, b: Span) -> bool {
    a.1.is_none_or(|end| b.0 <= end) && b.1.is_none_or(|end| a.0 <= end)
}

fn shown(s: Span) -> String {
    match s.1 {
        Some(end) => format!("{} to {}", iso(s.0), iso(end)),
        None => format!("{} onwards", iso(s.0)),
    }
}

pub(super) fn evaluate<'a>(g: &'a RegisterRule, view: &'a View) -> Vec<Finding> {
    let mut employed: HashMap<&str, Vec<Job<'_>>> = HashMap::new();
    for r in view.of_schema(&g.person_schema) {
        let Some((s, used)) = span(view, r, &g.employment) else {
            continue;
        };
        for p in view.people(r, g.person.as_deref()) {
            employed.entry(p).or_default().push((r, s, used.clone()));
        }
    }
    let d = &g.declarations;
    let mut numbers: HashSet<(&str, String)> = HashSet::new();
    let mut names: HashSet<(&str, String)> = HashSet::new();
    for r in view.of_schema(&d.schema) {
        for p in view.people(r, d.person.as_deref()) {
            for (path, how, into) in [
                (&d.number, Normalise::Number, &mut numbers),
                (&d.name, Normalise::Organisation, &mut names),
            ] {
                for v in path
                    .as_deref()
                    .map_or(Vec::new(), |path| view.path(r, path))
                {
                    let key = normalise(how, &v.value);
                    if !key.is_empty() {
                        into.insert((p, key));
                    }
                }
            }
        }
    }
    let mut out: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for e in view.of_schema(&g.register_schema) {
        let Some((appointed, app_used)) = span(view, e, &g.appointed) else {
            continue;
        };
        let ids = |path: &'a Option<String>, how: Normalise| -> (Vec<String>, Vec<&'a Value>) {
            let vs = path.as_deref().map_or(Vec::new(), |p| view.path(e, p));
            let keys = vs
                .iter()
                .map(|v| normalise(how, &v.value))
                .filter(|k| !k.is_empty())
                .collect();
            (keys, vs)
        };
        let (nums, num_used) = ids(&g.number, Normalise::Number);
        let (orgs, org_used) = ids(&g.name, Normalise::Organisation);
        for p in view.people(e, g.register_person.as_deref()) {
            let Some(jobs) = employed.get(p) else {
                continue;
            };
            let declared = nums.iter().any(|n| numbers.contains(&(p, n.clone())))
                || orgs.iter().any(|o| names.contains(&(p, o.clone())));
            if declared {
                continue;
            }
            for (r, job, used) in jobs {
                if !overlap(*job, appointed) {
                    continue;
                }
                let ev = out.entry(p.to_owned()).or_default();
                ev.push(Evidence {
                    record: e.id.clone(),
                    statements: statements(
                        app_used.iter().chain(&num_used).chain(&org_used).copied(),
                    ),
                    condition: format!(
                        "a `{}` entry resolved to this person, appointed {}, during their \
                         employment; no `{}` of theirs names the organisation by number or name",
                        g.register_schema,
                        shown(appointed),
                        d.schema
                    ),
                });
                ev.push(Evidence {
                    record: r.id.clone(),
                    statements: statements(used.iter().copied()),
                    condition: format!(
                        "the person's `{}` record, employed {}",
                        g.person_schema,
                        shown(*job)
                    ),
                });
            }
        }
    }
    findings(out, |e| {
        format!(
            "appears in `{}` during employment in {} undeclared entr{}",
            g.register_schema,
            e.iter().filter(|x| x.condition.starts_with("a `")).count(),
            if e.iter().filter(|x| x.condition.starts_with("a `")).count() == 1 {
                "y"
            } else {
                "ies"
            }
        )
    })
}
