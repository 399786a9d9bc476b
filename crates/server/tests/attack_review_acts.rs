//! A review or case form posted with an act the page does not offer is
//! still an attempt: one event by its user, answered the same for an alert
//! or case that exists as for one that does not, and the act the user
//! typed never enters the log.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::*;

fn alert(server: &TestServer) -> i64 {
    let db = rusqlite::Connection::open(server.engine.dir().join("clearstone.db")).unwrap();
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'Repeated short absences', 'new', 'short_absences', 1, 'hr:person:1', '[]', 'fp1')",
        [],
    )
    .unwrap();
    db.last_insert_rowid()
}

/// Posts a form as the browser: (status, body).
fn form(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut req = b.client.post(format!("{}{path}", b.base)).form(fields);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

/// The events `user` caused after event `before`.
fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

const TYPED: &str = "wipe-the-evidence";

// Every attempt, refused or failed, is exactly one event (docs/gate.md).
#[test]
fn an_unknown_review_act_is_one_event_and_the_same_for_an_absent_alert() {
    let server = start();
    let id = alert(&server);
    let ana = working(&server, "ana", "pds");
    let token = ana.csrf.clone().unwrap();
    let mut answers = Vec::new();
    for path in [format!("/alerts/{id}"), "/alerts/9999".to_string()] {
        let before = last(&server);
        let (s, body) = form(&ana, &path, &[("csrf", &token), ("act", TYPED)]);
        let logged = since(&server, before, "ana");
        assert_eq!(logged.len(), 1, "{path}: {logged:?}");
        let e = logged.first().unwrap();
        assert_eq!(e.outcome, "invalid_input", "{path}");
        assert!(!e.query.contains(TYPED), "{path}: {}", e.query);
        answers.push((s, body.replace(&id.to_string(), "N").replace("9999", "N")));
    }
    assert_eq!(answers.first().unwrap().0, 400);
    assert_eq!(answers.first(), answers.get(1), "existing and absent alike");
}

#[test]
fn an_unknown_case_act_is_one_event_and_the_same_for_a_case_one_is_not_on() {
    let server = start();
    let s = server.engine.session(ana_request("pds")).unwrap();
    s.create_case(Some("C-1"), "A case worked on the web")
        .unwrap();
    drop(s);
    let a = server.engine.session(admin_request()).unwrap();
    a.create_case(Some("C-2"), "Someone else's case").unwrap();
    drop(a);
    let ana = working(&server, "ana", "pds");
    let token = ana.csrf.clone().unwrap();
    let mut answers = Vec::new();
    for path in ["/cases/C-1", "/cases/C-2", "/cases/C-3"] {
        let before = last(&server);
        let (s, body) = form(&ana, path, &[("csrf", &token), ("act", TYPED)]);
        let logged = since(&server, before, "ana");
        assert_eq!(logged.len(), 1, "{path}: {logged:?}");
        let e = logged.first().unwrap();
        assert_eq!(e.outcome, "invalid_input", "{path}");
        assert!(!e.query.contains(TYPED), "{path}: {}", e.query);
        answers.push((s, body));
    }
    assert_eq!(answers.first().unwrap().0, 400);
    assert!(
        answers.iter().all(|a| Some(a) == answers.first()),
        "{answers:?}"
    );
}
