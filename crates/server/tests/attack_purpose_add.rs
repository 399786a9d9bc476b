//! The form that adds a purpose, sent with a use of the access log the form
//! does not offer: still one attempt, so one event, refused on the problem
//! page as an act no form offers is, and nothing registered.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::ADMIN_PURPOSE;
use support::{Browser, PASSWORD, TestServer, admin_request, events, start, working};

fn post(b: &Browser, fields: &[(&str, &str)]) -> (u16, String) {
    let mut req = b
        .client
        .post(format!("{}/dpo/purposes", b.base))
        .form(fields);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

fn registered(server: &TestServer, id: &str) -> bool {
    server
        .engine
        .session(admin_request())
        .unwrap()
        .purposes()
        .unwrap()
        .iter()
        .any(|p| p.id == id)
}

fn form<'a>(csrf: &'a str, audit_use: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("id", "vetting"),
        ("description", "Vetting applicants"),
        ("legal_basis", "DPA 2018 s.35(2)(b)"),
        ("sensitive", "no"),
        ("datasets", "hr"),
        ("entity_types", "*"),
        ("roles", "analyst"),
        ("audit_use", audit_use),
        ("review_date", "2099-01-01"),
        ("expires", "2099-12-31"),
    ]
}

#[test]
fn a_use_of_the_log_the_form_does_not_offer_is_one_refused_event() {
    let server = start();
    {
        let admin = server.engine.session(admin_request()).unwrap();
        admin
            .put_user(&support::user("dee", &["data_protection_officer"]))
            .unwrap();
        admin.set_password("dee", PASSWORD).unwrap();
    }
    let dpo = working(&server, "dee", ADMIN_PURPOSE);
    let csrf = dpo.csrf.clone().unwrap();
    let typed = "read everyone's searches";
    let before = events(&server).first().unwrap().id;
    let (s, page) = post(&dpo, &form(&csrf, typed));
    assert_eq!(s, 400, "{page}");
    assert!(page.contains("There is a problem"), "{page}");
    let attempt = since(&server, before, "dee");
    assert_eq!(attempt.len(), 1, "{attempt:?}");
    assert_eq!(attempt[0].outcome, "invalid_input", "{attempt:?}");
    // The log names the act, never what was typed in its place.
    assert!(!format!("{attempt:?}").contains("everyone"), "{attempt:?}");
    assert!(!registered(&server, "vetting"));

    // One who may not administer is refused as for any other form.
    let ana = working(&server, "ana", "pds");
    let csrf = ana.csrf.clone().unwrap();
    let before = events(&server).first().unwrap().id;
    let (s, page) = post(&ana, &form(&csrf, typed));
    assert_eq!(s, 403, "{page}");
    let refused = since(&server, before, "ana");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].operation, "refused");
    assert!(!registered(&server, "vetting"));
}
