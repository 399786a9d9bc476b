//! Case notes through the gate (issue 19, items 1, 5, 6 and 8): notes are
//! records the policies decide like any other, special-category spans in
//! their free text are withheld from a purpose that may not see that
//! category in every output, each act is one event naming only controlled
//! vocabulary, and a summary becomes part of the record only when a
//! practitioner confirms one whose every sentence passes the citation gate.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::cell::RefCell;
use std::path::Path;

use clearstone_engine::note_text::{ChatModel, NotesError, Segment, Transcriber, Transcript};
use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{Engine, ExportFormat, NewNote, NoteScope, Session, SessionRequest};
use clearstone_model::Classification;

use support::{bootstrap_admin, purpose, user};

const CHILD: &str = "csc:child:LC1";
const CASE: &str = "csc:case:CASE-1";
const NOTE_1: &str = "csc:note:N1";
const NOTE_2: &str = "csc:note:N2";

/// Words planted only inside special-category sentences: none may ever
/// leave for a purpose that may not see the sentence's category.
const RELIGION_SENTINEL: &str = "Quillonbeck";
const HEALTH_SENTINEL: &str = "Brindlewick";

const CHILDREN: &str = r#"version = 1
[dataset]
name = "csc"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "children.csv"
date_formats = ["iso"]
[[entities]]
name = "child"
schema = "Child"
keys = ["id"]
subject_category = "child"
[entities.properties]
name = { columns = ["first", "last"], join = " " }
first_name = { column = "first" }
last_name = { column = "last" }
"#;
const CHILDREN_CSV: &str = "id,first,last\nLC1,Amelia,Hart\n";

const CASES: &str = r#"version = 1
[dataset]
name = "csc"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "cases.csv"
date_formats = ["iso"]
[[entities]]
name = "case"
schema = "Case"
keys = ["id"]
[entities.properties]
reference = { column = "id" }
child = { entity = "csc:child", column = "child" }
"#;
const CASES_CSV: &str = "id,child\nCASE-1,LC1\n";

const NOTES: &str = r#"version = 1
[dataset]
name = "csc"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "jsonl"
path = "notes.jsonl"
date_formats = ["iso"]
[[entities]]
name = "note"
schema = "Note"
keys = ["note_id"]
[entities.properties]
reference = { column = "note_id" }
case = { entity = "csc:case", column = "case_id" }
about = { entity = "csc:child", column = "child_id" }
date = { column = "date" }
text = { column = "text" }
"#;

fn notes_jsonl() -> String {
    let n1 = format!(
        "Home visit to see Amelia Hart at home. Amelia said she feels safe at home. \
         The family attend the mosque every Friday and {RELIGION_SENTINEL} goes to madrasa after school. \
         Strategy discussion held with police, health and education on 3 March 2025."
    );
    let n2 = format!(
        "Amelia has been diagnosed with asthma and {HEALTH_SENTINEL} keeps her inhaler at school. \
         Core group meeting held at Carrow Community Primary. Agreed to refer the family to the food bank."
    );
    [
        serde_json::json!({"note_id": "N1", "case_id": "CASE-1", "child_id": "LC1", "date": "2025-03-01", "text": n1}),
        serde_json::json!({"note_id": "N2", "case_id": "CASE-1", "child_id": "LC1", "date": "2025-03-10", "text": n2}),
    ]
    .iter()
    .map(|v| format!("{v}\n"))
    .collect()
}

/// A purpose whose condition covers health but not religion: the extra
/// policy below masks religious values for it, even when revealing.
const HEALTH_ONLY: &str = "DPA 2018 sch. 1 para 2 (health or social care), health only";
const EXTRA_POLICY: &str = r#"
@id("health_only_purposes")
@mask("special_category")
forbid (principal, action in Action::"reads", resource)
when {
  context.sensitivity == "religious" &&
  context.purpose has sensitive_condition &&
  context.purpose.sensitive_condition == "DPA 2018 sch. 1 para 2 (health or social care), health only"
};
"#;

fn with_basis(p: Purpose, condition: &str) -> Purpose {
    Purpose {
        sensitive: Some(SensitiveBasis {
            condition: condition.into(),
        }),
        ..p
    }
}

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "safeguarding review of the family".into(),
        ..SessionRequest::default()
    }
}

