//! A small professional-standards data directory for the dossier and graph
//! tests: officers (two records of one of them, joined by resolution),
//! their homes, absences, complaints with complainants, and a SECRET
//! intelligence report, loaded through a session like any other data.
//!
//! ```text
//!   R1 (intel, SECRET) --subject--> officer 3
//!   R1 --submitted_by--> officer 1 == vetting V1 (one cluster)
//!   C1 (2021-05-01), C2 (2019-11-20) --subject--> officer 1
//!   C1 --complainant--> P1 <--complainant-- C3 (2022-01-15) --subject--> officer 2
//!   C2 --complainant--> P2
//!   A1 (2020-06-01 .. 2020-06-09) --staff_member--> officer 1
//! ```
//!
//! Who sees what: `eng` and `sam` (SECRET, caveat PSD) see everything;
//! `ana` (OFFICIAL-SENSITIVE, PSD) all but intelligence; `hal` (no PSD
//! caveat) neither complaints nor complainants. The purpose `hr-only`
//! leaves out vetting, complaints and intelligence; `psd-only` covers
//! complaints alone. `pds` and `hr-only` name a lawful condition for
//! special-category data, so the absence (a record whose type is `health`)
//! is theirs to see; `pds-plain` is `pds` without one. `vetting-only`
//! sees Ann's vetting record but not her HR record, the smallest member of
//! her cluster. The directory is built and resolved once per test
//! binary and copied for each test, so tests can count events alone.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clearstone_engine::{Engine, ResolveOptions, Session, SessionRequest};
use clearstone_model::Classification;

use crate::support::{bootstrap_admin, purpose, user};

pub const OFFICER_1: &str = "hr:officer:1";
pub const OFFICER_2: &str = "hr:officer:2";
pub const OFFICER_3: &str = "hr:officer:3";
pub const VETTING_1: &str = "vetting:officer:V1";
pub const COMPLAINANT_1: &str = "psd:complainant:P1";
pub const COMPLAINANT_2: &str = "psd:complainant:P2";
pub const REPORT_1: &str = "intel:report:R1";

const HR: &str = r#"version = 1
[dataset]
name = "hr"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "hr.csv"
date_formats = ["iso"]
[[entities]]
name = "officer"
schema = "Officer"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = { columns = ["first", "last"], join = " " }
first_name = { column = "first" }
last_name = { column = "last" }
birth_date = { column = "dob" }
national_insurance_number = { column = "nino" }
collar_number = { column = "collar" }
ethnicity = { column = "ethnicity" }
address = { entity = "home" }
[[entities]]
name = "home"
schema = "Address"
keys = ["id"]
[entities.properties]
full = { columns = ["street", "town", "postcode"], join = ", " }
street = { column = "street" }
town = { column = "town" }
postcode = { column = "postcode" }
"#;

const HR_CSV: &str = "id,first,last,dob,nino,collar,ethnicity,street,town,postcode
1,Ann,Smithson,1984-07-03,QQ123456C,101,white,1 Mill Lane,Northtown,NT1 1AA
2,Bob,Jones,1980-02-28,QQ654321A,202,,9 High Street,Southtown,ST2 2BB
3,Cat,Lee,1990-01-01,QQ111222B,303,,4 Quay Road,Easton,EN3 3AB
";

const VETTING: &str = r#"version = 1
[dataset]
name = "vetting"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "vetting.csv"
date_formats = ["iso"]
[[entities]]
name = "officer"
schema = "Officer"
keys = ["ref"]
subject_category = "staff"
[entities.properties]
name = { columns = ["first", "last"], join = " " }
first_name = { column = "first" }
last_name = { column = "last" }
birth_date = { column = "dob" }
national_insurance_number = { column = "nino" }
address = { entity = "home" }
[[entities]]
name = "home"
schema = "Address"
keys = ["ref"]
[entities.properties]
full = { columns = ["street", "town", "postcode"], join = ", " }
street = { column = "street" }
town = { column = "town" }
postcode = { column = "postcode" }
"#;

