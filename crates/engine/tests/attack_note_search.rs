//! Searching notes for a word that only a note the reader may not see
//! holds, against a word no note holds: the answer and the event must be
//! the same, and a hidden note must never be read to rank the candidates,
//! or damage to it (and the time its reading takes) would say it exists.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Classification, Engine, NewNote, NoteSearchMode, SessionRequest};

const MAPPING: &str = r#"version = 1
[dataset]
name = "DATASET"
[source]
format = "csv"
path = "DATASET.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
"#;

fn req(purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: purpose.into(),
        justification: "checking note search".into(),
        ..SessionRequest::default()
    }
}

/// A note in `staff`, which `casework` covers, and one in `pay`, which it
/// does not, each with a word of its own; the data directory.
fn engine(tmp: &std::path::Path) -> (Engine, String) {
    let e = Engine::init(&tmp.join("data"), None).unwrap();
    {
        let admin = support::bootstrap_admin(&e, "setting up the notes");
        admin
            .put_user(&support::user(
                "ana",
                &["analyst", "data_engineer"],
                Classification::OfficialSensitive,
                &[],
            ))
            .unwrap();
        for (id, datasets) in [("all", &["staff", "pay"][..]), ("casework", &["staff"])] {
            let mut p = support::purpose(id, &["analyst", "data_engineer"], datasets);
            // Note text is special-category: read under a lawful condition.
            p.sensitive = Some(clearstone_engine::policy::SensitiveBasis {
                condition: "DPA 2018 sch. 8 para 1".into(),
            });
            admin.put_purpose(&p).unwrap();
        }
    }
    let all = e.session(req("all")).unwrap();
    for dataset in ["staff", "pay"] {
        std::fs::write(
            tmp.join(format!("{dataset}.csv")),
            "staff_no,name\nP1,Dana Reyes\n",
        )
        .unwrap();
        let m = tmp.join(format!("{dataset}.toml"));
        std::fs::write(&m, MAPPING.replace("DATASET", dataset)).unwrap();
        all.ingest(&m, &mut |_| {}).unwrap();
    }
    let mut hidden = String::new();
    for (about, text) in [
        (
            "staff:staff:P1",
            "Met the officer about the rota on Monday.",
        ),
        (
            "pay:staff:P1",
            "Discussed the overpayment with the officer on Tuesday.",
        ),
    ] {
        let note = NewNote {
            text: text.into(),
            about: Some(about.into()),
            date: Some("2026-03-02".into()),
            ..NewNote::default()
        };
        let view = all.add_note(&note).unwrap();
        if about.starts_with("pay") {
            hidden = view.id;
        }
    }
    (e, hidden)
}

#[test]
fn a_word_only_a_hidden_note_holds_is_searched_as_a_word_no_note_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let (e, hidden) = engine(tmp.path());
    drop(e);
    // The hidden note's stored body damaged: reading it would fail.
    let db = rusqlite::Connection::open(tmp.path().join("data").join("clearstone.db")).unwrap();
    let n = db
        .execute(
            "UPDATE record SET body = x'00' WHERE entity_id = ?1",
            [&hidden],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(db);
    let e = Engine::open(&tmp.path().join("data")).unwrap();
    let s = e.session(req("casework")).unwrap();
    let search = |word: &str| {
        let found = s
            .search_notes(word, NoteSearchMode::Lexical, 10, true)
            .map(|hits| hits.len())
            .map_err(|e| e.to_string());
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        (found, event.operation, event.outcome)
    };
    assert_eq!(search("rota").0, Ok(1), "the visible note is found");
    assert_eq!(search("overpayment"), search("okapi"));
}
