//! One API call with a token is one event: the act's own (or its
//! refusal's), naming the token by id among its flags, not a `token_use`
//! event and then the act. A token refused is one `token_use` event.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{TestServer, events, start};

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

#[test]
fn each_call_with_a_token_is_one_event_naming_the_token() {
    let server = start();
    let token = server
        .engine
        .session(support::ana_request("pds"))
        .unwrap()
        .issue_token(&support::ana_request("pds"), 30)
        .unwrap();
    let id = token
        .trim_start_matches(clearstone_engine::TOKEN_PREFIX)
        .split('.')
        .next()
        .unwrap()
        .to_string();
    let flag = format!("token:{id}");
    let client = reqwest::blocking::Client::new();
    let mut failures = Vec::new();
    for (path, status) in [
        ("/api/v1/datasets", 200),
        ("/api/v1/records/hr:person:1", 200),
        ("/api/v1/records/hr:person:999999", 404),
        // Refused before the act: the limit does not parse.
        ("/api/v1/events?limit=many", 400),
    ] {
        let before = last(&server);
        let got = client
            .get(format!("{}{path}", server.base))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status()
            .as_u16();
        let evs: Vec<_> = events(&server)
            .into_iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .collect();
        let what = format!("GET {path} ({got})");
        if got != status {
            failures.push(format!("{what}: not {status}"));
        }
        match evs.as_slice() {
            [e] if e.flags.contains(&flag) && e.operation != "token_use" => {}
            _ => failures.push(format!("{what}: {evs:?}")),
        }
    }
    let before = last(&server);
    let forged = format!("{}{id}.not-the-secret", clearstone_engine::TOKEN_PREFIX);
    let got = client
        .get(format!("{}/api/v1/datasets", server.base))
        .bearer_auth(&forged)
        .send()
        .unwrap()
        .status()
        .as_u16();
    let evs: Vec<_> = events(&server)
        .into_iter()
        .filter(|e| e.id > before && e.principal != "admin")
        .collect();
    match evs.as_slice() {
        [e] if got == 401 && e.operation == "token_use" && e.outcome == "token_refused" => {}
        _ => failures.push(format!("a forged secret ({got}): {evs:?}")),
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
