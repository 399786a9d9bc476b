//! The case-note pages (issue 19, item 8): the note reader, the notes of a
//! person or a case with their summary and chronology beside the cited
//! text, adding a typed note and signing off a summary. Every route refuses
//! a visitor who has not signed in or started work, each attempt that
//! reaches the engine is one event, a note the user may not see is answered
//! exactly as one that does not exist, and special-category text never
//! leaves for a purpose that may not see it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod note_fixture;
mod support;

use std::collections::BTreeSet;

use clearstone_engine::note_text::{ChatModel, NotesError};
use clearstone_engine::{NoteScope, SessionRequest};
use note_fixture::{
    ABSENT_NOTE, CHILD, HEALTH_SENTINEL, HIDDEN_NOTE, NOTE, RELIGION_SENTINEL, start,
};
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
    let headers = res.headers().clone();
    support::assert_secure_headers(&headers, path);
    let location = headers
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

fn enc(s: &str) -> String {
    s.replace(':', "%3A")
}

/// The events `user` caused since `before`.
fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

/// Every route the note pages add: (method, path).
fn routes(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GET", format!("/notes/{}", enc(NOTE))),
        ("POST", format!("/notes/{}", enc(NOTE))),
        ("GET", format!("/entities/{}/notes", enc(CHILD))),
        ("POST", format!("/entities/{}/notes", enc(CHILD))),
        ("POST", format!("/entities/{}/notes/add", enc(CHILD))),
        ("GET", "/cases/C-1/notes".to_string()),
        ("POST", "/cases/C-1/notes".to_string()),
        ("POST", format!("/notes/summaries/{}/confirm", enc(key))),
    ]
}

