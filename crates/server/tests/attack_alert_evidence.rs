//! An alert's evidence names records. A reviewer whose purpose may not see
//! a cited record must not learn from the alert page that it exists: the
//! piece is left out, exactly as for a cited record that does not exist.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::*;

/// The condition each piece of evidence says it met.
const MET: &str = "a distinct record dated 2026-01-05";

/// An alert citing `record`: its id.
fn alert(server: &TestServer, record: &str) -> i64 {
    let db = rusqlite::Connection::open(server.engine.dir().join("clearstone.db")).unwrap();
    let evidence = serde_json::json!([{
        "record": record,
        "statements": [],
        "condition": MET,
    }])
    .to_string();
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'Repeated short absences', 'new', 'short_absences', 1, NULL, ?1, ?2)",
        rusqlite::params![evidence, record],
    )
    .unwrap();
    db.last_insert_rowid()
}

/// A purpose like `pds` over another dataset, so `hr` records are hidden.
fn council_only(server: &TestServer) {
    let admin = server.engine.session(admin_request()).unwrap();
    let mut p = purpose("council-only", false);
    p.datasets = ["council".to_string()].into();
    admin.put_purpose(&p).unwrap();
}

// Nothing returned names a hidden record (docs/gate.md).
#[test]
fn evidence_on_a_record_the_reviewer_may_not_see_is_left_out_as_an_absent_one() {
    let server = start();
    let hidden = alert(&server, "hr:person:1");
    let absent = alert(&server, "hr:person:99");
    council_only(&server);
    let ana = working(&server, "ana", "council-only");
    let (s_hidden, _, page_hidden) = ana.send("GET", &format!("/alerts/{hidden}"), None);
    let (s_absent, _, page_absent) = ana.send("GET", &format!("/alerts/{absent}"), None);
    assert_eq!(s_hidden, 200, "{page_hidden}");
    assert_eq!(s_hidden, s_absent);
    assert!(!page_hidden.contains("hr:person:1"), "{page_hidden}");
    assert!(!page_hidden.contains(MET), "{page_hidden}");
    assert!(!page_absent.contains(MET), "{page_absent}");
    // The same reviewer under a purpose that covers `hr` sees the piece.
    let bea = working(&server, "bea", "pds");
    let (_, _, page) = bea.send("GET", &format!("/alerts/{hidden}"), None);
    assert!(page.contains("hr:person:1") && page.contains(MET), "{page}");
}
