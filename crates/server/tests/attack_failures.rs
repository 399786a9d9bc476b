//! Requests refused before they reach an act: a body that does not parse,
//! the wrong content type, a body too large, a query parameter out of range
//! or not a number, an unknown value of a closed list, a path id that is
//! not one, a failed CSRF check. Each is still exactly one event by its
//! user, naming the route and the code, and nothing the request carried
//! reaches the log.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, TestServer, events, start, working};

/// Typed into every refused request: it must never reach the log.
const TYPED: &str = "TYPEDTEXT";

/// A raw request as the browser: method, path, content type and body,
/// with the CSRF header unless `csrf` says otherwise.
fn raw(
    b: &Browser,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    csrf: Option<&str>,
) -> (u16, String) {
    let mut req = b
        .client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", b.base),
        )
        .header("cookie", b.cookie.clone().unwrap())
        .header("content-type", content_type)
        .body(body);
    // An empty token sends none: a form carries its own in its body.
    if method != "GET" && csrf != Some("") {
        let token = csrf.map_or_else(|| b.csrf.clone().unwrap(), str::to_string);
        req = req.header("x-csrf-token", token);
    }
    let res = req.send().unwrap();
    let status = res.status().as_u16();
    (status, res.text().unwrap())
}

/// Method, path, content type, body, CSRF token sent instead of the
/// session's, and the code expected.
type Case = (
    &'static str,
    String,
    &'static str,
    Vec<u8>,
    Option<&'static str>,
    &'static str,
);

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

// The brief's item 2: each failure is one event, with no free text.
#[test]
fn a_request_refused_before_its_act_is_one_event_naming_only_route_and_code() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    let json = "application/json";
    let big = format!(
        "{{\"name\": \"{}\", \"q\": \"smith\"}}",
        "x".repeat(3 << 20)
    );
    let mut cases: Vec<Case> = vec![
        (
            "POST",
            "/api/v1/records/hr:person:1/reveal".into(),
            json,
            format!("{{\"property\": \"{TYPED}").into_bytes(),
            None,
            "invalid_input",
        ),
        (
            "POST",
            "/api/v1/saved-searches".into(),
            "text/plain",
            format!("{{\"name\": \"{TYPED}\", \"q\": \"smith\"}}").into_bytes(),
            None,
            "unsupported_media_type",
        ),
        (
            "POST",
            "/api/v1/saved-searches".into(),
            json,
            big.into_bytes(),
            None,
            "body_too_large",
        ),
        (
            "GET",
            format!("/api/v1/events?limit={TYPED}"),
            json,
            Vec::new(),
            None,
            "invalid_input",
        ),
        (
            "GET",
            "/api/v1/events?limit=0".into(),
            json,
            Vec::new(),
            None,
            "invalid_input",
        ),
        (
            "GET",
            format!("/api/v1/me/receipts/{TYPED}"),
            json,
            Vec::new(),
            None,
            "invalid_input",
        ),
        (
            "GET",
            format!("/my-record/receipts/{TYPED}"),
            json,
            Vec::new(),
            None,
            "invalid_input",
        ),
        (
            "POST",
            "/api/v1/judgements".into(),
            json,
            format!(
                "{{\"left\": \"hr:person:1\", \"right\": \"hr:person:2\", \
                 \"verdict\": \"{TYPED}\", \"rationale\": \"same person\"}}"
            )
            .into_bytes(),
            None,
            "invalid_input",
        ),
        (
            "POST",
            "/api/v1/saved-searches".into(),
            json,
            format!("{{\"name\": \"{TYPED}\", \"q\": \"smith\"}}").into_bytes(),
            Some("not-the-token"),
            "csrf_failed",
        ),
    ];
    // A page's form too large to read for its CSRF token.
    let form = format!(
        "csrf={}&name={TYPED}&q={}",
        ana.csrf.clone().unwrap(),
        "x".repeat(2 << 20)
    );
    cases.push((
        "POST",
        "/search/saved".into(),
        "application/x-www-form-urlencoded",
        form.into_bytes(),
        Some(""),
        "body_too_large",
    ));
    let mut failures = Vec::new();
    for (method, path, content_type, body, csrf, code) in cases {
        let before = last(&server);
        let (status, text) = raw(&ana, method, &path, content_type, body, csrf);
        let evs: Vec<_> = events(&server)
            .into_iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .collect();
        let what = format!(
            "{method} {path} ({status} {})",
            text.chars().take(160).collect::<String>()
        );
        // A page answers with its own problem page, not the code.
        let page = !path.starts_with("/api/");
        if status < 400 || !(page || text.contains(code)) {
            failures.push(format!("{what}: expected `{code}`"));
        }
        match evs.as_slice() {
            [e] => {
                if e.outcome != code {
                    failures.push(format!("{what}: logged {e:?}"));
                }
                if format!("{e:?}").contains(TYPED) {
                    failures.push(format!("{what}: typed text in the log: {e:?}"));
                }
            }
            _ => failures.push(format!("{what}: {} events, not one: {evs:?}", evs.len())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
