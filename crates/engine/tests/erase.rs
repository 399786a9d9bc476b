//! Erasure reaches every place a record's values were kept: its statements,
//! the quarantine, judgements and clusters, the texts of searches and
//! justifications that named it, and the index, down to the bytes on disk.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, EngineError, ResolveOptions, SearchPage, SessionRequest};

/// p1 is erased; p2 and p3 are one person, whom a reviewer joined to p1;
/// p4 has an impossible date of birth, so it exists only in quarantine.
const ROWS: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
p1,Bartholomew,Quennevilliers,12,Larkspur Crescent,,Northshire,NS1 4QZ,,19611123,QX773401
p2,Catherine,Lee,4,Mill Lane,,Northshire,NS2 7AB,,19900101,AB123456
p3,Catherine,Lee,4,Mill Lane,,Northshire,NS2 7AB,,19900101,AB123456
p4,Zebedee,Featherstonehaugh,9,Elm Road,,Northshire,NS3 1CD,,19800231,ZF998877
";

/// Every form the erased records' values were kept in: as the source wrote
/// them, cleaned, and folded the way search texts and index keys hold them.
const ERASED: &[&str] = &[
    "Bartholomew",
    "bartholomew",
    "Quennevilliers",
    "quennevilliers",
    "QX773401",
    "qx773401",
    "19611123",
    "1961-11-23",
    "Zebedee",
    "zebedee",
    "Featherstonehaugh",
    "featherstonehaugh",
    "ZF998877",
    "19800231",
];

const PAGE: SearchPage = SearchPage {
    offset: 0,
    size: 10,
};

fn req(user: &str, justification: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: justification.into(),
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
    let s = e.session(req("ana", "loading the register")).unwrap();
    let sum = s.ingest(&tmp.join("people.toml"), &mut |_| {}).unwrap();
    assert_eq!(sum.quarantined, 1, "{sum:?}");
    s.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    e
}

fn canonical_of(e: &Engine, id: &str) -> Option<String> {
    e.session(req("ana", "checking clusters"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap()
        .into_iter()
        .find(|(entity, _)| entity == id)
        .map(|(_, c)| c)
}

fn quarantined(e: &Engine) -> u64 {
    let s = e.session(req("ana", "checking quarantine")).unwrap();
    s.quarantine(Some("people"), 10).unwrap().1
}

/// Every file under `dir`, at any depth.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The files of the data directory that hold `needle`.
fn holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let needle = needle.as_bytes();
    files(dir)
        .into_iter()
        .filter(|f| std::fs::read(f).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)))
        .collect()
}

// issue 14, finding 7
#[test]
fn erasure_leaves_no_value_of_the_record_in_any_file() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path());
    let data = e.dir().to_path_buf();
    // The justification and the searches name the people to be erased, in
    // the lower case that search texts are typed in.
    let s = e
        .session(req("ana", "complaint about Bartholomew Quennevilliers"))
        .unwrap();
    for q in [
        "bartholomew",
        "quennevilliers, bartholomew",
        "id:qx773401",
        "zebedee featherstonehaugh",
        "catherine lee mill lane",
    ] {
        s.search(q, PAGE).unwrap();
    }
    s.judge(
        "people:person:p1",
        "people:person:p2",
        "same",
        "bartholomew quennevilliers changed name to catherine lee",
    )
    .unwrap();
    drop(s);
    let joined = canonical_of(&e, "people:person:p1").unwrap();
    assert_eq!(canonical_of(&e, "people:person:p2").unwrap(), joined);
    for needle in ERASED {
        assert!(
            !holding(&data, needle).is_empty(),
            "`{needle}` is not on disk before the erasure, so its absence after proves nothing"
        );
    }

    let dpo = e.session(req("dpo", "subject access request")).unwrap();
    assert!(dpo.erase("people:person:p1", "SAR-2026-9").unwrap() > 0);
    // A record held only in quarantine can be erased too.
    assert_eq!(quarantined(&e), 1);
    assert_eq!(dpo.erase("people:person:p4", "SAR-2026-10").unwrap(), 0);
    assert_eq!(quarantined(&e), 0);
    assert!(matches!(
        dpo.erase("people:person:p4", "SAR-2026-10"),
        Err(EngineError::NotFound(_))
    ));
    // The cluster the erased record held together is formed again without it.
    assert_eq!(canonical_of(&e, "people:person:p1"), None);
    assert_ne!(canonical_of(&e, "people:person:p2").unwrap(), joined);
    drop(dpo);
    drop(e);

    for needle in ERASED {
        let left = holding(&data, needle);
        assert!(left.is_empty(), "`{needle}` is still in {left:?}");
    }
    // Texts that name someone else are kept.
    assert!(!holding(&data, "catherine lee mill lane").is_empty());
}
