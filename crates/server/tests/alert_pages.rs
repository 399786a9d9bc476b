//! The alert queue and the alert page go through the gate like every page:
//! a visitor is sent to sign in, a user without work to start it, each page
//! and each review act is one event by its user, an alert that does not
//! exist is not found, and no special-category value reaches the page.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::*;

/// An indicator alert on Alice citing her whole record, as a rule run
/// would store it.
fn alert(server: &TestServer) -> i64 {
    let db = rusqlite::Connection::open(server.engine.dir().join("clearstone.db")).unwrap();
    let evidence = serde_json::json!([{
        "record": "hr:person:1",
        "statements": [],
        "condition": "a distinct record dated 2026-01-05, one of 3 within 60 days (threshold 3)",
    }])
    .to_string();
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'Repeated short absences', 'new', 'short_absences', 1, 'hr:person:1', ?1, 'fp1')",
        rusqlite::params![evidence],
    )
    .unwrap();
    db.last_insert_rowid()
}

fn location(b: &Browser, path: &str) -> (u16, String) {
    let (s, h, _) = b.send("GET", path, None);
    let to = h
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (s, to)
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

fn last_event(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

fn by(server: &TestServer, before: i64, user: &str) -> usize {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .count()
}

// issue 18, item 7: the alert queue and the alert page, through the gate.
#[test]
fn alert_pages_need_sign_in_and_work_and_log_one_event_each() {
    let server = start();
    let id = alert(&server);
    let nobody = Browser::new(&server);
    let mut idle = Browser::new(&server);
    idle.sign_in("ana", PASSWORD);
    for path in ["/alerts".to_string(), format!("/alerts/{id}")] {
        assert_eq!(location(&nobody, &path), (303, "/sign-in".into()), "{path}");
        assert_eq!(location(&idle, &path), (303, "/start".into()), "{path}");
    }
    let ana = working(&server, "ana", "pds-health");
    for (path, status, shown) in [
        ("/alerts".to_string(), 200, format!("Alert {id}")),
        (
            "/alerts?rule=short_absences&status=new&sort=oldest".to_string(),
            200,
            format!("Alert {id}"),
        ),
        (
            "/alerts?status=no_further_action".to_string(),
            200,
            "No alerts match".to_string(),
        ),
        (format!("/alerts/{id}"), 200, "threshold 3".to_string()),
        ("/alerts/9999".to_string(), 404, "Not found".to_string()),
        (
            "/alerts/not-a-number".to_string(),
            404,
            "Not found".to_string(),
        ),
    ] {
        let before = last_event(&server);
        let (s, _, html) = ana.send("GET", &path, None);
        assert_eq!(s, status, "{path}: {html}");
        assert!(html.contains(&shown), "{path}: {html}");
        // Alice's health is special category: left out of the reviewer's
        // view even under a purpose that may read it.
        assert!(!html.contains(SENTINEL), "{path}");
        assert_eq!(by(&server, before, "ana"), 1, "{path}");
    }
    let (_, _, html) = ana.send("GET", &format!("/alerts/{id}"), None);
    assert!(html.contains("Alice Smith"), "the record's own values show");
}

// issue 18, items 3 and 7: the review as forms, four eyes enforced, each
// act one event; a form without its token is refused before the engine.
#[test]
fn an_alert_is_reviewed_from_its_page_with_four_eyes() {
    let server = start();
    let id = alert(&server);
    let path = format!("/alerts/{id}");
    let ana = working(&server, "ana", "pds");
    let token = ana.csrf.clone().unwrap();
    let before = last_event(&server);
    let (s, _, _) = form(&ana, &path, &[("csrf", "forged"), ("act", "open")]);
    assert_eq!(s, 403);
    // Refused before the engine acts, and still one refused attempt.
    assert_eq!(by(&server, before, "ana"), 1);
    let rationale = "four absences match the roster gaps, refer";
    for (fields, status) in [
        (vec![("act", "open")], 303),
        (
            vec![
                ("act", "decide"),
                ("outcome", "refer_for_assessment"),
                ("text", "ok"),
            ],
            422,
        ),
        (
            vec![
                ("act", "decide"),
                ("outcome", "refer_for_assessment"),
                ("text", rationale),
            ],
            303,
        ),
        // The first reviewer may not confirm their own referral.
        (
            vec![
                ("act", "confirm"),
                ("outcome", "refer_for_assessment"),
                ("text", rationale),
            ],
            403,
        ),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        let before = last_event(&server);
        let (s, to, body) = form(&ana, &path, &all);
        assert_eq!(s, status, "{fields:?}: {body}");
        if s == 303 {
            assert_eq!(to, path);
        }
        assert_eq!(by(&server, before, "ana"), 1, "{fields:?}");
    }
    let (_, _, html) = ana.send("GET", &path, None);
    assert!(html.contains("referral pending"), "{html}");
    let bea = working(&server, "bea", "pds");
    let bea_token = bea.csrf.clone().unwrap();
    let (s, _, body) = form(
        &bea,
        &path,
        &[
            ("csrf", &bea_token),
            ("act", "confirm"),
            ("outcome", "refer_for_assessment"),
            ("text", "agreed on the same evidence"),
        ],
    );
    assert_eq!(s, 303, "{body}");
    let (s, _, _) = form(
        &bea,
        &path,
        &[
            ("csrf", &bea_token),
            ("act", "representation"),
            ("text", "I was on authorised leave"),
        ],
    );
    assert_eq!(s, 303);
    let (_, _, html) = bea.send("GET", &path, None);
    assert!(html.contains("refer for assessment"), "{html}");
    assert!(html.contains("I was on authorised leave"), "{html}");
}

// issue 18, item 7: a missing rationale and four eyes come back on the
// form, with the error summary, the message beside the field and what was
// typed kept; each attempt is still one event.
#[test]
fn a_refused_review_is_shown_on_its_form_with_what_was_typed() {
    let server = start();
    let id = alert(&server);
    let path = format!("/alerts/{id}");
    let ana = working(&server, "ana", "pds");
    let token = ana.csrf.clone().unwrap();
    let (s, _, _) = form(&ana, &path, &[("csrf", &token), ("act", "open")]);
    assert_eq!(s, 303);
    let rationale = "four absences match the roster gaps, refer";
    for (act, text, status, field) in [
        ("decide", "ok!", 422, "text"),
        ("decide", rationale, 303, ""),
        ("confirm", rationale, 403, "outcome"),
    ] {
        let before = last_event(&server);
        let (s, _, body) = form(
            &ana,
            &path,
            &[
                ("csrf", &token),
                ("act", act),
                ("outcome", "refer_for_assessment"),
                ("text", text),
            ],
        );
        assert_eq!(s, status, "{act}: {body}");
        assert_eq!(by(&server, before, "ana"), 1, "{act}");
        if field.is_empty() {
            continue;
        }
        assert!(body.contains("govuk-error-summary"), "{body}");
        assert!(body.contains(&format!("href=\"#{field}\"")), "{body}");
        assert!(body.contains(&format!("id=\"{field}-error\"")), "{body}");
        assert!(body.contains(&format!(">{text}</textarea>")), "{body}");
        assert!(
            body.contains("value=\"refer_for_assessment\" checked"),
            "{body}"
        );
        assert!(body.contains(&format!("value=\"{act}\"")), "{body}");
    }
}