/// An engine with one child, one case and two notes. `text_tag` is the
/// sensitivity of a note's text in the ontology (`health` as shipped).
fn fixture(text_tag: &str) -> (tempfile::TempDir, Engine) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("data");
    let shipped = r#"text = { type = "text", sensitivity = "health", label = "Note" }"#;
    let ontology = clearstone_model::DEFAULT_ONTOLOGY.replace(
        shipped,
        &format!(r#"text = {{ type = "text", sensitivity = "{text_tag}", label = "Note" }}"#),
    );
    assert!(ontology.contains(shipped) || text_tag != "health");
    let e = Engine::init(&dir, Some((&ontology, "notes.toml"))).unwrap();
    drop(e);
    let policy = dir.join("policy.cedar");
    let mut text = std::fs::read_to_string(&policy).unwrap();
    text.push_str(EXTRA_POLICY);
    std::fs::write(&policy, text).unwrap();
    let e = Engine::open(&dir).unwrap();
    let admin = bootstrap_admin(&e, "setting up the notes test");
    let os = Classification::OfficialSensitive;
    for u in [
        user("eng", &["data_engineer"], os, &[]),
        user("sw", &["social_worker"], os, &[]),
    ] {
        admin.put_user(&u).unwrap();
    }
    for p in [
        purpose("load", &["data_engineer"], &["*"]),
        purpose("plain", &["social_worker"], &["csc"]),
        with_basis(
            purpose("safeguarding", &["social_worker"], &["csc"]),
            "DPA 2018 sch. 1 para 18 (safeguarding of children)",
        ),
        with_basis(
            purpose("health-only", &["social_worker"], &["csc"]),
            HEALTH_ONLY,
        ),
    ] {
        admin.put_purpose(&p).unwrap();
    }
    drop(admin);
    let s = e.session(req("eng", "load")).unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for (mapping, name, body) in [
        (CHILDREN, "children.csv", CHILDREN_CSV.to_string()),
        (CASES, "cases.csv", CASES_CSV.to_string()),
        (NOTES, "notes.jsonl", notes_jsonl()),
    ] {
        std::fs::write(src.join(name), body).unwrap();
        let m = src.join(format!("{name}.toml"));
        std::fs::write(&m, mapping).unwrap();
        let sum = s.ingest(&m, &mut |_| {}).unwrap();
        assert_eq!(sum.quarantined, 0, "{name}");
    }
    drop(s);
    (t, e)
}

/// Everything a session can get out of the notes, as text.
fn every_output(s: &Session<'_>, reveal: bool) -> String {
    let mut out = String::new();
    for id in [NOTE_1, NOTE_2] {
        if let Ok(v) = s.note(id, reveal) {
            out.push_str(&format!("{v:?}\n"));
        }
    }
    for scope in [
        NoteScope::Note(NOTE_1.into()),
        NoteScope::Person {
            id: CHILD.into(),
            from: None,
            to: None,
        },
        NoteScope::Case(CASE.into()),
    ] {
        if let Ok(sum) = s.summarise_notes(&scope, reveal, 10, None) {
            out.push_str(&format!("{sum:?}\n"));
        }
        if let Ok(c) = s.chronology(&scope, reveal) {
            out.push_str(&format!("{c:?}\n"));
        }
    }
    for q in [RELIGION_SENTINEL, HEALTH_SENTINEL, "mosque", "asthma"] {
        if let Ok(r) = s.search(
            q,
            clearstone_engine::SearchPage {
                offset: 0,
                size: 10,
            },
        ) {
            out.push_str(&format!("{r:?}\n"));
        }
    }
    out.push_str(&String::from_utf8_lossy(&support::exported(
        s,
        ExportFormat::JsonLines,
        "test",
    )));
    out
}