// issue 19, item 8: every note route is behind sign-in and work, and each
// attempt is one event.
#[test]
fn every_note_route_needs_sign_in_and_work_and_is_one_event() {
    let server = start();
    let nobody = Browser::new(&server);
    let mut idle = Browser::new(&server);
    idle.sign_in("sw", PASSWORD);
    let key = "sha256:".to_string() + &"0".repeat(64);
    for (method, path) in routes(&key) {
        assert_eq!(
            request(&nobody, method, &path, &[]).1,
            "/sign-in",
            "{method} {path}"
        );
        let token = idle.csrf.clone().unwrap();
        assert_eq!(
            request(&idle, method, &path, &[("csrf", &token)]).1,
            "/start",
            "{method} {path}"
        );
    }
    let sw = working(&server, "sw", "safeguarding");
    // A case the social worker leads, linking the child.
    let s = server
        .engine
        .session(SessionRequest {
            principal: "sw".into(),
            purpose: "safeguarding".into(),
            justification: "opening the family's case".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    s.create_case(Some("C-1"), "Safeguarding of Amelia")
        .unwrap();
    s.case_link("C-1", "subject", CHILD).unwrap();
    drop(s);
    let csrf = sw.csrf.clone().unwrap();
    // A forged form is refused before anything runs, as one refused attempt.
    for (method, path) in routes(&key).into_iter().filter(|(m, _)| *m == "POST") {
        let before = last(&server);
        assert_eq!(request(&sw, method, &path, &[]).0, 403, "{path}");
        let logged = since(&server, before, "sw");
        assert_eq!(logged.len(), 1, "{path}: {logged:?}");
        assert_eq!(logged[0].outcome, "csrf_failed", "{path}");
    }
    // The summary on the person's page, to sign off.
    let (_, _, html) = request(
        &sw,
        "POST",
        &format!("/entities/{}/notes", enc(CHILD)),
        &[("csrf", &csrf), ("condition", "confirmed")],
    );
    let key = html
        .split("/notes/summaries/")
        .nth(1)
        .and_then(|r| r.split("/confirm").next())
        .unwrap()
        .replace("%3A", ":");
    for (method, path) in routes(&key) {
        let form: &[(&str, &str)] = &[
            ("csrf", &csrf),
            ("condition", "confirmed"),
            ("text", "Phoned Amelia's school about attendance."),
            ("date", "2025-03-06"),
        ];
        let before = last(&server);
        let (status, _, body) = request(&sw, method, &path, form);
        assert!(status < 500, "{method} {path}: {body}");
        let by = since(&server, before, "sw");
        assert_eq!(by.len(), 1, "{method} {path} ({status}): {by:?}");
    }
}

// issue 19, item 8: a note the user may not see is answered exactly as one
// that does not exist.
#[test]
fn a_hidden_note_is_answered_as_an_absent_one() {
    let server = start();
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    for method in ["GET", "POST"] {
        let form: &[(&str, &str)] = &[("csrf", &csrf), ("condition", "confirmed")];
        let (hs, _, hidden) = request(&sw, method, &format!("/notes/{}", enc(HIDDEN_NOTE)), form);
        let (as_, _, absent) = request(&sw, method, &format!("/notes/{}", enc(ABSENT_NOTE)), form);
        assert_eq!(hs, 404, "{hidden}");
        assert_eq!(
            (hs, hidden.replace(HIDDEN_NOTE, "X")),
            (as_, absent.replace(ABSENT_NOTE, "X"))
        );
        assert!(!hidden.contains(RELIGION_SENTINEL) && !hidden.contains(HEALTH_SENTINEL));
    }
}

/// Every page and form answer a session can get for the child's notes.
fn every_body(server: &TestServer, purpose: &str) -> Vec<String> {
    let b = working(server, "sw", purpose);
    let csrf = b.csrf.clone().unwrap();
    let reveal: &[(&str, &str)] = &[("csrf", &csrf), ("condition", "confirmed")];
    let mut out = Vec::new();
    for (method, path, form) in [
        ("GET", format!("/notes/{}", enc(NOTE)), &[][..]),
        ("POST", format!("/notes/{}", enc(NOTE)), reveal),
        ("GET", format!("/entities/{}/notes", enc(CHILD)), &[][..]),
        ("POST", format!("/entities/{}/notes", enc(CHILD)), reveal),
    ] {
        out.push(request(&b, method, &path, form).2);
    }
    out
}

// issue 19, items 2 and 8: special-category spans are masked on every page
// exactly as the engine decides for the purpose.
#[test]
fn special_category_text_leaves_only_for_a_purpose_that_allows_it() {
    let server = start();
    for body in every_body(&server, "plain") {
        assert!(!body.contains(RELIGION_SENTINEL), "{body}");
        assert!(!body.contains(HEALTH_SENTINEL), "{body}");
    }
    let health_only = every_body(&server, "health-only");
    for body in &health_only {
        assert!(!body.contains(RELIGION_SENTINEL), "{body}");
    }
    // Revealed: health is shown, the religion sentence withheld by name.
    assert!(
        health_only[1].contains(HEALTH_SENTINEL),
        "{}",
        health_only[1]
    );
    assert!(
        health_only[1].contains("[religious withheld]"),
        "{}",
        health_only[1]
    );
    assert!(
        health_only[3].contains(HEALTH_SENTINEL),
        "{}",
        health_only[3]
    );
    let safeguarding = every_body(&server, "safeguarding");
    assert!(safeguarding[1].contains(RELIGION_SENTINEL));
    // Not revealed, nothing of the text leaves, under any purpose.
    for body in [&safeguarding[0], &safeguarding[2]] {
        assert!(!body.contains(HEALTH_SENTINEL) && !body.contains(RELIGION_SENTINEL));
    }
}

// issue 19, item 8: mentions carry their kind in words, and each summary
// sentence and chronology line links to the element holding its span.
#[test]
fn mentions_show_their_kind_and_every_citation_link_has_its_span() {
    let server = start();
    let b = working(&server, "sw", "safeguarding");
    let csrf = b.csrf.clone().unwrap();
    let reveal: &[(&str, &str)] = &[("csrf", &csrf), ("condition", "confirmed")];
    let (_, _, note) = request(&b, "POST", &format!("/notes/{}", enc(NOTE)), reveal);
    // The child is known to the case: her name links to her dossier.
    assert!(
        note.contains(">Amelia Hart</a> <span class=\"app-mention__kind\">person</span>"),
        "{note}"
    );
    assert!(
        note.contains("<span class=\"app-mention__kind\">date</span>"),
        "{note}"
    );
    let (_, _, page) = request(
        &b,
        "POST",
        &format!("/entities/{}/notes", enc(CHILD)),
        reveal,
    );
    let links: BTreeSet<&str> = page
        .split("href=\"#")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter(|a| a.starts_with('n'))
        .collect();
    assert!(links.len() >= 2, "{page}");
    for a in &links {
        assert!(page.contains(&format!("id=\"{a}\"")), "no element for #{a}");
    }
    assert!(page.contains("Extracted"), "{page}");
}

/// A model that writes one sentence its notes do not support.
struct Inventing;

impl ChatModel for Inventing {
    fn name(&self) -> String {
        "test-model".into()
    }
    fn version(&self) -> String {
        "1".into()
    }
    fn complete(&self, _system: &str, _user: &str) -> Result<String, NotesError> {
        Ok("Amelia moved to Portugal with her grandmother [1].".into())
    }
}

// issue 19, item 8: sign-off is refused while a sentence fails the citation
// gate, showing the failing sentence; a supported summary becomes a note.
#[test]
fn sign_off_refuses_unsupported_summaries_and_confirms_supported_ones() {
    let server = start();
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let s = server
        .engine
        .session(SessionRequest {
            principal: "sw".into(),
            purpose: "safeguarding".into(),
            justification: "asking the model for a summary".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    let invented = s
        .summarise_notes(&NoteScope::Note(NOTE.into()), true, 3, Some(&Inventing))
        .unwrap();
    drop(s);
    assert!(!invented.confirmable());
    let path = format!("/notes/summaries/{}/confirm", enc(&invented.key));
    let before = last(&server);
    let (status, _, body) = request(&sw, "POST", &path, &[("csrf", &csrf)]);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Portugal"), "{body}");
    assert!(body.contains("name not cited"), "{body}");
    let by = since(&server, before, "sw");
    assert_eq!(by.len(), 1);
    assert_eq!(by[0].operation, "refused");
    // Someone else sees why, not what the model wrote for another.
    let sw2 = working(&server, "sw2", "safeguarding");
    let (status, _, body) = request(&sw2, "POST", &path, &[("csrf", &sw2.csrf.clone().unwrap())]);
    assert_eq!(status, 422);
    assert!(
        !body.contains("Portugal") && body.contains("name not cited"),
        "{body}"
    );

    // The extractive summary on the person's page is confirmed into a note.
    let (_, _, page) = request(
        &sw,
        "POST",
        &format!("/entities/{}/notes", enc(CHILD)),
        &[("csrf", &csrf), ("condition", "confirmed")],
    );
    let action = page
        .split("action=\"/notes/summaries/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    let (status, location, _) = request(
        &sw,
        "POST",
        &format!("/notes/summaries/{action}"),
        &[("csrf", &csrf)],
    );
    assert_eq!(status, 303);
    assert!(location.starts_with("/notes/"), "{location}");
    let (status, _, note) = request(&sw, "GET", &location, &[]);
    assert_eq!(status, 200);
    assert!(
        note.contains("a summary confirmed by a practitioner"),
        "{note}"
    );
}

// issue 19, item 8: a typed note is added with CSRF; an empty one comes back
// with the error and adds nothing.
#[test]
fn a_typed_note_is_added_and_an_empty_one_comes_back_with_its_error() {
    let server = start();
    // Writing special-category text needs a purpose with a lawful condition.
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let path = format!("/entities/{}/notes/add", enc(CHILD));
    let (status, _, body) = request(&sw, "POST", &path, &[("csrf", &csrf), ("text", "  ")]);
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("href=\"#text\"") && body.contains("Enter the note"),
        "{body}"
    );
    let (status, location, added) = request(
        &sw,
        "POST",
        &path,
        &[
            ("csrf", &csrf),
            ("text", "Phoned the school about attendance."),
            ("date", "2025-03-06"),
        ],
    );
    assert_eq!(status, 303, "{added}");
    let (status, _, note) = request(&sw, "GET", &location, &[]);
    assert_eq!(status, 200, "{note}");
    assert!(note.contains("typed"), "{note}");
}

// issue 19, item 5: without a chat model or a transcriber, asking for a
// model's summary or uploading a recording is still one refused event,
// answered the same for a hidden or absent person as for a visible one; an
// empty typed note is one refused write, not a read of the notes page.
#[test]
fn attempts_without_a_model_and_empty_notes_are_one_refused_event_each() {
    let server = start();
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let people = [CHILD, "pol:child:LC1", "csc:child:NONE"];
    let mut answers = Vec::new();
    for person in people {
        let path = format!("/entities/{}/notes/model-summary", enc(person));
        let before = last(&server);
        let (status, _, body) = request(&sw, "POST", &path, &[("csrf", &csrf)]);
        let by = since(&server, before, "sw");
        assert_eq!(by.len(), 1, "{path} ({status}): {by:?}");
        assert_eq!(by[0].operation, "refused", "{by:?}");
        assert_eq!(by[0].outcome, "model_unavailable", "{by:?}");
        answers.push((status, body.replace(&enc(person), "X").replace(person, "X")));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    let mut answers = Vec::new();
    for person in people {
        let path = format!("/entities/{}/notes/recording", enc(person));
        let boundary = "xyzzy";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"consent\"\r\n\r\nCF-1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"recording\"; filename=\"v.wav\"\r\n\
             Content-Type: audio/wav\r\n\r\nRIFF\r\n--{boundary}--\r\n"
        );
        let mut req = sw
            .client
            .post(format!("{}{path}", sw.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        if let Some(c) = &sw.cookie {
            req = req.header("cookie", c);
        }
        let before = last(&server);
        let res = req.send().unwrap();
        let status = res.status().as_u16();
        let text = res.text().unwrap();
        let by = since(&server, before, "sw");
        assert_eq!(by.len(), 1, "{path} ({status}): {by:?}");
        assert_eq!(by[0].operation, "refused", "{by:?}");
        assert_eq!(by[0].outcome, "transcriber_unavailable", "{by:?}");
        answers.push((status, text.replace(&enc(person), "X").replace(person, "X")));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    let path = format!("/entities/{}/notes/add", enc(CHILD));
    let before = last(&server);
    let (status, _, body) = request(&sw, "POST", &path, &[("csrf", &csrf), ("text", " ")]);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Enter the note"), "{body}");
    let by = since(&server, before, "sw");
    assert_eq!(by.len(), 1, "{by:?}");
    assert_eq!(
        (by[0].query.as_str(), by[0].outcome.as_str()),
        ("add note", "invalid_input")
    );
    assert!(!body.contains(HEALTH_SENTINEL), "no notes are read: {body}");
}
