//! Saved searches against erasure: a saved search is kept text a user
//! typed, and when it named a person who is erased it goes with them, even
//! when it named them only as its search did (a nickname), not by a value
//! of the record.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, SearchFilters, SearchPage, SessionRequest};

const ROWS: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
p1,Bartholomew,Quennevilliers,12,Larkspur Crescent,,Northshire,NS1 4QZ,,19611123,QX773401
p2,Catherine,Lee,4,Mill Lane,,Northshire,NS2 7AB,,19900101,AB123456
";

const PAGE: SearchPage = SearchPage {
    offset: 0,
    size: 10,
};

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: "complaint reference PSD-41".into(),
        ..SessionRequest::default()
    }
}

fn setup(tmp: &Path) -> Engine {
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

fn saved_names(e: &Engine) -> Vec<String> {
    e.session(req("ana"))
        .unwrap()
        .saved_searches()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

#[test]
fn a_saved_search_that_found_an_erased_person_by_nickname_is_erased_with_them() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path());
    let s = e.session(req("ana")).unwrap();
    let by_nickname = s
        .save_search(
            "follow up",
            &SearchFilters {
                q: "bart".into(),
                ..SearchFilters::default()
            },
        )
        .unwrap();
    let (_, found) = s.run_saved_search(&by_nickname.id, PAGE).unwrap();
    assert_eq!(found.total, 1, "{found:?}");
    s.save_search(
        "someone else",
        &SearchFilters {
            q: "catherine".into(),
            ..SearchFilters::default()
        },
    )
    .unwrap();
    drop(s);
    assert_eq!(saved_names(&e), ["follow up", "someone else"]);

    let dpo = e.session(req("dpo")).unwrap();
    assert!(dpo.erase("people:person:p1", "SAR-2026-9").unwrap() > 0);
    drop(dpo);

    // The search that found him goes; the one naming someone else stays.
    assert_eq!(saved_names(&e), ["someone else"]);
    let s = e.session(req("ana")).unwrap();
    assert!(s.run_saved_search(&by_nickname.id, PAGE).is_err());
}
