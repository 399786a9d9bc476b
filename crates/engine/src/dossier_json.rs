//! The dossier as JSON (the API's body, the CLI's `--json`; layout in
//! `docs/dossier.md`), written straight from the dossier. Building it as a
//! `serde_json::Value` first copied every value and source into maps and
//! strings only to write them out again: a large share of a dossier view's
//! allocations. Fields are written in the documented order.

use clearstone_model::Timestamp;
use clearstone_store::Judgement;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::dossier::{
    Dossier, DossierMember, DossierValue, MemberPair, Reference, ResolutionHistory, RunSummary,
    TimelineEvent, ValueSource,
};

/// A timestamp as its text (`2024-01-31T09:00:00.000Z`).
struct Ts(Timestamp);

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

fn ts(t: Option<Timestamp>) -> Option<Ts> {
    t.map(Ts)
}

/// JSON has no infinities; a weight past any float is written as null.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

#[derive(Serialize)]
struct Member<'a> {
    entity_id: &'a str,
    dataset: &'a str,
    schema: &'a str,
}

impl<'a> From<&'a DossierMember> for Member<'a> {
    fn from(m: &'a DossierMember) -> Self {
        Self {
            entity_id: &m.entity_id,
            dataset: &m.dataset,
            schema: &m.schema,
        }
    }
}

#[derive(Serialize)]
struct Source<'a> {
    entity_id: &'a str,
    dataset: &'a str,
    source: &'a str,
    record: &'a str,
    original_value: Option<&'a str>,
    first_seen: Ts,
    last_seen: Ts,
    markings: &'a str,
    subject_category: Option<&'a str>,
    kind: &'a str,
    statement_id: &'a str,
}

impl<'a> From<&'a ValueSource> for Source<'a> {
    fn from(s: &'a ValueSource) -> Self {
        Self {
            entity_id: &s.entity_id,
            dataset: &s.dataset,
            source: &s.source,
            record: &s.record,
            original_value: s.original_value.as_deref(),
            first_seen: Ts(s.first_seen),
            last_seen: Ts(s.last_seen),
            markings: &s.markings,
            subject_category: s.subject_category.as_deref(),
            kind: &s.kind,
            statement_id: &s.statement_id,
        }
    }
}

struct Sources<'a>(&'a [ValueSource]);

impl Serialize for Sources<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Source::from))
    }
}

#[derive(Serialize)]
struct Value<'a> {
    value: &'a str,
    masked: bool,
    first_seen: Option<Ts>,
    last_seen: Option<Ts>,
    sources: Sources<'a>,
}

impl<'a> From<&'a DossierValue> for Value<'a> {
    fn from(v: &'a DossierValue) -> Self {
        Self {
            value: &v.value,
            masked: v.masked,
            first_seen: ts(v.first_seen),
            last_seen: ts(v.last_seen),
            sources: Sources(&v.sources),
        }
    }
}

struct Values<'a>(&'a [DossierValue]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Value::from))
    }
}

struct Properties<'a>(&'a Dossier);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.properties.len()))?;
        for (prop, values) in &self.0.properties {
            map.serialize_entry(prop, &Values(values))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Ref<'a> {
    prop: &'a str,
    member: &'a str,
    entity_id: &'a str,
    canonical_id: &'a str,
    schema: &'a str,
    label: &'a str,
    dataset: &'a str,
    record: &'a str,
}

impl<'a> From<&'a Reference> for Ref<'a> {
    fn from(r: &'a Reference) -> Self {
        Self {
            prop: &r.prop,
            member: &r.member,
            entity_id: &r.entity_id,
            canonical_id: &r.canonical_id,
            schema: &r.schema,
            label: &r.label,
            dataset: &r.dataset,
            record: &r.record,
        }
    }
}

#[derive(Serialize)]
struct Event<'a> {
    date: Option<&'a str>,
    schema: &'a str,
    label: &'a str,
    entity_id: &'a str,
    canonical_id: &'a str,
    prop: &'a str,
    member: &'a str,
}

impl<'a> From<&'a TimelineEvent> for Event<'a> {
    fn from(e: &'a TimelineEvent) -> Self {
        Self {
            date: e.date.as_deref(),
            schema: &e.schema,
            label: &e.label,
            entity_id: &e.entity_id,
            canonical_id: &e.canonical_id,
            prop: &e.prop,
            member: &e.member,
        }
    }
}

