//! An indicator alert read with its evidence by a reviewer whose purpose
//! may not see the person or the records it cites: the answer must be the
//! one given for an alert citing records that were never loaded, naming
//! neither the hidden records, nor the conditions they met, nor the person.
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
    // `psd-only` does not cover `hr`: Ann's record is hidden from it.
    let s = e.session(req("sam", "psd-only")).unwrap();
    let answer = |id: i64, record: &str| {
        let (alert, pieces) = s.alert_evidence(id).unwrap();
        let text = format!("{:?} {:?} {pieces:?}", alert.person, alert.evidence);
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        (text.replace(record, "ID"), event.query, event.outcome)
    };
    let h = answer(hidden, OFFICER_1);
    let a = answer(absent, "hr:officer:99");
    assert_eq!(h, a, "hidden and absent answered alike");
    assert!(!h.0.contains("ID") && !h.0.contains(MET), "{h:?}");
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
    let hidden = alert(&t, OFFICER_1, OFFICER_1, "fp-hidden");
    let absent = alert(&t, "hr:officer:99", "hr:officer:99", "fp-absent");
    let s = e.session(req("sam", "psd-only")).unwrap();
    for (what, list) in [
        ("alerts", s.alerts(100).unwrap()),
        ("indicator alerts", s.indicator_alerts(None, 100).unwrap()),
    ] {
        let of = |id: i64, record: &str| {
            let a = list.iter().find(|a| a.id == id).unwrap();
            format!("{:?} {:?}", a.person, a.evidence).replace(record, "ID")
        };
        let (h, a) = (of(hidden, OFFICER_1), of(absent, "hr:officer:99"));
        assert_eq!(h, a, "{what}: hidden and absent alike");
        assert!(!h.contains("ID") && !h.contains(MET), "{what}: {h}");
    }
    let s = e.session(req("sam", "pds")).unwrap();
    let list = s.alerts(100).unwrap();
    let seen = list.iter().find(|a| a.id == hidden).unwrap();
    assert_eq!(seen.person.as_deref(), Some(OFFICER_1));
    assert!(seen.evidence.as_deref().unwrap().contains(MET));
}
