//! Events with no corroborating record of the same person in a window.

use std::collections::{BTreeMap, HashMap};

use super::{findings, statements};
use crate::protected::may_count;
use crate::view::iso;
use crate::{Evidence, Finding, UncorroboratedRule, View};

pub(super) fn evaluate(u: &UncorroboratedRule, view: &View) -> Vec<Finding> {
    let c = &u.corroboration;
    let mut seen: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in view.of_schema(&c.schema) {
        if !view.matches(r, &c.filter) {
            continue;
        }
        let Some((day, _)) = view.day(r, &c.date) else {
            continue;
        };
        for p in view.people(r, c.person.as_deref()) {
            seen.entry(p).or_default().push(day);
        }
    }
    for days in seen.values_mut() {
        days.sort_unstable();
    }
    let window = i64::from(u.window_days);
    let corroborated = |p: &str, day: i64| {
        seen.get(p).is_some_and(|days| {
            let i = days.partition_point(|d| *d < day - window);
            days.get(i).is_some_and(|d| *d <= day + window)
        })
    };
    let mut out: BTreeMap<String, Vec<(i64, Evidence)>> = BTreeMap::new();
    for r in view.of_schema(&u.schema) {
        if !may_count(r) || !view.matches(r, &u.filter) || view.excluded_by(r, &u.not_checkable) {
            continue;
        }
        let Some((day, date)) = view.day(r, &u.date) else {
            continue;
        };
        for p in view.people(r, u.person.as_deref()) {
            if corroborated(p, day) {
                continue;
            }
            out.entry(p.to_owned()).or_default().push((
                day,
                Evidence {
                    record: r.id.clone(),
                    statements: statements([date]),
                    condition: format!(
                        "a `{}` dated {} with no `{}` of the same person within {} day(s)",
                        u.schema,
                        iso(day),
                        c.schema,
                        u.window_days
                    ),
                },
            ));
        }
    }
    let flagged: BTreeMap<String, Vec<Evidence>> = out
        .into_iter()
        .filter(|(_, e)| e.len() >= u.threshold as usize)
        .map(|(p, e)| (p, e.into_iter().map(|(_, e)| e).collect()))
        .collect();
    findings(flagged, |e| {
        format!(
            "{} `{}` record(s) with nothing in `{}` to corroborate them (threshold {})",
            e.len(),
            u.schema,
            c.schema,
            u.threshold
        )
    })
}
