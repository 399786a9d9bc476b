//! The data protection officer's edits to the purposes register from the
//! DPO page: review and expire. Each needs the CSRF token and a purpose
//! that may administer, and is one event, allowed or refused.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::ADMIN_PURPOSE;
use support::{Browser, PASSWORD, TestServer, admin_request, events, start, working};

/// Posts a form as the browser, following no redirect: (status, location, body).
fn form(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let mut req = b.client.post(format!("{}{path}", b.base)).form(fields);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, res.text().unwrap())
}

fn last_event_id(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

fn registered(server: &TestServer, id: &str) -> clearstone_engine::policy::Purpose {
    server
        .engine
        .session(admin_request())
        .unwrap()
        .purposes()
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap()
}

// issue 17, item 5 (DPO): the purposes register is reviewed and expired
// from the DPO page, each edit one event needing a purpose that administers.
#[test]
fn a_purpose_is_reviewed_and_expired_from_the_dpo_page_as_one_event_each() {
    let server = start();
    // A data protection officer of their own, apart from the administrator
    // the test reads the log as.
    {
        let admin = server.engine.session(admin_request()).unwrap();
        admin
            .put_user(&support::user("dee", &["data_protection_officer"]))
            .unwrap();
        admin.set_password("dee", PASSWORD).unwrap();
    }
    let ana = working(&server, "ana", "pds");
    let dpo = working(&server, "dee", ADMIN_PURPOSE);
    let csrf = dpo.csrf.clone().unwrap();
    let (_, page) = dpo.get("/dpo");
    let html = page.as_str().unwrap().to_string();
    assert!(
        html.contains("action=\"/dpo/purposes/pds/review\""),
        "{html}"
    );

    // A forged form does nothing, and is one refused attempt.
    let before = last_event_id(&server);
    let (s, _, _) = form(&dpo, "/dpo/purposes/pds/expire", &[]);
    assert_eq!(s, 403);
    assert_eq!(since(&server, before, "dee").len(), 1);

    let before = last_event_id(&server);
    let (s, location, _) = form(
        &dpo,
        "/dpo/purposes/pds/review",
        &[("csrf", &csrf), ("next_review", "2030-01-31")],
    );
    assert_eq!((s, location.as_str()), (303, "/dpo"));
    assert_eq!(since(&server, before, "dee").len(), 1);
    let p = registered(&server, "pds");
    assert_eq!(
        (p.review_date.as_str(), p.reviewed_by.as_deref()),
        ("2030-01-31", Some("dee"))
    );

    // A date that is not one is named, changes nothing, and is one event.
    let before = last_event_id(&server);
    let (s, _, html) = form(
        &dpo,
        "/dpo/purposes/pds/review",
        &[("csrf", &csrf), ("next_review", "next spring")],
    );
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("next spring"), "{html}");
    assert_eq!(since(&server, before, "dee").len(), 1);
    assert_eq!(registered(&server, "pds").review_date, "2030-01-31");

    // An analyst may not change the register: refused, and logged.
    let before = last_event_id(&server);
    let (s, _, _) = form(
        &ana,
        "/dpo/purposes/pds/expire",
        &[("csrf", ana.csrf.as_deref().unwrap())],
    );
    assert_eq!(s, 403);
    assert_eq!(since(&server, before, "ana").len(), 1);
    assert_eq!(registered(&server, "pds").expires, "2099-12-31");

    // Expired, the analyst's work under it ends at the next request.
    let before = last_event_id(&server);
    let (s, location, _) = form(&dpo, "/dpo/purposes/pds/expire", &[("csrf", &csrf)]);
    assert_eq!((s, location.as_str()), (303, "/dpo"));
    assert_eq!(since(&server, before, "dee").len(), 1);
    let (s, body) = ana.get("/api/v1/datasets");
    assert_eq!(
        (s, body["code"].as_str()),
        (403, Some("purpose_expired")),
        "{body}"
    );

    // A purpose that does not exist is not found, and that is one event too.
    let before = last_event_id(&server);
    let (s, _, _) = form(&dpo, "/dpo/purposes/nowhere/expire", &[("csrf", &csrf)]);
    assert_eq!(s, 404);
    assert_eq!(since(&server, before, "dee").len(), 1);
}
