//! A record the session may not see, looked up by id, against one that was
//! never loaded: the answer, the event the user reads back in their own
//! record of access, and the time taken must not tell them apart.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Instant;

use clearstone_engine::{Classification, Engine, Session, SessionRequest};

/// The same staff layout for two datasets: `staff`, which the purpose
/// covers, and `pay`, which it does not.
fn mapping(dataset: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "{dataset}"
[source]
format = "csv"
path = "{dataset}.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
[entities.properties]
name = {{ column = "name" }}
staff_number = {{ column = "staff_no" }}
unit = {{ column = "unit" }}
"#
    )
}

/// `rows` staff in `staff` and in `pay`, all in ana's own unit, loaded; ana
/// works under `pds`, which covers `staff` only.
fn engine(tmp: &std::path::Path, rows: usize) -> Engine {
    let e = Engine::init(&tmp.join("data"), None).unwrap();
    let all = support::purpose("all", &["data_engineer"], &["staff", "pay"]);
    let pds = support::purpose("pds", &["analyst"], &["staff"]);
    {
        let admin = support::bootstrap_admin(&e, "setting up the lookups");
        let mut ana = support::user(
            "ana",
            &["analyst", "data_engineer"],
            Classification::OfficialSensitive,
            &[],
        );
        ana.unit = Some("PSD".into());
        admin.put_user(&ana).unwrap();
        admin.put_purpose(&all).unwrap();
        admin.put_purpose(&pds).unwrap();
    }
    for dataset in ["staff", "pay"] {
        let mut csv = String::from("staff_no,name,unit\n");
        for n in 1..=rows {
            csv.push_str(&format!("P{n},Person {n},PSD\n"));
        }
        std::fs::write(tmp.join(format!("{dataset}.csv")), csv).unwrap();
        std::fs::write(tmp.join(format!("{dataset}.toml")), mapping(dataset)).unwrap();
        let loader = e.session(request("all")).unwrap();
        loader
            .ingest(&tmp.join(format!("{dataset}.toml")), &mut |_| {})
            .unwrap();
    }
    e
}

fn request(purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: purpose.into(),
        justification: "checking hidden lookups".into(),
        ..SessionRequest::default()
    }
}

/// An event as the user reads it back, without its id, time and subjects.
type OwnEvent = (String, String, String, Vec<String>);

/// The last event ana can read back.
fn own_last(s: &Session<'_>) -> OwnEvent {
    // Reading one's events is logged after they are read.
    let e = s.own_events(1).unwrap().into_iter().next().unwrap();
    (e.operation, e.query, e.outcome, e.flags)
}

#[test]
fn a_hidden_colleague_is_logged_as_an_absent_record_not_as_a_colleague() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path(), 2);
    let s = e.session(request("pds")).unwrap();
    // A colleague the purpose covers: seen, and a concern for PSD.
    s.show("staff:staff:P1").unwrap();
    let (_, _, _, flags) = own_last(&s);
    assert_eq!(flags, ["self_monitoring"]);
    let hidden = s.show("pay:staff:P1").unwrap_err();
    let hidden_event = own_last(&s);
    let absent = s.show("pay:staff:P7").unwrap_err();
    let absent_event = own_last(&s);
    assert_eq!(
        hidden.to_string().replace("P1", "P7"),
        absent.to_string(),
        "the answer"
    );
    assert_eq!(hidden_event, absent_event, "the event the user reads back");
    let admin = support::admin(&e, "reading the concerns");
    assert_eq!(
        admin.alerts(100).unwrap().len(),
        1,
        "one concern, the seen one"
    );
}

/// The medians of two ids' times, and hidden over absent as a ratio.
fn line(what: &str, (h, a): (u128, u128)) -> String {
    format!(
        "{what:20} hidden {:>7.1} µs, absent {:>7.1} µs, ratio {:.2}",
        h as f64 / 1e3,
        a as f64 / 1e3,
        h as f64 / a.max(1) as f64
    )
}

