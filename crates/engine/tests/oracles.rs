//! Ways around the gate that answer or log differently than they should:
//! existence oracles (a hidden record must be answered exactly as an absent
//! one), attempts that leave no event, free text in the log, and the
//! registers' separation of duties (issue 14).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{
    ADMIN_PURPOSE, AccessEvent, Classification, Engine, EngineError, ResolveOptions, SearchPage,
    Session, SessionRequest,
};

/// Typed into free-text arguments: it must never reach the log.
const SENTINEL: &str = "Jane Sentinel has diabetes";

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "complaint 2026/114".into(),
        ..SessionRequest::default()
    }
}

/// `people` and `hr` hold the same seeded records; `ana` and `dpo` work
/// under a purpose that covers `people` only (and may reveal, and may not
/// read the log), `eng` under one that covers everything.
struct Fixture {
    _tmp: tempfile::TempDir,
    e: Engine,
    /// A record of `people`, visible to `ana`.
    visible: String,
    /// Records of `hr`, hidden from `ana`.
    hidden: String,
    hidden_too: String,
    /// An id no dataset has.
    absent: String,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path();
    clearstone_demo::write_people_csv(5, 200, src).unwrap();
    let people = clearstone_demo::PEOPLE_MAPPING;
    std::fs::write(src.join("people.toml"), people).unwrap();
    std::fs::write(
        src.join("hr.toml"),
        people.replace("name = \"people\"", "name = \"hr\""),
    )
    .unwrap();
    let e = Engine::init(&src.join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up the test");
    for (id, roles) in [
        ("eng", &["analyst", "data_engineer"][..]),
        ("ana", &["analyst"]),
        ("dpo", &["data_protection_officer"]),
    ] {
        admin
            .put_user(&support::user(
                id,
                roles,
                Classification::OfficialSensitive,
                &[],
            ))
            .unwrap();
    }
    admin
        .put_purpose(&support::purpose("records", &["analyst"], &["*"]))
        .unwrap();
    admin
        .put_purpose(&Purpose {
            sensitive: Some(SensitiveBasis {
                condition: "sch. 8 para 1".into(),
            }),
            audit_use: None,
            ..support::purpose(
                "people-only",
                &["analyst", "data_protection_officer"],
                &["people"],
            )
        })
        .unwrap();
    drop(admin);
    let eng = e.session(req("eng", "records")).unwrap();
    for m in ["people.toml", "hr.toml"] {
        eng.ingest(&src.join(m), &mut |_| {}).unwrap();
    }
    eng.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    let text = std::fs::read_to_string(src.join("people.csv")).unwrap();
    let keys: Vec<&str> = text
        .lines()
        .skip(1)
        .take(2)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    drop(eng);
    Fixture {
        visible: format!("people:person:{}", keys[0]),
        hidden: format!("hr:person:{}", keys[0]),
        hidden_too: format!("hr:person:{}", keys[1]),
        absent: "hr:person:no-such-record".into(),
        _tmp: tmp,
        e,
    }
}

/// Runs `attempt` and returns what it answered and the events it appended
/// under `who`'s name.
fn attempt<T>(
    e: &Engine,
    who: &str,
    attempt: impl FnOnce() -> Result<T, EngineError>,
) -> (Result<T, EngineError>, Vec<AccessEvent>) {
    let read = || {
        e.session(req("eng", "records"))
            .unwrap()
            .events(1_000)
            .unwrap()
    };
    let before = read().iter().map(|ev| ev.id).max().unwrap_or(0);
    let out = attempt();
    let events = read()
        .into_iter()
        .filter(|ev| ev.principal == who && ev.id > before)
        .collect();
    (out, events)
}

/// What an answer and its event look like with the id asked for taken out.
fn shape<T>(
    asked: &str,
    out: &Result<T, EngineError>,
    events: &[AccessEvent],
) -> (String, Vec<String>) {
    let answer = match out {
        Ok(_) => "ok".to_string(),
        Err(err) => format!("{} {}", err.code(), err).replace(asked, "<id>"),
    };
    let events = events
        .iter()
        .map(|ev| {
            format!(
                "{} | {} | {} | {} subjects | {:?}",
                ev.operation,
                ev.query,
                ev.outcome,
                ev.subjects.len(),
                ev.flags
            )
        })
        .collect();
    (answer, events)
}

type Attempt<'a> = Box<dyn Fn() -> Result<(), EngineError> + 'a>;

type Call<'a> = Box<dyn Fn(&Session<'_>, &str) -> Result<(), EngineError> + 'a>;

