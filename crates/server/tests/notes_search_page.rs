//! The notes search page (issue 19, item 7): behind sign-in and work, each
//! search one event, a search over revealed text only by a POST that
//! confirms the lawful condition, and nothing of a hidden note or of a
//! withheld special-category sentence on the page.
#![allow(clippy::unwrap_used, clippy::panic)]

mod note_fixture;
mod support;

use note_fixture::{HEALTH_SENTINEL, HIDDEN_NOTE, NOTE, RELIGION_SENTINEL, start};
use support::{Browser, PASSWORD, TestServer, events};

fn request(b: &Browser, method: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let mut req = match method {
        "GET" => b.client.get(format!("{}{path}", b.base)),
        _ => b.client.post(format!("{}{path}", b.base)).form(form),
    };
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, res.text().unwrap())
}

fn working(server: &TestServer, who: &str, purpose: &str) -> Browser {
    let mut b = Browser::new(server);
    assert_eq!(b.sign_in(who, PASSWORD).0, 200);
    let (s, body) = b.start_work(purpose);
    assert_eq!(s, 200, "{body}");
    b
}

fn by(server: &TestServer, before: i64, user: &str) -> usize {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .count()
}

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

#[test]
fn the_notes_search_page_is_gated_and_each_search_is_one_event() {
    let server = start();
    let nobody = Browser::new(&server);
    for method in ["GET", "POST"] {
        let (_, to, _) = request(&nobody, method, "/notes/search?q=asthma", &[]);
        assert_eq!(to, "/sign-in", "{method}");
    }
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    // A forged form is refused before anything runs, as one refused attempt.
    let before = last(&server);
    let (status, _, _) = request(&sw, "POST", "/notes/search", &[("q", "asthma")]);
    assert_eq!(status, 403);
    assert_eq!(by(&server, before, "sw"), 1);
    // Without the confirmation, the form comes back with its error and searches
    // nothing; the refused attempt is still one event.
    let before = last(&server);
    let (status, _, body) = request(
        &sw,
        "POST",
        "/notes/search",
        &[("csrf", &csrf), ("q", "asthma")],
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(by(&server, before, "sw"), 1);
    for (method, form) in [
        ("GET", vec![]),
        (
            "POST",
            vec![
                ("csrf", csrf.as_str()),
                ("q", "asthma inhaler"),
                ("condition", "confirmed"),
            ],
        ),
    ] {
        let before = last(&server);
        let (status, _, body) = request(&sw, method, "/notes/search?q=asthma+inhaler", &form);
        assert_eq!(status, 200, "{method}: {body}");
        assert_eq!(by(&server, before, "sw"), 1, "{method}");
        if method == "POST" {
            // The sentence with its citation; the hidden note with the same text never.
            assert!(body.contains(HEALTH_SENTINEL), "{body}");
            assert!(
                body.contains(&NOTE.replace(':', "%3A")) || body.contains(NOTE),
                "{body}"
            );
            assert!(
                !body.contains(HIDDEN_NOTE) && !body.contains("pol%3Anote"),
                "{body}"
            );
        } else {
            // Not revealed, the text is masked as a whole: nothing of it is found.
            assert!(!body.contains(HEALTH_SENTINEL), "{body}");
        }
    }
}

#[test]
fn a_withheld_sentence_is_never_found() {
    let server = start();
    let b = working(&server, "sw", "health-only");
    let csrf = b.csrf.clone().unwrap();
    for q in ["mosque madrasa", RELIGION_SENTINEL, "asthma"] {
        let (status, _, body) = request(
            &b,
            "POST",
            "/notes/search",
            &[("csrf", &csrf), ("q", q), ("condition", "confirmed")],
        );
        assert_eq!(status, 200, "{body}");
        assert!(!body.contains("madrasa after school"), "{q}: {body}");
        if q == "asthma" {
            assert!(body.contains(HEALTH_SENTINEL), "{body}");
        }
    }
}
