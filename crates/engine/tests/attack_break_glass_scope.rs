//! A break-glass grant is started for one emergency: one purpose and one
//! justification. It served every session of its user, so work under
//! another purpose, or with a routine justification, could lift the dataset
//! and type limits on the grant's strength, and the widened reads were
//! logged under reasons no one gave as an emergency.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Engine, SessionRequest};

const URGENT: &str = "risk to life: missing child report 2026/77";

fn req(purpose: &str, justification: &str, break_glass: bool) -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: purpose.into(),
        justification: justification.into(),
        break_glass,
        ..SessionRequest::default()
    }
}

#[test]
fn a_grant_opens_only_the_work_it_was_started_for() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    support::register(
        &e,
        "setting up break-glass",
        &[("ana", &["analyst"])],
        &support::purpose("missing", &["analyst"], &["hr"]),
    );
    support::admin(&e, "a second purpose")
        .put_purpose(&support::purpose("routine", &["analyst"], &["hr"]))
        .unwrap();
    e.session(req("missing", URGENT, false))
        .unwrap()
        .start_break_glass(30)
        .unwrap();
    let admin = support::admin(&e, "reading the refusals");
    let mut failures = Vec::new();
    for (what, r) in [
        (
            "another justification",
            req("missing", "routine checks of the hr records", true),
        ),
        ("another purpose", req("routine", URGENT, true)),
    ] {
        let before = admin.events(1).unwrap()[0].id;
        match e.session(r) {
            Ok(_) => failures.push(format!("{what}: opened on the grant")),
            Err(err) if err.code() != "break_glass_not_active" => {
                failures.push(format!("{what}: {err}"));
            }
            Err(_) => {}
        }
        let new: Vec<_> = admin
            .events(10)
            .unwrap()
            .into_iter()
            .filter(|ev| ev.id > before && ev.principal == "ana")
            .collect();
        if new.len() != 1 {
            failures.push(format!("{what}: {} events: {new:?}", new.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let s = e.session(req("missing", URGENT, true)).unwrap();
    s.datasets().unwrap();
    let ev = admin.events(1).unwrap().remove(0);
    assert!(
        ev.flags.contains(&"break_glass".to_string()),
        "the emergency's own work is flagged: {ev:?}"
    );
}