/// Every session method that takes a record id, with the other arguments
/// it needs; `v` is a record the session can see.
fn id_taking_calls(v: &str) -> Vec<(&'static str, &'static str, Call<'_>)> {
    let limits = clearstone_engine::graph_limits();
    vec![
        ("show", "ana", Box::new(|s, id| s.show(id).map(drop))),
        (
            "reveal",
            "ana",
            Box::new(|s, id| s.reveal(id, "ethnicity").map(drop)),
        ),
        ("dossier", "ana", Box::new(|s, id| s.dossier(id).map(drop))),
        (
            "graph neighbours",
            "ana",
            Box::new(|s, id| s.graph_neighbours(id).map(drop)),
        ),
        (
            "graph expand",
            "ana",
            Box::new(move |s, id| s.graph_expand(id, 2, &[], None, &limits).map(drop)),
        ),
        (
            "graph paths",
            "ana",
            Box::new(move |s, id| s.graph_paths(v, id, 3).map(drop)),
        ),
        (
            "graph shared",
            "ana",
            Box::new(move |s, id| s.graph_shared(v, id).map(drop)),
        ),
        (
            "graph centrality",
            "ana",
            Box::new(|s, id| s.graph_centrality(id, 2).map(drop)),
        ),
        (
            "graph export",
            "ana",
            Box::new(|s, id| {
                let to = clearstone_engine::Disclosure {
                    recipient: "PSD file",
                    gateway: None,
                };
                let mut out = std::io::sink();
                s.graph_export(
                    id,
                    1,
                    clearstone_engine::GraphFormat::GraphMl,
                    clearstone_engine::Destination::Stream(&mut out),
                    &to,
                )
                .map(drop)
            }),
        ),
        (
            "explain",
            "ana",
            Box::new(move |s, id| s.explain(v, id).map(drop)),
        ),
        (
            "judge",
            "ana",
            Box::new(move |s, id| s.judge(v, id, "same", "same NI number").map(drop)),
        ),
        (
            "erase (may administer)",
            "dpo",
            Box::new(|s, id| s.erase(id, "SAR-2026-9").map(drop)),
        ),
        (
            "erase (may not administer)",
            "ana",
            Box::new(|s, id| s.erase(id, "SAR-2026-9").map(drop)),
        ),
    ]
}

// issue 14, findings 6 and 10
#[test]
fn a_hidden_record_is_answered_and_logged_exactly_as_an_absent_one() {
    let f = fixture();
    for (name, who, call) in id_taking_calls(&f.visible) {
        let mut seen = Vec::new();
        for id in [&f.hidden, &f.absent] {
            let s = f.e.session(req(who, "people-only")).unwrap();
            let (out, events) = attempt(&f.e, who, || call(&s, id));
            assert!(out.is_err(), "{name} `{id}` answered");
            assert_eq!(events.len(), 1, "{name} `{id}`: {events:?}");
            seen.push(shape(id, &out, &events));
        }
        assert_eq!(seen[0], seen[1], "{name}: hidden and absent differ");
    }
}

// issue 14, finding 6
#[test]
fn a_judgement_on_hidden_records_is_answered_as_an_absent_one() {
    let f = fixture();
    let eng = f.e.session(req("eng", "records")).unwrap();
    let j = eng
        .judge(&f.hidden, &f.hidden_too, "unsure", "checking the dates")
        .unwrap();
    let ana = f.e.session(req("ana", "people-only")).unwrap();
    let mut seen = Vec::new();
    for id in [j.id, j.id + 1_000] {
        let (out, events) = attempt(&f.e, "ana", || ana.withdraw_judgement(id, "wrong pair"));
        assert_eq!(events.len(), 1, "{events:?}");
        let (answer, events) = shape(&id.to_string(), &out, &events);
        assert!(!answer.contains("hr:"), "{answer}");
        seen.push((answer, events));
    }
    assert_eq!(seen[0], seen[1]);
    // Still in force: the refusal withdrew nothing.
    assert_eq!(eng.judgements("Person", false).unwrap().len(), 1);
}

// issue 14, finding 6
#[test]
fn only_an_administrator_learns_whether_a_user_exists() {
    let f = fixture();
    let ana = f.e.session(req("ana", "people-only")).unwrap();
    let mut seen = Vec::new();
    for id in ["eng", "nobody"] {
        let (out, events) = attempt(&f.e, "ana", || ana.disable_user(id));
        assert_eq!(events.len(), 1, "{events:?}");
        seen.push(shape(id, &out, &events));
    }
    assert_eq!(seen[0], seen[1]);
    assert!(seen[0].0.starts_with("forbidden"), "{:?}", seen[0]);
}

