//! A resolution profile asked for by a loader who may not see every record
//! of the type: fill rates, distinct values and pair counts must be those
//! of a store that never held the hidden records, a protected
//! characteristic must count as missing, and a purpose that may not load
//! the type is refused in one event.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::{Classification, Engine, ResolveProfile, SessionRequest};

/// Ten people sharing five family names, each with a NI number and an
/// ethnicity.
fn people_csv() -> String {
    let mut csv = String::from("id,first,last,nino,ethnicity\n");
    let ethnicities = ["white", "mixed", "asian", "black", "other"];
    for n in 0..10 {
        csv.push_str(&format!(
            "{n},Given{n},Family{},AB{n:06}C,{}\n",
            n % 5,
            ethnicities[n % 5]
        ));
    }
    csv
}

/// A mapping of `people.csv` into `dataset`: each row a person, and, when
/// `vetted`, the same row again as a person vetted `SECRET`.
fn mapping(dataset: &str, markings: &str, vetted: bool) -> String {
    let entity = |name: &str, markings: &str| {
        format!(
            r#"
[[entities]]
name = "{name}"
schema = "Person"
keys = ["id"]
subject_category = "other"
markings = "{markings}"
[entities.properties]
first_name = {{ column = "first" }}
last_name = {{ column = "last" }}
national_insurance_number = {{ column = "nino" }}
ethnicity = {{ column = "ethnicity" }}
"#
        )
    };
    let mut m = format!(
        "version = 1\n[dataset]\nname = \"{dataset}\"\nmarkings = \"{markings}\"\n[source]\nformat = \"csv\"\npath = \"people.csv\"\n"
    );
    m.push_str(&entity("person", "OFFICIAL"));
    if vetted {
        m.push_str(&entity("vetted", "SECRET"));
    }
    m
}

const SETTINGS: &str = r#"
[[field]]
name = "family"
kind = "family_name"
columns = ["last_name"]

[[field]]
name = "nino"
kind = "identifier"
columns = ["national_insurance_number"]

[[field]]
name = "ethnicity"
kind = "identifier"
columns = ["ethnicity"]

[[blocking]]
name = "family"
keys = ["family"]
"#;

fn req(purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: "eng".into(),
        purpose: purpose.into(),
        justification: "checking the settings before a run".into(),
        ..SessionRequest::default()
    }
}

/// A store holding `open` (covered by `prof`, which names no lawful
/// condition) and, when `hidden`, records `prof` may not see: the same
/// people vetted above the loader's clearance inside `open`, and again in
/// `closed`, a dataset `prof` does not cover.
fn engine(dir: &Path, hidden: bool) -> Engine {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("people.csv"), people_csv()).unwrap();
    let e = Engine::init(&dir.join("data"), None).unwrap();
    let mut eng = support::user("eng", &["data_engineer"], Classification::Secret, &[]);
    {
        let admin = support::bootstrap_admin(&e, "setting up the profile");
        admin.put_user(&eng).unwrap();
        admin
            .put_purpose(&support::purpose("load", &["data_engineer"], &["*"]))
            .unwrap();
        admin
            .put_purpose(&support::purpose("prof", &["data_engineer"], &["open"]))
            .unwrap();
        let mut basis = support::purpose("prof-basis", &["data_engineer"], &["open"]);
        basis.sensitive = Some(clearstone_engine::policy::SensitiveBasis {
            condition: "DPA 2018 sch. 1 para 8 (equality of opportunity)".into(),
        });
        admin.put_purpose(&basis).unwrap();
        admin
            .put_purpose(&support::purpose("read", &["analyst"], &["*"]))
            .unwrap();
    }
    let mut sources = vec![("open", mapping("open", "OFFICIAL", hidden))];
    if hidden {
        sources.push(("closed", mapping("closed", "OFFICIAL", false)));
    }
    let s = e.session(req("load")).unwrap();
    for (name, text) in sources {
        let m = dir.join(format!("{name}.toml"));
        std::fs::write(&m, text).unwrap();
        s.ingest(&m, &mut |_| {}).unwrap();
    }
    drop(s);
    eng.clearance = Classification::OfficialSensitive;
    support::admin(&e, "back to his clearance")
        .put_user(&eng)
        .unwrap();
    e
}

fn profile(e: &Engine, purpose: &str) -> ResolveProfile {
    e.session(req(purpose))
        .unwrap()
        .resolve_profile("Person", Some(SETTINGS))
        .unwrap()
}

#[test]
fn a_profile_counts_as_if_the_hidden_records_were_never_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let without = engine(&tmp.path().join("without"), false);
    let with = engine(&tmp.path().join("with"), true);
    let p = profile(&without, "prof");
    assert_eq!(p.records, 10, "{p:?}");
    let family = p.rules.iter().find(|r| r.rule == "family").unwrap();
    assert_eq!(family.pairs, 5, "two people to each family name: {p:?}");
    assert_eq!(profile(&with, "prof"), p);
}

#[test]
fn a_protected_characteristic_counts_as_missing_even_under_a_lawful_condition() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path(), true);
    let field = |p: &ResolveProfile, name: &str| {
        let f = p.fields.iter().find(|f| f.field == name).unwrap();
        let r = p.rules.iter().find(|r| r.rule == name).unwrap();
        (f.filled, f.distinct, r.pairs)
    };
    for purpose in ["prof", "prof-basis"] {
        let p = profile(&e, purpose);
        // Ethnicity is special-category and a protected characteristic:
        // no value of it may weigh in who is who, nor be counted.
        assert_eq!(field(&p, "ethnicity"), (0, 0, 0), "{purpose}: {p:?}");
        // The settings read the other columns all the same.
        assert_eq!(field(&p, "nino"), (10, 10, 0), "{purpose}: {p:?}");
    }
}

#[test]
fn a_purpose_that_may_not_load_the_type_is_refused_in_one_event() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path(), false);
    let ana = support::user("ana", &["analyst"], Classification::Secret, &[]);
    support::admin(&e, "an analyst").put_user(&ana).unwrap();
    let s = e
        .session(SessionRequest {
            principal: "ana".into(),
            ..req("read")
        })
        .unwrap();
    let before = s.own_events(100).unwrap().len();
    let err = s.resolve_profile("Person", Some(SETTINGS)).unwrap_err();
    assert!(
        matches!(err, clearstone_engine::EngineError::Forbidden { .. }),
        "{err:?}"
    );
    let events = s.own_events(100).unwrap();
    // The read of one's own events before is one event too.
    assert_eq!(events.len(), before + 2, "{events:?}");
    assert_eq!(events[0].operation, "refused");
}
