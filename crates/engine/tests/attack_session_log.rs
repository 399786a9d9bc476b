//! What opening a session puts in the log: the case reference goes into
//! every event of the session as it is, so it must be a reference and never
//! free text, and a refused session names its user and purpose only when
//! the register holds them (what was typed in their place may be anything,
//! a password typed in the wrong field included).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Engine, EngineError, SessionRequest};

fn req(principal: &str, purpose: &str, case_ref: Option<&str>) -> SessionRequest {
    SessionRequest {
        principal: principal.into(),
        purpose: purpose.into(),
        justification: "complaint reference in the file".into(),
        case_ref: case_ref.map(str::to_string),
        ..SessionRequest::default()
    }
}

fn engine(tmp: &std::path::Path) -> Engine {
    let e = Engine::init(&tmp.join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    e
}

fn logged(e: &Engine) -> Vec<String> {
    support::admin(e, "reading the log")
        .events(1000)
        .unwrap()
        .into_iter()
        .map(|ev| format!("{ev:?}"))
        .collect()
}

#[test]
fn a_case_reference_that_is_free_text_is_refused_and_not_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    for typed in [
        "Jane Doe assault at 12 High Street",
        "jane.doe@example.com",
        "JaneDoe",
    ] {
        let refused = e.session(req("ana", "pds", Some(typed)));
        assert!(
            matches!(refused, Err(EngineError::InvalidInput(_))),
            "`{typed}`: {:?}",
            refused.err()
        );
    }
    for ev in logged(&e) {
        assert!(!ev.contains("Jane") && !ev.contains("jane"), "{ev}");
    }
    // A reference is kept as it is, in every event of the session.
    for reference in ["PSD-2026-0042", "CR/114/26", "2026.77_b"] {
        let s = e.session(req("ana", "pds", Some(reference))).unwrap();
        s.datasets().unwrap();
        drop(s);
        let last = support::admin(&e, "reading the log").events(2).unwrap();
        assert!(
            last.iter()
                .any(|ev| ev.case_ref.as_deref() == Some(reference)),
            "{last:?}"
        );
    }
}

#[test]
fn a_refused_session_names_only_a_registered_user_and_purpose() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    assert!(
        e.session(req("correct-horse-battery-staple", "pds", None))
            .is_err()
    );
    assert!(e.session(req("ana", "jane-doe-enquiry", None)).is_err());
    for ev in logged(&e) {
        assert!(
            !ev.contains("correct-horse") && !ev.contains("jane-doe"),
            "{ev}"
        );
    }
    // A registered user refused a purpose not for them is still named.
    assert!(e.session(req("ana", "administration", None)).is_err());
    let last = support::admin(&e, "reading the log").events(2).unwrap();
    assert!(
        last.iter()
            .any(|ev| ev.principal == "ana" && ev.purpose == "administration"),
        "{last:?}"
    );
}

#[test]
fn a_case_is_created_only_with_a_reference_work_can_start_on() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let s = e.session(req("ana", "pds", None)).unwrap();
    assert!(matches!(
        s.create_case(Some("jane.doe@example.com"), "Attendance pattern review"),
        Err(EngineError::InvalidInput(_))
    ));
    let case = s
        .create_case(Some("PSD-2026-0007"), "Attendance pattern review")
        .unwrap();
    drop(s);
    assert!(e.session(req("ana", "pds", Some(&case.id))).is_ok());
}
