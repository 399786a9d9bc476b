//! The dataset register's counts against what the session may see: a
//! dataset it is covered for also held health absences (a type hidden from
//! a purpose without a special-category basis) and values marked above its
//! clearance, and its statement and quarantine counts included them, so the
//! register told how much was held that the session may not see.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::SensitiveBasis;
use clearstone_engine::{Classification, Engine, SessionRequest};

const CSV: &str = "staff_no,name,absence_id,start_date,class\n\
S1,Ann Ash,A1,2026-01-05,sickness\n\
S2,Bea Birch,A2,2026-02-09,maternity\n\
,No Key,A3,2026-03-02,sickness\n";

const STAFF: &str = r#"version = 1
[dataset]
name = "staff"
markings = "OFFICIAL"
[source]
format = "csv"
path = "rows.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
"#;

/// The same staff, with their absences and a record marked above OFFICIAL.
const HR: &str = r#"version = 1
[dataset]
name = "hr"
markings = "OFFICIAL"
[source]
format = "csv"
path = "rows.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
[[entities]]
name = "absence"
schema = "Absence"
keys = ["absence_id"]
[entities.properties]
reference = { column = "absence_id" }
staff_member = { entity = "hr:staff", column = "staff_no" }
start_date = { column = "start_date" }
reason_class = { column = "class" }
[[entities]]
name = "vetted"
schema = "Person"
keys = ["staff_no"]
subject_category = "staff"
markings = "OFFICIAL-SENSITIVE"
[entities.properties]
name = { column = "name" }
"#;

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "checking the register".into(),
        ..SessionRequest::default()
    }
}

#[test]
fn the_register_counts_only_what_the_session_may_see() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("rows.csv"), CSV).unwrap();
    std::fs::write(tmp.path().join("staff.toml"), STAFF).unwrap();
    std::fs::write(tmp.path().join("hr.toml"), HR).unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up");
    let os = Classification::OfficialSensitive;
    admin
        .put_user(&support::user(
            "eng",
            &["data_engineer", "analyst"],
            os,
            &[],
        ))
        .unwrap();
    admin
        .put_user(&support::user(
            "bob",
            &["analyst"],
            Classification::Official,
            &[],
        ))
        .unwrap();
    let mut load = support::purpose("load", &["data_engineer", "analyst"], &["*"]);
    load.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1 (statutory purposes)".into(),
    });
    admin.put_purpose(&load).unwrap();
    admin
        .put_purpose(&support::purpose("pds", &["analyst"], &["*"]))
        .unwrap();
    drop(admin);
    let eng = e.session(req("eng", "load")).unwrap();
    eng.ingest(&tmp.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    eng.ingest(&tmp.path().join("hr.toml"), &mut |_| {})
        .unwrap();
    let loader = eng.datasets().unwrap();
    drop(eng);
    let hr_all = loader.iter().find(|d| d.name == "hr").unwrap();
    assert_eq!(hr_all.quarantined, 1, "{loader:?}");

    let bob = e.session(req("bob", "pds")).unwrap();
    let seen = bob.datasets().unwrap();
    let staff = seen.iter().find(|d| d.name == "staff").unwrap();
    let hr = seen.iter().find(|d| d.name == "hr").unwrap();
    assert!(staff.statements > 0, "{seen:?}");
    assert!(hr_all.statements > staff.statements, "{loader:?}");
    // Only the staff records: no absence, nothing marked above OFFICIAL.
    assert_eq!(hr.statements, staff.statements, "{seen:?}");
    // Quarantined rows are for those who may load them.
    assert_eq!(hr.quarantined, 0, "{seen:?}");
}
