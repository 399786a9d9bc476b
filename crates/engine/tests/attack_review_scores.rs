//! A review queue read by a reviewer who may not see a property the
//! resolution run compared: the score each pair shows must be the one its
//! explanation gives from what the reviewer may see, or the difference
//! between the stored score and the waterfall would say how the hidden
//! values compared (that two records share a National Insurance number
//! the reviewer may not read).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Classification, Engine, ResolveOptions, SessionRequest};

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "records".into(),
        justification: "data quality review 2026/7".into(),
        ..SessionRequest::default()
    }
}

/// Seeded people with duplicates, their NI numbers marked for HR only,
/// loaded and resolved by `eng`, who holds the HR caveat; `ana` does not.
fn engine(dir: &std::path::Path) -> Engine {
    clearstone_demo::write_people_csv(11, 400, dir).unwrap();
    let mapping = clearstone_demo::PEOPLE_MAPPING.replace(
        "national_insurance_number = { column = \"soc_sec_id\" }",
        "national_insurance_number = { column = \"soc_sec_id\", markings = \"OFFICIAL-SENSITIVE:HR\" }",
    );
    assert_ne!(mapping, clearstone_demo::PEOPLE_MAPPING);
    std::fs::write(dir.join("people.toml"), mapping).unwrap();
    let e = Engine::init(&dir.join("data"), None).unwrap();
    {
        let admin = support::bootstrap_admin(&e, "setting up the review");
        let os = Classification::OfficialSensitive;
        admin
            .put_user(&support::user(
                "eng",
                &["analyst", "data_engineer"],
                os,
                &["HR"],
            ))
            .unwrap();
        admin
            .put_user(&support::user("ana", &["analyst"], os, &[]))
            .unwrap();
        admin
            .put_purpose(&support::purpose(
                "records",
                &["analyst", "data_engineer"],
                &["*"],
            ))
            .unwrap();
    }
    let s = e.session(req("eng")).unwrap();
    s.ingest(&dir.join("people.toml"), &mut |_| {}).unwrap();
    s.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    e
}

#[test]
fn a_pairs_score_in_the_queue_is_the_one_its_visible_values_give() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    // `eng` sees every value: the queue as stored.
    let stored = e
        .session(req("eng"))
        .unwrap()
        .review_queue("Person", 200)
        .unwrap();
    let s = e.session(req("ana")).unwrap();
    let queue = s.review_queue("Person", 200).unwrap();
    let mut failures = Vec::new();
    for i in &queue {
        let (shown, explained) = (
            (i.pair.weight, i.pair.probability),
            (i.explanation.total, i.explanation.probability),
        );
        if (shown.0 - explained.0).abs() > 1e-9 || (shown.1 - explained.1).abs() > 1e-9 {
            failures.push(format!(
                "{} {}: shown {shown:?}, explained {explained:?}",
                i.pair.left_id, i.pair.right_id
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The hidden numbers moved some stored pair's score for `ana`, so the
    // check above had something to find; a pair she is not offered is one
    // whose score on what she may see is not the stored one.
    let mut moved = 0;
    for p in stored.iter().map(|i| &i.pair) {
        let mine = s.explain(&p.left_id, &p.right_id).unwrap().probability;
        let differs = (mine - p.probability).abs() > 1e-9;
        moved += usize::from(differs);
        let offered = queue
            .iter()
            .any(|i| i.pair.left_id == p.left_id && i.pair.right_id == p.right_id);
        assert!(offered || differs, "{} {} left out", p.left_id, p.right_id);
    }
    assert!(moved > 0, "no stored score depends on the hidden numbers");
}
