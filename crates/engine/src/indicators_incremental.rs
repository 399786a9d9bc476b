//! What an incremental run reads and whom it evaluates again. It first asks
//! the store, from the `first_seen` index alone, which of the rule's types
//! gained a record since the last run: none, and nothing can have changed,
//! so the alerts stand and nothing is read. When the only new records are
//! the corroborating ones of an `[uncorroborated]` rule read lean (a day of
//! door swipes), it reads the rule's events and only the new swipes: a swipe
//! can only clear a finding, and only for a person with a counted event near
//! it, so usually no one needs evaluating again. Only a person flagged
//! before can be cleared, and a flagged person's uncounted events are all
//! in the evidence of their alerts under this version, so those events are
//! the only ones read. When the new records are a few about people (a
//! claim, an absence), only those people's records are read
//! (`indicators_people.rs`). Otherwise every record is read and the people
//! new records are about are evaluated again.

use std::collections::{BTreeSet, HashMap};

use clearstone_indicators::{Finding, Rule, affected_people, corroboration_reach, evaluate_people};
use clearstone_model::Timestamp;

use clearstone_store::IndicatorStore;

use crate::indicators_lean::Lean;
use crate::indicators_scan::Part;
use crate::indicators_view::{Gathered, Wanted};
use crate::{EngineError, Session};

/// An incremental evaluation's outcome.
pub(crate) struct Incremental {
    pub records: u64,
    pub read_special: bool,
    /// The people evaluated again; `None` when the rule needed everyone.
    pub evaluated: Option<BTreeSet<String>>,
    pub findings: Vec<Finding>,
}

impl Session<'_> {
    pub(crate) fn evaluate_incrementally(
        &self,
        rule: &Rule,
        since: Timestamp,
    ) -> Result<Incremental, EngineError> {
        let wanted = self.wanted(rule)?;
        let changed = self
            .engine
            .reader()?
            .schemas_seen_after(&self.scanned_types(&wanted), since)?;
        if changed.is_empty() {
            return Ok(Incremental {
                records: 0,
                read_special: false,
                evaluated: Some(BTreeSet::new()),
                findings: Vec::new(),
            });
        }
        let ontology = self.engine.ontology();
        // A case grant reads statement by statement; lean reads do not apply.
        let lean = Lean::of(rule, ontology).filter(|_| self.case_grant.is_none());
        if let Some(lean) = lean
            && changed.iter().all(|t| lean.applies(t, ontology))
        {
            let (events, swipes): (Wanted, Wanted) = wanted
                .into_iter()
                .partition(|(t, _)| !lean.applies(t, ontology));
            let new =
                self.scan_indicator_records(&swipes, None, Some(&lean), Part::After(since))?;
            let cited = self.cited_by_alerts(rule)?;
            let empty = self.indicator_view_of(&swipes, Vec::new(), false, Default::default())?;
            let mut ids: Vec<&str> = Vec::new();
            for r in &new.records {
                for p in empty.view.people(r, rule_corroboration_person(rule)) {
                    ids.extend(cited.get(p).into_iter().flatten().map(String::as_str));
                }
            }
            let read = self.scan_indicator_records(&events, None, None, Part::Entities(&ids))?;
            let records = (read.records.len() + new.records.len()) as u64;
            let read_special = read.read_special || new.read_special;
            let view = self.indicator_view_of(&events, read.records, false, Default::default())?;
            let reach = corroboration_reach(rule, &view.view, &new.records).unwrap_or_default();
            if reach.is_empty() {
                return Ok(Incremental {
                    records,
                    read_special,
                    evaluated: Some(reach),
                    findings: Vec::new(),
                });
            }
            let all = self.indicator_view(rule, None)?;
            return Ok(Incremental {
                records: records + all.records,
                read_special: read_special || all.read_special,
                findings: evaluate_people(rule, &all.view, &reach),
                evaluated: Some(reach),
            });
        }
        if let Some(done) = self.evaluate_by_person(rule, since, &wanted, &changed)? {
            return Ok(done);
        }
        let Gathered {
            view,
            records,
            read_special,
            changed,
        } = self.indicator_view(rule, Some(since))?;
        let evaluated = affected_people(rule, &view, &changed);
        let findings = match &evaluated {
            Some(people) => evaluate_people(rule, &view, people),
            None => clearstone_indicators::evaluate(rule, &view),
        };
        Ok(Incremental {
            records,
            read_special,
            evaluated,
            findings,
        })
    }

    /// The records each person's alerts under this rule version cite, by
    /// the person's canonical id: every event a finding ever counted.
    fn cited_by_alerts(&self, rule: &Rule) -> Result<HashMap<String, Vec<String>>, EngineError> {
        let alerts = self
            .engine
            .store()?
            .rule_alerts(&rule.id, Some(rule.version))?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for a in alerts {
            let (Some(person), Some(evidence)) = (a.person, a.evidence) else {
                continue;
            };
            let parsed: serde_json::Value =
                serde_json::from_str(&evidence).unwrap_or(serde_json::Value::Null);
            let records = parsed
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("record")?.as_str().map(str::to_owned));
            out.entry(person).or_default().extend(records);
        }
        Ok(out)
    }
}

/// The path to the person of an `[uncorroborated]` rule's corroborating
/// records.
fn rule_corroboration_person(rule: &Rule) -> Option<&str> {
    match &rule.condition {
        clearstone_indicators::Condition::Uncorroborated(u) => u.corroboration.person.as_deref(),
        _ => None,
    }
}
