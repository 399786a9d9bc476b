//! A case bundle exported by a session opened without its case: the case
//! pages withhold protected characteristics (date of birth, sex, …) from
//! those who work a case, but the bundle gave them in full when the export
//! was not made under `--case`. It withholds exactly what the pages do.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Destination, Disclosure, Engine, PROTECTED_PLACEHOLDER, SessionRequest};

const ROWS: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
p1,Bartholomew,Quennevilliers,12,Larkspur Crescent,,Northshire,NS1 4QZ,,19611123,QX773401
";

fn req(case_ref: Option<&str>) -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: "pds".into(),
        justification: "complaint reference PSD-41".into(),
        case_ref: case_ref.map(str::to_string),
        ..SessionRequest::default()
    }
}

fn bundle(e: &Engine, case_ref: Option<&str>) -> String {
    let s = e.session(req(case_ref)).unwrap();
    let mut out = Vec::new();
    let to = Disclosure {
        recipient: "self, for analysis",
        gateway: None,
    };
    s.export_case("PSD-41", Destination::Stream(&mut out), &to)
        .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_case_bundle_withholds_protected_characteristics_with_or_without_its_case() {
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
        &[("ana", &["analyst", "data_engineer"])],
        &Purpose {
            description: "Professional standards".into(),
            ..support::purpose("pds", &["analyst"], &["*"])
        },
    );
    let s = e.session(req(None)).unwrap();
    s.ingest(&tmp.path().join("people.toml"), &mut |_| {})
        .unwrap();
    s.create_case(Some("PSD-41"), "Conduct complaint").unwrap();
    s.case_link("PSD-41", "subject", "people:person:p1")
        .unwrap();
    drop(s);

    for case_ref in [Some("PSD-41"), None] {
        let json = bundle(&e, case_ref);
        assert!(json.contains("Quennevilliers"), "{json}");
        assert!(json.contains(PROTECTED_PLACEHOLDER), "{case_ref:?}: {json}");
        assert!(!json.contains("1961"), "{case_ref:?}: {json}");
    }
}