// issue 19, item 1: a special-category span never leaves unmasked for a
// purpose that may see the note but not that category.
#[test]
fn a_purpose_allowed_health_but_not_religion_sees_health_and_never_religion() {
    let (_t, e) = fixture("health");
    let s = e.session(req("sw", "health-only")).unwrap();
    let v = s.note(NOTE_1, true).unwrap();
    assert!(v.masked.is_none(), "{v:?}");
    assert!(v.text.contains("[religious withheld]"), "{}", v.text);
    assert!(v.text.contains("feels safe at home"));
    let v2 = s.note(NOTE_2, true).unwrap();
    assert!(
        v2.text.contains(HEALTH_SENTINEL),
        "health is allowed: {}",
        v2.text
    );
    let all = every_output(&s, true);
    assert!(!all.contains(RELIGION_SENTINEL), "{all}");
    assert!(!all.to_lowercase().contains("mosque"), "{all}");
}

// issue 19, item 1: with the shipped tag, a purpose without a lawful
// condition sees the text masked as a whole, and nothing derived from it.
#[test]
fn without_a_lawful_condition_nothing_of_a_note_text_leaves() {
    let (_t, e) = fixture("health");
    let s = e.session(req("sw", "plain")).unwrap();
    let v = s.note(NOTE_1, false).unwrap();
    assert!(v.masked.is_some());
    assert!(v.mentions.is_empty() && v.withheld.is_empty());
    let err = s.note(NOTE_1, true).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let all = every_output(&s, false);
    for w in [RELIGION_SENTINEL, HEALTH_SENTINEL, "mosque", "Amelia said"] {
        assert!(!all.contains(w), "{w} in {all}");
    }
}

// issue 19, item 1: where a deployment tags note text ordinary, each
// special-category span is still masked as a property of its category is.
#[test]
fn spans_of_an_ordinary_text_are_withheld_as_masked_properties_are() {
    let (_t, e) = fixture("ordinary");
    let s = e.session(req("sw", "plain")).unwrap();
    let v = s.note(NOTE_1, false).unwrap();
    assert!(v.masked.is_none());
    assert!(v.text.contains("feels safe at home"));
    assert!(
        v.withheld.iter().any(|w| w.category.code() == "religious"),
        "{v:?}"
    );
    let all = every_output(&s, false);
    for w in [RELIGION_SENTINEL, HEALTH_SENTINEL] {
        assert!(!all.contains(w), "{w} in {all}");
    }
    // With a lawful condition and a reveal, the same spans are shown.
    let full = e.session(req("sw", "safeguarding")).unwrap();
    let v = full.note(NOTE_1, true).unwrap();
    assert!(v.text.contains(RELIGION_SENTINEL) && v.withheld.is_empty());
}

#[test]
fn every_note_act_is_one_event_naming_no_free_text() {
    let (_t, e) = fixture("health");
    let s = e.session(req("sw", "safeguarding")).unwrap();
    let before = e.session(req("eng", "load")).unwrap().events(1).unwrap()[0].id;
    s.note(NOTE_1, true).unwrap();
    s.summarise_notes(&NoteScope::Case(CASE.into()), true, 3, None)
        .unwrap();
    s.chronology(
        &NoteScope::Person {
            id: CHILD.into(),
            from: None,
            to: None,
        },
        true,
    )
    .unwrap();
    let added = s
        .add_note(&NewNote {
            text: format!("Phone call with Amelia; {HEALTH_SENTINEL} was discussed."),
            about: Some(CHILD.into()),
            case: Some(CASE.into()),
            date: Some("2025-03-12".into()),
            note_type: Some("phone_call".into()),
        })
        .unwrap();
    assert!(added.id.starts_with("csc:note:added-"));
    // A missing note is one failed attempt, answered as absent.
    assert_eq!(
        s.note("csc:note:NOPE", true).unwrap_err().code(),
        "not_found"
    );
    let events = e.session(req("eng", "load")).unwrap().events(50).unwrap();
    let mine: Vec<_> = events
        .iter()
        .filter(|ev| ev.id > before && ev.principal == "sw")
        .collect();
    assert_eq!(mine.len(), 5, "{mine:#?}");
    let logged = format!("{mine:?}");
    for w in [HEALTH_SENTINEL, RELIGION_SENTINEL, "Amelia", "Phone call"] {
        assert!(!logged.contains(w), "{w} in {logged}");
    }
}

