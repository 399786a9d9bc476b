//! The index an ingest keeps current from its own batches answers every
//! search exactly as an index rebuilt from the store does.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::fmt::Write as _;
use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, SearchPage, SearchResults, SessionRequest};

const ONTOLOGY: &str = r#"version = 1
[types.Officer.properties]
name = { type = "name", sensitivity = "ordinary" }
alias = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
collar = { type = "identifier", sensitivity = "ordinary" }
note = { type = "text", sensitivity = "ordinary" }
ethnicity = { type = "enum", values = ["A1", "B2"], sensitivity = "ethnic" }
"#;

fn mapping(file: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
legal_basis = "employment records"
[source]
format = "csv"
path = "{file}"
[[entities]]
name = "officer"
schema = "Officer"
keys = ["id"]
[entities.properties]
name = {{ column = "name" }}
alias = {{ column = "aliases", split = ";" }}
birth_date = {{ column = "dob" }}
collar = {{ column = "collar" }}
note = {{ column = "note" }}
ethnicity = {{ column = "ethnicity" }}
"#
    )
}

const HEADER: &str = "id,name,aliases,dob,collar,note,ethnicity\n";
const GIVEN: [&str; 6] = ["John", "Jon", "Catherine", "Siân", "William", "Mary"];
const SURNAME: [&str; 5] = ["Smith", "Smyth", "O'Neill", "Lee", "Ray"];

/// Officer `i` as the first file has them: names repeat, so searches find many.
fn row(i: usize, out: &mut String) {
    let g = GIVEN[i % GIVEN.len()];
    let s = SURNAME[i / GIVEN.len() % SURNAME.len()];
    let alias = if i.is_multiple_of(7) {
        "Jack;Jackie;Jack"
    } else {
        ""
    };
    let eth = ["A1", "B2", ""][i % 3];
    let _ = writeln!(
        out,
        "{i},{g} {s},{alias},19{:02}-0{}-1{},PC{i},walked the beat {},{eth}",
        50 + i % 40,
        1 + i % 9,
        i % 10,
        i % 13
    );
}

/// Rows past one batch (`batch_rows_max`, 20,000), with officers that come
/// back: unchanged in the same batch, changed in the same batch, and
/// changed in the next batch. `renamed`: the export of a later day, in
/// which one officer changed.
fn first_file(renamed: bool) -> String {
    let mut out = String::from(HEADER);
    for i in 0..20_600 {
        if renamed && i == 9 {
            out.push_str("9,Renamed Since,,1959-01-01,PC9,renamed,A1\n");
            continue;
        }
        row(i, &mut out);
    }
    row(3, &mut out);
    out.push_str("4,Changed Sameline,,1970-01-01,PC4,changed in its batch,A1\n");
    out.push_str("5,Later Name,Fifth,1971-02-02,PC5-B,changed a batch later,B2\n");
    out
}

/// Another export of the same dataset: new values for officers already
/// held, and officers not seen before.
fn second_file() -> String {
    let mut out = String::from(HEADER);
    for i in (0..400).step_by(9) {
        let _ = writeln!(out, "{i},Second Source {i},Secondo,,XB{i},added later,");
    }
    for i in 30_000..30_050 {
        row(i, &mut out);
    }
    out
}

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: "complaint 2026/114".into(),
        ..SessionRequest::default()
    }
}

fn ingest(e: &Engine, dir: &Path, mapping_file: &str) {
    e.session(req("ana"))
        .unwrap()
        .ingest(&dir.join(mapping_file), &mut |_| {})
        .unwrap();
}

/// Every query's every page, as the analyst sees them.
fn answers(e: &Engine) -> (u64, Vec<(String, Vec<SearchResults>)>) {
    let s = e.session(req("ana")).unwrap();
    let mut queries: Vec<String> = [
        "smith",
        "jon smith",
        "j smith",
        "sian oneill",
        "jack",
        "secondo",
        "changed sameline",
        "later name",
        "renamed since",
        "fifth",
        "second source",
        "id:pc4",
        "id:pc5",
        "id:pc5-b",
        "id:xb9",
        "id:pc30001",
        "text:beat born:1950..1952",
        "text:\"changed a batch later\"",
        "born:1970-01-01",
        "type:officer dataset:hr born:1951",
        "catherine lee born:1960..1970",
    ]
    .map(str::to_string)
    .to_vec();
    queries.extend((0..40).map(|i| format!("id:PC{}", i * 517)));
    let out = queries
        .into_iter()
        .map(|q| {
            let mut pages = Vec::new();
            let mut offset = 0;
            loop {
                let r = s.search(&q, SearchPage { offset, size: 100 }).unwrap();
                let more = r.hits.len() == 100 && offset + 100 < r.total as usize;
                pages.push(r);
                if !more || offset >= 2_000 {
                    break;
                }
                offset += 100;
            }
            (q, pages)
        })
        .collect();
    (s.index_size().unwrap(), out)
}

