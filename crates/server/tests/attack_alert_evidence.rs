//! An alert's evidence names records. A reviewer whose purpose may not see
//! a cited record must not learn from the alert page that it exists: the
//! piece is left out, exactly as for a cited record that does not exist.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::*;

/// The condition each piece of evidence says it met.
const MET: &str = "a distinct record dated 2026-01-05";

/// An alert citing `record`, about `person`: its id.
fn alert(server: &TestServer, record: &str, person: Option<&str>) -> i64 {
    let db = rusqlite::Connection::open(server.engine.dir().join("clearstone.db")).unwrap();
    let evidence = serde_json::json!([{
        "record": record,
        "statements": [],
        "condition": MET,
    }])
    .to_string();
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'Repeated short absences', 'new', 'short_absences', 1, ?3, ?1, ?2)",
        rusqlite::params![evidence, record, person],
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
    let hidden = alert(&server, "hr:person:1", None);
    let absent = alert(&server, "hr:person:99", None);
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

// An alert about a person the reviewer may not see is no alert to them: the
// queue, the alert's page and every act on it answer as for an alert that
// does not exist, and each act is still one event.
#[test]
fn an_alert_about_a_person_the_reviewer_may_not_see_answers_as_no_alert() {
    let server = start();
    let id = alert(&server, "hr:person:1", Some("hr:person:1"));
    let absent = id + 100;
    council_only(&server);
    let ana = working(&server, "ana", "council-only");
    let token = ana.csrf.clone().unwrap();
    let (_, _, queue) = ana.send("GET", "/alerts", None);
    assert!(!queue.contains(&format!("/alerts/{id}")), "{queue}");
    let answer = |n: i64| {
        let events = |p: &str| {
            server
                .engine
                .session(admin_request())
                .unwrap()
                .events(1_000)
                .unwrap()
                .into_iter()
                .filter(|e| e.principal == p)
                .count()
        };
        let before = events("ana");
        let (s, _, page) = ana.send("GET", &format!("/alerts/{n}"), None);
        let res = ana
            .client
            .post(format!("{}/alerts/{n}", ana.base))
            .header("cookie", ana.cookie.clone().unwrap())
            .form(&[("csrf", token.as_str()), ("act", "open")])
            .send()
            .unwrap();
        let posted = res.status().as_u16();
        let body = res.text().unwrap();
        // The id is said in backticks ("no alert `1`").
        let n = format!("`{n}`");
        (
            s,
            page.replace(&n, "`N`"),
            posted,
            body.replace(&n, "`N`"),
            events("ana") - before,
        )
    };
    let hidden = answer(id);
    assert_eq!(hidden.0, 404, "{}", hidden.1);
    assert!(
        !hidden.1.contains("Repeated short absences"),
        "{}",
        hidden.1
    );
    assert_eq!(hidden.4, 2, "one event for the page, one for the act");
    assert_eq!(hidden, answer(absent));
    // A purpose that may see the person reviews the alert.
    let bea = working(&server, "bea", "pds");
    let (_, _, page) = bea.send("GET", &format!("/alerts/{id}"), None);
    assert!(page.contains("/entities/hr:person:1"), "{page}");
}
