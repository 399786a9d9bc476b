//! One API call with a token is one event: the act's own (or its
//! refusal's), naming the token by id among its flags, not a `token_use`
//! event and then the act. A token refused is one `token_use` event.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{TestServer, events, start};

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

/// The status of a GET sent with `token`.
fn get(server: &TestServer, path: &str, token: &str) -> u16 {
    reqwest::blocking::Client::new()
        .get(format!("{}{path}", server.base))
        .bearer_auth(token)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// The events after `before`, but the administrator's reading of them.
fn since(server: &TestServer, before: i64) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal != "admin")
        .collect()
}

#[test]
fn each_call_with_a_token_is_one_event_naming_the_token() {
    let server = start();
    let (token, id) = support::ana_token(&server, "pds");
    let flag = format!("token:{id}");
    let mut failures = Vec::new();
    for (path, status) in [
        ("/api/v1/datasets", 200),
        ("/api/v1/records/hr:person:1", 200),
        ("/api/v1/records/hr:person:999999", 404),
        // Refused before the act: the limit does not parse.
        ("/api/v1/events?limit=many", 400),
    ] {
        let before = last(&server);
        let got = get(&server, path, &token);
        let evs = since(&server, before);
        let what = format!("GET {path} ({got})");
        if got != status {
            failures.push(format!("{what}: not {status}"));
        }
        match evs.as_slice() {
            [e] if e.principal == "ana"
                && e.flags.contains(&flag)
                && e.operation != "token_use" => {}
            _ => failures.push(format!("{what}: {evs:?}")),
        }
    }
    let before = last(&server);
    let forged = format!("{}{id}.not-the-secret", clearstone_engine::TOKEN_PREFIX);
    let got = get(&server, "/api/v1/datasets", &forged);
    let evs = since(&server, before);
    match evs.as_slice() {
        [e] if got == 401 && e.operation == "token_use" && e.outcome == "token_refused" => {}
        _ => failures.push(format!("a forged secret ({got}): {evs:?}")),
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
