//! The dossier through the session: values with their sources, references
//! both ways, a timeline, resolution history, and nothing the session may
//! not see (see `links/mod.rs` for the data and who sees what).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::{EngineError, SessionRequest};
use links::*;

fn ids_in(d: &clearstone_engine::Dossier) -> String {
    d.to_json().to_string()
}

#[test]
fn values_are_grouped_with_their_sources_and_events_are_in_date_order() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    let d = s.dossier(OFFICER_1).unwrap();
    assert!(d.id.starts_with("cs-"), "the canonical id: {}", d.id);
    assert_eq!(d.schema, "Officer");
    assert_eq!(d.label, "Ann Smithson");
    let members: Vec<&str> = d.members.iter().map(|m| m.entity_id.as_str()).collect();
    assert_eq!(members, [OFFICER_1, VETTING_1]);
    assert_eq!(
        (d.members[1].dataset.as_str(), d.members[1].schema.as_str()),
        ("vetting", "Officer")
    );
    // One value, two sources, each saying where it came from.
    let last = &d.properties["last_name"];
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].value, "Smithson");
    let datasets: Vec<&str> = last[0].sources.iter().map(|s| s.dataset.as_str()).collect();
    assert_eq!(datasets.len(), 2);
    assert!(datasets.contains(&"hr") && datasets.contains(&"vetting"));
    for src in &last[0].sources {
        assert!(src.source.ends_with(".csv"), "{src:?}");
        assert!(!src.record.is_empty());
        assert_eq!(src.markings, "OFFICIAL-SENSITIVE");
    }
    assert_eq!(
        last[0].first_seen,
        last[0].sources.iter().map(|s| s.first_seen).min()
    );
    // Only the collar number's own source has it.
    assert_eq!(d.properties["collar_number"][0].sources.len(), 1);
    // Special-category values are masked as the gate masks them.
    let eth = &d.properties["ethnicity"];
    assert!(eth[0].masked && eth[0].value != "white", "{eth:?}");
    assert_eq!(eth[0].first_seen, None);
    assert!(!ids_in(&d).contains("\"white\""));
    // References out: both records' homes, labelled; none in `properties`.
    assert!(!d.properties.contains_key("address"));
    let homes: Vec<(&str, &str)> = d
        .outgoing
        .iter()
        .map(|r| (r.entity_id.as_str(), r.label.as_str()))
        .collect();
    assert_eq!(
        homes,
        [
            ("hr:home:1", "1 Mill Lane, Northtown, NT1 1AA"),
            ("vetting:home:V1", "1 Mill Lane, Northtown, NT1 1AA")
        ]
    );
    // References in: the complaints and the absence, not the intelligence
    // report ana may not see.
    let mut incoming: Vec<(&str, &str)> = d
        .incoming
        .iter()
        .map(|r| (r.entity_id.as_str(), r.prop.as_str()))
        .collect();
    incoming.sort();
    assert_eq!(
        incoming,
        [
            ("absence:absence:A1", "staff_member"),
            ("psd:complaint:C1", "subject"),
            ("psd:complaint:C2", "subject"),
        ]
    );
    // The timeline, in date order, each event with its linking property.
    let timeline: Vec<(Option<&str>, &str, &str)> = d
        .timeline
        .iter()
        .map(|t| (t.date.as_deref(), t.entity_id.as_str(), t.prop.as_str()))
        .collect();
    assert_eq!(
        timeline,
        [
            (Some("2019-11-20"), "psd:complaint:C2", "subject"),
            (Some("2020-06-01"), "absence:absence:A1", "staff_member"),
            (Some("2021-05-01"), "psd:complaint:C1", "subject"),
        ]
    );
    assert_eq!(d.timeline[0].schema, "Complaint");
    assert_eq!(d.timeline[1].member, OFFICER_1);
    assert!(d.truncated.is_empty());

    // Any of its ids opens the same dossier.
    for id in [d.id.as_str(), VETTING_1] {
        let again = s.dossier(id).unwrap();
        assert_eq!((again.id.as_str(), again.members.len()), (d.id.as_str(), 2));
    }
    // The JSON carries the same.
    let j = d.to_json();
    assert_eq!(j["timeline"][0]["date"], "2019-11-20");
    assert_eq!(
        j["properties"]["last_name"][0]["sources"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(j["members"][1]["entity_id"], VETTING_1);
}

#[test]
fn a_hidden_member_target_or_referrer_never_appears() {
    let (_t, e) = fixture();
    // Without the PSD caveat: no complaints, no complainants, and no
    // judgement naming one.
    let hal = e.session(req("hal", "pds")).unwrap();
    let d = hal.dossier(OFFICER_1).unwrap();
    let text = ids_in(&d);
    for hidden in ["psd:", "intel:", "Holt", "2019-11-20", "2021-05-01"] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    assert_eq!(d.incoming.len(), 1, "the absence only");
    assert_eq!(d.timeline.len(), 1);
    assert!(
        d.history
            .judgements
            .iter()
            .all(|j| j.left_id != COMPLAINANT_1 && j.right_id != COMPLAINANT_1)
    );
    assert!(matches!(
        hal.dossier(COMPLAINANT_1),
        Err(EngineError::NotFound(_))
    ));

    // A purpose that leaves vetting out: the vetting record is not a
    // member, and naming it opens nothing.
    let hr = e.session(req("ana", "hr-only")).unwrap();
    let d = hr.dossier(OFFICER_1).unwrap();
    let text = ids_in(&d);
    assert_eq!(d.members.len(), 1);
    for hidden in ["vetting", "psd:", "intel:"] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    assert!(matches!(
        hr.dossier(VETTING_1),
        Err(EngineError::NotFound(_))
    ));
    // Nor does its canonical id, to anyone who sees none of it.
    let psd = e.session(req("ana", "psd-only")).unwrap();
    assert!(matches!(psd.dossier(&d.id), Err(EngineError::NotFound(_))));

    // A complaint seen under a purpose covering complaints alone: its
    // complainant is there, the officer it is about is not.
    let c = psd.dossier("psd:complaint:C1").unwrap();
    let text = ids_in(&c);
    assert_eq!(c.outgoing.len(), 1);
    assert_eq!(c.outgoing[0].entity_id, COMPLAINANT_1);
    assert_eq!(c.outgoing[0].label, "Dee Holt");
    assert!(!text.contains("hr:"), "{text}");

    // With clearance for intelligence, the report appears.
    let sam = e.session(req("sam", "pds")).unwrap();
    let d = sam.dossier(OFFICER_1).unwrap();
    assert!(d.incoming.iter().any(|r| r.entity_id == REPORT_1));
    assert_eq!(
        d.timeline.last().unwrap().date.as_deref(),
        Some("2023-03-03")
    );
}

#[test]
fn resolution_history_lists_the_merge_and_the_judgements() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    let h = s.dossier(OFFICER_1).unwrap().history;
    assert_eq!(h.schema.as_deref(), Some("Person"));
    let run = h.runs.first().unwrap();
    assert!(!run.model_version.is_empty());
    assert_eq!(run.principal, "eng");
    // The model scored the two records as one, or a person joined them.
    let same = h.judgements.iter().find(|j| j.verdict == "same").unwrap();
    assert_eq!(
        (same.left_id.as_str(), same.right_id.as_str()),
        (OFFICER_1, VETTING_1)
    );
    assert_eq!(same.principal, "eng");
    assert_eq!(same.why, "same NI number and date of birth");
    assert!(same.withdrawn_at.is_none());
    assert_eq!(h.pairs.len(), 1, "{:?}", h.pairs);
    for p in &h.pairs {
        assert_eq!(
            (p.left_id.as_str(), p.right_id.as_str()),
            (OFFICER_1, VETTING_1)
        );
        assert!(p.linked && p.probability > 0.9, "{p:?}");
        assert!(h.runs.iter().any(|r| r.id == p.run_id));
    }
    // Judgements around the members are there too, withdrawn ones marked.
    let cut = h
        .judgements
        .iter()
        .find(|j| j.verdict == "not_same")
        .unwrap();
    assert_eq!(cut.right_id, COMPLAINANT_1);
    let withdrawn = h.judgements.iter().find(|j| j.verdict == "unsure").unwrap();
    assert!(withdrawn.withdrawn_at.is_some());
    assert_eq!(withdrawn.withdrawn_by.as_deref(), Some("eng"));
    let j = s.dossier(OFFICER_1).unwrap().to_json();
    assert_eq!(j["history"]["judgements"].as_array().unwrap().len(), 3);
    assert!(j["history"]["judgements"][0]["by"].is_string());
}

