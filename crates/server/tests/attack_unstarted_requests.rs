//! A browser signed in but with no purpose chosen is still someone: a form
//! it posts with a forged token, or an act it asks before starting work,
//! is one event under its user with no purpose, answering the refusal's
//! code and naming the route's template, never what was sent.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, PASSWORD, TestServer, events, start};

/// Put into every path and form: it must never reach the log.
const TYPED: &str = "TYPEDTEXT";

fn signed_in(server: &TestServer) -> Browser {
    let mut b = Browser::new(server);
    let (s, body, _) = b.sign_in("ana", PASSWORD);
    assert_eq!(s, 200, "{body}");
    b
}

/// ana's events after `before`, checked to be exactly one refusal with no
/// purpose, answering `code` and naming nothing typed.
fn one_refusal(server: &TestServer, before: i64, what: &str, code: &str) -> Vec<String> {
    let evs: Vec<_> = events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == "ana")
        .collect();
    let mut failures = Vec::new();
    match evs.as_slice() {
        [e] => {
            if e.outcome != code || e.operation != "refused" || !e.purpose.is_empty() {
                failures.push(format!("{what}: logged {e:?}"));
            }
            if format!("{e:?}").contains(TYPED) || !e.subjects.is_empty() {
                failures.push(format!("{what}: names what was sent: {e:?}"));
            }
        }
        _ => failures.push(format!("{what}: {} events, not one: {evs:?}", evs.len())),
    }
    failures
}

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

#[test]
fn a_forged_token_before_work_is_one_event_under_the_user_with_no_purpose() {
    let server = start();
    let ana = signed_in(&server);
    let mut failures = Vec::new();
    for path in [
        "/start",
        "/cases/TYPEDTEXT",
        "/entities/hr:person:TYPEDTEXT/notes/add",
        "/api/v1/work",
        "/api/v1/saved-searches",
    ] {
        let before = last(&server);
        let status = ana
            .client
            .post(format!("{}{path}", ana.base))
            .header("cookie", ana.cookie.clone().unwrap())
            .form(&[("csrf", "forged"), ("q", TYPED)])
            .send()
            .unwrap()
            .status()
            .as_u16();
        let what = format!("POST {path} ({status})");
        if status != 403 {
            failures.push(format!("{what}: not 403"));
        }
        failures.extend(one_refusal(&server, before, &what, "csrf_failed"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_act_asked_before_work_is_one_event_under_the_user_with_no_purpose() {
    let server = start();
    let ana = signed_in(&server);
    let mut failures = Vec::new();
    for path in [
        "/api/v1/datasets",
        "/api/v1/records/hr:person:TYPEDTEXT",
        "/api/v1/search?q=TYPEDTEXT",
    ] {
        let before = last(&server);
        let (status, body) = ana.get(path);
        let what = format!("GET {path} ({status} {body})");
        if body["code"] != "work_not_started" {
            failures.push(format!("{what}: not work_not_started"));
        }
        failures.extend(one_refusal(&server, before, &what, "work_not_started"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
