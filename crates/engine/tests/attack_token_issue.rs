//! Issuing an API token checks that the session it will open would open
//! now. A token that cannot be issued (a malformed case reference, a
//! purpose its user may not work under, a user never registered) is one
//! attempt: exactly one event, by the issuer, and nothing typed in it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Classification, Engine, SessionRequest};

/// Typed where the request is wrong: it must never reach the log.
const TYPED: &str = "TYPEDTEXT";

fn wanted(principal: &str, purpose: &str, case_ref: Option<&str>) -> SessionRequest {
    SessionRequest {
        principal: principal.into(),
        purpose: purpose.into(),
        justification: "checking the token's sessions".into(),
        case_ref: case_ref.map(str::to_string),
        ..SessionRequest::default()
    }
}

#[test]
fn a_token_that_cannot_be_issued_is_one_event() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    support::register(
        &e,
        "setting up tokens",
        &[("ana", &["analyst"])],
        &support::purpose("pds", &["analyst"], &["hr"]),
    );
    let admin = support::admin(&e, "issuing tokens");
    admin
        .put_user(&support::user(
            "bo",
            &["clerk"],
            Classification::Official,
            &[],
        ))
        .unwrap();
    let malformed = format!("{TYPED} !");
    for (what, request) in [
        (
            "a malformed case reference",
            wanted("ana", "pds", Some(&malformed)),
        ),
        ("a purpose its user may not use", wanted("bo", "pds", None)),
        ("a user never registered", wanted(TYPED, "pds", None)),
        ("a purpose never registered", wanted("ana", TYPED, None)),
    ] {
        let before = admin.events(1).unwrap()[0].id;
        assert!(admin.issue_token(&request, 30).is_err(), "{what}: issued");
        let all = admin.events(100).unwrap();
        let new: Vec<_> = all
            .iter()
            .filter(|ev| ev.id > before && ev.query != "read events")
            .collect();
        let [ev] = new.as_slice() else {
            panic!("{what}: {} events, not one: {new:?}", new.len());
        };
        assert_eq!(ev.principal, "admin", "{what}: {ev:?}");
        assert_ne!(ev.outcome, "issued", "{what}: {ev:?}");
        assert!(!format!("{ev:?}").contains(TYPED), "{what}: {ev:?}");
    }
    // The check is not a refusal of everything: a good request is issued.
    assert!(admin.issue_token(&wanted("ana", "pds", None), 30).is_ok());
}
