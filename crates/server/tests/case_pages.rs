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