#[test]
fn a_dossier_is_one_consult_event_and_needs_a_session() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    let mut d = None;
    let ev = one_event(&e, || d = Some(s.dossier(OFFICER_1).unwrap()));
    let d = d.unwrap();
    assert_eq!(
        (ev.operation.as_str(), ev.query.as_str()),
        ("consult", "dossier")
    );
    // Every entity returned, hashed: the canonical id, both records, the
    // two homes and the three records pointing at it, the complainant and
    // officer 2 named in judgements.
    assert_eq!(ev.subjects.len(), 1 + 2 + 2 + 3 + 2, "{:?}", ev.subjects);
    assert!(
        ev.subjects
            .iter()
            .all(|h| h.len() == 32 && !h.contains(':'))
    );
    assert_eq!(ev.case_ref.as_deref(), Some("PSD-114"));
    assert!(ev.outcome.starts_with("2 records"), "{}", ev.outcome);
    drop(d);
    // Not found is logged too, once.
    let ev = one_event(&e, || {
        assert!(matches!(
            s.dossier("hr:officer:999"),
            Err(EngineError::NotFound(_))
        ))
    });
    assert_eq!(
        (ev.query.as_str(), ev.outcome.as_str()),
        ("dossier", "not found")
    );
    // Without a justification there is no session to ask with.
    let err = e
        .session(SessionRequest {
            justification: String::new(),
            ..req("ana", "pds")
        })
        .err()
        .unwrap();
    assert_eq!(err.code(), "justification_required");
    // A purpose that covers no data sees nothing.
    let admin = support::admin(&e, "checking");
    assert!(matches!(
        admin.dossier(OFFICER_1),
        Err(EngineError::NotFound(_))
    ));
}
