//! An indicator alert's evidence as its reviewer may see it: each piece's
//! source record, read through the gate under the reviewer's own session,
//! with only the statements the rule used, masked as their purpose requires
//! and with every protected characteristic withheld.

use std::collections::HashMap;

use clearstone_model::{Entity, Statement};
use clearstone_policy::Action;
use clearstone_store::{Alert, IndicatorStore};
use serde_json::Value as Json;

use crate::{EngineError, Operation, Session};

/// One piece of an alert's evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidencePiece {
    /// The source record's entity id.
    pub record: String,
    /// The condition the piece satisfied, in plain English.
    pub condition: String,
    /// The statements the rule used, as this session may see them; `None`
    /// when none is visible. A record the session may see nothing of is
    /// no piece at all, as an absent one is.
    pub shown: Option<Entity>,
}

fn pieces(alert: &Alert) -> Vec<(String, Vec<String>, String)> {
    let parsed: Json = alert
        .evidence
        .as_deref()
        .and_then(|e| serde_json::from_str(e).ok())
        .unwrap_or(Json::Null);
    parsed
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    let record = p.get("record")?.as_str()?.to_owned();
                    let statements = p
                        .get("statements")?
                        .as_array()?
                        .iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect();
                    let condition = p.get("condition")?.as_str()?.to_owned();
                    Some((record, statements, condition))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Session<'_> {
    /// A record's statements as stored, if this session may see anything
    /// of it: a record it may not is answered as an absent one.
    pub(crate) fn seen_record(&self, id: &str) -> Result<Option<Vec<Statement>>, EngineError> {
        let raw = self.visible_statements(id, Action::View, false)?;
        let seen = !self.gate(Action::View, raw.clone(), None).0.is_empty();
        Ok(seen.then_some(raw))
    }

    /// An alert as this session may know it: of its evidence only the
    /// pieces citing a record it may see, since a hidden record's id and the
    /// condition it met would say it exists. An alert about a person it may
    /// not see is none at all (`None`), answered as an absent one.
    pub(crate) fn shown_alert(&self, alert: Alert) -> Result<Option<Alert>, EngineError> {
        self.shown_with(alert, &mut HashMap::new())
    }

    /// Whether `target` is the id of an alert this session may know of.
    pub(crate) fn knows_alert(&self, target: &str) -> Result<bool, EngineError> {
        let stored = match target.parse::<i64>() {
            Ok(n) => self.engine.store()?.alert(n)?,
            Err(_) => None,
        };
        Ok(match stored {
            Some(a) => self.shown_alert(a)?.is_some(),
            None => false,
        })
    }

    /// The first `limit` alerts of a list this session may know of, each
    /// as [`Session::shown_alert`] shows it, each person and record decided
    /// once: a queue names the same people again and again. Filtering
    /// comes before the page, so its size tells nothing of hidden ones.
    pub(crate) fn shown_alerts(
        &self,
        alerts: Vec<Alert>,
        limit: usize,
    ) -> Result<Vec<Alert>, EngineError> {
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for a in alerts {
            if out.len() == limit {
                break;
            }
            out.extend(self.shown_with(a, &mut seen)?);
        }
        Ok(out)
    }

    /// `seen` keeps, per person or record id, whether it may be named.
    fn shown_with(
        &self,
        alert: Alert,
        seen: &mut HashMap<String, bool>,
    ) -> Result<Option<Alert>, EngineError> {
        let mut sees = |id: &str, person: bool| -> Result<bool, EngineError> {
            let key = format!("{}{id}", if person { "person " } else { "record " });
            if let Some(b) = seen.get(&key) {
                return Ok(*b);
            }
            let b = match person {
                true => self.cluster_of(id)?.is_some(),
                false => self.seen_record(id)?.is_some(),
            };
            seen.insert(key, b);
            Ok(b)
        };
        if let Some(p) = alert.person.as_deref()
            && !sees(p, true)?
        {
            return Ok(None);
        }
        let evidence = match alert.evidence.as_deref().map(serde_json::from_str::<Json>) {
            Some(Ok(Json::Array(list))) => {
                let mut kept = Vec::with_capacity(list.len());
                for piece in list {
                    let record = piece.get("record").and_then(Json::as_str);
                    if let Some(r) = record
                        && sees(r, false)?
                    {
                        kept.push(piece);
                    }
                }
                Some(Json::Array(kept).to_string())
            }
            // Evidence that does not read names nothing the reader could use.
            Some(_) => Some("[]".to_string()),
            None => None,
        };
        Ok(Some(Alert { evidence, ..alert }))
    }

    /// One indicator alert with its evidence, for those who may read
    /// alerts: one logged event naming the person and every record shown.
    /// The person, and each cited record, only if this session may see
    /// them, as on the reviewer's page.
    pub fn alert_evidence(&self, id: i64) -> Result<(Alert, Vec<EvidencePiece>), EngineError> {
        self.logged(Operation::Consult, "read alert evidence", &[], || {
            self.require_action(Action::ReadAudit, "read alerts")?;
            let stored = self.engine.store()?.alert(id)?;
            let (alert, shown) = match stored.filter(|a| a.rule_id.is_some()) {
                Some(a) => self.shown_alert(a.clone())?.map(|shown| (a, shown)),
                None => None,
            }
            .ok_or_else(|| EngineError::NotFound(format!("indicator alert {id}")))?;
            let mut out = Vec::new();
            let (mut allowed, mut masked) = (0u64, 0u64);
            for (record, used, condition) in pieces(&alert) {
                let Some(raw) = self.seen_record(&record)? else {
                    continue;
                };
                let raw: Vec<Statement> = raw
                    .into_iter()
                    .filter(|s| used.contains(&s.id.to_string()))
                    .collect();
                let (shown, counts) = self.gate_for_review(Action::View, raw);
                allowed += counts.allowed;
                masked += counts.masked;
                out.push(EvidencePiece {
                    shown: Entity::assemble(&record, shown),
                    record,
                    condition,
                });
            }
            let mut subjects: Vec<&str> = out.iter().map(|p| p.record.as_str()).collect();
            subjects.extend(alert.person.as_deref());
            self.record(
                Operation::Consult,
                "read alert evidence",
                &subjects,
                None,
                &format!("{allowed} shown, {masked} masked"),
            )?;
            Ok((shown, out))
        })
    }
}
