//! Human review of alerts (issue 18, item 3): four eyes on a referral, a
//! rationale for every decision, no protected characteristic in the
//! reviewer's view, and one event for each act (see `links/mod.rs`).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::Engine;
use links::*;

/// An indicator alert on Ann, citing her whole HR record (which holds her
/// ethnicity), as a rule run would store it.
fn indicator_alert(t: &tempfile::TempDir) -> i64 {
    let db = rusqlite::Connection::open(t.path().join("data").join("clearstone.db")).unwrap();
    let evidence = format!(
        r#"[{{"record":"{OFFICER_1}","statements":[],"condition":"absent on 4 days in 90, threshold 3"}}]"#
    );
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'absence count', 'new', 'absence-count', 1, ?1, ?2, 'fp1')",
        rusqlite::params![OFFICER_1, evidence],
    )
    .unwrap();
    db.last_insert_rowid()
}

const GOOD: &str = "the absences match the roster gaps, refer";

fn setup() -> (tempfile::TempDir, Engine, i64) {
    let (t, e) = fixture();
    let id = indicator_alert(&t);
    (t, e, id)
}

#[test]
fn the_reviewer_never_sees_a_protected_characteristic() {
    let (_t, e, id) = setup();
    let s = e.session(req("sam", "pds")).unwrap();
    let view = s.review_alert(id).unwrap();
    assert_eq!(view.alert.status, "in_review");
    let piece = view.evidence.first().unwrap();
    assert!(piece.condition.contains("threshold"));
    assert!(piece.statements.iter().any(|s| &*s.prop == "last_name"));
    assert!(
        piece.statements.iter().all(|s| &*s.prop != "ethnicity"),
        "not even masked"
    );
}

#[test]
fn a_decision_needs_a_rationale_and_its_own_review() {
    let (_t, e, id) = setup();
    let s = e.session(req("sam", "pds")).unwrap();
    // Not taken into review yet.
    assert_eq!(
        s.decide_alert(id, "no_further_action", GOOD)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    s.review_alert(id).unwrap();
    assert_eq!(
        s.decide_alert(id, "refer_for_assessment", "ok")
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        s.decide_alert(id, "misconduct", GOOD).unwrap_err().code(),
        "invalid_input",
        "the system never records misconduct"
    );
    let ev = one_event(&e, || {
        s.decide_alert(id, "no_further_action", GOOD).unwrap();
    });
    assert_eq!(ev.operation, "review_decision");
    assert!(!ev.query.contains("roster"), "the rationale goes by hash");
    assert!(ev.query.contains("sha256:"));
}

#[test]
fn a_referral_takes_effect_only_with_a_second_reviewer() {
    let (_t, e, id) = setup();
    let sam = e.session(req("sam", "pds")).unwrap();
    sam.review_alert(id).unwrap();
    assert_eq!(
        sam.decide_alert(id, "refer_for_assessment", GOOD).unwrap(),
        "referral_pending"
    );
    // Representations wait until the referral has taken effect.
    assert!(sam.alert_representation(id, "I was on leave").is_err());
    let own = sam
        .confirm_alert(id, "refer_for_assessment", GOOD)
        .unwrap_err();
    assert_eq!(own.code(), "forbidden");
    assert!(own.to_string().contains("second, different reviewer"));
    let ana = e.session(req("ana", "pds")).unwrap();
    assert_eq!(
        ana.confirm_alert(id, "refer_for_assessment", "agreed on the same evidence")
            .unwrap(),
        "refer_for_assessment"
    );
    ana.alert_representation(id, "I was on authorised leave those days")
        .unwrap();
    let report = ana.rubber_stamp_report(30).unwrap();
    assert_eq!(report.decisions, 2);
}

#[test]
fn an_absent_alert_is_not_found_and_logged() {
    let (_t, e, _) = setup();
    let s = e.session(req("sam", "pds")).unwrap();
    let ev = one_event(&e, || {
        assert_eq!(s.review_alert(9_999).unwrap_err().code(), "not_found");
    });
    assert_eq!(ev.outcome, "not_found");
}
