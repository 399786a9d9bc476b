//! The quarantine replay form's CSRF token: sent in the action's query, it
//! stayed in the result page's address, the browser's history and any
//! proxy's log. It goes in the form's body like every other form's, and a
//! token in the query alone no longer runs anything.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, events, working};

const BOUNDARY: &str = "x-boundary-3kq9ZtRw";

/// A multipart replay of an empty file, its token where `query` and `body` say.
fn replay(b: &Browser, query: Option<&str>, body: Option<&str>) -> (u16, String) {
    let token = body
        .map(|t| {
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n")
        })
        .unwrap_or_default();
    let form = format!(
        "{token}--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n\r\n--{BOUNDARY}--\r\n"
    );
    let path = match query {
        Some(t) => format!("/data/quarantine/replay?csrf={t}"),
        None => "/data/quarantine/replay".to_string(),
    };
    let mut req = b
        .client
        .post(format!("{}{path}", b.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn the_replay_token_travels_in_the_body_never_the_address() {
    let server = support::start();
    let ana = working(&server, "ana", "pds");
    let csrf = ana.csrf.clone().unwrap();

    let (_, _, html) = ana.send("GET", "/data", None);
    assert!(
        html.contains("action=\"/data/quarantine/replay\""),
        "{html}"
    );
    assert!(!html.contains("replay?csrf="), "{html}");

    let before = events(&server).first().unwrap().id;
    let (s, body) = replay(&ana, Some(&csrf), None);
    assert_eq!(s, 403, "{body}");
    assert!(
        events(&server)
            .iter()
            .all(|e| e.id <= before || e.principal != "ana" || e.outcome == "csrf_failed"),
        "a token in the address alone ran the replay"
    );

    // The body's token is the one read: the empty file is the user's to fix.
    let (s, body) = replay(&ana, None, Some(&csrf));
    assert_eq!(s, 422, "{body}");
}
