//! An erased saved search: its text went with the person it named, but its
//! row stayed, keeping the text's hash and its owner's place toward the
//! limit of saved searches. The row goes whole.
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

#[test]
fn an_erased_saved_search_frees_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("people.csv"), ROWS).unwrap();
    std::fs::write(
        tmp.path().join("people.toml"),
        clearstone_demo::PEOPLE_MAPPING,
    )
    .unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
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
    s.ingest(&tmp.path().join("people.toml"), &mut |_| {})
        .unwrap();
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
