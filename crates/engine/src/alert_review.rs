//! Human review of alerts, indicator and self-monitoring alike: new → in
//! review → `no_further_action` or `refer_for_assessment`. The system never
//! records misconduct; a person decides, with a rationale, and a referral
//! takes effect only when a second, different reviewer agrees (four eyes).
//! The reviewer's view never holds a protected characteristic: a property
//! the ontology marks `protected` shows a placeholder in place of its value,
//! and any other value of a special category is left out, so not even its
//! presence shows. Time from opening to deciding is
//! kept, for the rubber-stamp report ([`rubber_stamps`]).

use std::collections::BTreeMap;

use clearstone_model::Statement;
use clearstone_policy::Action;
use clearstone_store::{Alert, AlertReviewAct, CaseStore, IndicatorStore, Store};

use crate::cases::{RATIONALE_LETTERS_MIN, check_text};
use crate::{EngineError, Operation, Session, Timestamp};

/// What a reviewer may decide. Never "misconduct": that is for a misconduct
/// process to find, not for a tool to record.
pub const REVIEW_OUTCOMES: [&str; 2] = ["no_further_action", "refer_for_assessment"];

/// Decisions made faster than this are counted as quick by default.
pub const QUICK_DECISION_SECONDS: i64 = 30;

/// A reviewer whose decisions agree with the flag in at least this share…
pub const AGREEMENT_SHARE_FLAGGED: f64 = 0.95;
/// …over at least this many decisions is listed as a possible rubber stamp.
pub const DECISIONS_MIN_FLAGGED: u64 = 5;

/// One piece of an alert's evidence as the reviewer may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewEvidence {
    pub record: String,
    /// Which condition of the rule it satisfied, in the rule's words.
    pub condition: String,
    /// The statements the rule used, gated, without protected characteristics.
    pub statements: Vec<Statement>,
}

/// An alert as its reviewer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertForReview {
    pub alert: Alert,
    pub evidence: Vec<ReviewEvidence>,
    /// The review so far, with each rationale's text.
    pub acts: Vec<(AlertReviewAct, String)>,
}

/// One piece of evidence as an indicator alert stores it (JSON).
struct EvidenceItem {
    record: String,
    statements: Vec<String>,
    condition: String,
}

fn evidence_items(alert: &Alert) -> Result<Vec<EvidenceItem>, EngineError> {
    let Some(json) = &alert.evidence else {
        return Ok(Vec::new());
    };
    let bad = |why: &str| EngineError::Internal(format!("alert {}: evidence: {why}", alert.id));
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| bad(&e.to_string()))?;
    let items = value.as_array().ok_or_else(|| bad("not a list"))?;
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    items
        .iter()
        .map(|v| {
            Ok(EvidenceItem {
                record: text(v, "record").ok_or_else(|| bad("a piece without its record"))?,
                statements: v
                    .get("statements")
                    .and_then(|x| x.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                condition: text(v, "condition").unwrap_or_default(),
            })
        })
        .collect()
}

