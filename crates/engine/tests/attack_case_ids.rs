//! Case references and team members typed for a case or a user that does
//! not exist: anything shaped like an id (letters, digits, `-`, `_`, `.`,
//! `@`) can be a person's name or email address, so the log names a case or
//! a user only when there is one, never the text typed in its place.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Engine, SessionRequest};

const TYPED_CASE: &str = "jane.doe@example.com";
const TYPED_USER: &str = "john.smith.1970";

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: "complaint reference PSD-41".into(),
        ..SessionRequest::default()
    }
}

#[test]
fn the_log_never_keeps_a_case_reference_or_user_typed_for_one_that_does_not_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    let s = e.session(req("ana")).unwrap();
    s.create_case(Some("PSD-2026-0001"), "Attendance pattern review")
        .unwrap();

    // Each is refused; none may leave what was typed in the log.
    assert!(s.case(TYPED_CASE).is_err());
    assert!(
        s.case_add_task(TYPED_CASE, "Obtain the rosters", None, None)
            .is_err()
    );
    assert!(s.case_finish_task(TYPED_CASE, 1).is_err());
    assert!(s.case_link(TYPED_CASE, "entity", "hr:staff:1").is_err());
    assert!(
        s.case_decide(TYPED_CASE, "note", "checked the rosters")
            .is_err()
    );
    assert!(s.case_assign(TYPED_CASE, "ana").is_err());
    assert!(s.case_add_member(TYPED_CASE, "ana").is_err());
    assert!(s.refuse_case_act(TYPED_CASE, "delete").is_err());
    assert!(s.create_case(Some(TYPED_CASE), "").is_err());
    // A user typed for one who does not exist, on a case that does.
    assert!(s.case_add_member("PSD-2026-0001", TYPED_USER).is_err());
    assert!(s.case_assign("PSD-2026-0001", TYPED_USER).is_err());
    drop(s);

    let events = support::admin(&e, "reading the log").events(1000).unwrap();
    assert!(events.len() > 12, "{events:?}");
    for ev in &events {
        let logged = format!("{} {} {}", ev.query, ev.outcome, ev.subjects.join(" "));
        assert!(
            !logged.contains("jane.doe") && !logged.contains("john.smith"),
            "{ev:?}"
        );
    }
    // A case that exists is still named.
    assert!(
        events.iter().any(|ev| ev.query.contains("`PSD-2026-0001`")),
        "{events:?}"
    );
}