/// The median of `n` calls of `f` on each of two ids, taken in turns so a
/// change of load falls on both alike.
fn medians(n: usize, mut f: impl FnMut(&str), a: &str, b: &str) -> (u128, u128) {
    let mut ta = Vec::with_capacity(n);
    let mut tb = Vec::with_capacity(n);
    for _ in 0..n {
        for (id, out) in [(a, &mut ta), (b, &mut tb)] {
            let t = Instant::now();
            f(id);
            out.push(t.elapsed().as_nanos());
        }
    }
    ta.sort_unstable();
    tb.sort_unstable();
    (ta[n / 2], tb[n / 2])
}

/// Prints the median time of `show` and `dossier` for a hidden and an
/// absent id over 2,000 calls each (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn hidden_and_absent_take_the_same_time() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path(), 2_000);
    let s = e.session(request("pds")).unwrap();
    let (hidden, absent) = ("pay:staff:P1000", "pay:staff:P9999");
    let m = medians(2_000, |id| drop(s.show(id)), hidden, absent);
    println!("{} (median of 2000)", line("show", m));
    let m = medians(2_000, |id| drop(s.dossier(id)), hidden, absent);
    println!("{} (median of 2000)", line("dossier", m));
}

/// One dataset the purpose covers, with three record kinds: staff it may
/// see, the same staff vetted `SECRET` (above ana's clearance), and their
/// cars (a type the purpose does not cover).
const INSIDE: &str = r#"version = 1
[dataset]
name = "staff"
[source]
format = "csv"
path = "inside.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
[[entities]]
name = "vetted"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
markings = "SECRET"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
[[entities]]
name = "car"
schema = "Vehicle"
keys = ["reg"]
[entities.properties]
registration = { column = "reg" }
"#;

/// `rows` staff, each vetted and with a car, under `inside`, which covers
/// the dataset and staff (not vehicles) and names a lawful condition.
fn engine_inside(tmp: &std::path::Path, rows: usize) -> Engine {
    let e = Engine::init(&tmp.join("data"), None).unwrap();
    let all = support::purpose("all", &["data_engineer"], &["staff"]);
    let mut inside = support::purpose("inside", &["analyst"], &["staff"]);
    inside.entity_types = ["StaffMember".to_string()].into();
    inside.sensitive = Some(clearstone_engine::policy::SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1".into(),
    });
    {
        let admin = support::bootstrap_admin(&e, "setting up the lookups");
        admin.put_purpose(&all).unwrap();
        admin.put_purpose(&inside).unwrap();
    }
    let mut csv = String::from("staff_no,name,reg\n");
    for n in 1..=rows {
        csv.push_str(&format!("P{n},Person {n},R{n}\n"));
    }
    std::fs::write(tmp.join("inside.csv"), csv).unwrap();
    std::fs::write(tmp.join("inside.toml"), INSIDE).unwrap();
    // Loaded by ana cleared SECRET, then read by her at her own clearance.
    let mut loader = support::user(
        "ana",
        &["analyst", "data_engineer"],
        Classification::Secret,
        &[],
    );
    support::admin(&e, "clearing the loader")
        .put_user(&loader)
        .unwrap();
    e.session(request("all"))
        .unwrap()
        .ingest(&tmp.join("inside.toml"), &mut |_| {})
        .unwrap();
    loader.clearance = Classification::OfficialSensitive;
    support::admin(&e, "back to her clearance")
        .put_user(&loader)
        .unwrap();
    e
}

/// Every lookup by id that reads a record, asked of one hidden inside a
/// covered dataset (by markings, by type) and of one never loaded: the
/// answer and the event the user reads back.
fn lookups(s: &Session<'_>, id: &str) -> Vec<(String, OwnEvent)> {
    let visible = "staff:staff:P1";
    let note = clearstone_engine::NewNote {
        text: "Met the officer about the complaint.".into(),
        about: Some(id.into()),
        ..clearstone_engine::NewNote::default()
    };
    let mut out = Vec::new();
    let mut answer = |what: &str, err: Option<clearstone_engine::EngineError>| {
        let err = err.map_or_else(|| format!("{what} answered"), |e| e.to_string());
        let (op, query, outcome, flags) = own_last(s);
        out.push((
            err.replace(id, "ID"),
            (op, query, outcome.replace(id, "ID"), flags),
        ));
    };
    answer("show", s.show(id).err());
    answer("note", s.note(id, false).err());
    answer("add note", s.add_note(&note).err());
    answer("explain", s.explain(id, visible).err());
    answer("explain", s.explain(visible, id).err());
    out
}

