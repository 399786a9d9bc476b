//! Human review of alerts (issue 18, item 3): four eyes on a referral, a
//! rationale for every decision, no protected characteristic in the
//! reviewer's view, and one event for each act (see `links/mod.rs`).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::{Engine, PROTECTED_PLACEHOLDER, SessionRequest};
use links::*;

/// An indicator alert on Ann, citing her whole HR record (which holds her
/// ethnicity), as a rule run would store it.
fn indicator_alert(t: &tempfile::TempDir) -> i64 {
    alert_citing(t, &[], "fp1")
}

/// An alert on Ann citing the statements `ids` of her HR record (all of
/// them when empty).
fn alert_citing(t: &tempfile::TempDir, ids: &[String], fingerprint: &str) -> i64 {
    let db = rusqlite::Connection::open(t.path().join("data").join("clearstone.db")).unwrap();
    let evidence = serde_json::json!([{
        "record": OFFICER_1,
        "statements": ids,
        "condition": "absent on 4 days in 90, threshold 3",
    }])
    .to_string();
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'absence count', 'new', 'absence-count', 1, ?1, ?2, ?3)",
        rusqlite::params![OFFICER_1, evidence, fingerprint],
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
    // The absence's reason class (health, not a protected characteristic
    // itself) is left out; a protected one shows only that it is held.
    assert!(piece.statements.iter().all(|s| &*s.prop != "reason_class"));
    let ethnicity = piece
        .statements
        .iter()
        .find(|s| &*s.prop == "ethnicity")
        .unwrap();
    assert_eq!(ethnicity.value, PROTECTED_PLACEHOLDER);
}

/// Ann's date of birth and ethnicity in the fixture, used as sentinels.
const SENTINELS: [&str; 3] = ["1984-07-03", "1984", "white"];

fn assert_no_sentinel(what: &str, text: &str) {
    for s in SENTINELS {
        assert!(!text.contains(s), "{what} holds `{s}`");
    }
}

// Task: the reviewer does not see protected characteristics (issue 18,
// item 3) — date of birth and sex are ordinary data yet protected.
#[test]
fn protected_characteristics_are_withheld_from_both_alert_views() {
    let (t, e, id) = setup();
    let s = e.session(req("sam", "pds")).unwrap();
    let view = s.review_alert(id).unwrap();
    let piece = view.evidence.first().unwrap();
    let dob = piece
        .statements
        .iter()
        .find(|s| &*s.prop == "birth_date")
        .unwrap();
    assert_eq!(dob.value, PROTECTED_PLACEHOLDER);
    assert_eq!(dob.origin.source.as_ref(), clearstone_engine::MASKED_SOURCE);
    assert_no_sentinel("the review view", &format!("{view:?}"));
    // An alert citing the date of birth by its statement, as a rule that
    // read it would.
    let plain = SessionRequest {
        case_ref: None,
        ..req("sam", "pds")
    };
    let ann = e.session(plain).unwrap().show(OFFICER_1).unwrap();
    let ids: Vec<String> = ["birth_date", "last_name"]
        .iter()
        .flat_map(|p| ann.properties.get(*p).unwrap())
        .map(|st| st.id.to_string())
        .collect();
    let citing = alert_citing(&t, &ids, "fp2");
    let (_, pieces) = s.alert_evidence(citing).unwrap();
    assert!(format!("{pieces:?}").contains(PROTECTED_PLACEHOLDER));
    assert!(format!("{pieces:?}").contains("Smithson"));
    assert_no_sentinel("the alert's evidence", &format!("{pieces:?}"));
}

#[test]
fn a_case_session_withholds_protected_characteristics_and_others_still_read_them() {
    let (_t, e, _) = setup();
    let plain = SessionRequest {
        case_ref: None,
        ..req("sam", "pds")
    };
    let before = e.session(plain.clone()).unwrap().show(OFFICER_1).unwrap();
    assert!(
        format!("{before:?}").contains("1984-07-03"),
        "read outside a case"
    );
    let lead = e.session(req("sam", "pds")).unwrap();
    lead.create_case(Some("PSD-114"), "Response team conduct assessment")
        .unwrap();
    lead.case_link("PSD-114", "subject", OFFICER_1).unwrap();
    let worked = e
        .session(req("sam", "pds"))
        .unwrap()
        .show(OFFICER_1)
        .unwrap();
    assert_no_sentinel("a record read inside the case", &format!("{worked:?}"));
    assert!(format!("{worked:?}").contains("Smithson"));
    let after = e.session(plain).unwrap().show(OFFICER_1).unwrap();
    assert!(format!("{after:?}").contains("1984-07-03"));
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
