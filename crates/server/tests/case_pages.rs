//! The case workspace pages go through the gate like every page: a visitor
//! is sent to sign in, a user without work to start it, and each page drawn
//! is one event by its user; a case whose team one is not on is not found.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::*;

fn location(b: &Browser, path: &str) -> (u16, String) {
    let (s, h, _) = b.send("GET", path, None);
    let to = h
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (s, to)
}

// issue 18, item 7: the case workspace, through the gate.
#[test]
fn case_pages_need_sign_in_and_work_and_log_one_event_each() {
    let server = start();
    let nobody = Browser::new(&server);
    for path in ["/cases", "/cases/C-1"] {
        assert_eq!(location(&nobody, path), (303, "/sign-in".into()), "{path}");
    }
    let mut idle = Browser::new(&server);
    idle.sign_in("ana", PASSWORD);
    for path in ["/cases", "/cases/C-1"] {
        assert_eq!(location(&idle, path), (303, "/start".into()), "{path}");
    }
    let s = server.engine.session(ana_request("pds")).unwrap();
    s.create_case(Some("C-1"), "A case worked on the web")
        .unwrap();
    drop(s);
    let a = server.engine.session(admin_request()).unwrap();
    a.create_case(Some("C-2"), "Someone else's case").unwrap();
    drop(a);
    let ana = working(&server, "ana", "pds");
    for (path, status, shown) in [
        ("/cases", 200, "C-1"),
        ("/cases/C-1", 200, "A case worked on the web"),
        ("/cases/C-2", 404, "Not found"),
    ] {
        let before = events(&server).first().unwrap().id;
        let (s, _, html) = ana.send("GET", path, None);
        assert_eq!(s, status, "{path}: {html}");
        assert!(html.contains(shown), "{path}: {html}");
        assert!(!html.contains("Someone else"), "{path}");
        let by_ana = events(&server)
            .into_iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .count();
        assert_eq!(by_ana, 1, "{path}");
    }
}

/// Posts a form as the browser: (status, location, body).
fn form(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let mut req = b.client.post(format!("{}{path}", b.base)).form(fields);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    let status = res.status().as_u16();
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, to, res.text().unwrap())
}

// issue 18, items 4 and 7: the case workspace's edits are forms, each one
// event; a case the user is not on is answered as an absent one.
#[test]
fn a_case_is_worked_from_its_page_one_event_per_edit() {
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
    let (s, _, _) = form(&ana, "/cases/C-1", &[("csrf", "forged"), ("act", "task")]);
    assert_eq!(s, 403, "a form without its token");
    for (path, fields, status) in [
        (
            "/cases/C-1",
            vec![
                ("act", "task"),
                ("text", "Obtain duty rosters"),
                ("due", "2026-07-01"),
                ("assignee", "ana"),
            ],
            303,
        ),
        ("/cases/C-1", vec![("act", "done"), ("task", "1")], 303),
        ("/cases/C-1", vec![("act", "done"), ("task", "1")], 400),
        (
            "/cases/C-1",
            vec![
                ("act", "link"),
                ("kind", "entity"),
                ("target", "hr:person:1"),
            ],
            303,
        ),
        (
            "/cases/C-1",
            vec![
                ("act", "link"),
                ("kind", "entity"),
                ("target", "hr:person:404"),
            ],
            404,
        ),
        (
            "/cases/C-1",
            vec![
                ("act", "unlink"),
                ("kind", "entity"),
                ("target", "hr:person:1"),
            ],
            303,
        ),
        (
            "/cases/C-1",
            vec![("act", "assign"), ("assignee", "ana")],
            303,
        ),
        (
            "/cases/C-1",
            vec![
                ("act", "decide"),
                ("decision", "assessment_started"),
                ("text", "the rosters show the gaps"),
            ],
            303,
        ),
        (
            "/cases/C-2",
            vec![
                ("act", "decide"),
                ("decision", "note"),
                ("text", "not my case at all"),
            ],
            404,
        ),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        let before = events(&server).first().unwrap().id;
        let (s, to, body) = form(&ana, path, &all);
        assert_eq!(s, status, "{fields:?}: {body}");
        if s == 303 {
            assert_eq!(to, path);
        }
        assert!(!body.contains("Someone else"));
        let by_ana = events(&server)
            .into_iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .count();
        assert_eq!(by_ana, 1, "{fields:?}");
    }
    let (_, _, html) = ana.send("GET", "/cases/C-1", None);
    assert!(html.contains("Obtain duty rosters"), "{html}");
    assert!(html.contains("the rosters show the gaps"), "{html}");
    assert!(html.contains("done"), "{html}");
}

// issue 18, item 7: a refused edit comes back as its form with the error
// summary and the message beside the field, what was typed kept, and the
// attempt still one event.
#[test]
fn a_refused_case_edit_is_shown_on_its_form_with_what_was_typed() {
    let server = start();
    let s = server.engine.session(ana_request("pds")).unwrap();
    s.create_case(Some("C-1"), "A case worked on the web")
        .unwrap();
    drop(s);
    let ana = working(&server, "ana", "pds");
    let token = ana.csrf.clone().unwrap();
    for (fields, field, kept) in [
        (
            vec![
                ("act", "task"),
                ("text", "Obtain duty rosters"),
                ("due", "next week"),
            ],
            "task-due",
            "value=\"next week\"",
        ),
        (
            vec![
                ("act", "task"),
                ("text", "Obtain duty rosters"),
                ("assignee", "zed"),
            ],
            "task-assignee",
            "value=\"Obtain duty rosters\"",
        ),
        (
            vec![
                ("act", "decide"),
                ("decision", "assessment_started"),
                ("text", "ok"),
            ],
            "decision-text",
            "<option value=\"assessment_started\" selected>",
        ),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        let before = events(&server).first().unwrap().id;
        let (s, _, body) = form(&ana, "/cases/C-1", &all);
        assert_eq!(s, 422, "{fields:?}: {body}");
        assert!(body.contains("govuk-error-summary"), "{body}");
        assert!(body.contains(&format!("href=\"#{field}\"")), "{body}");
        assert!(body.contains(&format!("id=\"{field}-error\"")), "{body}");
        assert!(body.contains(kept), "{kept}: {body}");
        let by_ana = events(&server)
            .into_iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .count();
        assert_eq!(by_ana, 1, "{fields:?}");
    }
}
