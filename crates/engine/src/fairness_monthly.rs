//! Fairness after a rule is active: month by month, how many people of each
//! group its alerts reached, how many of them were referred for assessment,
//! and how many referrals led to action, so that a drift between groups
//! shows while the rule runs. Under equality monitoring only, aggregates
//! only, cells under 10 suppressed (`fairness.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clearstone_store::{CaseStore, IndicatorStore};

use crate::fairness::PublishedImpact;
use crate::fairness_report::{FairnessTable, Groups, tables_of};
use crate::registers::is_register_id;
use crate::session::shortened;
use crate::{EngineError, Operation, Session, Timestamp};

/// Months one monthly report may span.
pub const MONTHLY_REPORT_MONTHS_MAX: u32 = 60;

/// Indicator alerts one monthly report may read.
pub const MONTHLY_REPORT_ALERTS_MAX: usize = 5_000_000;

/// Case decisions that are action on a referral: what the referral led to.
pub const ACTION_DECISIONS: [&str; 2] = ["management_action", "referred_to_iopc"];

/// The stages an alert passes, each with the people it counts among.
pub const MONTHLY_STAGES: [(&str, &str); 3] = [
    ("alerted", "people alerted, of the workforce"),
    (
        "referred",
        "people referred for assessment, of those alerted",
    ),
    ("actioned", "people with action taken, of those referred"),
];

/// Where one person got to in one month: alerted by an active rule, the
/// alert referred for assessment (confirmed by a second reviewer), and
/// the referral's case recording action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Passage {
    pub alerted: bool,
    pub referred: bool,
    pub actioned: bool,
}

/// One stage of one month: a table per dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTables {
    /// `alerted`, `referred` or `actioned` ([`MONTHLY_STAGES`]).
    pub stage: String,
    pub tables: Vec<FairnessTable>,
}

/// One month of the report, by the month the alerts were raised.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// People alerted, referred and actioned, each when at least 10 or none.
    pub alerted: Option<u64>,
    pub referred: Option<u64>,
    pub actioned: Option<u64>,
    pub stages: Vec<StageTables>,
}

/// The monthly outcome report of the active rules: aggregates only.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyReport {
    pub from: String,
    pub to: String,
    /// The active rules whose alerts are counted.
    pub rules: Vec<String>,
    /// People of the workforce counted, when at least 10.
    pub people: Option<u64>,
    pub months: Vec<MonthFigures>,
}

/// A month as (year, month), read from `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

fn month_index((y, m): (i32, u32)) -> i64 {
    i64::from(y) * 12 + i64::from(m) - 1
}

