//! A case's links name records. A team member working under a purpose that
//! may not see a linked record must not read its id on the case page: the
//! link is left out, as if it had never been made.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::SessionRequest;
use support::*;

// Nothing returned names a hidden record (docs/gate.md).
#[test]
fn a_linked_record_the_member_may_not_see_is_left_off_the_case_page() {
    let server = start();
    let admin = server.engine.session(admin_request()).unwrap();
    let mut p = purpose("council-only", false);
    p.datasets = ["council".to_string()].into();
    admin.put_purpose(&p).unwrap();
    drop(admin);
    let s = server.engine.session(ana_request("pds")).unwrap();
    s.create_case(Some("C-1"), "A case worked on the web")
        .unwrap();
    s.case_link("C-1", "subject", "hr:person:1").unwrap();
    s.case_add_member("C-1", "bea").unwrap();
    drop(s);
    let lead = working(&server, "ana", "pds");
    let (status, _, page) = lead.send("GET", "/cases/C-1", None);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("hr:person:1"),
        "the lead's purpose sees it: {page}"
    );
    let member = working(&server, "bea", "council-only");
    let (status, _, page) = member.send("GET", "/cases/C-1", None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("A case worked on the web"), "{page}");
    assert!(!page.contains("hr:person:1"), "{page}");
}

// The same for the case bundle a teammate discloses.
#[test]
fn a_linked_record_the_member_may_not_see_is_left_out_of_the_case_bundle() {
    let server = start();
    let s = server.engine.session(ana_request("pds")).unwrap();
    s.create_case(Some("C-1"), "A case worked on the web")
        .unwrap();
    s.case_link("C-1", "subject", "hr:person:1").unwrap();
    s.case_add_member("C-1", "bea").unwrap();
    drop(s);
    let admin = server.engine.session(admin_request()).unwrap();
    let mut p = purpose("council-only", false);
    p.datasets = ["council".to_string()].into();
    admin.put_purpose(&p).unwrap();
    drop(admin);
    let bea = server
        .engine
        .session(SessionRequest {
            principal: "bea".into(),
            purpose: "council-only".into(),
            justification: "sharing the case bundle".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("bundle.json");
    bea.export_case(
        "C-1",
        clearstone_engine::Destination::File(&file),
        &clearstone_engine::Disclosure {
            recipient: "self, for analysis",
            gateway: None,
        },
    )
    .unwrap();
    let bundle = std::fs::read_to_string(&file).unwrap();
    assert!(bundle.contains("A case worked on the web"), "{bundle}");
    assert!(!bundle.contains("hr:person:1"), "{bundle}");
}
