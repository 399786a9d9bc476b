//! The users and purposes the engine's tests register, built one way so a
//! test states only where its people and purposes differ (struct update
//! syntax on what these return). Also compiled into the benches.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use clearstone_engine::policy::{AuditUse, Principal, PrincipalKind, Purpose};
use clearstone_engine::{
    ADMIN_PURPOSE, Classification, Destination, Disclosure, Engine, ExportFormat, Session,
    SessionRequest,
};

/// A session as `admin`. The justification is the caller's because tests
/// look for (the absence of) their own free text in the log.
pub fn admin<'e>(e: &'e Engine, justification: &str) -> Session<'e> {
    e.session(SessionRequest {
        principal: "admin".into(),
        purpose: ADMIN_PURPOSE.into(),
        justification: justification.into(),
        ..SessionRequest::default()
    })
    .unwrap()
}

/// Makes `admin` the first administrator of a new engine and opens a
/// session as them.
pub fn bootstrap_admin<'e>(e: &'e Engine, justification: &str) -> Session<'e> {
    e.bootstrap_admin("admin").unwrap();
    admin(e, justification)
}

/// An enabled user in no unit, shown by their id.
pub fn user(id: &str, roles: &[&str], clearance: Classification, caveats: &[&str]) -> Principal {
    Principal {
        id: id.into(),
        display_name: id.into(),
        kind: PrincipalKind::User,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        unit: None,
        clearance,
        caveats: caveats.iter().map(|c| c.to_string()).collect(),
        attributes: Default::default(),
        disabled: false,
    }
}

/// A reviewed purpose, in date, over every entity type, that may read the
/// access log and not special-category data.
pub fn purpose(id: &str, roles: &[&str], datasets: &[&str]) -> Purpose {
    Purpose {
        id: id.into(),
        description: "test purpose".into(),
        legal_basis: "DPA 2018 Part 3".into(),
        sensitive: None,
        policy_document: "APD-7".into(),
        datasets: datasets.iter().map(|d| d.to_string()).collect(),
        entity_types: ["*".to_string()].into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        audit_use: Some(AuditUse::VerifyLawfulness),
        review_date: "2099-01-01".into(),
        expires: "2099-12-31".into(),
        reviewed_by: Some("dpo".into()),
    }
}

/// As the first administrator, registers `users` (id and roles), cleared
/// OFFICIAL-SENSITIVE without caveats, and the purpose they work under.
pub fn register(e: &Engine, justification: &str, users: &[(&str, &[&str])], work: &Purpose) {
    let admin = bootstrap_admin(e, justification);
    for (id, roles) in users {
        admin
            .put_user(&user(id, roles, Classification::OfficialSensitive, &[]))
            .unwrap();
    }
    admin.put_purpose(work).unwrap();
}

/// What `s` exports in `format` to `recipient` (under the purpose's legal
/// basis), as the bytes that would have left.
pub fn exported(s: &Session<'_>, format: ExportFormat, recipient: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let to = Disclosure {
        recipient,
        gateway: None,
    };
    s.export_statements(format, Destination::Stream(&mut out), &to)
        .unwrap();
    out
}