impl Session<'_> {
    fn review_query(&self, id: i64, act: &str) -> String {
        format!("review alert {id} {act}")
    }

    /// The alert as stored and as this session may know it, if it may
    /// review alerts at all; the same answer for an absent alert as for one
    /// it may not know of (about a person it may not see).
    fn alert_for(&self, id: i64) -> Result<(Alert, Alert), EngineError> {
        self.require_action(Action::ReadAudit, "review alerts")?;
        let stored = self.engine.store()?.alert(id)?;
        match stored {
            Some(a) => self.shown_alert(a.clone())?.map(|shown| (a, shown)),
            None => None,
        }
        .ok_or(EngineError::NoAlert(id))
    }

    /// What the review event names: the canonical person of an indicator
    /// alert (a gate alert names its subject by keyed hash already).
    fn alert_subjects(alert: &Alert) -> Vec<&str> {
        alert.person.as_deref().into_iter().collect()
    }

    /// Takes an alert into review and shows it to the reviewer: its rule,
    /// explanation and evidence, gated, with no protected characteristic.
    pub fn review_alert(&self, id: i64) -> Result<AlertForReview, EngineError> {
        let query = self.review_query(id, "open");
        self.logged(Operation::ReviewDecision, &query, &[], || {
            let (alert, shown) = self.alert_for(id)?;
            let status = match alert.status.as_str() {
                "new" | "open" => "in_review",
                s => s,
            }
            .to_string();
            let evidence = self.reviewable_evidence(&alert)?;
            let mut subjects: Vec<String> = Self::alert_subjects(&alert)
                .into_iter()
                .map(str::to_string)
                .collect();
            subjects.extend(evidence.iter().map(|e| e.record.clone()));
            let subjects: Vec<&str> = subjects.iter().map(String::as_str).collect();
            self.engine.store()?.add_review_act(
                &AlertReviewAct {
                    alert_id: id,
                    at: Timestamp::now(),
                    principal: self.principal.id.clone(),
                    act: "open".into(),
                    ..AlertReviewAct::default()
                },
                &status,
            )?;
            self.record(Operation::ReviewDecision, &query, &subjects, None, &status)?;
            let acts = self.acts_with_text(id)?;
            Ok(AlertForReview {
                alert: Alert { status, ..shown },
                evidence,
                acts,
            })
        })
    }

    /// The alert as its reviewer sees it, without taking it into review:
    /// one logged consultation, naming the person and each record shown.
    pub fn alert_view(&self, id: i64) -> Result<AlertForReview, EngineError> {
        let query = self.review_query(id, "view");
        self.logged(Operation::Consult, &query, &[], || {
            let (alert, shown) = self.alert_for(id)?;
            let evidence = self.reviewable_evidence(&alert)?;
            let mut subjects: Vec<&str> = Self::alert_subjects(&alert);
            subjects.extend(evidence.iter().map(|e| e.record.as_str()));
            self.record(Operation::Consult, &query, &subjects, None, "shown")?;
            let acts = self.acts_with_text(id)?;
            Ok(AlertForReview {
                alert: shown,
                evidence,
                acts,
            })
        })
    }

    fn acts_with_text(&self, id: i64) -> Result<Vec<(AlertReviewAct, String)>, EngineError> {
        let acts = self.engine.store()?.review_acts(id)?;
        let mut out = Vec::with_capacity(acts.len());
        for a in acts {
            let text = match &a.rationale {
                Some(h) => self.engine.store()?.text(h)?.unwrap_or_default(),
                None => String::new(),
            };
            out.push((a, text));
        }
        Ok(out)
    }

    /// The evidence's statements as this session may see them, every
    /// protected characteristic withheld and every other special-category
    /// value left out.
    fn reviewable_evidence(&self, alert: &Alert) -> Result<Vec<ReviewEvidence>, EngineError> {
        let items = evidence_items(alert)?;
        let ontology = self.engine.ontology();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Some(raw) = self.seen_record(&item.record)? else {
                continue;
            };
            let used: Vec<Statement> = raw
                .into_iter()
                .filter(|s| {
                    item.statements.is_empty() || item.statements.contains(&s.id.to_string())
                })
                .filter(|s| {
                    ontology
                        .property(&s.schema, &s.prop)
                        .is_some_and(|p| p.protected || !p.sensitivity.is_special())
                })
                .collect();
            let (shown, _) = self.gate_for_review(Action::View, used);
            out.push(ReviewEvidence {
                record: item.record,
                condition: item.condition,
                statements: shown,
            });
        }
        Ok(out)
    }

    /// The first reviewer's decision, with a rationale, on an alert they
    /// took into review. A referral waits for a second reviewer.
    pub fn decide_alert(
        &self,
        id: i64,
        outcome: &str,
        rationale: &str,
    ) -> Result<String, EngineError> {
        self.review_act(id, "decide", outcome, rationale)
    }

    /// The second reviewer's decision on a referral: it takes effect only
    /// when someone other than the first reviewer also refers.
    pub fn confirm_alert(
        &self,
        id: i64,
        outcome: &str,
        rationale: &str,
    ) -> Result<String, EngineError> {
        self.review_act(id, "confirm", outcome, rationale)
    }

    fn review_act(
        &self,
        id: i64,
        act: &str,
        outcome: &str,
        rationale: &str,
    ) -> Result<String, EngineError> {
        let known = REVIEW_OUTCOMES.contains(&outcome);
        let query = match known {
            true => self.review_query(id, &format!("{act} {outcome}")),
            false => self.review_query(id, act),
        };
        self.logged(Operation::ReviewDecision, &query, &[], || {
            if !known {
                return Err(EngineError::InvalidInput(format!(
                    "a review outcome is one of {}, not `{}`",
                    REVIEW_OUTCOMES.join(", "),
                    crate::session::shortened(outcome)
                )));
            }
            let (alert, _) = self.alert_for(id)?;
            check_text("rationale", rationale, RATIONALE_LETTERS_MIN)?;
            let acts = self.engine.store()?.review_acts(id)?;
            let me = self.principal.id.as_str();
            let opened = acts
                .iter()
                .rev()
                .find(|a| a.act == "open" && a.principal == me)
                .map(|a| a.at);
            let status = match act {
                "decide" => {
                    if alert.status != "in_review" || opened.is_none() {
                        return Err(EngineError::InvalidInput(format!(
                            "alert {id} is `{}`: take it into review first (`clearstone review-alert {id}`)",
                            alert.status
                        )));
                    }
                    match outcome {
                        "refer_for_assessment" => "referral_pending",
                        _ => "no_further_action",
                    }
                }
                _ => {
                    if alert.status != "referral_pending" {
                        return Err(EngineError::InvalidInput(format!(
                            "alert {id} is `{}`: only a pending referral is confirmed",
                            alert.status
                        )));
                    }
                    let first = acts.iter().rev().find(|a| a.act == "decide");
                    if first.is_some_and(|a| a.principal == me) {
                        return Err(EngineError::Forbidden {
                            what: format!(
                                "confirm the referral of alert {id}: a second, different reviewer must"
                            ),
                            code: "four_eyes",
                        });
                    }
                    outcome
                }
            };
            let hash = self.keep_text(rationale)?;
            let now = Timestamp::now();
            let seconds = opened.map(|o| (now.0 - o.0) / 1_000);
            self.engine.store()?.add_review_act(
                &AlertReviewAct {
                    alert_id: id,
                    at: now,
                    principal: me.to_string(),
                    act: act.to_string(),
                    outcome: Some(outcome.to_string()),
                    rationale: Some(hash.clone()),
                    seconds,
                    ..AlertReviewAct::default()
                },
                status,
            )?;
            self.record(
                Operation::ReviewDecision,
                &format!("{query} rationale {hash}"),
                &Self::alert_subjects(&alert),
                None,
                status,
            )?;
            Ok(status.to_string())
        })
    }

    /// The subject's representations, once a referral has taken effect and
    /// they have been told of it.
    pub fn alert_representation(&self, id: i64, text: &str) -> Result<(), EngineError> {
        let query = self.review_query(id, "representation");
        self.logged(Operation::ReviewDecision, &query, &[], || {
            let (alert, _) = self.alert_for(id)?;
            if alert.status != "refer_for_assessment" {
                return Err(EngineError::InvalidInput(format!(
                    "alert {id} is `{}`: representations follow a referral the subject was told of",
                    alert.status
                )));
            }
            check_text("representation", text, 4)?;
            let hash = self.keep_text(text)?;
            self.engine.store()?.add_review_act(
                &AlertReviewAct {
                    alert_id: id,
                    at: Timestamp::now(),
                    principal: self.principal.id.clone(),
                    act: "representation".into(),
                    rationale: Some(hash.clone()),
                    ..AlertReviewAct::default()
                },
                &alert.status,
            )?;
            self.record(
                Operation::ReviewDecision,
                &format!("{query} text {hash}"),
                &Self::alert_subjects(&alert),
                None,
                "recorded",
            )
        })
    }

    /// Decisions under `quick_seconds` and reviewers who (nearly) always
    /// agree with the flag: figures about reviewers, never about subjects.
    pub fn rubber_stamp_report(
        &self,
        quick_seconds: i64,
    ) -> Result<RubberStampReport, EngineError> {
        let query = format!("review rubber-stamp report under {quick_seconds} s");
        self.logged(Operation::Consult, &query, &[], || {
            self.require_action(Action::ReadAudit, "read the rubber-stamp report")?;
            let acts = self.engine.store()?.all_review_acts()?;
            let report = rubber_stamps(&acts, quick_seconds);
            self.record(
                Operation::Consult,
                &query,
                &[],
                None,
                &format!("{} decisions", report.decisions),
            )?;
            Ok(report)
        })
    }
}

