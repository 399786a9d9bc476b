//! The dossier's JSON is written from the dossier itself (the API's body)
//! in exactly the layout `docs/dossier.md` documents, which the engine
//! used to build as a `serde_json::Value` field by field: that builder is
//! kept here as the reference.
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::{Dossier, Judgement, Reference, Timestamp};
use links::*;
use serde_json::{Value, json};

#[test]
fn a_dossier_serialises_to_its_documented_layout() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    let d = s.dossier(OFFICER_1).unwrap();
    // Every part of the layout is exercised: judgements (one withdrawn),
    // pairs, runs, references and values with sources.
    assert!(d.history.judgements.len() >= 3 && !d.history.pairs.is_empty());
    assert!(!d.properties.is_empty() && !d.members.is_empty());
    let written = serde_json::to_string(&d).unwrap();
    assert_eq!(written, layout(&d).to_string());
    assert_eq!(d.to_json(), layout(&d));
}

fn ts(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.to_string()))
}

fn reference_json(r: &Reference) -> Value {
    json!({
        "prop": r.prop, "member": r.member, "entity_id": r.entity_id,
        "canonical_id": r.canonical_id, "schema": r.schema, "label": r.label,
        "dataset": r.dataset, "record": r.record,
    })
}

/// A judgement as the dossier and the CLI show it.
fn judgement_json(j: &Judgement) -> Value {
    json!({
        "id": j.id, "schema": j.schema, "left_id": j.left_id, "right_id": j.right_id,
        "verdict": j.verdict, "probability": j.probability, "model_version": j.model_version,
        "by": j.principal, "at": j.at.to_string(), "why": j.why,
        "withdrawn_at": ts(j.withdrawn_at), "withdrawn_by": j.withdrawn_by,
        "withdrawn_why": j.withdrawn_why,
    })
}

fn layout(d: &Dossier) -> Value {
    let this = d;
    {
        let properties: serde_json::Map<String, Value> = this
            .properties
            .iter()
            .map(|(p, values)| {
                let values: Vec<Value> = values
                    .iter()
                    .map(|v| {
                        let sources: Vec<Value> = v
                            .sources
                            .iter()
                            .map(|s| {
                                json!({
                                    "entity_id": s.entity_id, "dataset": s.dataset,
                                    "source": s.source, "record": s.record,
                                    "original_value": s.original_value,
                                    "first_seen": s.first_seen.to_string(),
                                    "last_seen": s.last_seen.to_string(),
                                    "markings": s.markings,
                                    "subject_category": s.subject_category,
                                    "kind": s.kind, "statement_id": s.statement_id,
                                })
                            })
                            .collect();
                        json!({
                            "value": v.value, "masked": v.masked,
                            "first_seen": ts(v.first_seen), "last_seen": ts(v.last_seen),
                            "sources": sources,
                        })
                    })
                    .collect();
                (p.clone(), Value::Array(values))
            })
            .collect();
        let h = &this.history;
        json!({
            "id": this.id,
            "schema": this.schema,
            "label": this.label,
            "members": this.members.iter().map(|m| json!({
                "entity_id": m.entity_id, "dataset": m.dataset, "schema": m.schema,
            })).collect::<Vec<_>>(),
            "properties": properties,
            "outgoing": this.outgoing.iter().map(reference_json).collect::<Vec<_>>(),
            "incoming": this.incoming.iter().map(reference_json).collect::<Vec<_>>(),
            "timeline": this.timeline.iter().map(|e| json!({
                "date": e.date, "schema": e.schema, "label": e.label,
                "entity_id": e.entity_id, "canonical_id": e.canonical_id,
                "prop": e.prop, "member": e.member,
            })).collect::<Vec<_>>(),
            "history": {
                "schema": h.schema,
                "runs": h.runs.iter().map(|r| json!({
                    "id": r.id, "at": r.at.to_string(), "by": r.principal,
                    "model_version": r.model_version, "incremental": r.incremental,
                })).collect::<Vec<_>>(),
                "pairs": h.pairs.iter().map(|p| json!({
                    "left_id": p.left_id, "right_id": p.right_id,
                    "probability": p.probability, "weight": finite(p.weight),
                    "model_version": p.model_version, "run_id": p.run_id, "linked": p.linked,
                })).collect::<Vec<_>>(),
                "judgements": h.judgements.iter().map(judgement_json).collect::<Vec<_>>(),
            },
            "truncated": this.truncated,
        })
    }
}

/// JSON has no infinities; a weight past any float is written as null.
fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}