#[test]
fn an_added_note_is_a_record_read_back_through_the_gate() {
    let (_t, e) = fixture("health");
    let s = e.session(req("sw", "safeguarding")).unwrap();
    let v = s
        .add_note(&NewNote {
            text: "Visited Amelia at school; she was settled in class.".into(),
            about: Some(CHILD.into()),
            case: None,
            date: Some("2025-03-14".into()),
            note_type: Some("school_visit".into()),
        })
        .unwrap();
    assert_eq!(v.origin, "added");
    // It is one of the child's notes now, for summaries and chronologies.
    let sum = s
        .summarise_notes(
            &NoteScope::Person {
                id: CHILD.into(),
                from: Some("2025-03-14".into()),
                to: None,
            },
            true,
            3,
            None,
        )
        .unwrap();
    assert_eq!(sum.notes, 1);
    assert!(
        sum.sentences
            .iter()
            .any(|x| x.text.contains("settled in class"))
    );
    // Bad input names what and where, and writes nothing.
    for (bad, code) in [
        (
            NewNote {
                text: " ".into(),
                about: Some(CHILD.into()),
                ..NewNote::default()
            },
            "invalid_input",
        ),
        (
            NewNote {
                text: "x".into(),
                ..NewNote::default()
            },
            "invalid_input",
        ),
        (
            NewNote {
                text: "x".into(),
                about: Some(CHILD.into()),
                date: Some("14/03/2025".into()),
                ..NewNote::default()
            },
            "invalid_input",
        ),
        (
            NewNote {
                text: "x".into(),
                about: Some(CHILD.into()),
                note_type: Some("chat".into()),
                ..NewNote::default()
            },
            "invalid_input",
        ),
        (
            NewNote {
                text: "x".into(),
                about: Some("csc:child:LC404".into()),
                ..NewNote::default()
            },
            "not_found",
        ),
    ] {
        assert_eq!(s.add_note(&bad).unwrap_err().code(), code, "{bad:?}");
    }
    // Writing special-category text needs the lawful condition reading it does.
    let plain = e.session(req("sw", "plain")).unwrap();
    let err = plain
        .add_note(&NewNote {
            text: "x".into(),
            about: Some(CHILD.into()),
            ..NewNote::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
}

/// A model that answers one fixed reply and keeps what it was sent.
struct Canned {
    reply: String,
    sent: RefCell<String>,
}

impl ChatModel for Canned {
    fn name(&self) -> String {
        "canned".into()
    }
    fn version(&self) -> String {
        "1".into()
    }
    fn complete(&self, system: &str, user: &str) -> Result<String, NotesError> {
        self.sent.replace(format!("{system}\n{user}"));
        Ok(self.reply.clone())
    }
}

// issue 19, item 5: withheld spans are not sent to a model; the model's
// name, version and prompt hash are logged with the output; a summary with a
// sentence failing the citation gate cannot be confirmed, a faithful one can.
#[test]
fn a_model_sees_only_what_the_purpose_allows_and_only_supported_summaries_are_confirmed() {
    let (_t, e) = fixture("health");
    let s = e.session(req("sw", "health-only")).unwrap();
    let scope = NoteScope::Note(NOTE_1.into());
    let faithful = Canned {
        reply: "Amelia said she feels safe at home. [2]".into(),
        sent: RefCell::new(String::new()),
    };
    let sum = s.summarise_notes(&scope, true, 3, Some(&faithful)).unwrap();
    let sent = faithful.sent.borrow().clone();
    assert!(sent.contains("feels safe"), "{sent}");
    assert!(
        !sent.contains(RELIGION_SENTINEL) && !sent.to_lowercase().contains("mosque"),
        "{sent}"
    );
    assert!(sum.sentences.iter().all(|x| x.machine_written));
    let model = sum.model.clone().unwrap();
    let events = e.session(req("eng", "load")).unwrap().events(5).unwrap();
    let ev = events.iter().find(|ev| ev.principal == "sw").unwrap();
    assert!(
        ev.outcome.contains("model canned 1 prompt sha256:"),
        "{}",
        ev.outcome
    );
    assert!(ev.outcome.contains(&model.prompt_sha256));

    let invented = Canned {
        reply: "Amelia was taken into police protection on 4 March 2025. [2]".into(),
        sent: RefCell::new(String::new()),
    };
    let bad = s.summarise_notes(&scope, true, 3, Some(&invented)).unwrap();
    assert!(!bad.confirmable());
    let err = s.confirm_summary(&bad.key).unwrap_err();
    assert_eq!(err.code(), "summary_unsupported");

    assert!(sum.confirmable(), "{sum:?}");
    let v = s.confirm_summary(&sum.key).unwrap();
    assert_eq!(v.origin, "confirmed_summary");
    assert_eq!(v.about.as_deref(), Some(CHILD));
    assert_eq!(
        s.confirm_summary("sha256:00").unwrap_err().code(),
        "invalid_input"
    );
}

struct Fixed;

impl Transcriber for Fixed {
    fn transcribe(&self, _audio: &Path) -> Result<Transcript, NotesError> {
        Ok(Transcript {
            segments: vec![
                Segment {
                    start_ms: 0,
                    end_ms: 2_500,
                    text: "Amelia showed me her bedroom.".into(),
                },
                Segment {
                    start_ms: 2_500,
                    end_ms: 5_000,
                    text: "She said she feels safe at home.".into(),
                },
            ],
        })
    }
}

// issue 19, item 6: the recording is kept owner-only in the data directory,
// the transcript is a note whose spans map to times, and consent is required.
#[test]
fn a_transcript_is_a_note_whose_spans_map_to_times() {
    use std::os::unix::fs::PermissionsExt;
    let (t, e) = fixture("health");
    let s = e.session(req("sw", "safeguarding")).unwrap();
    let audio = t.path().join("visit.wav");
    std::fs::write(&audio, b"RIFF fake audio").unwrap();
    let attach = NewNote {
        about: Some(CHILD.into()),
        date: Some("2025-03-15".into()),
        ..NewNote::default()
    };
    let err = s.transcribe(&audio, " ", &attach, &Fixed).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let done = s
        .transcribe(&audio, "consent form CF-2025-031", &attach, &Fixed)
        .unwrap();
    assert!(done.audio.starts_with(e.dir()));
    let mode = std::fs::metadata(&done.audio).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(done.note.origin, "transcript");
    assert_eq!(done.times.len(), 2);
    let text = done.note.text.clone();
    let second: String = text
        .chars()
        .skip(done.times[1].start)
        .take(done.times[1].end - done.times[1].start)
        .collect();
    assert_eq!(second, "She said she feels safe at home.");
    assert_eq!(done.times[1].start_ms, 2_500);
    assert_eq!(s.note(&done.note.id, true).unwrap().times, done.times);
    let events = e.session(req("eng", "load")).unwrap().events(5).unwrap();
    let logged = format!("{events:?}");
    assert!(
        !logged.contains("CF-2025-031"),
        "the consent reference is logged by hash"
    );
}

// ---- Searching notes (issue 19, item 7) ----

/// A note in a dataset the social worker's purposes do not cover.
const HIDDEN_SENTINEL: &str = "Zorblatt";

fn with_hidden_note(t: &tempfile::TempDir, e: &Engine) {
    let s = e.session(req("eng", "load")).unwrap();
    let src = t.path().join("src");
    let body = serde_json::json!({"note_id": "P1", "case_id": "CASE-1", "child_id": "LC1",
        "date": "2025-03-05",
        "text": format!("{HIDDEN_SENTINEL} was seen near the school gates with an older man.")});
    std::fs::write(src.join("pol.jsonl"), format!("{body}\n")).unwrap();
    let mapping = NOTES
        .replace(r#"name = "csc""#, r#"name = "pol""#)
        .replace("notes.jsonl", "pol.jsonl");
    let m = src.join("pol.jsonl.toml");
    std::fs::write(&m, mapping).unwrap();
    assert_eq!(s.ingest(&m, &mut |_| {}).unwrap().quarantined, 0);
}

fn last_events(e: &Engine, n: usize) -> Vec<clearstone_engine::AccessEvent> {
    let mut ev = e
        .session(req("eng", "load"))
        .unwrap()
        .events(n + 1)
        .unwrap();
    ev.retain(|x| x.principal == "sw");
    ev.sort_by_key(|x| x.id);
    ev
}

// issue 19, item 7: a lexical search finds the sentences this purpose may
// see, with their citations, and never one of a hidden note or of a
// withheld span; each search is one event holding the query by hash only.
#[test]
fn a_notes_search_shows_only_what_the_reader_would_and_logs_no_query_text() {
    use clearstone_engine::NoteSearchMode::Lexical;
    let (t, e) = fixture("health");
    with_hidden_note(&t, &e);
    let s = e.session(req("sw", "health-only")).unwrap();
    let hits = s
        .search_notes("inhaler at school", Lexical, 5, true)
        .unwrap();
    let first = hits.first().expect("the health sentence is allowed");
    assert_eq!(first.note_id, NOTE_2);
    let n2 = s.note(NOTE_2, true).unwrap().text;
    let cited: String = n2
        .chars()
        .skip(first.start)
        .take(first.end - first.start)
        .collect();
    assert_eq!(cited, first.text);
    assert!(first.text.contains(HEALTH_SENTINEL));
    // Religion is withheld from this purpose: its sentence is not found.
    assert!(
        s.search_notes("mosque madrasa", Lexical, 5, true)
            .unwrap()
            .iter()
            .all(|h| !h.text.contains(RELIGION_SENTINEL)),
    );
    // A hidden note is answered exactly as a word no note holds.
    let hidden = s.search_notes(HIDDEN_SENTINEL, Lexical, 5, true).unwrap();
    let absent = s.search_notes("Xylophonic", Lexical, 5, true).unwrap();
    assert!(hidden.is_empty() && absent.is_empty());
    let ev = last_events(&e, 4);
    let (h, a) = (&ev[ev.len() - 2], &ev[ev.len() - 1]);
    assert_eq!((&h.outcome, &h.subjects), (&a.outcome, &a.subjects));
    let logged = format!("{ev:?}");
    for w in [HIDDEN_SENTINEL, "Xylophonic", "inhaler", "mosque"] {
        assert!(!logged.contains(w), "{w} in {logged}");
    }
    assert!(h.query.contains("sha256:"), "{}", h.query);
}

// issue 19, item 7: where the text is masked as a whole, nothing is found.
#[test]
fn a_notes_search_without_a_lawful_condition_finds_nothing() {
    use clearstone_engine::NoteSearchMode::Lexical;
    let (_t, e) = fixture("health");
    let s = e.session(req("sw", "plain")).unwrap();
    assert!(
        s.search_notes("Amelia safe home", Lexical, 5, false)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.search_notes("Amelia", Lexical, 5, true)
            .unwrap_err()
            .code(),
        "forbidden"
    );
    // Bad input is refused with a message naming it.
    let full = e.session(req("sw", "safeguarding")).unwrap();
    for (q, limit) in [("  ", 5), ("the and of", 5), ("Amelia", 0), ("Amelia", 51)] {
        let err = full.search_notes(q, Lexical, limit, true).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{q:?} {limit}");
    }
}

// issue 19, item 3: lexical search reads its candidates from the index, not
// by scanning the store; the best sentence is found wherever its note sorts
// among many weaker ones, the ranking is by words found then shortness, and a
// hidden note with every word is still not found.
#[test]
fn a_lexical_search_ranks_every_candidate_not_the_first_found() {
    use clearstone_engine::NoteSearchMode::Lexical;
    let (t, e) = fixture("health");
    let s = e.session(req("eng", "load")).unwrap();
    let src = t.path().join("src");
    let mut body = String::new();
    for i in 0..60 {
        let pad = "very ".repeat(i % 7);
        let text = format!("The {pad}old bicycle was left in the hall on visit {i}.");
        body.push_str(&format!(
            "{}\n",
            serde_json::json!({"note_id": format!("F{i:02}"), "case_id": "CASE-1",
                "child_id": "LC1", "date": "2025-03-12", "text": text})
        ));
    }
    body.push_str(&format!(
        "{}\n",
        serde_json::json!({"note_id": "Z9", "case_id": "CASE-1", "child_id": "LC1",
            "date": "2025-03-14", "text": "Mum said the bicycle helmet was repaired by Dad."})
    ));
    std::fs::write(src.join("more.jsonl"), body).unwrap();
    let m = src.join("more.jsonl.toml");
    std::fs::write(&m, NOTES.replace("notes.jsonl", "more.jsonl")).unwrap();
    assert_eq!(s.ingest(&m, &mut |_| {}).unwrap().quarantined, 0);
    drop(s);
    let hidden = serde_json::json!({"note_id": "P1", "case_id": "CASE-1", "child_id": "LC1",
        "date": "2025-03-05", "text": "The bicycle helmet was repaired by a stranger."});
    let s = e.session(req("eng", "load")).unwrap();
    std::fs::write(src.join("pol.jsonl"), format!("{hidden}\n")).unwrap();
    let pm = src.join("pol.jsonl.toml");
    let mapping = NOTES
        .replace(r#"name = "csc""#, r#"name = "pol""#)
        .replace("notes.jsonl", "pol.jsonl");
    std::fs::write(&pm, mapping).unwrap();
    assert_eq!(s.ingest(&pm, &mut |_| {}).unwrap().quarantined, 0);
    drop(s);

    let sw = e.session(req("sw", "safeguarding")).unwrap();
    let hits = sw
        .search_notes("bicycle helmet repaired", Lexical, 3, true)
        .unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h.note_id.as_str()).collect();
    // Z9 holds all three words; then the shortest sentences holding one,
    // of notes F00 and F07 (no padding), in note order.
    assert_eq!(
        ids,
        ["csc:note:Z9", "csc:note:F00", "csc:note:F07"],
        "{hits:?}"
    );
    assert_eq!(hits[0].score, 3.0);
    let all = sw
        .search_notes("bicycle helmet repaired", Lexical, 50, true)
        .unwrap();
    assert_eq!(all.len(), 50);
    assert!(all.iter().all(|h| !h.note_id.starts_with("pol:")));
    assert!(
        all.windows(2).all(|w| w[0].score > w[1].score
            || (w[0].score == w[1].score
                && w[0].text.chars().count() <= w[1].text.chars().count())),
        "{all:?}"
    );
}

// issue 19, item 7: a lexical search finds a note through an irregular
// form of a query's word ("go" finds "went", "swim" finds "swam"), which
// the index's stems do not reach; WordNet's exception lists give the forms.
#[test]
fn a_lexical_search_finds_irregular_forms() {
    use clearstone_engine::NoteSearchMode::Lexical;
    use clearstone_notes::wordnet::{WordNetStatus, status};
    if let WordNetStatus::Missing { dir, reason } = status() {
        assert!(
            std::env::var_os(clearstone_notes::wordnet::WORDNET_ENV).is_none(),
            "{} does not hold WordNet: {reason}",
            dir.display()
        );
        eprintln!("SKIPPED: WordNet is not at {} ({reason})", dir.display());
        return;
    }
    let (t, e) = fixture("health");
    let s = e.session(req("eng", "load")).unwrap();
    let src = t.path().join("src");
    let body: String = [
        ("W1", "Mum went to the housing office on Friday."),
        ("W2", "Amelia swam two lengths at the leisure centre."),
    ]
    .iter()
    .map(|(id, text)| {
        format!(
            "{}\n",
            serde_json::json!({"note_id": id, "case_id": "CASE-1", "child_id": "LC1",
                "date": "2025-03-12", "text": text})
        )
    })
    .collect();
    std::fs::write(src.join("forms.jsonl"), body).unwrap();
    let m = src.join("forms.jsonl.toml");
    std::fs::write(&m, NOTES.replace("notes.jsonl", "forms.jsonl")).unwrap();
    assert_eq!(s.ingest(&m, &mut |_| {}).unwrap().quarantined, 0);
    drop(s);
    let sw = e.session(req("sw", "safeguarding")).unwrap();
    let found = |q: &str| -> Vec<String> {
        sw.search_notes(q, Lexical, 10, true)
            .unwrap()
            .into_iter()
            .map(|h| h.note_id)
            .collect()
    };
    assert!(found("go").contains(&"csc:note:W1".to_string()));
    assert_eq!(found("swim"), ["csc:note:W2"]);
}

/// The embedding model named by `CLEARSTONE_EMBED_MODEL`, when this build
/// has the feature and the weights are there.
fn embedder(test: &str) -> Option<clearstone_engine::embed::Embedder> {
    match clearstone_engine::embed::Embedder::from_env() {
        Ok(m) => Some(m),
        Err(err) => {
            eprintln!("{test}: skipped, {err}");
            None
        }
    }
}

// issue 19, item 7: semantic search finds a paraphrase no word of which is
// in the note, through the same gate; a note added with the model is found
// at once, and an erased one never again.
#[test]
fn a_semantic_search_finds_paraphrases_through_the_gate() {
    use clearstone_engine::NoteSearchMode::Semantic;
    let Some(model) = embedder("a_semantic_search_finds_paraphrases_through_the_gate") else {
        return;
    };
    let (t, e) = fixture("health");
    with_hidden_note(&t, &e);
    // issue 19, item 2: the ingests embedded their notes; `notes index`
    // finds nothing left to do.
    let admin = support::admin(&e, "index the notes for search");
    let report = admin.index_note_passages(&model, false).unwrap();
    assert_eq!((report.notes, report.embedded), (3, 0));
    drop(admin);
    let s = e.session(req("sw", "health-only")).unwrap();
    let hits = s
        .search_notes(
            "the child uses medicine for a breathing problem",
            Semantic(&model),
            3,
            true,
        )
        .unwrap();
    assert_eq!(
        hits.first().map(|h| h.note_id.as_str()),
        Some(NOTE_2),
        "{hits:?}"
    );
    assert!(hits[0].text.contains("asthma"));
    let all = format!(
        "{:?}{:?}",
        s.search_notes(
            "where the family worship and pray",
            Semantic(&model),
            10,
            true
        )
        .unwrap(),
        s.search_notes(
            "a stranger was seen waiting outside the school",
            Semantic(&model),
            10,
            true
        )
        .unwrap()
    );
    for w in [RELIGION_SENTINEL, HIDDEN_SENTINEL, "mosque"] {
        assert!(!all.contains(w), "{w} in {all}");
    }
    let added = s
        .add_note_indexed(
            &NewNote {
                text: "Amelia's grandmother has agreed to collect her from school on Tuesdays."
                    .into(),
                about: Some(CHILD.into()),
                date: Some("2025-03-20".into()),
                ..NewNote::default()
            },
            &model,
        )
        .unwrap();
    let found = s
        .search_notes(
            "which relative picks the girl up after class",
            Semantic(&model),
            1,
            true,
        )
        .unwrap();
    assert_eq!(
        found.first().map(|h| h.note_id.as_str()),
        Some(added.id.as_str())
    );
    let admin = support::admin(&e, "erasure request for the added note");
    admin
        .put_user(&user(
            "dpo",
            &["data_protection_officer"],
            Classification::OfficialSensitive,
            &[],
        ))
        .unwrap();
    admin
        .put_purpose(&purpose("erasure", &["data_protection_officer"], &["*"]))
        .unwrap();
    drop(admin);
    let dpo = e.session(req("dpo", "erasure")).unwrap();
    dpo.erase(&added.id, "request 42").unwrap();
    // issue 19, item 2: a note embedded by its ingest loses its vectors too.
    dpo.erase(NOTE_1, "request 43").unwrap();
    drop(dpo);
    let after = s
        .search_notes(
            "which relative picks the girl up after class",
            Semantic(&model),
            10,
            true,
        )
        .unwrap();
    assert!(after.iter().all(|h| h.note_id != added.id), "{after:?}");
    // Erasure leaves nothing behind: not even the note's vectors.
    let vectors = std::fs::read(
        t.path()
            .join("data")
            .join(clearstone_engine::SEMANTIC_DIR)
            .join("passages.bin"),
    )
    .unwrap();
    for id in [added.id.as_str(), NOTE_1] {
        let id = id.as_bytes();
        assert!(!vectors.windows(id.len()).any(|w| w == id));
    }
    assert!(
        vectors
            .windows(NOTE_2.len())
            .any(|w| w == NOTE_2.as_bytes()),
        "the ingested notes were embedded"
    );
}
