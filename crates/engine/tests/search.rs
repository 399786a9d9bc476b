//! Search through the gate on a real data directory: the index follows
//! ingest, resolution and erasure, and every search is logged.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, EngineError, SearchPage, SessionRequest};

const ONTOLOGY: &str = r#"version = 1
[types.Officer.properties]
name = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
collar = { type = "identifier", sensitivity = "ordinary" }
ethnicity = { type = "enum", values = ["A1", "B2"], sensitivity = "ethnic" }
"#;

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
legal_basis = "employment records"
[source]
format = "csv"
path = "staff.csv"
date_formats = ["%d/%m/%Y"]
[[entities]]
name = "officer"
schema = "Officer"
keys = ["id"]
[entities.properties]
name = { column = "name" }
birth_date = { column = "dob" }
collar = { column = "collar" }
ethnicity = { column = "ethnicity" }
"#;

const ROWS: &str = "id,name,dob,collar,ethnicity\n\
1,Jonathan Smith,03/07/1984,PC1234,A1\n\
2,Jon Smith,03/07/1984,PC1234,A1\n\
3,Catherine Lee,01/01/1990,DS77,B2\n\
4,Daniel Ray,05/05/1975,DI9,A1\n";

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: "complaint 2026/114".into(),
        ..SessionRequest::default()
    }
}

fn setup() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("staff.csv"), ROWS).unwrap();
    std::fs::write(dir.path().join("staff.toml"), MAPPING).unwrap();
    let e = Engine::init(&dir.path().join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    support::register(
        &e,
        "set-up",
        &[
            ("ana", &["analyst", "data_engineer"]),
            ("dpo", &["data_protection_officer", "analyst"]),
        ],
        &Purpose {
            description: "Professional standards".into(),
            ..support::purpose("pds", &["analyst", "data_protection_officer"], &["*"])
        },
    );
    let s = e.session(req("ana")).unwrap();
    s.ingest(&dir.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    drop(s);
    (dir, e)
}

const PAGE: SearchPage = SearchPage {
    offset: 0,
    size: 10,
};

fn found(e: &Engine, user: &str, q: &str) -> Vec<String> {
    let s = e.session(req(user)).unwrap();
    let mut ids: Vec<String> = s
        .search(q, PAGE)
        .unwrap()
        .hits
        .into_iter()
        .flat_map(|h| h.entities)
        .collect();
    ids.sort();
    ids
}

#[test]
fn ingest_makes_records_findable_by_name_identifier_and_date() {
    let (_d, e) = setup();
    assert_eq!(found(&e, "ana", "catherine"), ["hr:officer:3"]);
    assert_eq!(found(&e, "ana", "id:DS77"), ["hr:officer:3"]);
    assert_eq!(
        found(&e, "ana", "smith born:1984"),
        ["hr:officer:1", "hr:officer:2"]
    );
    assert!(found(&e, "ana", "born:1990..1999 smith").is_empty());
}

#[test]
fn masked_special_category_values_are_never_matched() {
    let (_d, e) = setup();
    // `A1` is an ethnicity code: masked for this purpose, so not searchable.
    assert!(found(&e, "ana", "A1").is_empty());
    assert!(found(&e, "ana", "text:A1").is_empty());
}

#[test]
fn erasure_removes_from_the_index_and_is_logged() {
    let (_d, e) = setup();
    assert_eq!(found(&e, "ana", "id:DI9"), ["hr:officer:4"]);
    assert!(on_disk(&e, b"Daniel Ray"));
    let s = e.session(req("ana")).unwrap();
    let refused = s.erase("hr:officer:4", "SAR-2026-9").unwrap_err();
    assert!(
        matches!(refused, EngineError::Forbidden { .. }),
        "{refused}"
    );
    drop(s);
    let dpo = e.session(req("dpo")).unwrap();
    assert!(dpo.erase("hr:officer:4", "SAR-2026-9").unwrap() > 0);
    assert!(found(&e, "ana", "id:DI9").is_empty());
    assert!(found(&e, "ana", "daniel").is_empty());
    // A rebuild from the store does not bring it back either.
    dpo.rebuild_index().unwrap();
    assert!(found(&e, "ana", "daniel").is_empty());
    assert_eq!(found(&e, "ana", "catherine"), ["hr:officer:3"]);
    let ops: Vec<String> = dpo
        .events(20)
        .unwrap()
        .into_iter()
        .map(|ev| ev.operation)
        .collect();
    assert!(ops.contains(&"erase".to_string()), "{ops:?}");
    // The database files no longer hold the erased name.
    assert!(!on_disk(&e, b"Daniel Ray"), "erased value still on disk");
}

#[test]
fn every_search_is_logged_with_the_query_by_hash() {
    let (_d, e) = setup();
    let s = e.session(req("ana")).unwrap();
    s.search("catherine", PAGE).unwrap();
    assert!(s.search("name:\"unclosed", PAGE).is_err());
    drop(s);
    let dpo = e.session(req("dpo")).unwrap();
    let evs = dpo.events(10).unwrap();
    let searches: Vec<_> = evs
        .iter()
        .filter(|ev| ev.query.starts_with("search"))
        .collect();
    assert_eq!(searches.len(), 2, "{evs:#?}");
    assert!(
        searches
            .iter()
            .all(|ev| !ev.query.contains("catherine") && ev.principal == "ana")
    );
}

/// Whether the bytes appear in the database, its write-ahead log or the
/// search index's files.
fn on_disk(e: &Engine, needle: &[u8]) -> bool {
    let index = std::fs::read_dir(e.dir().join("index/tantivy"))
        .unwrap()
        .map(|f| f.unwrap().path());
    ["clearstone.db", "clearstone.db-wal"]
        .iter()
        .map(|f| e.dir().join(f))
        .chain(index)
        .any(|f| std::fs::read(f).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)))
}
