//! `export clusters` through the gate, on the professional-standards
//! directory of `links/mod.rs`: Ann's HR record and her vetting record are
//! one cluster by a person's `same` judgement.
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use std::collections::HashMap;
use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Destination, Disclosure, Engine, ExportFormat};
use links::*;

/// Each exported row by its record id, as column → value.
fn rows(csv: &str) -> HashMap<String, HashMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "record_id",
            "canonical_id",
            "joined_by",
            "linked_to",
            "probability",
            "rule",
            "judgement"
        ]
    );
    lines
        .map(|l| {
            let row: HashMap<String, String> = header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_owned))
                .collect();
            (row["record_id"].clone(), row)
        })
        .collect()
}

fn export(e: &Engine, purpose: &str, out: &Path) -> Result<u64, clearstone_engine::EngineError> {
    e.session(req("ana", purpose)).unwrap().export_clusters(
        "Person",
        ExportFormat::Csv,
        Destination::File(out),
        &Disclosure {
            recipient: "IOPC",
            gateway: None,
        },
    )
}

// issue 16, item 7
#[test]
fn clusters_go_out_as_a_disclosure_with_how_each_record_joined() {
    let (tmp, e) = fixture();
    let out = tmp.path().join("clusters.csv");
    let event = one_event(&e, || {
        export(&e, "pds", &out).unwrap();
    });
    assert_eq!(event.operation, "disclose");
    assert_eq!(event.recipient.as_deref(), Some("IOPC"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(event.outcome.contains("sha256:"), "{}", event.outcome);
    let rows = rows(&text);
    let ann = e
        .session(req("ana", "pds"))
        .unwrap()
        .dossier(OFFICER_1)
        .unwrap()
        .id;
    for (record, other) in [(OFFICER_1, VETTING_1), (VETTING_1, OFFICER_1)] {
        let r = &rows[record];
        assert_eq!(r["canonical_id"], ann);
        assert_eq!(r["joined_by"], "judgement", "{r:?}");
        assert_eq!(r["linked_to"], other);
        assert!(r["judgement"].parse::<i64>().unwrap() > 0);
    }
    // A record joined by the model says by what probability, and the
    // record it names is in its cluster.
    let scored: Vec<_> = rows
        .values()
        .filter(|r| r["joined_by"] == "score")
        .collect();
    assert!(!scored.is_empty());
    for r in scored {
        let p: f64 = r["probability"].parse().unwrap();
        assert!(p > 0.5 && p <= 1.0, "{r:?}");
        assert_eq!(rows[&r["linked_to"]]["canonical_id"], r["canonical_id"]);
    }
    // Every resolved person, each once; the complainant judged not Ann
    // keeps a cluster of its own.
    let all = e
        .session(req("eng", "load"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap();
    assert_eq!(rows.len(), all.len());
    assert_ne!(rows[COMPLAINANT_1]["canonical_id"], ann);
}

// issue 16, item 7
#[test]
fn a_hidden_record_is_not_listed_and_does_not_name_the_cluster() {
    let (tmp, e) = fixture();
    let out = tmp.path().join("clusters.csv");
    let real = e
        .session(req("ana", "pds"))
        .unwrap()
        .dossier(OFFICER_1)
        .unwrap()
        .id;
    // `vetting-only` sees Ann's vetting record, not her HR record.
    let n = export(&e, "vetting-only", &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let rows = rows(&text);
    assert_eq!(n as usize, rows.len());
    assert!(!text.contains(OFFICER_1), "{text}");
    assert!(!text.contains(&real), "{text}");
    let v = &rows[VETTING_1];
    let shown = e
        .session(req("ana", "vetting-only"))
        .unwrap()
        .dossier(VETTING_1)
        .unwrap()
        .id;
    assert_eq!(v["canonical_id"], shown);
    // Its only link is to the hidden record: nothing to say.
    assert_eq!(v["joined_by"], "");
    assert_eq!(v["linked_to"], "");
    assert!(rows.keys().all(|r| r.starts_with("vetting:")), "{rows:?}");
}

// issue 16, item 7
#[test]
fn a_purpose_that_may_not_export_people_is_refused_with_one_event() {
    let (tmp, e) = fixture();
    support::admin(&e, "setting up the test")
        .put_purpose(&Purpose {
            entity_types: ["Complaint".to_string()].into(),
            ..support::purpose("complaints", &["analyst"], &["*"])
        })
        .unwrap();
    let out = tmp.path().join("clusters.csv");
    let event = one_event(&e, || {
        let err = export(&e, "complaints", &out).unwrap_err();
        assert_eq!(err.code(), "forbidden");
    });
    assert_eq!(event.operation, "refused");
    assert!(!out.exists());
    // No recipient: refused before anything is read, also one event.
    let event = one_event(&e, || {
        let err = e
            .session(req("ana", "pds"))
            .unwrap()
            .export_clusters(
                "Person",
                ExportFormat::Csv,
                Destination::File(&out),
                &Disclosure::default(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "recipient_required");
    });
    assert_eq!(event.operation, "refused");
    assert!(!out.exists());
}
