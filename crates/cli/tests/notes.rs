//! `clearstone notes` with the real binary against the demo's notes
//! (issue 19, item 8).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const SESSION: [(&str, &str); 3] = [
    ("CLEARSTONE_USER", "demo-analyst"),
    ("CLEARSTONE_PURPOSE", "demo"),
    (
        "CLEARSTONE_JUSTIFICATION",
        "reading the case notes in a test",
    ),
];

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clearstone"));
    c.arg("--data-dir").arg(dir);
    for k in [
        "CLEARSTONE_USER",
        "CLEARSTONE_PURPOSE",
        "CLEARSTONE_JUSTIFICATION",
        "CLEARSTONE_CASE",
        "CLEARSTONE_DATA_DIR",
        "CLEARSTONE_CHAT_URL",
        "CLEARSTONE_TRANSCRIBE_URL",
    ] {
        c.env_remove(k);
    }
    c
}

fn with_session(mut c: Command) -> Command {
    for (k, v) in SESSION {
        c.env(k, v);
    }
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

#[test]
fn every_notes_command_refuses_without_a_session_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir).arg("init").output().unwrap());
    for args in [
        vec!["notes", "add", "--about", "csc:child:LC1", "--text", "x"],
        vec!["notes", "show", "csc:note:N1"],
        vec!["notes", "summarise", "--note", "csc:note:N1"],
        vec!["notes", "chronology", "--about", "csc:child:LC1"],
        vec!["notes", "confirm", "sha256:00"],
    ] {
        let out = bin(&dir).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("needs a user"), "{args:?}: {err}");
    }
}

// issue 19, item 6: without a model, transcription says so plainly and how
// to type the note instead, and touches no data.
#[test]
fn transcription_without_a_model_says_so_and_offers_a_typed_note() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir).arg("init").output().unwrap());
    let audio = tmp.path().join("visit.wav");
    std::fs::write(&audio, b"RIFF").unwrap();
    let out = with_session(bin(&dir))
        .args(["notes", "transcribe", "--audio"])
        .arg(&audio)
        .args(["--consent", "CF-1", "--about", "csc:child:LC1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no transcription model is configured"),
        "{err}"
    );
    assert!(err.contains("clearstone notes add"), "{err}");
    assert!(!dir.join("audio").exists());
}

// issue 19, items 3, 4 and 8: show, summarise, confirm and chronology on the
// demo's notes; every summary sentence is the text its citation points at.
#[test]
fn notes_are_shown_summarised_with_citations_and_confirmed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir)
        .args(["demo", "--scale", "200", "--seed", "3", "--no-serve"])
        .output()
        .unwrap());
    let notes = std::fs::read_to_string(dir.join("demo-sources/csc_case_notes.jsonl")).unwrap();
    let first: Value = notes
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["note_id"].as_str().is_some_and(|id| !id.is_empty()))
        .unwrap();
    let note = format!("csc:note:{}", first["note_id"].as_str().unwrap());
    let child = format!("csc:child:{}", first["child_id"].as_str().unwrap());

    let shown = json(
        with_session(bin(&dir))
            .args(["notes", "show", &note, "--reveal", "--json"])
            .output()
            .unwrap(),
    );
    let text = shown["text"].as_str().unwrap().to_string();
    assert!(!text.is_empty());
    assert_eq!(shown["about"].as_str(), Some(child.as_str()));
    // Without --reveal the text is masked as the ontology tags it.
    let masked = json(
        with_session(bin(&dir))
            .args(["notes", "show", &note, "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(masked["masked"].as_str(), Some("health"));

    let sum = json(
        with_session(bin(&dir))
            .args(["notes", "summarise", "--note", &note, "--reveal", "--json"])
            .output()
            .unwrap(),
    );
    let chars: Vec<char> = text.chars().collect();
    let sentences = sum["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    if shown["withheld"].as_array().unwrap().is_empty() {
        for s in sentences {
            let c = &s["citations"][0];
            let (a, b) = (
                c["start"].as_u64().unwrap() as usize,
                c["end"].as_u64().unwrap() as usize,
            );
            let cited: String = chars[a..b].iter().collect();
            assert_eq!(cited, s["text"].as_str().unwrap());
        }
    }
    assert_eq!(sum["model"], Value::Null);
    let key = sum["key"].as_str().unwrap();
    let confirmed = json(
        with_session(bin(&dir))
            .args(["notes", "confirm", key, "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(confirmed["origin"].as_str(), Some("confirmed_summary"));

    let chrono = json(
        with_session(bin(&dir))
            .args([
                "notes",
                "chronology",
                "--about",
                &child,
                "--reveal",
                "--json",
            ])
            .output()
            .unwrap(),
    );
    let lines = chrono.as_array().unwrap();
    let dates: Vec<&str> = lines.iter().map(|l| l["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "a chronology is in date order");
}

// issue 19, item 7: `notes search` is lexical by default and cites each
// sentence by note and span; --semantic without the feature or the model
// says so plainly and how to search without it.
#[test]
fn notes_search_cites_sentences_and_semantic_search_says_when_it_cannot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir)
        .args(["demo", "--scale", "200", "--seed", "3", "--no-serve"])
        .output()
        .unwrap());
    let out = bin(&dir)
        .args(["notes", "search", "attendance"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a user"));

    let found = json(
        with_session(bin(&dir))
            .args(["notes", "search", "school attendance", "--reveal", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(found["mode"].as_str(), Some("lexical"));
    let hits = found["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    let first = &hits[0];
    let shown = json(
        with_session(bin(&dir))
            .args([
                "notes",
                "show",
                first["note"].as_str().unwrap(),
                "--reveal",
                "--json",
            ])
            .output()
            .unwrap(),
    );
    let chars: Vec<char> = shown["text"].as_str().unwrap().chars().collect();
    let (a, b) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        chars[a..b].iter().collect::<String>(),
        first["text"].as_str().unwrap()
    );

    let out = with_session(bin(&dir))
        .env_remove("CLEARSTONE_EMBED_MODEL")
        .args(["notes", "search", "--semantic", "missing school"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not built into this clearstone")
            || err.contains("no sentence-embedding model"),
        "{err}"
    );
    assert!(err.contains("leave out --semantic"), "{err}");
}