/// The first and second exports under `d`, each with its mapping.
fn staff_and_extra(d: &Path) {
    std::fs::write(d.join("staff.csv"), first_file(false)).unwrap();
    std::fs::write(d.join("staff.toml"), mapping("staff.csv")).unwrap();
    std::fs::write(d.join("extra.csv"), second_file()).unwrap();
    std::fs::write(d.join("extra.toml"), mapping("extra.csv")).unwrap();
}

/// An engine under `dir` with the analyst (who loads), the data protection
/// officer (who reads the access log) and `more` users registered.
fn engine_with(dir: &Path, more: &[(&str, &[&str])]) -> Engine {
    let e = Engine::init(dir, Some((ONTOLOGY, "o.toml"))).unwrap();
    let mut users: Vec<(&str, &[&str])> = vec![
        ("ana", &["analyst", "data_engineer"]),
        ("dpo", &["data_protection_officer", "analyst"]),
    ];
    users.extend_from_slice(more);
    support::register(
        &e,
        "set-up",
        &users,
        &Purpose {
            description: "Professional standards".into(),
            ..support::purpose("pds", &["analyst", "data_protection_officer"], &["*"])
        },
    );
    e
}

#[test]
fn searches_after_ingest_equal_searches_after_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_and_extra(d);
    let e = engine_with(&d.join("data"), &[]);
    ingest(&e, d, "staff.toml");
    ingest(&e, d, "extra.toml");
    // The first export again, one officer changed since: only that one is new.
    std::fs::write(d.join("staff.csv"), first_file(true)).unwrap();
    ingest(&e, d, "staff.toml");

    let kept = answers(&e);
    assert!(kept.0 > 20_000, "{} documents", kept.0);
    e.session(req("dpo")).unwrap().rebuild_index().unwrap();
    let rebuilt = answers(&e);
    assert_eq!(kept.0, rebuilt.0, "documents");
    for ((q, a), (_, b)) in kept.1.iter().zip(&rebuilt.1) {
        assert!(!b.is_empty() && b[0].total > 0, "`{q}` finds nothing");
        assert_eq!(a, b, "`{q}`");
    }
}

#[test]
fn an_ingest_after_one_that_died_before_indexing_rebuilds_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rows = String::from(HEADER);
    for i in 0..50 {
        row(i, &mut rows);
    }
    std::fs::write(d.join("staff.csv"), rows).unwrap();
    std::fs::write(d.join("staff.toml"), mapping("staff.csv")).unwrap();
    let data = d.join("data");
    let e = Engine::init(&data, Some((ONTOLOGY, "o.toml"))).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst", "data_engineer"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    ingest(&e, d, "staff.toml");
    let documents = e.session(req("ana")).unwrap().index_size().unwrap();
    assert!(documents >= 50, "{documents}");
    drop(e);
    // As a process that died after storing its batches and before the index
    // committed leaves it: the statements stored, the index without them,
    // and the run's mark still there.
    let tantivy = data.join("index").join("tantivy");
    std::fs::remove_dir_all(&tantivy).unwrap();
    std::fs::write(data.join("index").join("ingest-pending"), b"").unwrap();
    let e = Engine::open(&data).unwrap();
    assert_eq!(e.session(req("ana")).unwrap().index_size().unwrap(), 0);
    // The same file again: nothing in it is new to the store.
    ingest(&e, d, "staff.toml");
    let s = e.session(req("ana")).unwrap();
    assert_eq!(s.index_size().unwrap(), documents);
    assert_eq!(
        s.search(
            "id:pc7",
            SearchPage {
                offset: 0,
                size: 10
            }
        )
        .unwrap()
        .total,
        1
    );
}

