//! A page whose form or query the page itself finds wrong (a date that is
//! not one, an empty justification, an unconfirmed lawful condition) is
//! answered with the form again and what to fix. That answer is still an
//! attempt: exactly one event by its user, and nothing typed in the log.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, TestServer, events, start, working};

/// Typed into every refused form: it must never reach the log.
const TYPED: &str = "TYPEDTEXT";

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

/// A page asked for as the browser, a GET with its query or a POST with
/// its form (and the session's CSRF token): (status, body).
fn ask(b: &Browser, method: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let url = format!("{}{path}", b.base);
    let req = match method {
        "GET" => b.client.get(url),
        _ => {
            let mut fields = fields.to_vec();
            let token = b.csrf.clone().unwrap();
            fields.push(("csrf", &token));
            b.client.post(url).form(&fields)
        }
    };
    let res = req
        .header("cookie", b.cookie.clone().unwrap())
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

/// Method, path, and the form's fields.
type Case<'a> = (&'static str, String, Vec<(&'static str, &'a str)>);

// Every attempt, refused or failed, is one event (docs/gate.md).
#[test]
fn a_form_a_page_refuses_itself_is_one_event_with_nothing_typed() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    let long = format!("{TYPED} checking a complaint about conduct");
    let cases: Vec<Case<'_>> = vec![
        (
            "GET",
            format!("/chart?id=hr:person:1&k={TYPED}"),
            Vec::new(),
        ),
        (
            "GET",
            format!("/chart?id=hr:person:1&from={TYPED}"),
            Vec::new(),
        ),
        ("GET", format!("/fairness?from={TYPED}"), Vec::new()),
        (
            "POST",
            "/notes/search".into(),
            vec![("q", TYPED), ("condition", "")],
        ),
        (
            "POST",
            "/start".into(),
            vec![
                ("purpose", "pds"),
                ("reason", "investigation"),
                ("justification", ""),
                ("case_ref", TYPED),
            ],
        ),
        (
            "POST",
            "/start".into(),
            vec![
                ("purpose", TYPED),
                ("reason", "investigation"),
                ("justification", &long),
            ],
        ),
        (
            "POST",
            "/break-glass".into(),
            vec![
                ("purpose", "pds"),
                ("reason", "investigation"),
                ("justification", &long),
                ("minutes", TYPED),
            ],
        ),
        (
            "POST",
            "/break-glass".into(),
            vec![
                ("purpose", "pds"),
                ("reason", "investigation"),
                ("justification", TYPED),
                ("minutes", "30"),
            ],
        ),
        (
            "POST",
            "/review".into(),
            vec![
                ("left", "hr:person:1"),
                ("right", "hr:person:2"),
                ("verdict", TYPED),
                ("why", ""),
            ],
        ),
        (
            "POST",
            "/entities/hr:person:1/notes/add".into(),
            vec![("text", ""), ("date", TYPED)],
        ),
        (
            "POST",
            "/search/saved".into(),
            vec![("name", ""), ("q", TYPED)],
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, fields) in cases {
        let before = last(&server);
        let (status, text) = ask(&ana, method, &path, &fields);
        let evs: Vec<_> = events(&server)
            .into_iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .collect();
        let what = format!("{method} {path} {fields:?} ({status})");
        if status < 400 {
            failures.push(format!(
                "{what}: not refused: {}",
                text.chars().take(200).collect::<String>()
            ));
        }
        match evs.as_slice() {
            [e] => {
                if format!("{e:?}").contains(TYPED) {
                    failures.push(format!("{what}: typed text in the log: {e:?}"));
                }
            }
            _ => failures.push(format!("{what}: {} events, not one: {evs:?}", evs.len())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
