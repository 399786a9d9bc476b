//! The overseer's whole story against a real clearstone data directory: the
//! engine logs what people do; the verifier, holding only the public key,
//! checks the log end to end and a receipt for one access.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_engine::policy::{AuditUse, Principal, PrincipalKind, Purpose};
use clearstone_engine::{ADMIN_PURPOSE, Classification, Engine, Oversight, SessionRequest};

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "overseer test".into(),
        ..SessionRequest::default()
    }
}

#[test]
fn an_overseer_verifies_a_real_deployment_with_only_the_public_key() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (vkey, receipt, entry) = {
        let e = Engine::init(&data, None).unwrap();
        e.bootstrap_admin("admin").unwrap();
        let a = e.session(req("admin", ADMIN_PURPOSE)).unwrap();
        a.put_user(&Principal {
            id: "olu".into(),
            display_name: "Olu".into(),
            kind: PrincipalKind::User,
            roles: ["overseer".to_string()].into(),
            unit: None,
            clearance: Classification::Official,
            caveats: Default::default(),
            attributes: Default::default(),
            disabled: false,
        })
        .unwrap();
        a.put_purpose(&Purpose {
            id: "oversight".into(),
            description: "Police and crime panel audit".into(),
            legal_basis: "DPA 2018 s.62(4)(a)".into(),
            sensitive: None,
            policy_document: String::new(),
            datasets: Default::default(),
            entity_types: Default::default(),
            roles: ["overseer".to_string()].into(),
            audit_use: Some(AuditUse::VerifyLawfulness),
            review_date: "2099-01-01".into(),
            expires: "2099-12-31".into(),
            reviewed_by: Some("dpo".into()),
        })
        .unwrap();
        let o = e.session(req("olu", "oversight")).unwrap();
        let report = o.oversee(&Oversight::default()).unwrap();
        let first = &report.evidence[0];
        let receipt = o.receipt(first.event["id"].as_i64().unwrap()).unwrap();
        (e.log_verifier_key().unwrap(), receipt, first.entry.clone())
    };
    let log = data.join("audit");
    let state = tmp.path().join("overseer.state");
    let run = common::verify(&[
        "--log",
        log.to_str().unwrap(),
        "--key",
        &vkey,
        "--state",
        state.to_str().unwrap(),
        "--fsck",
    ]);
    assert_eq!(run.code, 0, "{run}");
    std::fs::write(tmp.path().join("receipt"), &receipt).unwrap();
    std::fs::write(tmp.path().join("entry"), &entry).unwrap();
    let r = tmp.path().join("receipt");
    let en = tmp.path().join("entry");
    let run = common::verify(&[
        "--key",
        &vkey,
        "--receipt",
        r.to_str().unwrap(),
        "--entry",
        en.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
    // Another entry does not pass for the receipt's.
    std::fs::write(&en, b"clearstone-event/v1\n{}").unwrap();
    let run = common::verify(&[
        "--key",
        &vkey,
        "--receipt",
        r.to_str().unwrap(),
        "--entry",
        en.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{run}");

    // The deployment keeps working; the verifier checks the new checkpoint
    // is consistent with the one it saw before.
    {
        let e = Engine::open(&data).unwrap();
        e.session(req("olu", "oversight"))
            .unwrap()
            .oversee(&Oversight::default())
            .unwrap();
    }
    let run = common::verify(&[
        "--log",
        log.to_str().unwrap(),
        "--key",
        &vkey,
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
}
