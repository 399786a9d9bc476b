//! The pages that reach the models a council runs beside the server (issue
//! 19, items 5, 6 and 8): uploading a recording of a visit, transcribed into
//! a note with its times, consent required; and the summary a chat model
//! writes, every sentence labelled machine-written and checked by the
//! citation gate, a failing one blocking sign-off. Without a configured
//! model each says so. Every route is behind sign-in, work and CSRF; each
//! attempt that reaches the engine is one event; a hidden person is
//! answered as an absent one.
#![allow(clippy::unwrap_used, clippy::panic)]

mod note_fixture;
mod support;

use note_fixture::{CHILD, HEARD, models, start, start_with_models};
use support::{Browser, PASSWORD, TestServer, events};

const BOUNDARY: &str = "test-boundary-5f1e";

fn enc(s: &str) -> String {
    s.replace(':', "%3A")
}

fn working(server: &TestServer, who: &str, purpose: &str) -> Browser {
    let mut b = Browser::new(server);
    assert_eq!(b.sign_in(who, PASSWORD).0, 200);
    let (s, body) = b.start_work(purpose);
    assert_eq!(s, 200, "{body}");
    b
}

/// (status, location, body) of a request as the browser, no redirect followed.
fn send(b: &Browser, req: reqwest::blocking::RequestBuilder) -> (u16, String, String) {
    let req = match &b.cookie {
        Some(c) => req.header("cookie", c),
        None => req,
    };
    let res = req.send().unwrap();
    let status = res.status().as_u16();
    support::assert_secure_headers(res.headers(), "notes_models");
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, res.text().unwrap())
}

fn get(b: &Browser, path: &str) -> (u16, String, String) {
    send(b, b.client.get(format!("{}{path}", b.base)))
}

fn form(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    send(b, b.client.post(format!("{}{path}", b.base)).form(fields))
}

/// A multipart upload of `fields` and, if given, the recording.
fn upload(
    b: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    recording: Option<(&str, &[u8])>,
) -> (u16, String, String) {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, data)) = recording {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"recording\"; filename=\"{name}\"\r\nContent-Type: audio/wav\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    send(
        b,
        b.client
            .post(format!("{}{path}", b.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body),
    )
}

