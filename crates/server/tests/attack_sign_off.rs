//! Signing off a summary someone else asked for. The summary's key leaves
//! the asker's page (the form's address, the log's outcome), so another
//! user may post it: a summary of notes they may not see must be answered
//! as one that does not exist, not refused for its failing sentences.
#![allow(clippy::unwrap_used, clippy::panic)]

mod note_fixture;
mod support;

use clearstone_engine::{ADMIN_PURPOSE, NoteScope, SOURCES_SUMMARY_SENTENCES, SessionRequest};
use note_fixture::{CHILD, models, start_with_models};
use support::{Browser, PASSWORD, TestServer};

/// The word the inventing model adds and the citation gate names.
const INVENTED: &str = "Portugal";

fn working(server: &TestServer, who: &str, purpose: &str) -> Browser {
    let mut b = Browser::new(server);
    assert_eq!(b.sign_in(who, PASSWORD).0, 200);
    let (s, body) = b.start_work(purpose);
    assert_eq!(s, 200, "{body}");
    b
}

fn sign_off(b: &Browser, key: &str) -> (u16, String) {
    let csrf = b.csrf.clone().unwrap();
    let res = b
        .client
        .post(format!(
            "{}/notes/summaries/{}/confirm",
            b.base,
            key.replace(':', "%3A")
        ))
        .header("cookie", b.cookie.clone().unwrap())
        .form(&[("csrf", csrf.as_str())])
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

/// A failing model summary of the child's notes, asked for by `sw` under
/// `safeguarding`: its key.
fn failing_summary(server: &TestServer) -> String {
    let chat = models(true).chat.unwrap();
    let s = server
        .engine
        .session(SessionRequest {
            principal: "sw".into(),
            purpose: "safeguarding".into(),
            justification: "summarising the visit notes".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    let sum = s
        .summarise_notes(
            &NoteScope::Person {
                id: CHILD.into(),
                from: None,
                to: None,
            },
            true,
            SOURCES_SUMMARY_SENTENCES,
            Some(chat.as_ref()),
        )
        .unwrap();
    assert!(!sum.confirmable());
    sum.key
}

/// A purpose for social workers over the police dataset only.
fn police_only(server: &TestServer) {
    let admin = server
        .engine
        .session(SessionRequest {
            principal: "admin".into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "adding a purpose for the test".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    let mut p = admin
        .purposes()
        .unwrap()
        .into_iter()
        .find(|p| p.id == "plain")
        .unwrap();
    p.id = "police-only".into();
    p.datasets = ["pol".to_string()].into();
    admin.put_purpose(&p).unwrap();
}

// A hidden record is answered exactly as an absent one (docs/gate.md).
#[test]
fn a_summary_of_notes_one_may_not_see_is_answered_as_no_summary() {
    let server = start_with_models(models(true));
    let key = failing_summary(&server);
    police_only(&server);
    let other = working(&server, "sw2", "police-only");
    let absent = format!("sha256:{}", "0".repeat(64));
    let (s_absent, body_absent) = sign_off(&other, &absent);
    let (s_hidden, body_hidden) = sign_off(&other, &key);
    assert!(!body_hidden.contains(INVENTED), "{body_hidden}");
    assert_eq!(s_hidden, s_absent, "{body_hidden}");
    assert_eq!(
        body_hidden.replace(&key, "KEY"),
        body_absent.replace(&absent, "KEY")
    );
}
