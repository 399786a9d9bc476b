//! Evaluation of each kind of condition over a [`View`].

mod count;
mod register;
mod shared;
mod uncorroborated;

use std::collections::BTreeMap;

use crate::{Condition, Evidence, Finding, Rule, View};

/// The people a rule flags, by canonical id, each with its evidence. A
/// rule that excludes directed records reads the view without them.
pub fn evaluate(rule: &Rule, view: &View) -> Vec<Finding> {
    if rule.exclude_directed
        && let Some(independent) = crate::directed::without_directed(view)
    {
        return evaluate_condition(rule, &independent);
    }
    evaluate_condition(rule, view)
}

fn evaluate_condition(rule: &Rule, view: &View) -> Vec<Finding> {
    match &rule.condition {
        Condition::Count(c) => count::evaluate(c, view),
        Condition::Shared(s) => shared::evaluate(s, view),
        Condition::Register(r) => register::evaluate(r, view),
        Condition::Uncorroborated(u) => uncorroborated::evaluate(u, view),
    }
}

/// Findings from each person's evidence, in person order, each person's
/// evidence sorted and without repeats.
fn findings(
    by_person: BTreeMap<String, Vec<Evidence>>,
    summary: impl Fn(&[Evidence]) -> String,
) -> Vec<Finding> {
    by_person
        .into_iter()
        .filter(|(_, e)| !e.is_empty())
        .map(|(person, mut evidence)| {
            evidence.sort();
            evidence.dedup();
            Finding {
                summary: summary(&evidence),
                person,
                evidence,
            }
        })
        .collect()
}

fn statements<'a>(values: impl IntoIterator<Item = &'a crate::Value>) -> Vec<String> {
    let mut out: Vec<String> = values.into_iter().map(|v| v.statement.clone()).collect();
    out.sort_unstable();
    out.dedup();
    out
}