fn last(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

fn recording_path(id: &str) -> String {
    format!("/entities/{}/notes/recording", enc(id))
}

fn model_path(id: &str) -> String {
    format!("/entities/{}/notes/model-summary", enc(id))
}

// issue 19, items 6 and 8: a recording becomes a note about the person,
// its lines shown with their times, the consent recorded by hash: one event.
#[test]
fn an_uploaded_recording_becomes_a_note_with_its_times() {
    let server = start_with_models(models(false));
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let (status, _, page) = get(&sw, &format!("/entities/{}/notes", enc(CHILD)));
    assert_eq!(status, 200);
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");

    let before = last(&server);
    let (status, location, body) = upload(
        &sw,
        &recording_path(CHILD),
        &[
            ("csrf", &csrf),
            ("consent", "consent form CF-2025-031"),
            ("date", "2025-03-14"),
        ],
        Some(("visit.wav", b"RIFF fake recording")),
    );
    assert_eq!(status, 303, "{body}");
    assert!(location.starts_with("/notes/"), "{location}");
    let by = since(&server, before, "sw");
    assert_eq!(by.len(), 1, "{by:?}");
    assert_eq!(by[0].operation, "collect");
    let logged = format!("{by:?}");
    assert!(logged.contains("consent"), "{logged}");
    assert!(!logged.contains("CF-2025-031"), "{logged}");

    let (status, _, note) = form(
        &sw,
        &location,
        &[("csrf", &csrf), ("condition", "confirmed")],
    );
    assert_eq!(status, 200, "{note}");
    assert!(note.contains("a transcript of a recording"), "{note}");
    assert!(note.contains("0:00–0:02"), "{note}");
    assert!(note.contains("0:02–1:05"), "{note}");
    assert!(note.contains(HEARD[1]), "{note}");
    // The recording is kept, and the upload's own copy is gone.
    let audio: Vec<String> = std::fs::read_dir(server.engine.dir().join("audio"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(audio.len(), 1, "{audio:?}");
    assert!(
        audio[0].ends_with(".wav") && !audio[0].starts_with('.'),
        "{audio:?}"
    );
}

// issue 19, item 6: the consent and the recording are required fields; a
// form without them comes back with its errors, nothing is transcribed, and
// the refused attempt is one event.
#[test]
fn a_recording_without_consent_comes_back_with_its_error() {
    let server = start_with_models(models(false));
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let before = last(&server);
    let (status, _, body) = upload(
        &sw,
        &recording_path(CHILD),
        &[("csrf", &csrf), ("consent", "  ")],
        Some(("visit.wav", b"RIFF")),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("href=\"#consent\""), "{body}");
    assert!(body.contains("Enter where the consent to record is written down"));
    let (status, _, body) = upload(
        &sw,
        &recording_path(CHILD),
        &[("csrf", &csrf), ("consent", "CF-1")],
        None,
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("href=\"#recording\""), "{body}");
    // Each refused attempt is one event all the same.
    let by = since(&server, before, "sw");
    assert_eq!(by.len(), 2, "{by:?}");
    assert!(
        by.iter()
            .all(|e| e.operation == "collect" && e.outcome == "invalid_input"),
        "{by:?}"
    );
    assert!(!server.engine.dir().join("audio").exists());
}

// issue 19, item 6: an upload without the session's token is refused before
// anything runs, and one over the size bound is refused whole.
#[test]
fn an_upload_needs_its_csrf_token_and_a_bounded_size() {
    let server = start_with_models(models(false));
    let sw = working(&server, "sw", "safeguarding");
    let before = last(&server);
    let (status, _, body) = upload(
        &sw,
        &recording_path(CHILD),
        &[("csrf", "forged"), ("consent", "CF-1")],
        Some(("visit.wav", b"RIFF")),
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("csrf_failed"), "{body}");
    // Refused before the engine acts, as one refused attempt.
    assert_eq!(since(&server, before, "sw").len(), 1);
    let before = last(&server);
    let big = vec![0u8; 64 * 1024 * 1024 + 1];
    let csrf = sw.csrf.clone().unwrap();
    let (status, _, body) = upload(
        &sw,
        &recording_path(CHILD),
        &[("csrf", &csrf), ("consent", "CF-1")],
        Some(("visit.wav", &big)),
    );
    assert_eq!(status, 413, "{body}");
    // Too large to read: refused before the engine acts, as one attempt.
    assert_eq!(since(&server, before, "sw").len(), 1);
}

// issue 19, item 6: a person the user may not see is answered exactly as
// one that does not exist.
#[test]
fn a_recording_about_a_hidden_person_is_answered_as_an_absent_one() {
    let server = start_with_models(models(false));
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let fields: &[(&str, &str)] = &[("csrf", &csrf), ("consent", "CF-1")];
    let file = Some(("visit.wav", b"RIFF".as_slice()));
    let (hs, _, hidden) = upload(&sw, &recording_path("pol:note:P1"), fields, file);
    let (as_, _, absent) = upload(&sw, &recording_path("csc:child:NONE"), fields, file);
    assert_eq!(hs, 404, "{hidden}");
    assert_eq!(
        (hs, hidden.replace("pol:note:P1", "X")),
        (as_, absent.replace("csc:child:NONE", "X"))
    );
}

// issue 19, items 5 and 8: the model's summary is labelled machine-written,
// a sentence its notes do not support shows why and blocks sign-off; a
// supported one is confirmed into a note. One event each.
#[test]
fn a_model_summary_is_machine_written_and_gated_before_sign_off() {
    let server = start_with_models(models(true));
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let (_, _, notes) = form(
        &sw,
        &format!("/entities/{}/notes", enc(CHILD)),
        &[("csrf", &csrf), ("condition", "confirmed")],
    );
    assert!(notes.contains("Summarise with the model"), "{notes}");
    let before = last(&server);
    let (status, _, page) = form(
        &sw,
        &model_path(CHILD),
        &[("csrf", &csrf), ("condition", "confirmed")],
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(since(&server, before, "sw").len(), 1);
    assert!(page.contains("Machine-written"), "{page}");
    assert!(page.contains("quoting-model 2"), "{page}");
    assert!(
        page.contains("Portugal") && page.contains("Not supported"),
        "{page}"
    );
    assert!(page.contains("cannot be confirmed"), "{page}");
    assert!(!page.contains("/confirm"), "{page}");

    let server = start_with_models(models(false));
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let (_, _, page) = form(
        &sw,
        &model_path(CHILD),
        &[("csrf", &csrf), ("condition", "confirmed")],
    );
    assert!(!page.contains("Not supported"), "{page}");
    let action = page
        .split("action=\"/notes/summaries/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    let (status, location, _) = form(
        &sw,
        &format!("/notes/summaries/{action}"),
        &[("csrf", &csrf)],
    );
    assert_eq!(status, 303);
    let (_, _, note) = get(&sw, &location);
    assert!(
        note.contains("a summary confirmed by a practitioner"),
        "{note}"
    );
}

// issue 19, items 5 and 6: without configured models the pages say so,
// offer the typed note, and touch no data.
#[test]
fn without_models_the_pages_say_so_and_offer_the_typed_note() {
    let server = start();
    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let (_, _, page) = get(&sw, &format!("/entities/{}/notes", enc(CHILD)));
    assert!(
        page.contains("No transcription model is configured"),
        "{page}"
    );
    assert!(page.contains("#add-note\">Type the note instead"), "{page}");
    assert!(
        page.contains("No summarising model is configured"),
        "{page}"
    );
    let before = last(&server);
    let (status, _, page) = form(&sw, &model_path(CHILD), &[("csrf", &csrf)]);
    assert_eq!(status, 200);
    assert!(
        page.contains("No summarising model is configured"),
        "{page}"
    );
    let (status, _, page) = upload(
        &sw,
        &recording_path(CHILD),
        &[("csrf", &csrf), ("consent", "CF-1")],
        Some(("visit.wav", b"RIFF")),
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("No transcription model is configured"),
        "{page}"
    );
    // issue 19, item 5: each attempt is still one refused event.
    let mut refused: Vec<String> = since(&server, before, "sw")
        .into_iter()
        .map(|e| format!("{} {}", e.operation, e.outcome))
        .collect();
    refused.sort();
    assert_eq!(
        refused,
        [
            "refused model_unavailable",
            "refused transcriber_unavailable"
        ]
    );
}

// issue 19, item 8: both routes are behind sign-in and work, and with the
// models configured each attempt is one event.
#[test]
fn the_model_routes_need_sign_in_and_work_and_are_one_event() {
    let server = start_with_models(models(false));
    let nobody = Browser::new(&server);
    let mut idle = Browser::new(&server);
    idle.sign_in("sw", PASSWORD);
    let token = idle.csrf.clone().unwrap();
    let file = Some(("visit.wav", b"RIFF".as_slice()));
    let fields: &[(&str, &str)] = &[("csrf", &token), ("consent", "CF-1")];
    assert_eq!(
        upload(&nobody, &recording_path(CHILD), fields, file).1,
        "/sign-in"
    );
    assert_eq!(
        upload(&idle, &recording_path(CHILD), fields, file).1,
        "/start"
    );
    assert_eq!(form(&nobody, &model_path(CHILD), fields).1, "/sign-in");
    assert_eq!(form(&idle, &model_path(CHILD), fields).1, "/start");

    let sw = working(&server, "sw", "safeguarding");
    let csrf = sw.csrf.clone().unwrap();
    let fields: &[(&str, &str)] = &[
        ("csrf", &csrf),
        ("consent", "CF-1"),
        ("condition", "confirmed"),
    ];
    let before = last(&server);
    let (status, _, body) = upload(&sw, &recording_path(CHILD), fields, file);
    assert!(status < 500, "{body}");
    assert_eq!(since(&server, before, "sw").len(), 1);
    let before = last(&server);
    let (status, _, body) = form(&sw, &model_path(CHILD), fields);
    assert!(status < 500, "{body}");
    assert_eq!(since(&server, before, "sw").len(), 1);
    // A forged form is refused before anything runs, as one refused attempt.
    let before = last(&server);
    assert_eq!(form(&sw, &model_path(CHILD), &[("csrf", "x")]).0, 403);
    assert_eq!(since(&server, before, "sw").len(), 1);
}
