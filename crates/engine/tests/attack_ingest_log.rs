//! The ingest log against a user not cleared for every dataset: the
//! register leaves out the datasets whose markings the user does not hold,
//! as their counts would tell how much is held that the session may not
//! see, and the log of runs must not tell it either.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::{Classification, Engine, SessionRequest};

const PEOPLE: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
p1,Catherine,Lee,4,Mill Lane,,Northshire,NS2 7AB,,19900101,AB123456
";

const HEALTH_MAPPING: &str = r#"version = 1
[dataset]
name = "occupational_health"
owner = "Occupational Health"
legal_basis = "employment records"
markings = "OFFICIAL-SENSITIVE:HR"
[source]
format = "csv"
path = "referrals.csv"
[[entities]]
name = "person"
schema = "Person"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
"#;

const REFERRALS: &str = "id,name\n1,Dan Brown\n2,Eve Green\n3,Fay Hill\n";

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "loading the monthly exports".into(),
        ..SessionRequest::default()
    }
}

fn setup(tmp: &Path) -> Engine {
    std::fs::write(tmp.join("people.csv"), PEOPLE).unwrap();
    std::fs::write(tmp.join("people.toml"), clearstone_demo::PEOPLE_MAPPING).unwrap();
    std::fs::write(tmp.join("referrals.csv"), REFERRALS).unwrap();
    std::fs::write(tmp.join("referrals.toml"), HEALTH_MAPPING).unwrap();
    let e = Engine::init(&tmp.join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("eng", &["data_engineer"])],
        &support::purpose("loading", &["data_engineer"], &["*"]),
    );
    support::admin(&e, "set-up")
        .put_user(&support::user(
            "hr_loader",
            &["data_engineer"],
            Classification::OfficialSensitive,
            &["HR"],
        ))
        .unwrap();
    let s = e.session(req("eng", "loading")).unwrap();
    s.ingest(&tmp.join("people.toml"), &mut |_| {}).unwrap();
    let s = e.session(req("hr_loader", "loading")).unwrap();
    s.ingest(&tmp.join("referrals.toml"), &mut |_| {}).unwrap();
    e
}

#[test]
fn the_ingest_log_lists_only_the_runs_of_datasets_the_user_may_see() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path());
    let s = e.session(req("eng", "loading")).unwrap();
    let covered: Vec<String> = s.datasets().unwrap().into_iter().map(|d| d.name).collect();
    assert_eq!(covered, ["people"]);
    let runs: Vec<String> = s
        .ingest_runs(20)
        .unwrap()
        .into_iter()
        .map(|r| r.dataset)
        .collect();
    assert_eq!(runs, ["people"]);
    // One cleared for both sees both runs.
    let all = e.session(req("hr_loader", "loading")).unwrap();
    assert_eq!(all.ingest_runs(20).unwrap().len(), 2);
}
