//! References by a non-key column: an overtime claim names the staff
//! number, not the HR system's key, and is linked to the one HR record
//! holding that number, through the gate.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, IngestSummary, Session, SessionRequest};

const HR: &str = r#"version = 1
[dataset]
name = "hr"
[source]
format = "csv"
path = "hr.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
"#;

const OVERTIME: &str = r#"version = 1
[dataset]
name = "overtime"
[source]
format = "csv"
path = "overtime.csv"
[[entities]]
name = "claim"
schema = "OvertimeClaim"
keys = ["ref"]
[entities.properties]
hours = { column = "hours" }
staff_member = { entity = "hr:staff", column = "staff_no", by = "staff_number" }
"#;

const CLAIMS: &str = "ref,hours,staff_no\nOT1,4,s100\nOT2,2,S200\n";

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "overtime audit 2026/3".into(),
        ..SessionRequest::default()
    }
}

/// `eng` loads anything; `pay` loads and sees overtime claims only.
fn engine(dir: &Path) -> Engine {
    let e = Engine::init(&dir.join("data"), None).unwrap();
    support::register(
        &e,
        "setting up the test",
        &[
            ("eng", &["analyst", "data_engineer"]),
            ("pay", &["analyst", "data_engineer"]),
        ],
        &support::purpose("load", &["data_engineer", "analyst"], &["*"]),
    );
    support::admin(&e, "setting up the test")
        .put_purpose(&Purpose {
            ..support::purpose("payroll", &["data_engineer", "analyst"], &["overtime"])
        })
        .unwrap();
    e
}

fn load(s: &Session<'_>, dir: &Path, name: &str, mapping: &str, csv: &str) -> IngestSummary {
    std::fs::write(dir.join(format!("{name}.csv")), csv).unwrap();
    let m = dir.join(format!("{name}.toml"));
    std::fs::write(&m, mapping).unwrap();
    s.ingest(&m, &mut |_| {}).unwrap()
}

fn staff_of(s: &Session<'_>, claim: &str) -> Vec<String> {
    s.show(claim)
        .unwrap()
        .values("staff_member")
        .map(str::to_owned)
        .collect()
}

// issue 16, item 4
#[test]
fn a_claim_is_linked_to_the_one_record_holding_its_staff_number() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let s = e.session(req("eng", "load")).unwrap();
    // Written as identifiers are keyed by hand: case and spaces differ.
    load(
        &s,
        tmp.path(),
        "hr",
        HR,
        "id,name,staff_no\n1,Ann Lee,S 100\n2,Bob Ray,s200\n",
    );
    let sum = load(&s, tmp.path(), "overtime", OVERTIME, CLAIMS);
    assert_eq!((sum.references_found, sum.dangling), (2, 0), "{sum:?}");
    assert_eq!(staff_of(&s, "overtime:claim:OT1"), ["hr:staff:1"]);
    assert_eq!(staff_of(&s, "overtime:claim:OT2"), ["hr:staff:2"]);
    // The staff number as the claim gave it is kept.
    let claim = s.show("overtime:claim:OT1").unwrap();
    let st = &claim.properties["staff_member"][0];
    assert_eq!(st.original_value.as_deref(), Some("s100"));
}

// issue 16, item 4
#[test]
fn a_claim_loaded_before_its_staff_record_dangles_until_the_record_arrives() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let s = e.session(req("eng", "load")).unwrap();
    let sum = load(&s, tmp.path(), "overtime", OVERTIME, CLAIMS);
    assert_eq!((sum.references_found, sum.dangling), (0, 2), "{sum:?}");
    let notes = s.dangling_references(None, 10).unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].target, "hr:staff?staff_number=s100");
    // Nothing is linked meanwhile: the lookup names no record.
    assert!(staff_of(&s, "overtime:claim:OT1").is_empty());

    let sum = load(
        &s,
        tmp.path(),
        "hr",
        HR,
        "id,name,staff_no\n1,Ann Lee,S100\n",
    );
    assert_eq!(sum.references_found, 1, "{sum:?}");
    assert_eq!(staff_of(&s, "overtime:claim:OT1"), ["hr:staff:1"]);
    let notes = s.dangling_references(None, 10).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].entity_id, "overtime:claim:OT2");
}

// issue 16, item 4
#[test]
fn a_staff_number_two_records_hold_links_neither() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let s = e.session(req("eng", "load")).unwrap();
    load(
        &s,
        tmp.path(),
        "hr",
        HR,
        "id,name,staff_no\n1,Ann Lee,S100\n7,Ann Lee,S100\n2,Bob Ray,S200\n",
    );
    let sum = load(&s, tmp.path(), "overtime", OVERTIME, CLAIMS);
    assert_eq!(
        (sum.references_found, sum.references_ambiguous, sum.dangling),
        (1, 1, 1),
        "{sum:?}"
    );
    assert!(staff_of(&s, "overtime:claim:OT1").is_empty());
    assert_eq!(staff_of(&s, "overtime:claim:OT2"), ["hr:staff:2"]);
}

// issue 16, item 4
#[test]
fn a_staff_record_the_loader_may_not_see_is_as_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let eng = e.session(req("eng", "load")).unwrap();
    load(
        &eng,
        tmp.path(),
        "hr",
        HR,
        "id,name,staff_no\n1,Ann Lee,S100\n2,Bob Ray,S200\n",
    );
    // `payroll` covers overtime claims, not HR.
    let pay = e.session(req("pay", "payroll")).unwrap();
    let sum = load(&pay, tmp.path(), "overtime", OVERTIME, CLAIMS);
    assert_eq!((sum.references_found, sum.dangling), (0, 2), "{sum:?}");
    assert!(staff_of(&eng, "overtime:claim:OT1").is_empty());
    // Someone who sees both links them, in one logged act.
    let before = eng.events(10_000).unwrap().len();
    let counts = eng.resolve_dangling_references().unwrap();
    assert_eq!((counts.resolved, counts.ambiguous), (2, 0));
    let events = eng.events(10_000).unwrap();
    // One event, and the earlier read's (logged after it was taken).
    assert_eq!(events.len(), before + 2);
    assert_eq!(events[0].query, "resolve dangling references");
    assert_eq!(staff_of(&eng, "overtime:claim:OT1"), ["hr:staff:1"]);
    assert!(eng.dangling_references(None, 10).unwrap().is_empty());
}

// issue 16, item 4
#[test]
fn by_must_name_a_property_of_the_type_referred_to() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let s = e.session(req("eng", "load")).unwrap();
    std::fs::write(tmp.path().join("overtime.csv"), CLAIMS).unwrap();
    for (mapping, says) in [
        (
            OVERTIME.replace("by = \"staff_number\"", "by = \"shoe_size\""),
            "`by = \"shoe_size\"` is not a property of `StaffMember`",
        ),
        (
            OVERTIME.replace(
                "column = \"staff_no\", by",
                "columns = [\"staff_no\", \"hours\"], by",
            ),
            "reads one `column`, not `columns`",
        ),
        (
            OVERTIME.replace(
                "hours = { column = \"hours\" }",
                "hours = { column = \"hours\", by = \"x\" }",
            ),
            "`by` needs `entity",
        ),
    ] {
        let m = tmp.path().join("overtime.toml");
        std::fs::write(&m, &mapping).unwrap();
        let err = s.ingest(&m, &mut |_| {}).unwrap_err().to_string();
        assert!(err.contains(says), "{err}");
    }
}
