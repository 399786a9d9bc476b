//! `put user` and `put purpose` refused (not an administrator, or a purpose
//! that is not well formed) logged the id as typed, so anyone could put a
//! name or an email address into the permanent log by trying to register
//! it. The refusal names the entry only when the register holds it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Classification, Engine, SessionRequest};

const TYPED: &str = "jane.doe@example.com";

#[test]
fn a_refused_put_never_keeps_the_id_typed_for_an_entry_there_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    let ana = e
        .session(SessionRequest {
            principal: "ana".into(),
            purpose: "pds".into(),
            justification: "trying the registers".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    let typed_user = support::user(TYPED, &["analyst"], Classification::Official, &[]);
    assert!(ana.put_user(&typed_user).is_err());
    assert!(
        ana.put_purpose(&support::purpose(TYPED, &["analyst"], &["*"]))
            .is_err()
    );
    drop(ana);
    // An administrator's purpose that is not well formed is refused too.
    let admin = support::admin(&e, "keeping the registers");
    let refused = Purpose {
        legal_basis: String::new(),
        ..support::purpose(TYPED, &["analyst"], &["*"])
    };
    assert!(admin.put_purpose(&refused).is_err());
    drop(admin);

    let admin = support::admin(&e, "reading the log");
    let events = admin.events(1000).unwrap();
    assert!(events.len() > 3, "{events:?}");
    for ev in &events {
        let logged = format!("{} {}", ev.query, ev.outcome);
        assert!(!logged.contains("jane.doe"), "{ev:?}");
    }
    // An entry there is is still named, refused or not.
    let ana = support::user("ana", &["analyst"], Classification::Official, &[]);
    admin.put_user(&ana).unwrap();
    let last = admin.events(1).unwrap();
    assert!(last[0].query.contains("`ana`"), "{last:?}");
}