/// An engine with the analyst registered, its data under `d`.
fn engine(d: &Path) -> Engine {
    let e = Engine::init(&d.join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst", "data_engineer"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    e
}

#[test]
fn a_bulk_load_answers_as_the_same_rows_loaded_in_several_runs_issue_15() {
    let rows = first_file(false);
    let (header, body) = rows.split_at(HEADER.len());
    let lines: Vec<&str> = body.lines().collect();

    let whole = tempfile::tempdir().unwrap();
    std::fs::write(whole.path().join("staff.csv"), &rows).unwrap();
    std::fs::write(whole.path().join("staff.toml"), mapping("staff.csv")).unwrap();
    let bulk = engine(whole.path());
    ingest(&bulk, whole.path(), "staff.toml");

    // The same rows in three runs, the last holding the rows that change
    // officers the earlier runs loaded.
    let parts = tempfile::tempdir().unwrap();
    let runs = engine(parts.path());
    for (i, chunk) in lines.chunks(lines.len().div_ceil(3)).enumerate() {
        let name = format!("staff{i}.csv");
        let text = format!("{header}{}\n", chunk.join("\n"));
        std::fs::write(parts.path().join(&name), text).unwrap();
        let toml = format!("staff{i}.toml");
        std::fs::write(parts.path().join(&toml), mapping(&name)).unwrap();
        ingest(&runs, parts.path(), &toml);
    }

    let (a, b) = (answers(&bulk), answers(&runs));
    assert!(a.0 > 20_000, "{} documents", a.0);
    assert_eq!(a.0, b.0, "documents");
    for ((q, x), (_, y)) in a.1.iter().zip(&b.1) {
        assert_eq!(x, y, "`{q}`");
    }
}

/// The analyst's events, counted through the access log.
fn events(e: &Engine) -> usize {
    e.session(req("dpo")).unwrap().events(10_000).unwrap().len()
}

// issue 15: a load's files share one index writer, committed once.
#[test]
fn a_load_answers_and_logs_as_its_files_ingested_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_and_extra(d);
    std::fs::write(d.join("again.csv"), first_file(true)).unwrap();
    std::fs::write(d.join("again.toml"), mapping("again.csv")).unwrap();
    std::fs::write(d.join("missing.toml"), mapping("missing.csv")).unwrap();
    let one_by_one = engine_with(&d.join("one"), &[]);
    let before = events(&one_by_one);
    ingest(&one_by_one, d, "staff.toml");
    let s = one_by_one.session(req("ana")).unwrap();
    assert!(s.ingest(&d.join("missing.toml"), &mut |_| {}).is_err());
    ingest(&one_by_one, d, "extra.toml");
    ingest(&one_by_one, d, "again.toml");
    // The count's own event is logged after it counts.
    let logged_one_by_one = events(&one_by_one) - before - 1;

    // Eve may search but not load.
    let loaded = engine_with(&d.join("load"), &[("eve", &["analyst"])]);
    // Through the gate: a user who may not load is refused, in one event.
    let refused = events(&loaded);
    let eve = loaded.session(req("eve")).unwrap();
    let mut load = eve.ingest_load();
    let err = load.ingest(&d.join("staff.toml"), &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    load.finish().unwrap();
    assert_eq!(events(&loaded), refused + 2);
    assert_eq!(eve.index_size().unwrap(), 0);
    drop(eve);
    let before = events(&loaded);
    let s = loaded.session(req("ana")).unwrap();
    let mut load = s.ingest_load();
    load.ingest(&d.join("staff.toml"), &mut |_| {}).unwrap();
    // Not searchable before the load ends.
    assert_eq!(s.index_size().unwrap(), 0);
    // A file that fails in a load is one event, and takes the writer with
    // it: the first file's records are indexed again from the store.
    let mid = events(&loaded);
    assert!(load.ingest(&d.join("missing.toml"), &mut |_| {}).is_err());
    assert_eq!(events(&loaded), mid + 2);
    assert!(s.index_size().unwrap() > 20_000);
    load.ingest(&d.join("extra.toml"), &mut |_| {}).unwrap();
    load.ingest(&d.join("again.toml"), &mut |_| {}).unwrap();
    load.finish().unwrap();
    // Three counts in between.
    assert_eq!(events(&loaded) - before - 3, logged_one_by_one);

    let (a, b) = (answers(&one_by_one), answers(&loaded));
    assert!(a.0 > 20_000, "{} documents", a.0);
    assert_eq!(a.0, b.0, "documents");
    for ((q, x), (_, y)) in a.1.iter().zip(&b.1) {
        assert!(!x.is_empty() && x[0].total > 0, "`{q}` finds nothing");
        assert_eq!(x, y, "`{q}`");
    }
}
