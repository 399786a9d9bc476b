//! The JSON renderings of what sessions return, shared by the CLI's
//! `--json` output and the server's API, so both answer alike. They render
//! what the gate already decided and redacted; they read nothing.

use serde_json::{Value, json};

use crate::{
    AccessEvent, Alert, DanglingReference, Dataset, Entity, IngestRun, QuarantineEntry, SearchHit,
    SearchResults,
};

pub fn entity_json(e: &Entity) -> Value {
    let props: serde_json::Map<String, Value> = e
        .properties
        .iter()
        .map(|(p, group)| {
            let vals: Vec<Value> = group
                .iter()
                .map(|s| {
                    json!({
                        "value": s.value,
                        "original_value": s.original_value,
                        "dataset": &*s.dataset,
                        "source": &*s.origin.source,
                        "record": &*s.origin.record,
                        "first_seen": s.first_seen.to_string(),
                        "last_seen": s.last_seen.to_string(),
                        "markings": s.markings.to_string(),
                        "subject_category": s.subject_category.map(|c| c.as_str()),
                        "kind": s.kind.as_str(),
                        "statement_id": s.id.to_string(),
                    })
                })
                .collect();
            (p.clone(), Value::Array(vals))
        })
        .collect();
    json!({ "id": e.id, "schema": e.schema, "properties": props })
}

pub fn datasets_json(ds: &[Dataset]) -> Value {
    Value::Array(
        ds.iter()
            .map(|d| {
                json!({
                    "name": d.name, "title": d.title, "owner": d.owner, "description": d.description,
                    "legal_basis": d.legal_basis, "retention": d.retention, "markings": d.markings,
                    "statements": d.statements, "quarantined": d.quarantined, "dangling": d.dangling,
                    "created_at": d.created_at.to_string(), "updated_at": d.updated_at.to_string(),
                })
            })
            .collect(),
    )
}

pub fn quarantine_json(rows: &[QuarantineEntry]) -> Value {
    Value::Array(
        rows.iter()
            .map(|q| {
                json!({
                    "dataset": q.dataset, "source": q.source, "mapping": q.mapping, "line": q.line,
                    "column": q.column, "reason": q.reason,
                    "values": q.values.iter().map(|(c, v)| (c.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
                    "first_seen": q.first_seen.to_string(), "last_seen": q.last_seen.to_string(),
                })
            })
            .collect(),
    )
}

pub fn dangling_json(refs: &[DanglingReference]) -> Value {
    Value::Array(
        refs.iter()
            .map(|r| {
                json!({
                    "dataset": r.dataset, "entity_id": r.entity_id, "prop": r.prop,
                    "target": r.target, "run": r.run_id,
                })
            })
            .collect(),
    )
}

pub fn events_json(evs: &[AccessEvent]) -> Value {
    Value::Array(
        evs.iter()
            .map(|e| {
                json!({
                    "id": e.id, "at": e.at.to_string(), "operation": e.operation, "principal": e.principal,
                    "purpose": e.purpose, "justification": e.justification, "case_ref": e.case_ref,
                    "query": e.query, "subjects": e.subjects, "recipient": e.recipient,
                    "outcome": e.outcome, "flags": e.flags,
                })
            })
            .collect(),
    )
}

pub fn hit_json(h: &SearchHit) -> Value {
    json!({
        "canonical": h.canonical,
        "records": h.entities,
        "schema": h.schema,
        "label": h.label,
        "score": h.score,
        "snippets": h.snippets.iter().map(|s| json!({
            "prop": s.prop, "text": s.text, "highlights": s.highlights,
        })).collect::<Vec<_>>(),
    })
}

pub fn results_json(r: &SearchResults) -> Value {
    json!({ "total": r.total, "hits": r.hits.iter().map(hit_json).collect::<Vec<_>>() })
}

pub fn runs_json(runs: &[IngestRun]) -> Value {
    Value::Array(
        runs.iter()
            .map(|r| {
                json!({
                    "id": r.id, "dataset": r.dataset, "source": r.source,
                    "started_at": r.started_at.to_string(), "status": r.status.as_str(),
                    "rows_read": r.rows_read, "statements_new": r.statements_new,
                    "statements_seen": r.statements_seen, "quarantined": r.quarantined,
                    "dangling": r.dangling, "error": r.error,
                })
            })
            .collect(),
    )
}

pub fn alerts_json(alerts: &[Alert]) -> Value {
    Value::Array(
        alerts
            .iter()
            .map(|a| {
                json!({
                    "id": a.id, "at": a.at.to_string(), "kind": a.kind, "principal": a.principal,
                    "subject": a.subject, "detail": a.detail, "event_id": a.event_id,
                    "status": a.status,
                })
            })
            .collect(),
    )
}

/// A match score's waterfall: the prior and each comparison's part, which
/// add up to `total`.
pub fn explanation_json(e: &clearstone_resolve::Explanation) -> Value {
    json!({
        "model_version": e.model_version,
        "prior_weight": e.prior_weight,
        "terms": e.terms.iter().map(|t| json!({
            "comparison": t.comparison, "level": t.level, "label": t.label,
            "weight": t.weight, "tf_adjustment": t.tf_adjustment,
        })).collect::<Vec<_>>(),
        "household": e.household,
        "names_alone": e.names_alone,
        "total": e.total,
        "probability": e.probability,
    })
}
