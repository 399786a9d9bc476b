//! Users, purposes and tokens named for an entry the register does not
//! hold: an id-shaped text can be a person's name or email address, so the
//! log names the entry only when there is one, never what was typed.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, SessionRequest};

const TYPED: &str = "jane.doe@example.com";

#[test]
fn the_log_never_keeps_a_user_purpose_or_token_typed_for_one_there_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    let admin = support::admin(&e, "keeping the registers");
    assert!(admin.review_purpose(TYPED, "2099-01-01").is_err());
    assert!(admin.expire_purpose(TYPED).is_err());
    assert!(admin.issue_enrolment(TYPED).is_err());
    assert!(
        admin
            .set_password(TYPED, "correct horse battery staple")
            .is_err()
    );
    assert!(admin.revoke_token(TYPED).is_err());
    // A purpose the form refuses is not registered, so not named either.
    let refused = Purpose {
        legal_basis: String::new(),
        ..support::purpose(TYPED, &["analyst"], &["*"])
    };
    assert!(admin.add_purpose(&refused).is_err());
    assert!(admin.refuse_purpose_audit_use(TYPED, "everything").is_err());
    drop(admin);
    // Anyone may try these on their own account.
    let ana = e
        .session(SessionRequest {
            principal: "ana".into(),
            purpose: "pds".into(),
            justification: "rotating my credentials".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    assert!(
        ana.set_password(TYPED, "correct horse battery staple")
            .is_err()
    );
    assert!(ana.revoke_token(TYPED).is_err());
    drop(ana);

    let events = support::admin(&e, "reading the log").events(1000).unwrap();
    assert!(events.len() > 9, "{events:?}");
    for ev in &events {
        let logged = format!("{} {}", ev.query, ev.outcome);
        assert!(!logged.contains("jane.doe"), "{ev:?}");
    }
    // An entry there is is still named.
    let admin = support::admin(&e, "keeping the registers");
    admin.review_purpose("pds", "2099-06-30").unwrap();
    let last = admin.events(1).unwrap();
    assert!(last[0].query.contains("`pds`"), "{last:?}");
}