// issue 14, finding 10
#[test]
fn every_refused_or_failed_attempt_is_one_event() {
    let f = fixture();
    let ana = f.e.session(req("ana", "people-only")).unwrap();
    let admin = support::admin(&f.e, "checking the register");
    let huge = "x".repeat(70_000);
    let attempts: Vec<(&str, &str, Attempt<'_>)> = vec![
        (
            "search over the page limit",
            "ana",
            Box::new(|| {
                ana.search(
                    "smith",
                    SearchPage {
                        offset: 0,
                        size: 100_000,
                    },
                )
                .map(drop)
            }),
        ),
        (
            "graph paths over k_max",
            "ana",
            Box::new(|| ana.graph_paths(&f.visible, &f.visible, 1_000).map(drop)),
        ),
        (
            "graph expand by an unknown kind",
            "ana",
            Box::new(|| {
                let limits = clearstone_engine::graph_limits();
                ana.graph_expand(&f.visible, 1, &[SENTINEL.to_string()], None, &limits)
                    .map(drop)
            }),
        ),
        (
            "disable an unknown user",
            "admin",
            Box::new(|| admin.disable_user("nobody")),
        ),
        (
            "a receipt without an audit use",
            "ana",
            Box::new(|| ana.receipt(1).map(drop)),
        ),
        (
            "reveal with an oversized property",
            "ana",
            Box::new(|| ana.reveal(&f.visible, &huge).map(drop)),
        ),
        (
            "reveal an unknown property",
            "ana",
            Box::new(|| ana.reveal(&f.visible, SENTINEL).map(drop)),
        ),
        (
            "judgements of an unknown type",
            "ana",
            Box::new(|| ana.judgements(SENTINEL, false).map(drop)),
        ),
        (
            "review queue of an unknown type",
            "ana",
            Box::new(|| ana.review_queue(SENTINEL, 5).map(drop)),
        ),
        (
            "judge with an unknown verdict",
            "ana",
            Box::new(|| ana.judge(&f.visible, &f.hidden, SENTINEL, "why").map(drop)),
        ),
        (
            "resolve an unknown type",
            "ana",
            Box::new(|| {
                ana.resolve(&ResolveOptions {
                    schema: SENTINEL.into(),
                    ..ResolveOptions::default()
                })
                .map(drop)
            }),
        ),
        (
            "break glass for no time",
            "ana",
            Box::new(|| ana.start_break_glass(0).map(drop)),
        ),
        (
            "ingest a mapping that is not there",
            "ana",
            Box::new(|| {
                ana.ingest(Path::new("/nowhere/Jane Sentinel.toml"), &mut |_| {})
                    .map(drop)
            }),
        ),
        (
            "explain an absent pair",
            "ana",
            Box::new(|| ana.explain(&f.absent, &f.visible).map(drop)),
        ),
    ];
    for (name, who, run) in &attempts {
        let (out, events) = attempt(&f.e, who, run);
        assert!(out.is_err(), "{name} was allowed");
        assert_eq!(events.len(), 1, "{name}: {events:?}");
        let logged = format!("{events:?}");
        assert!(
            !logged.contains(SENTINEL) && !logged.contains("xxxxxxxx"),
            "{name} logged what was typed: {logged}"
        );
    }
    // A receipt is refused, not handed out, without a purpose that may read the log.
    assert_eq!(ana.receipt(1).unwrap_err().code(), "forbidden");
}