fn month_text(index: i64) -> String {
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The months from `from` to `to` inclusive, both `YYYY-MM`; the twelve
/// months to `today`'s when neither is given.
pub fn month_range(
    from: Option<&str>,
    to: Option<&str>,
    today: Timestamp,
) -> Result<Vec<String>, EngineError> {
    let read = |flag: &str, text: &str| {
        parse_month(text).map(month_index).ok_or_else(|| {
            EngineError::InvalidInput(format!(
                "`--{flag}`: a month is `YYYY-MM`, not `{}`",
                shortened(text)
            ))
        })
    };
    let now = today.to_string();
    let this_month = parse_month(now.get(..7).unwrap_or_default()).map_or(0, month_index);
    let to = match to {
        Some(t) => read("to", t)?,
        None => this_month,
    };
    let from = match from {
        Some(f) => read("from", f)?,
        None => to - 11,
    };
    if from > to {
        return Err(EngineError::InvalidInput(format!(
            "`--from` {} is after `--to` {}",
            month_text(from),
            month_text(to)
        )));
    }
    if to - from >= i64::from(MONTHLY_REPORT_MONTHS_MAX) {
        return Err(EngineError::InvalidInput(format!(
            "{} to {} is more than monthly_report_months_max ({MONTHLY_REPORT_MONTHS_MAX}) months",
            month_text(from),
            month_text(to)
        )));
    }
    Ok((from..=to).map(month_text).collect())
}

/// Whether a figure about how many people were in a stage may be shown.
fn shown(count: u64) -> Option<u64> {
    crate::fairness::publishable(count).then_some(count)
}

/// One month's tables from each person's groups and passage. Each stage is
/// a selection among the people of the stage before, so its rates compare
/// like with like: a referral rate is of the people alerted, not of the
/// workforce. A table is marked adverse only from ratios that are shown.
pub fn month_figures(month: &str, people: &[(Groups, Passage)]) -> MonthFigures {
    let stage_of = |stage: &str| -> Vec<(Groups, bool)> {
        people
            .iter()
            .filter_map(|(g, p)| {
                let (among, selected) = match stage {
                    "alerted" => (true, p.alerted),
                    "referred" => (p.alerted, p.referred),
                    _ => (p.referred, p.actioned),
                };
                among.then(|| (g.clone(), selected))
            })
            .collect()
    };
    let stages = MONTHLY_STAGES
        .iter()
        .map(|(stage, _)| StageTables {
            stage: (*stage).to_string(),
            tables: tables_of(&stage_of(stage))
                .into_iter()
                .map(|t| FairnessTable {
                    adverse: t.groups.iter().any(|g| g.adverse == Some(true)),
                    ..t
                })
                .collect(),
        })
        .collect();
    let count = |f: fn(&Passage) -> bool| people.iter().filter(|(_, p)| f(p)).count() as u64;
    MonthFigures {
        month: month.to_string(),
        alerted: shown(count(|p| p.alerted)),
        referred: shown(count(|p| p.referred)),
        actioned: shown(count(|p| p.actioned)),
        stages,
    }
}

impl MonthFigures {
    /// The groups of one stage and dimension.
    pub fn groups(&self, stage: &str, dimension: &str) -> Option<&[PublishedImpact]> {
        self.stages
            .iter()
            .find(|s| s.stage == stage)?
            .tables
            .iter()
            .find(|t| t.dimension == dimension)
            .map(|t| t.groups.as_slice())
    }
}

impl Session<'_> {
    /// The monthly outcome report of the active indicator rules (or of the
    /// active rule `rule`) from month `from` to `to` (`YYYY-MM`, inclusive;
    /// the last twelve months when not given). Each alert counts in the
    /// month it was raised, with what became of it since. One logged event
    /// that names no one.
    pub fn fairness_monthly(
        &self,
        rule: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<MonthlyReport, EngineError> {
        let months = month_range(from, to, Timestamp::now());
        let rule_ok = rule.is_none_or(is_register_id);
        let query = match (&months, rule) {
            (Ok(m), Some(r)) if rule_ok => format!(
                "monthly fairness of rule {r} {} to {}",
                m.first().map_or("", String::as_str),
                m.last().map_or("", String::as_str)
            ),
            (Ok(m), None) => format!(
                "monthly fairness of active rules {} to {}",
                m.first().map_or("", String::as_str),
                m.last().map_or("", String::as_str)
            ),
            _ => "monthly fairness of active rules".to_string(),
        };
        self.logged(Operation::Consult, &query, &[], || {
            self.require_equality_purpose(&query)?;
            let months = months?;
            if let Some(r) = rule.filter(|_| !rule_ok) {
                return Err(EngineError::InvalidInput(format!(
                    "a rule id is 1 to 64 letters, digits, `-`, `_`, `.` or `@`, not `{}`",
                    shortened(r)
                )));
            }
            let report = self.monthly_report(rule, &months)?;
            self.record(
                Operation::Consult,
                &query,
                &[],
                None,
                &format!(
                    "aggregates of {} months, rules: {}",
                    months.len(),
                    if report.rules.is_empty() {
                        "none".to_string()
                    } else {
                        report.rules.join(" ")
                    }
                ),
            )?;
            Ok(report)
        })
    }

    fn monthly_report(
        &self,
        rule: Option<&str>,
        months: &[String],
    ) -> Result<MonthlyReport, EngineError> {
        let (rules, alerts, actioned_alerts) = {
            let store = self.engine.store()?;
            let rules: BTreeSet<String> = store
                .active_indicator_rules()?
                .into_iter()
                .map(|r| r.id)
                .filter(|id| rule.is_none_or(|r| r == id))
                .collect();
            if let Some(r) = rule.filter(|_| rules.is_empty()) {
                return Err(EngineError::NotFound(format!(
                    "active indicator rule `{}`",
                    shortened(r)
                )));
            }
            let alerts = store.indicator_alerts(MONTHLY_REPORT_ALERTS_MAX + 1)?;
            if alerts.len() > MONTHLY_REPORT_ALERTS_MAX {
                return Err(EngineError::InvalidInput(format!(
                    "more indicator alerts than monthly_report_alerts_max ({MONTHLY_REPORT_ALERTS_MAX}) to report on"
                )));
            }
            // Alerts that a case holding them recorded action on.
            let mut actioned: BTreeSet<String> = BTreeSet::new();
            for case in store.case_files()? {
                let decisions = store.case_decisions(&case.id)?;
                if !decisions
                    .iter()
                    .any(|d| ACTION_DECISIONS.contains(&d.decision.as_str()))
                {
                    continue;
                }
                actioned.extend(
                    store
                        .case_entries(&case.id)?
                        .into_iter()
                        .filter(|e| e.kind == "alert" && e.removed_at.is_none())
                        .map(|e| e.target),
                );
            }
            (rules, alerts, actioned)
        };
        let people = self.workforce_people()?;
        let mut person_of: HashMap<&str, usize> = HashMap::new();
        for (i, (canonical, records, _)) in people.iter().enumerate() {
            person_of.insert(canonical, i);
            for r in records {
                person_of.insert(r, i);
            }
        }
        let wanted: BTreeSet<&str> = months.iter().map(String::as_str).collect();
        let mut passages: BTreeMap<&str, HashMap<usize, Passage>> = BTreeMap::new();
        for a in &alerts {
            let in_scope = a.rule_id.as_ref().is_some_and(|r| rules.contains(r));
            let at = a.at.to_string();
            let Some(month) = at.get(..7).filter(|m| in_scope && wanted.contains(m)) else {
                continue;
            };
            // An alert on no one this session counts among the workforce
            // cannot be grouped, so it is left out rather than guessed.
            let Some(&person) = a.person.as_deref().and_then(|p| person_of.get(p)) else {
                continue;
            };
            let Some(month) = wanted.get(month) else {
                continue;
            };
            let p = passages
                .entry(*month)
                .or_default()
                .entry(person)
                .or_default();
            p.alerted = true;
            if a.status == "refer_for_assessment" {
                p.referred = true;
                if actioned_alerts.contains(&a.id.to_string()) {
                    p.actioned = true;
                }
            }
        }
        let month_list = months
            .iter()
            .map(|m| {
                let of_month = passages.get(m.as_str());
                let rows: Vec<(Groups, Passage)> = people
                    .iter()
                    .enumerate()
                    .map(|(i, (_, _, groups))| {
                        let p = of_month.and_then(|ps| ps.get(&i)).copied();
                        (groups.clone(), p.unwrap_or_default())
                    })
                    .collect();
                month_figures(m, &rows)
            })
            .collect();
        Ok(MonthlyReport {
            from: months.first().cloned().unwrap_or_default(),
            to: months.last().cloned().unwrap_or_default(),
            rules: rules.into_iter().collect(),
            people: (people.len() as u64 >= crate::fairness::PUBLISHED_CELL_MIN)
                .then_some(people.len() as u64),
            months: month_list,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn months_read_and_span() {
        let t = Timestamp(1_780_000_000_000); // 2026-05-28
        assert_eq!(
            month_range(Some("2025-11"), Some("2026-02"), t).unwrap(),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        let last = month_range(None, None, t).unwrap();
        assert_eq!(last.len(), 12);
        assert_eq!(last.last().unwrap(), "2026-05");
        assert_eq!(last.first().unwrap(), "2025-06");
        for bad in ["2026-13", "2026-1", "26-01", "May 2026"] {
            let err = month_range(Some(bad), None, t).unwrap_err();
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
        assert!(month_range(Some("2026-03"), Some("2026-02"), t).is_err());
        assert!(month_range(Some("2020-01"), Some("2026-02"), t).is_err());
    }
}