const VETTING_CSV: &str = "ref,first,last,dob,nino,street,town,postcode
V1,Ann,Smithson,1984-07-03,QQ123456C,1 Mill Lane,Northtown,NT1 1AA
";

const PSD: &str = r#"version = 1
[dataset]
name = "psd"
markings = "OFFICIAL-SENSITIVE:PSD"
[source]
format = "csv"
path = "psd.csv"
date_formats = ["iso"]
[[entities]]
name = "complaint"
schema = "Complaint"
keys = ["ref"]
[entities.properties]
reference = { column = "ref" }
date = { column = "date" }
allegation_category = { column = "category" }
subject = { entity = "hr:officer", column = "officer" }
complainant = { entity = "complainant" }
[[entities]]
name = "complainant"
schema = "Person"
keys = ["person"]
subject_category = "other"
[entities.properties]
name = { columns = ["person_first", "person_last"], join = " " }
first_name = { column = "person_first" }
last_name = { column = "person_last" }
"#;

const PSD_CSV: &str = "ref,date,category,officer,person,person_first,person_last
C1,2021-05-01,use_of_force,1,P1,Dee,Holt
C2,2019-11-20,individual_behaviour,1,P2,Eve,Nash
C3,2022-01-15,delivery_of_duties,2,P1,Dee,Holt
";

const ABSENCE: &str = r#"version = 1
[dataset]
name = "absence"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "absence.csv"
date_formats = ["iso"]
[[entities]]
name = "absence"
schema = "Absence"
keys = ["ref"]
[entities.properties]
reference = { column = "ref" }
start_date = { column = "from" }
end_date = { column = "to" }
reason_class = { column = "reason" }
staff_member = { entity = "hr:officer", column = "officer" }
"#;

const ABSENCE_CSV: &str = "ref,from,to,reason,officer
A1,2020-06-01,2020-06-09,sickness,1
";

const INTEL: &str = r#"version = 1
[dataset]
name = "intel"
markings = "SECRET"
[source]
format = "csv"
path = "intel.csv"
date_formats = ["iso"]
[[entities]]
name = "report"
schema = "IntelligenceReport"
keys = ["ref"]
[entities.properties]
reference = { column = "ref" }
date = { column = "date" }
topic = { column = "topic" }
subject = { entity = "hr:officer", column = "subject" }
submitted_by = { entity = "hr:officer", column = "by" }
"#;

const INTEL_CSV: &str = "ref,date,topic,subject,by
R1,2023-03-03,organised_crime,3,1
";

/// Sources to load later, to see the graph follow the index.
pub const PSD_MORE_CSV: &str = "ref,date,category,officer,person,person_first,person_last
C4,2023-09-09,other,3,P2,Eve,Nash
";

const PEOPLE: &str = clearstone_demo::PEOPLE_MAPPING;

pub const SOURCES: [(&str, &str, &str, &str); 5] = [
    ("hr", HR, "hr.csv", HR_CSV),
    ("vetting", VETTING, "vetting.csv", VETTING_CSV),
    ("psd", PSD, "psd.csv", PSD_CSV),
    ("absence", ABSENCE, "absence.csv", ABSENCE_CSV),
    ("intel", INTEL, "intel.csv", INTEL_CSV),
];

pub fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "complaint 2026/114".into(),
        case_ref: Some("PSD-114".into()),
        ..SessionRequest::default()
    }
}

fn register(e: &Engine) {
    let admin = bootstrap_admin(e, "setting up the test");
    let os = Classification::OfficialSensitive;
    for p in [
        user(
            "eng",
            &["analyst", "data_engineer"],
            Classification::Secret,
            &["PSD"],
        ),
        user("sam", &["analyst"], Classification::Secret, &["PSD"]),
        user("ana", &["analyst"], os, &["PSD"]),
        user("hal", &["analyst"], os, &[]),
    ] {
        admin.put_user(&p).unwrap();
    }
    for p in [
        purpose("load", &["data_engineer"], &["*"]),
        with_basis(purpose("pds", &["analyst"], &["*"])),
        with_basis(purpose(
            "hr-only",
            &["analyst"],
            &["hr", "absence", "people"],
        )),
        purpose("psd-only", &["analyst"], &["psd"]),
        purpose("pds-plain", &["analyst"], &["*"]),
        purpose("vetting-only", &["analyst"], &["vetting"]),
    ] {
        admin.put_purpose(&p).unwrap();
    }
}