/// Three staff under `inside`, with the stored body of each of `records`
/// damaged: the data directory, and the store still open for more changes.
fn damaged(tmp: &std::path::Path, records: &[&str]) -> (std::path::PathBuf, rusqlite::Connection) {
    drop(engine_inside(tmp, 3));
    let data = tmp.join("data");
    let db = rusqlite::Connection::open(data.join("clearstone.db")).unwrap();
    for r in records {
        let n = db
            .execute("UPDATE record SET body = x'00' WHERE entity_id = ?1", [r])
            .unwrap();
        assert_eq!(n, 1, "{r} damaged");
    }
    (data, db)
}

/// A record the session may see nothing of is never read: with its stored
/// body damaged, every lookup still answers it as it answers an absent id,
/// where reading it first would fail on the damage.
#[test]
fn a_hidden_record_is_never_read_by_a_lookup_so_damage_to_it_cannot_show() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, db) = damaged(tmp.path(), &["staff:vetted:P2", "staff:car:R2"]);
    drop(db);
    let e = Engine::open(&data).unwrap();
    let s = e.session(request("inside")).unwrap();
    let mut failures = Vec::new();
    for (hidden, absent) in [
        ("staff:vetted:P2", "staff:vetted:P9"),
        ("staff:car:R2", "staff:car:R9"),
    ] {
        let h = lookups(&s, hidden);
        let a = lookups(&s, absent);
        for (h, a) in h.iter().zip(&a) {
            if h != a {
                failures.push(format!("{hidden}: {h:?}\n{absent}: {a:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Prints the median time of `show`, `reveal`, the dossier, graph
/// neighbours, a note and a match's explanation for records hidden inside
/// a covered dataset (by markings and by type) against absent ids of the
/// same kind, over 2,000 calls each (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn hidden_inside_a_covered_dataset_and_absent_take_the_same_time() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine_inside(tmp.path(), 2_000);
    let s = e.session(request("inside")).unwrap();
    assert!(s.show("staff:staff:P1000").is_ok(), "the visible record");
    for (why, hidden, absent) in [
        ("markings", "staff:vetted:P1000", "staff:vetted:P9999"),
        ("type", "staff:car:R1000", "staff:car:R9999"),
    ] {
        assert!(s.show(hidden).is_err(), "{hidden} is hidden");
        let m = medians(2_000, |id| drop(s.show(id)), hidden, absent);
        println!("{}", line(&format!("{why} show"), m));
        let m = medians(2_000, |id| drop(s.reveal(id, "name")), hidden, absent);
        println!("{}", line(&format!("{why} reveal"), m));
        let m = medians(2_000, |id| drop(s.dossier(id)), hidden, absent);
        println!("{}", line(&format!("{why} dossier"), m));
        let m = medians(2_000, |id| drop(s.graph_neighbours(id)), hidden, absent);
        println!("{}", line(&format!("{why} neighbours"), m));
        let m = medians(2_000, |id| drop(s.note(id, false)), hidden, absent);
        println!("{}", line(&format!("{why} note"), m));
        let visible = "staff:staff:P1";
        let m = medians(2_000, |id| drop(s.explain(id, visible)), hidden, absent);
        println!("{}", line(&format!("{why} explain"), m));
    }
}

/// A visible record resolved with a hidden one, against a visible record
/// resolved with an id never loaded: with the hidden member's stored body
/// damaged, every answer that opens the cluster answers both alike, as it
/// must if the hidden member is never read.
#[test]
fn a_clusters_hidden_member_is_never_read_by_the_answers_that_open_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, db) = damaged(tmp.path(), &["staff:vetted:P2", "staff:car:R2"]);
    for (member, canonical) in [
        ("staff:staff:P2", "cs-two"),
        ("staff:vetted:P2", "cs-two"),
        ("staff:car:R2", "cs-two"),
        ("staff:staff:P3", "cs-three"),
        ("staff:vetted:P9", "cs-three"),
        ("staff:car:R9", "cs-three"),
    ] {
        db.execute(
            "INSERT INTO canonical (entity_id, schema, canonical_id) VALUES (?1, 'StaffMember', ?2)",
            [member, canonical],
        )
        .unwrap();
    }
    drop(db);
    let e = Engine::open(&data).unwrap();
    let s = e.session(request("inside")).unwrap();
    let answers = |id: &str, name: &str| {
        let mut out = Vec::new();
        let mut answer = |what: &str, err: Option<clearstone_engine::EngineError>| {
            let err = err.map_or_else(|| format!("{what} answered"), |e| e.to_string());
            let (op, query, outcome, flags) = own_last(&s);
            // A search is logged by its text's hash, which differs.
            let query = if op == "consult" && query.starts_with("search ") {
                "search".to_string()
            } else {
                query.replace(id, "ID")
            };
            out.push((err, (op, query, outcome, flags)));
        };
        answer("show", s.show(id).err());
        answer("dossier", s.dossier(id).err());
        answer("neighbours", s.graph_neighbours(id).err());
        let page = clearstone_engine::SearchPage::first(10);
        answer("search", s.search(name, page).err());
        out
    };
    let hidden = answers("staff:staff:P2", "Person 2");
    let absent = answers("staff:staff:P3", "Person 3");
    assert_eq!(hidden, absent);
    assert!(
        hidden.iter().all(|(a, _)| a.ends_with("answered")),
        "{hidden:?}"
    );
}

/// A record the session may see whose stored body is damaged: every answer
/// that opens it fails, and each failure is still one event, with the
/// error's code and nothing of the damage.
#[test]
fn an_answer_that_fails_on_a_damaged_record_is_one_event() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, db) = damaged(tmp.path(), &["staff:staff:P2"]);
    drop(db);
    let e = Engine::open(&data).unwrap();
    let s = e.session(request("inside")).unwrap();
    let id = "staff:staff:P2";
    let count = || s.own_events(1_000).unwrap().len();
    let attempts: [(&str, &dyn Fn() -> bool); 7] = [
        ("show entity", &(|| s.show(id).is_err())),
        (
            "reveal `name` of entity",
            &(|| s.reveal(id, "name").is_err()),
        ),
        ("show note", &(|| s.note(id, false).is_err())),
        ("explain", &(|| s.explain(id, "staff:staff:P1").is_err())),
        ("dossier", &(|| s.dossier(id).is_err())),
        ("graph neighbours", &(|| s.graph_neighbours(id).is_err())),
        (
            "graph shared associates",
            &(|| s.graph_shared(id, "staff:staff:P1").is_err()),
        ),
    ];
    let mut failures = Vec::new();
    for (what, attempt) in attempts {
        let before = count();
        let failed = attempt();
        // Reading one's events is itself one event.
        let events = count() - before - 1;
        let (op, query, outcome, _) = own_last_but_one(&s);
        if !failed || events != 1 || !query.starts_with(what) || outcome != "internal" {
            failures.push(format!(
                "{what}: failed {failed}, {events} events, last {op} `{query}` `{outcome}`"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The event before the last one ana can read back (the last is the read).
fn own_last_but_one(s: &Session<'_>) -> OwnEvent {
    let e = s.own_events(2).unwrap().into_iter().nth(1).unwrap();
    (e.operation, e.query, e.outcome, e.flags)
}

/// Prints the median time of the dossier, graph neighbours and `show` of a
/// visible record resolved with 20 hidden records (vetted above ana's
/// clearance) against one resolved alone, as the first would be had the
/// hidden records never been loaded, over 2,000 calls each (run with
/// `--ignored --nocapture`).
#[test]
#[ignore]
fn a_cluster_with_hidden_members_and_one_without_take_the_same_time() {
    let tmp = tempfile::tempdir().unwrap();
    drop(engine_inside(tmp.path(), 2_000));
    let data = tmp.path().join("data");
    let db = rusqlite::Connection::open(data.join("clearstone.db")).unwrap();
    let put = |canonical: &str, member: String| {
        db.execute(
            "INSERT INTO canonical (entity_id, schema, canonical_id) VALUES (?1, 'StaffMember', ?2)",
            [member.as_str(), canonical],
        )
        .unwrap();
    };
    put("cs-hidden", "staff:staff:P1000".into());
    put("cs-alone", "staff:staff:P1500".into());
    for n in 1..=20 {
        put("cs-hidden", format!("staff:vetted:P{}", 1000 + n));
    }
    drop(db);
    let e = Engine::open(&data).unwrap();
    let s = e.session(request("inside")).unwrap();
    let (hidden, absent) = ("staff:staff:P1000", "staff:staff:P1500");
    assert!(s.dossier(hidden).is_ok() && s.dossier(absent).is_ok());
    let m = medians(2_000, |id| drop(s.dossier(id)), hidden, absent);
    println!("{}", line("cluster dossier", m));
    let m = medians(2_000, |id| drop(s.graph_neighbours(id)), hidden, absent);
    println!("{}", line("cluster neighbours", m));
    let m = medians(2_000, |id| drop(s.show(id)), hidden, absent);
    println!("{}", line("cluster show", m));
}

/// A note ana may read about a record she may not (vetted above her
/// clearance), asked for by that record's id: the note's reference to it
/// is withheld, so the person's notes, their summary and chronology must
/// answer as for an id never loaded, or the id would name the note's
/// subject.
#[test]
fn notes_asked_for_by_a_hidden_records_id_answer_as_for_an_absent_one() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine_inside(tmp.path(), 3);
    let mut ana = support::user(
        "ana",
        &["analyst", "data_engineer"],
        Classification::Secret,
        &[],
    );
    // Note text is special-category: read under a lawful condition.
    let mut casework = support::purpose("casework", &["analyst"], &["staff"]);
    casework.sensitive = Some(clearstone_engine::policy::SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1".into(),
    });
    let admin = support::admin(&e, "clearing ana for the note");
    admin.put_purpose(&casework).unwrap();
    admin.put_user(&ana).unwrap();
    drop(admin);
    for about in ["staff:vetted:P2", "staff:staff:P2"] {
        let note = clearstone_engine::NewNote {
            text: "Met the officer about the complaint on Tuesday.".into(),
            about: Some(about.into()),
            date: Some("2026-03-02".into()),
            ..clearstone_engine::NewNote::default()
        };
        e.session(request("casework"))
            .unwrap()
            .add_note(&note)
            .unwrap();
    }
    ana.clearance = Classification::OfficialSensitive;
    support::admin(&e, "back to her clearance")
        .put_user(&ana)
        .unwrap();
    let s = e.session(request("casework")).unwrap();
    assert!(s.show("staff:vetted:P2").is_err(), "the record is hidden");
    let seen = s.person_notes("staff:staff:P2", false).unwrap();
    assert_eq!(seen.notes.len(), 1, "the visible record's note is read");
    let answers = |id: &str| {
        let scope = clearstone_engine::NoteScope::Person {
            id: id.into(),
            from: None,
            to: None,
        };
        let mut out = Vec::new();
        let mut answer = |what: &str, found: Result<String, clearstone_engine::EngineError>| {
            let found = found.unwrap_or_else(|e| e.to_string()).replace(id, "ID");
            let (op, query, outcome, _) = own_last(&s);
            out.push((
                what.to_string(),
                found,
                op,
                query.replace(id, "ID"),
                outcome,
            ));
        };
        answer(
            "summary",
            s.summarise_notes(&scope, false, 3, None)
                .map(|n| format!("{n:?}")),
        );
        answer(
            "chronology",
            s.chronology(&scope, false).map(|n| format!("{n:?}")),
        );
        answer(
            "with sources",
            s.person_notes(id, false).map(|n| format!("{n:?}")),
        );
        out
    };
    assert_eq!(answers("staff:vetted:P2"), answers("staff:vetted:P9"));
}