/// One reviewer's decisions.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewerStats {
    pub reviewer: String,
    pub decisions: u64,
    /// Decisions made under the report's quick seconds.
    pub quick: u64,
    /// Decisions that referred (agreed with the flag).
    pub referred: u64,
    /// Median seconds from opening to deciding, over decisions with a time.
    pub median_seconds: Option<i64>,
    /// Listed as a possible rubber stamp.
    pub flagged: bool,
}

impl ReviewerStats {
    pub fn agreement(&self) -> f64 {
        if self.decisions == 0 {
            return 0.0;
        }
        self.referred as f64 / self.decisions as f64
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RubberStampReport {
    pub quick_seconds: i64,
    pub decisions: u64,
    pub quick: u64,
    pub reviewers: Vec<ReviewerStats>,
}

/// The rubber-stamp report from review acts: each decision (a first
/// decision or a confirmation) counts for its reviewer; agreeing with the
/// flag is referring. A reviewer is flagged who agrees in at least
/// [`AGREEMENT_SHARE_FLAGGED`] of at least [`DECISIONS_MIN_FLAGGED`]
/// decisions, or makes half or more of them quickly.
pub fn rubber_stamps(acts: &[AlertReviewAct], quick_seconds: i64) -> RubberStampReport {
    let mut by: BTreeMap<&str, (u64, u64, u64, Vec<i64>)> = BTreeMap::new();
    for a in acts
        .iter()
        .filter(|a| matches!(a.act.as_str(), "decide" | "confirm"))
    {
        let e = by.entry(a.principal.as_str()).or_default();
        e.0 += 1;
        if a.seconds.is_some_and(|s| s < quick_seconds) {
            e.1 += 1;
        }
        if a.outcome.as_deref() == Some("refer_for_assessment") {
            e.2 += 1;
        }
        if let Some(s) = a.seconds {
            e.3.push(s);
        }
    }
    let reviewers: Vec<ReviewerStats> = by
        .into_iter()
        .map(|(reviewer, (decisions, quick, referred, mut times))| {
            times.sort_unstable();
            let median_seconds = times.get(times.len() / 2).copied();
            let mut s = ReviewerStats {
                reviewer: reviewer.to_string(),
                decisions,
                quick,
                referred,
                median_seconds,
                flagged: false,
            };
            s.flagged = decisions >= DECISIONS_MIN_FLAGGED
                && (s.agreement() >= AGREEMENT_SHARE_FLAGGED || quick * 2 >= decisions);
            s
        })
        .collect();
    RubberStampReport {
        quick_seconds,
        decisions: reviewers.iter().map(|r| r.decisions).sum(),
        quick: reviewers.iter().map(|r| r.quick).sum(),
        reviewers,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn act(by: &str, outcome: &str, seconds: i64) -> AlertReviewAct {
        AlertReviewAct {
            principal: by.into(),
            act: "decide".into(),
            outcome: Some(outcome.into()),
            seconds: Some(seconds),
            ..AlertReviewAct::default()
        }
    }

    // issue 18, item 3: decisions under N seconds, and reviewers who
    // always agree with the flag.
    #[test]
    fn quick_deciders_and_constant_agreers_are_flagged() {
        let mut acts = Vec::new();
        for _ in 0..6 {
            acts.push(act("stamp", "refer_for_assessment", 300));
            acts.push(act("quick", "no_further_action", 4));
        }
        for i in 0..6 {
            let outcome = if i % 2 == 0 {
                "refer_for_assessment"
            } else {
                "no_further_action"
            };
            acts.push(act("careful", outcome, 600));
        }
        acts.push(AlertReviewAct {
            act: "open".into(),
            principal: "careful".into(),
            ..AlertReviewAct::default()
        });
        let r = rubber_stamps(&acts, 30);
        assert_eq!(r.decisions, 18);
        assert_eq!(r.quick, 6);
        let get = |n: &str| r.reviewers.iter().find(|s| s.reviewer == n).unwrap();
        assert!(get("stamp").flagged && get("stamp").agreement() == 1.0);
        assert!(get("quick").flagged);
        assert!(!get("careful").flagged);
        assert_eq!(get("careful").median_seconds, Some(600));
    }
}
