//! An erased saved search: its text went with the person it named, but its
//! row stayed, keeping the text's hash and its owner's place toward the
//! limit of saved searches. The row goes whole. And a saved search never
//! run, naming the person only by a nickname, was kept: erasure now runs each
//! saved search, and one that finds the person goes with them.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, SAVED_SEARCHES_MAX, SearchFilters, SearchPage, SessionRequest};

const ROWS: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
p1,Bartholomew,Quennevilliers,12,Larkspur Crescent,,Northshire,NS1 4QZ,,19611123,QX773401
p2,Catherine,Lee,4,Mill Lane,,Northshire,NS2 7AB,,19900101,AB123456
";

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: "complaint reference PSD-41".into(),
        ..SessionRequest::default()
    }
}

fn query(q: &str) -> SearchFilters {
    SearchFilters {
        q: q.into(),
        ..SearchFilters::default()
    }
}

fn setup(tmp: &std::path::Path) -> Engine {
    std::fs::write(tmp.join("people.csv"), ROWS).unwrap();
    std::fs::write(tmp.join("people.toml"), clearstone_demo::PEOPLE_MAPPING).unwrap();
    let e = Engine::init(&tmp.join("data"), None).unwrap();
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
    e.session(req("ana"))
        .unwrap()
        .ingest(&tmp.join("people.toml"), &mut |_| {})
        .unwrap();
    e
}

#[test]
fn an_erased_saved_search_frees_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path());
    let s = e.session(req("ana")).unwrap();
    let found = s.save_search("follow up", &query("bart")).unwrap();
    let page = SearchPage {
        offset: 0,
        size: 10,
    };
    assert_eq!(s.run_saved_search(&found.id, page).unwrap().1.total, 1);
    for n in 1..SAVED_SEARCHES_MAX {
        s.save_search(&format!("other {n}"), &query(&format!("catherine {n}")))
            .unwrap();
    }
    assert!(s.save_search("one too many", &query("lee")).is_err());
    drop(s);

    let dpo = e.session(req("dpo")).unwrap();
    assert!(dpo.erase("people:person:p1", "SAR-2026-9").unwrap() > 0);
    drop(dpo);

    let s = e.session(req("ana")).unwrap();
    assert_eq!(s.saved_searches().unwrap().len(), SAVED_SEARCHES_MAX - 1);
    s.save_search("one more", &query("lee")).unwrap();
}

#[test]
fn a_saved_search_never_run_that_finds_the_erased_person_goes_with_them() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path());
    let s = e.session(req("ana")).unwrap();
    s.save_search("follow up", &query("bart")).unwrap();
    s.save_search("someone else", &query("catherine")).unwrap();
    drop(s);

    let dpo = e.session(req("dpo")).unwrap();
    assert!(dpo.erase("people:person:p1", "SAR-2026-9").unwrap() > 0);
    drop(dpo);

    let names: Vec<String> = e
        .session(req("ana"))
        .unwrap()
        .saved_searches()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["someone else"]);
}