// issue 14, finding 11
#[test]
fn typed_names_reach_the_log_only_when_they_are_vocabulary() {
    let f = fixture();
    let ana = f.e.session(req("ana", "people-only")).unwrap();
    ana.reveal(&f.visible, "ethnicity").unwrap();
    ana.judgements("Person", false).unwrap();
    let _ = ana.reveal(&f.visible, SENTINEL);
    let _ = ana.judgements(SENTINEL, true);
    let events =
        f.e.session(req("eng", "records"))
            .unwrap()
            .events(50)
            .unwrap();
    let queries: Vec<&str> = events.iter().map(|ev| ev.query.as_str()).collect();
    assert!(
        queries.contains(&"reveal `ethnicity` of entity"),
        "{queries:?}"
    );
    assert!(
        queries.contains(&"list judgements on Person"),
        "{queries:?}"
    );
    let all = format!("{events:?}");
    assert!(!all.contains("Sentinel"), "{all}");
    drop(ana);
    f.e.flush_log().unwrap();
    // Nor the tamper-evident log on disk.
    for entry in walk(&f.e.dir().join("audit")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(8).any(|w| w == b"Sentinel"),
            "{} holds typed text",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// issue 14, "weaker": justifications
#[test]
fn a_justification_needs_letters_not_only_invisible_or_punctuation_characters() {
    let f = fixture();
    for text in [
        "\u{200B}",
        "\u{2800}\u{2800}\u{2800}",
        ".",
        "... --- ...",
        "ab 12",
    ] {
        let refused =
            f.e.session(SessionRequest {
                justification: text.into(),
                ..req("ana", "people-only")
            })
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"));
        assert_eq!(refused.code(), "justification_not_words", "{text:?}");
    }
    f.e.session(req("ana", "people-only")).unwrap();
}

// issue 14, "weaker": separation of duties
#[test]
fn a_change_to_ones_own_user_needs_a_second_administrator() {
    let f = fixture();
    let admin = support::admin(&f.e, "widening my own access");
    let mut me = support::user(
        "admin",
        &["administrator", "data_protection_officer"],
        Classification::TopSecret,
        &["HR"],
    );
    let refused = admin.put_user(&me).unwrap_err();
    assert_eq!(refused.code(), "own_principal");
    assert_eq!(
        admin.disable_user("admin").unwrap_err().code(),
        "own_principal"
    );
    drop(admin);
    // A second administrator may.
    let admin = support::admin(&f.e, "adding a second administrator");
    admin
        .put_user(&support::user(
            "admin2",
            &["administrator"],
            Classification::Official,
            &[],
        ))
        .unwrap();
    let second =
        f.e.session(SessionRequest {
            principal: "admin2".into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "approved by the board".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    me.display_name = "The administrator".into();
    second.put_user(&me).unwrap();
}

// issue 14, "weaker": separation of duties
#[test]
fn erasure_needs_a_purpose_that_covers_the_record() {
    let f = fixture();
    // The administration purpose covers no dataset: nothing to erase.
    let admin = support::admin(&f.e, "subject access request 9");
    assert_eq!(
        admin.erase(&f.hidden, "SAR-2026-9").unwrap_err().code(),
        "not_found"
    );
    let eng = f.e.session(req("eng", "records")).unwrap();
    assert!(
        eng.show(&f.hidden).is_ok(),
        "the record must still be there"
    );
    // A DPO whose purpose covers the dataset may.
    let dpo = f.e.session(req("dpo", "people-only")).unwrap();
    assert!(dpo.erase(&f.visible, "SAR-2026-9").unwrap() > 0);
}

// issue 14, "weaker": datasets
#[test]
fn datasets_lists_only_those_the_purpose_covers() {
    let f = fixture();
    let ana = f.e.session(req("ana", "people-only")).unwrap();
    let names: Vec<String> = ana
        .datasets()
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["people"]);
}

// issue 14, "weaker": coverage against the real dataset and type
#[test]
fn a_purpose_listing_its_own_datasets_and_types_can_ingest_and_resolve() {
    let f = fixture();
    let admin = support::admin(&f.e, "a narrow purpose");
    admin
        .put_purpose(&Purpose {
            entity_types: ["Person".to_string(), "Address".to_string()].into(),
            ..support::purpose("narrow", &["analyst"], &["people"])
        })
        .unwrap();
    drop(admin);
    let eng = f.e.session(req("eng", "narrow")).unwrap();
    let src = f.e.dir().parent().unwrap().to_path_buf();
    // A row with no key goes to quarantine, which the same coverage shows
    // (a row of empty cells only is no record, so its last cell says something).
    let csv = std::fs::read_to_string(src.join("people.csv")).unwrap();
    let columns = csv.lines().next().unwrap().split(',').count();
    std::fs::write(
        src.join("people.csv"),
        format!("{csv}{}x\n", ",".repeat(columns - 1)),
    )
    .unwrap();
    eng.ingest(&src.join("people.toml"), &mut |_| {}).unwrap();
    let (rows, total) = eng.quarantine(None, 10).unwrap();
    assert_eq!(
        (rows.len(), total),
        (1, 1),
        "quarantine under a narrow purpose"
    );
    eng.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    // A dataset it does not cover is refused, naming what and who.
    let refused = eng
        .ingest(&src.join("hr.toml"), &mut |_| {})
        .unwrap_err()
        .to_string();
    for part in [
        "dataset `hr`",
        "type `",
        "user `eng`",
        "analyst",
        "purpose `narrow`",
        "dataset not covered",
    ] {
        assert!(refused.contains(part), "{part}: {refused}");
    }
}

// issue 14, "weaker": a refusal names the user, the roles and the purpose
#[test]
fn a_refused_session_names_the_user_their_roles_and_the_purpose() {
    let f = fixture();
    let refused = f.e.session(req("dpo", "records")).err().unwrap();
    assert_eq!(refused.code(), "purpose_not_for_role");
    let message = refused.to_string();
    for part in ["user `dpo`", "data_protection_officer", "purpose `records`"] {
        assert!(message.contains(part), "{part}: {message}");
    }
}

// issue 14, finding 11: the first administrator's id is logged in clear
#[test]
fn the_first_administrator_needs_an_id_not_free_text() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    let refused = e.bootstrap_admin(SENTINEL).unwrap_err();
    assert_eq!(refused.code(), "invalid_input");
    e.bootstrap_admin("dpo-jsmith").unwrap();
}
