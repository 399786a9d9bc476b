//! A page's form posted with a forged token, or none, is refused before
//! any handler runs. It is still an attempt: exactly one event by its
//! user, answering `csrf_failed`, naming the route's template and never
//! the record the form was about (the session never checked it).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, TestServer, events, start, working};

/// Put into every path and form: it must never reach the log.
const TYPED: &str = "TYPEDTEXT";

/// Every page route that takes a POST, with a form it might be sent.
const ROUTES: &[&str] = &[
    "/sign-out",
    "/start",
    "/entities/hr:person:TYPEDTEXT/reveal",
    "/review",
    "/chart/export",
    "/cases/TYPEDTEXT",
    "/break-glass",
    "/break-glass/end",
    "/entities/hr:person:TYPEDTEXT/judgements/7/withdraw",
    "/dpo/purposes/TYPEDTEXT/review",
    "/dpo/purposes/TYPEDTEXT/expire",
    "/notes/TYPEDTEXT",
    "/entities/hr:person:TYPEDTEXT/notes",
    "/entities/hr:person:TYPEDTEXT/notes/add",
    "/cases/TYPEDTEXT/notes",
    "/notes/summaries/TYPEDTEXT/confirm",
    "/alerts/TYPEDTEXT",
    "/search/saved",
    "/search/saved/TYPEDTEXT/delete",
    "/data/quarantine/replay",
    "/dpo/purposes",
    "/entities/hr:person:TYPEDTEXT/notes/recording",
    "/entities/hr:person:TYPEDTEXT/notes/model-summary",
    "/notes/search",
];

/// How the token is sent, or not.
#[derive(Debug, Clone, Copy)]
enum Token {
    /// A form whose `csrf` field is not the session's.
    Forged,
    /// A form with no `csrf` field.
    Missing,
    /// A header that is not the session's.
    ForgedHeader,
    /// A multipart form with no `csrf` part.
    MissingPart,
}

fn post(b: &Browser, path: &str, token: Token) -> u16 {
    let url = format!("{}{path}", b.base);
    let req = b
        .client
        .post(url)
        .header("cookie", b.cookie.clone().unwrap());
    let req = match token {
        Token::Forged => req.form(&[("csrf", "forged"), ("q", TYPED)]),
        Token::Missing => req.form(&[("q", TYPED)]),
        Token::ForgedHeader => req.header("x-csrf-token", "forged").form(&[("q", TYPED)]),
        Token::MissingPart => req
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n{TYPED}\r\n--XyZ--\r\n"
            )),
    };
    req.send().unwrap().status().as_u16()
}

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

// Every attempt, refused or failed, is one event (docs/gate.md).
#[test]
fn a_form_without_the_sessions_token_is_one_event_naming_no_record() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    let mut failures = Vec::new();
    for path in ROUTES {
        for token in [
            Token::Forged,
            Token::Missing,
            Token::ForgedHeader,
            Token::MissingPart,
        ] {
            let before = last(&server);
            let status = post(&ana, path, token);
            let evs: Vec<_> = events(&server)
                .into_iter()
                .filter(|e| e.id > before && e.principal == "ana")
                .collect();
            let what = format!("POST {path} {token:?} ({status})");
            if status != 403 {
                failures.push(format!("{what}: not 403"));
            }
            match evs.as_slice() {
                [e] => {
                    if e.outcome != "csrf_failed" {
                        failures.push(format!("{what}: logged {e:?}"));
                    }
                    if format!("{e:?}").contains(TYPED) || !e.subjects.is_empty() {
                        failures.push(format!("{what}: names what was sent: {e:?}"));
                    }
                }
                _ => failures.push(format!("{what}: {} events, not one: {evs:?}", evs.len())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