#[derive(Serialize)]
struct Run<'a> {
    id: i64,
    at: Ts,
    by: &'a str,
    model_version: &'a str,
    incremental: bool,
}

impl<'a> From<&'a RunSummary> for Run<'a> {
    fn from(r: &'a RunSummary) -> Self {
        Self {
            id: r.id,
            at: Ts(r.at),
            by: &r.principal,
            model_version: &r.model_version,
            incremental: r.incremental,
        }
    }
}

#[derive(Serialize)]
struct Pair<'a> {
    left_id: &'a str,
    right_id: &'a str,
    probability: f64,
    weight: Option<f64>,
    model_version: &'a str,
    run_id: i64,
    linked: bool,
}

impl<'a> From<&'a MemberPair> for Pair<'a> {
    fn from(p: &'a MemberPair) -> Self {
        Self {
            left_id: &p.left_id,
            right_id: &p.right_id,
            probability: p.probability,
            weight: finite(p.weight),
            model_version: &p.model_version,
            run_id: p.run_id,
            linked: p.linked,
        }
    }
}

/// A judgement as the dossier, the review API and the CLI show it.
#[derive(Serialize)]
pub(crate) struct JudgementJson<'a> {
    id: i64,
    schema: &'a str,
    left_id: &'a str,
    right_id: &'a str,
    verdict: &'a str,
    probability: Option<f64>,
    model_version: Option<&'a str>,
    by: &'a str,
    at: Ts,
    why: &'a str,
    withdrawn_at: Option<Ts>,
    withdrawn_by: Option<&'a str>,
    withdrawn_why: Option<&'a str>,
}

impl<'a> From<&'a Judgement> for JudgementJson<'a> {
    fn from(j: &'a Judgement) -> Self {
        Self {
            id: j.id,
            schema: &j.schema,
            left_id: &j.left_id,
            right_id: &j.right_id,
            verdict: &j.verdict,
            probability: j.probability,
            model_version: j.model_version.as_deref(),
            by: &j.principal,
            at: Ts(j.at),
            why: &j.why,
            withdrawn_at: ts(j.withdrawn_at),
            withdrawn_by: j.withdrawn_by.as_deref(),
            withdrawn_why: j.withdrawn_why.as_deref(),
        }
    }
}

/// Serialises each item through its borrowed JSON form.
struct Each<'a, T, J>(&'a [T], std::marker::PhantomData<J>);

impl<'a, T, J> Serialize for Each<'a, T, J>
where
    J: Serialize + From<&'a T>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(J::from))
    }
}

fn each<'a, T, J: Serialize + From<&'a T>>(items: &'a [T]) -> Each<'a, T, J> {
    Each(items, std::marker::PhantomData)
}

#[derive(Serialize)]
struct History<'a> {
    schema: Option<&'a str>,
    runs: Each<'a, RunSummary, Run<'a>>,
    pairs: Each<'a, MemberPair, Pair<'a>>,
    judgements: Each<'a, Judgement, JudgementJson<'a>>,
}

impl<'a> From<&'a ResolutionHistory> for History<'a> {
    fn from(h: &'a ResolutionHistory) -> Self {
        Self {
            schema: h.schema.as_deref(),
            runs: each(&h.runs),
            pairs: each(&h.pairs),
            judgements: each(&h.judgements),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    id: &'a str,
    schema: &'a str,
    label: &'a str,
    members: Each<'a, DossierMember, Member<'a>>,
    properties: Properties<'a>,
    outgoing: Each<'a, Reference, Ref<'a>>,
    incoming: Each<'a, Reference, Ref<'a>>,
    timeline: Each<'a, TimelineEvent, Event<'a>>,
    history: History<'a>,
    truncated: &'a [&'static str],
}

impl Serialize for Dossier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Body {
            id: &self.id,
            schema: &self.schema,
            label: &self.label,
            members: each(&self.members),
            properties: Properties(self),
            outgoing: each(&self.outgoing),
            incoming: each(&self.incoming),
            timeline: each(&self.timeline),
            history: History::from(&self.history),
            truncated: &self.truncated,
        }
        .serialize(s)
    }
}

/// A judgement as JSON, written through the same form as in the dossier.
pub(crate) fn judgement_value(j: &Judgement) -> serde_json::Value {
    serde_json::to_value(JudgementJson::from(j)).unwrap_or(serde_json::Value::Null)
}
