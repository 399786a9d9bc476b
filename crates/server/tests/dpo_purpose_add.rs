//! Adding a purpose from the data protection page (issue 17, item 5, DPO:
//! "the purposes register (add, …)"): a form with the error summary and each
//! field's own error, the CSRF token, a purpose that may administer the
//! registers, and one event for every attempt, refused ones too.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::ADMIN_PURPOSE;
use support::{Browser, PASSWORD, TestServer, admin_request, events, start, working};

/// Sends a form or a page request as the browser, following no redirect:
/// (status, location, body).
fn send(b: &Browser, post: bool, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let url = format!("{}{path}", b.base);
    let mut req = match post {
        true => b.client.post(url).form(fields),
        false => b.client.get(url),
    };
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

const COMPLETE: [(&str, &str); 11] = [
    ("id", "psd-misconduct"),
    (
        "description",
        "Investigating complaints about officers' conduct",
    ),
    ("legal_basis", "DPA 2018 s.35(2)(b)"),
    ("sensitive", "yes"),
    ("condition", "DPA 2018 sch. 8 para 1"),
    ("policy_document", "APD-9"),
    ("datasets", "hr"),
    ("entity_types", "*"),
    ("roles", "analyst, investigator"),
    ("review_date", "2099-01-01"),
    ("expires", "2099-12-31"),
];

fn with<'a>(csrf: &'a str, fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut out = vec![("csrf", csrf)];
    out.extend_from_slice(fields);
    out
}

#[test]
fn a_dpo_adds_a_purpose_from_a_form_that_names_each_problem() {
    let server = start();
    {
        let admin = server.engine.session(admin_request()).unwrap();
        admin
            .put_user(&support::user("dee", &["data_protection_officer"]))
            .unwrap();
        admin.set_password("dee", PASSWORD).unwrap();
    }
    let nobody = Browser::new(&server);
    assert_eq!(send(&nobody, false, "/dpo/purposes/new", &[]).1, "/sign-in");
    assert_eq!(send(&nobody, true, "/dpo/purposes", &[]).1, "/sign-in");

    let dpo = working(&server, "dee", ADMIN_PURPOSE);
    let csrf = dpo.csrf.clone().unwrap();
    let (s, _, html) = send(&dpo, false, "/dpo", &[]);
    assert_eq!(s, 200);
    assert!(html.contains("href=\"/dpo/purposes/new\""), "{html}");
    let (s, _, html) = send(&dpo, false, "/dpo/purposes/new", &[]);
    assert_eq!(s, 200);
    assert!(html.contains("action=\"/dpo/purposes\""), "{html}");

    // A forged form is refused before anything runs, as one refused attempt.
    let before = last_event_id(&server);
    assert_eq!(send(&dpo, true, "/dpo/purposes", &COMPLETE).0, 403);
    assert_eq!(since(&server, before, "dee").len(), 1);
    let before = last_event_id(&server);

    // An empty form names every missing field, and is one refused attempt.
    let (s, _, html) = send(&dpo, true, "/dpo/purposes", &with(&csrf, &[]));
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("<title>Error: Add a purpose"), "{html}");
    for field in [
        "id",
        "description",
        "legal_basis",
        "datasets",
        "roles",
        "review_date",
        "expires",
    ] {
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "{field}: {html}"
        );
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert_eq!(since(&server, before, "dee").len(), 1);

    // Special-category data needs its condition and policy document.
    let mut sensitive: Vec<(&str, &str)> = COMPLETE
        .iter()
        .copied()
        .filter(|(k, _)| !matches!(*k, "condition" | "policy_document" | "review_date"))
        .collect();
    sensitive.push(("review_date", "2001-01-01"));
    let (s, _, html) = send(&dpo, true, "/dpo/purposes", &with(&csrf, &sensitive));
    assert_eq!(s, 422, "{html}");
    for field in ["condition", "policy_document", "review_date"] {
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "{field}: {html}"
        );
    }
    assert!(!html.contains("href=\"#id\""), "{html}");
    // What was typed is kept.
    assert!(html.contains("value=\"psd-misconduct\""), "{html}");

    let before = last_event_id(&server);
    let (s, location, _) = send(&dpo, true, "/dpo/purposes", &with(&csrf, &COMPLETE));
    assert_eq!((s, location.as_str()), (303, "/dpo"));
    let added = since(&server, before, "dee");
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0].operation, "administer");
    let p = server
        .engine
        .session(admin_request())
        .unwrap()
        .purposes()
        .unwrap()
        .into_iter()
        .find(|p| p.id == "psd-misconduct")
        .unwrap();
    assert_eq!(p.reviewed_by.as_deref(), Some("dee"));
    assert_eq!(p.sensitive.unwrap().condition, "DPA 2018 sch. 8 para 1");
    assert!(p.roles.contains("investigator") && p.datasets.contains("hr"));
    // People may start work under it at once.
    let mut ana = Browser::new(&server);
    ana.sign_in("ana", PASSWORD);
    assert_eq!(ana.start_work("psd-misconduct").0, 200);

    // The register, not the form, knows an id is taken.
    let before = last_event_id(&server);
    let (s, _, html) = send(&dpo, true, "/dpo/purposes", &with(&csrf, &COMPLETE));
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("href=\"#id\"") && html.contains("already registered"),
        "{html}"
    );
    assert_eq!(since(&server, before, "dee").len(), 1);
}

#[test]
fn a_purpose_that_may_not_administer_is_refused_as_one_event() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    let csrf = ana.csrf.clone().unwrap();
    let before = last_event_id(&server);
    let (s, _, html) = send(&ana, true, "/dpo/purposes", &with(&csrf, &COMPLETE));
    assert_eq!(s, 403, "{html}");
    let refused = since(&server, before, "ana");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].operation, "refused");
    assert!(
        !server
            .engine
            .session(admin_request())
            .unwrap()
            .purposes()
            .unwrap()
            .iter()
            .any(|p| p.id == "psd-misconduct")
    );
}
