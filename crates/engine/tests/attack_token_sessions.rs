//! A session opened with an API token names the token on every event, in
//! place of a `token_use` event of its own, so the name must be earned: a
//! request that names a token on terms the token does not grant (another
//! purpose, break-glass, a revoked token) opens nothing and is one refusal.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Engine, EngineError, SessionRequest, TOKEN_PREFIX};

fn wanted(purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: purpose.into(),
        justification: "checking the token's sessions".into(),
        ..SessionRequest::default()
    }
}

#[test]
fn a_session_names_a_token_only_on_the_tokens_own_terms() {
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
        .put_purpose(&support::purpose("vetting", &["analyst"], &["hr"]))
        .unwrap();
    let token = admin.issue_token(&wanted("pds"), 30).unwrap();
    let id = token
        .trim_start_matches(TOKEN_PREFIX)
        .split('.')
        .next()
        .unwrap()
        .to_string();
    let flag = format!("token:{id}");
    let before = admin.events(1).unwrap()[0].id;
    let granted = e.token_request(&token).unwrap();
    assert_eq!(
        admin.events(1).unwrap()[0].id,
        before + 1,
        "checking a usable token writes nothing (only the admin's read)"
    );
    e.session(granted.clone()).unwrap().datasets().unwrap();
    let last = admin.events(2).unwrap();
    let act = last.iter().find(|ev| ev.principal == "ana").unwrap();
    assert_eq!(
        (act.query.as_str(), act.flags.clone()),
        ("list datasets", vec![flag.clone()]),
        "the act names the token"
    );

    let other_purpose = SessionRequest {
        purpose: "vetting".into(),
        ..granted.clone()
    };
    let break_glass = SessionRequest {
        break_glass: true,
        ..granted.clone()
    };
    let unknown = SessionRequest {
        token: Some("tk0nothere".into()),
        ..wanted("pds")
    };
    for (what, req) in [
        ("another purpose", other_purpose),
        ("break-glass", break_glass),
        ("a token never issued", unknown),
    ] {
        let before = admin.events(1).unwrap()[0].id;
        let err = e.session(req).err();
        assert!(
            matches!(err, Some(EngineError::TokenRefused)),
            "{what}: {err:?}"
        );
        let new: Vec<_> = admin
            .events(10)
            .unwrap()
            .into_iter()
            .filter(|ev| ev.id > before && ev.principal != "admin")
            .collect();
        let [ev] = new.as_slice() else {
            panic!("{what}: {} events: {new:?}", new.len());
        };
        assert_eq!(
            (ev.operation.as_str(), ev.outcome.as_str()),
            ("refused", "token_refused"),
            "{what}"
        );
    }

    admin.revoke_token(&id).unwrap();
    let err = e.session(granted).err();
    assert!(
        matches!(err, Some(EngineError::TokenRefused)),
        "a token revoked after it was checked: {err:?}"
    );
}
