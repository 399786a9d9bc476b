//! An indicator alert read with its evidence by a reviewer whose purpose
//! may not see the person or the records it cites: an alert about a hidden
//! person must be answered as no alert, and one about a person the reviewer
//! may see must name neither the hidden records it cites nor the
//! conditions they met.
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use links::*;

/// What each piece of evidence says it met.
const MET: &str = "absent on 4 days in 90, threshold 3";

/// An alert about `person` citing `record`, as a rule run stores it.
fn alert(t: &tempfile::TempDir, record: &str, person: &str, fingerprint: &str) -> i64 {
    let db = rusqlite::Connection::open(t.path().join("data").join("clearstone.db")).unwrap();
    let evidence = serde_json::json!([{ "record": record, "statements": [], "condition": MET }]);
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'absence count', 'new', 'absence-count', 1, ?1, ?2, ?3)",
        rusqlite::params![person, evidence.to_string(), fingerprint],
    )
    .unwrap();
    db.last_insert_rowid()
}

#[test]
fn alert_evidence_answers_a_hidden_person_and_record_as_absent_ones() {
    let (t, e) = fixture();
    let hidden = alert(&t, OFFICER_1, OFFICER_1, "fp-hidden");
    let absent = alert(&t, "hr:officer:99", "hr:officer:99", "fp-absent");
    // `psd-only` does not cover `hr`: Ann's record is hidden from it, and
    // an alert about her is answered as no alert, as one about a person
    // never loaded is.
    let s = e.session(req("sam", "psd-only")).unwrap();
    let answer = |id: i64| {
        let err = s.alert_evidence(id).unwrap_err().to_string();
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        (
            err.replace(&id.to_string(), "N"),
            event.query,
            event.outcome,
        )
    };
    let h = answer(hidden);
    assert_eq!(h, answer(absent), "hidden and absent answered alike");
    assert_eq!(h, answer(absent + 100), "as no alert at all");
    // A purpose that covers `hr` still reads the piece and the person.
    let s = e.session(req("sam", "pds")).unwrap();
    let (alert, pieces) = s.alert_evidence(hidden).unwrap();
    assert_eq!(alert.person.as_deref(), Some(OFFICER_1));
    assert_eq!(pieces.len(), 1);
    assert_eq!(pieces[0].condition, MET);
}

#[test]
fn alert_lists_name_no_hidden_person_or_record() {
    let (t, e) = fixture();
    // About a complainant `psd-only` may see, citing an officer it may not.
    let seen = alert(&t, OFFICER_1, COMPLAINANT_1, "fp-seen");
    let hidden = alert(&t, OFFICER_1, OFFICER_1, "fp-hidden");
    let s = e.session(req("sam", "psd-only")).unwrap();
    for (what, list) in [
        ("alerts", s.alerts(100).unwrap()),
        ("indicator alerts", s.indicator_alerts(None, 100).unwrap()),
    ] {
        assert!(!list.iter().any(|a| a.id == hidden), "{what}: {list:?}");
        let a = list.iter().find(|a| a.id == seen).unwrap();
        assert_eq!(a.person.as_deref(), Some(COMPLAINANT_1), "{what}");
        let evidence = a.evidence.as_deref().unwrap();
        assert!(
            !evidence.contains(OFFICER_1) && !evidence.contains(MET),
            "{what}: {evidence}"
        );
    }
    let s = e.session(req("sam", "pds")).unwrap();
    let list = s.alerts(100).unwrap();
    let shown = list.iter().find(|a| a.id == hidden).unwrap();
    assert_eq!(shown.person.as_deref(), Some(OFFICER_1));
    assert!(shown.evidence.as_deref().unwrap().contains(MET));
}