fn with_basis(p: clearstone_engine::policy::Purpose) -> clearstone_engine::policy::Purpose {
    clearstone_engine::policy::Purpose {
        sensitive: Some(clearstone_engine::policy::SensitiveBasis {
            condition: "DPA 2018 sch. 8 para 1 (statutory purposes)".into(),
        }),
        ..p
    }
}

/// Writes a mapping and its CSV into `dir` and loads them.
pub fn load(s: &Session<'_>, dir: &Path, mapping: &str, csv_name: &str, csv: &str) {
    std::fs::write(dir.join(csv_name), csv).unwrap();
    let m = dir.join(format!("{csv_name}.toml"));
    std::fs::write(&m, mapping).unwrap();
    let sum = s.ingest(&m, &mut |_| {}).unwrap();
    if sum.quarantined > 0 {
        let (rows, _) = s.quarantine(None, 10).unwrap();
        panic!("{csv_name}: {rows:?}");
    }
}

/// The PSD mapping, for loading more complaints.
pub fn psd_mapping() -> &'static str {
    PSD
}

fn build(root: &Path) {
    let src = root.join("src");
    std::fs::create_dir_all(&src).unwrap();
    // Generated people train the resolution model; ours are among them.
    clearstone_demo::write_people_csv(5, 400, &src).unwrap();
    let e = Engine::init(&root.join("data"), None).unwrap();
    register(&e);
    let s = e.session(req("eng", "load")).unwrap();
    let m = src.join("people.toml");
    std::fs::write(&m, PEOPLE).unwrap();
    s.ingest(&m, &mut |_| {}).unwrap();
    for (_, mapping, name, csv) in SOURCES {
        load(&s, &src, mapping, name, csv);
    }
    s.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    // People decide: the two records of Ann are one officer, a complainant
    // is someone else, and a mistaken judgement is withdrawn.
    s.judge(
        OFFICER_1,
        VETTING_1,
        "same",
        "same NI number and date of birth",
    )
    .unwrap();
    s.judge(
        OFFICER_1,
        COMPLAINANT_1,
        "not_same",
        "the complainant is a member of the public",
    )
    .unwrap();
    let j = s
        .judge(OFFICER_1, OFFICER_2, "unsure", "first look")
        .unwrap();
    s.withdraw_judgement(j.id, "entered against the wrong pair")
        .unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the loaded and resolved directory: the data directory
/// is `<tmp>/data`, the sources `<tmp>/src`.
pub fn fixture() -> (tempfile::TempDir, Engine) {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        build(&dir);
        dir
    });
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(template, tmp.path());
    let e = Engine::open(&tmp.path().join("data")).unwrap();
    (tmp, e)
}

/// Events this engine holds, read by `eng` (who may read the log).
pub fn event_count(e: &Engine) -> usize {
    e.session(req("eng", "load"))
        .unwrap()
        .events(10_000)
        .unwrap()
        .len()
}

/// Runs `op` and checks it appended exactly one event, returning it.
pub fn one_event(e: &Engine, op: impl FnOnce()) -> clearstone_engine::AccessEvent {
    let before = event_count(e);
    op();
    let after = e
        .session(req("eng", "load"))
        .unwrap()
        .events(10_000)
        .unwrap();
    // +1 for the operation, +1 for the read that counted them (a read is
    // logged after it is taken, so newest first the operation is on top).
    assert_eq!(after.len(), before + 2, "exactly one event per operation");
    after[0].clone()
}
