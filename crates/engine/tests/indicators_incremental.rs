//! Incremental runs of an `[uncorroborated]` rule: after new records, the
//! people evaluated again get what a full run gives them, and everyone else
//! keeps what the run before gave them. New door swipes are read alone, and
//! only a person with a claim near one is evaluated again; a new claim reads
//! only its person's records.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use clearstone_engine::policy::{Principal, PrincipalKind, SensitiveBasis};
use clearstone_engine::{Classification, Engine, RuleRun, RunMode, SessionRequest};

const HR: &str = r#"version = 1
[dataset]
name = "hr"
markings = "OFFICIAL"
[source]
format = "csv"
path = "hr.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["staff_no"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
staff_number = { column = "staff_no" }
"#;

const CLAIMS: &str = r#"version = 1
[dataset]
name = "overtime"
markings = "OFFICIAL"
[source]
format = "csv"
path = "claims.csv"
[[entities]]
name = "claim"
schema = "OvertimeClaim"
keys = ["claim_ref"]
[entities.properties]
reference = { column = "claim_ref" }
staff_member = { entity = "hr:staff", column = "staff_no" }
date = { column = "date" }
"#;

/// Each day's swipes come in a file of their own, as a door system exports them.
fn swipes_mapping(file: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "access"
markings = "OFFICIAL"
[source]
format = "csv"
path = "{file}"
[[entities]]
name = "event"
schema = "AccessEvent"
keys = ["event_id"]
[entities.properties]
reference = {{ column = "event_id" }}
staff_member = {{ entity = "hr:staff", column = "staff_no" }}
date = {{ column = "date" }}
access_type = {{ column = "type" }}
"#
    )
}

const RULE: &str = r#"id = "unswiped_overtime"
version = 1
title = "Overtime with no swipe that day"
rationale = "Claims for on-site work are normally matched by a door swipe."
owner = "Head of Professional Standards"
purpose = "integrity"
evidence = ["Overtime procedure, section 6"]
review_date = "2027-06-30"

[uncorroborated]
schema = "OvertimeClaim"
person = "staff_member"
date = "date"
window_days = 0
threshold = 2

[uncorroborated.corroboration]
schema = "AccessEvent"
person = "staff_member"
date = "date"
where = { access_type = ["building"] }
"#;

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "integrity".into(),
        justification: "incremental indicator tests".into(),
        ..SessionRequest::default()
    }
}

fn ingest(e: &Engine, src: &Path, file: &str, mapping: &str, body: &str) {
    std::fs::write(src.join(file), body).unwrap();
    let m = src.join(format!("{file}.toml"));
    std::fs::write(&m, mapping).unwrap();
    let sum = e
        .session(req("eng"))
        .unwrap()
        .ingest(&m, &mut |_| {})
        .unwrap();
    assert_eq!(sum.quarantined, 0, "{file}");
}

fn setup() -> (tempfile::TempDir, Engine) {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up incremental indicator tests");
    let os = Classification::OfficialSensitive;
    admin
        .put_user(&support::user("eng", &["data_engineer"], os, &[]))
        .unwrap();
    admin
        .put_user(&Principal {
            kind: PrincipalKind::Service,
            ..support::user("svc-indicators", &["indicator_service"], os, &[])
        })
        .unwrap();
    let mut integrity =
        support::purpose("integrity", &["indicator_service", "data_engineer"], &["*"]);
    integrity.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1 (statutory purposes)".into(),
    });
    admin.put_purpose(&integrity).unwrap();
    admin.register_rule(RULE, "unswiped_overtime.toml").unwrap();
    admin
        .activate_rule("unswiped_overtime", 1, None, None)
        .unwrap();
    drop(admin);
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    ingest(
        &e,
        &src,
        "hr.csv",
        HR,
        "staff_no,name\nS1,Ann Ash\nS2,Bea Birch\nS3,Cal Cedar\n",
    );
    // S1: three claims, no swipe. S2: two claims, one swiped. S3: two
    // claims, no swipe.
    ingest(
        &e,
        &src,
        "claims.csv",
        CLAIMS,
        "claim_ref,staff_no,date\nO1,S1,2026-01-05\nO2,S1,2026-01-06\nO3,S1,2026-01-07\n\
         O4,S2,2026-01-05\nO5,S2,2026-01-06\nO6,S3,2026-01-10\nO7,S3,2026-01-11\n",
    );
    ingest(
        &e,
        &src,
        "swipes-1.csv",
        &swipes_mapping("swipes-1.csv"),
        "event_id,staff_no,date,type\nE1,S2,2026-01-05,building\nE2,S3,2026-01-10,system\n",
    );
    (tmp, e)
}

fn run(e: &Engine, mode: RunMode) -> RuleRun {
    e.session(req("svc-indicators"))
        .unwrap()
        .run_rule("unswiped_overtime", 1, mode)
        .unwrap()
}

fn staff(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| format!("hr:staff:{s}")).collect()
}

/// Who is flagged after an incremental run: those it evaluated again as it
/// found them, everyone else as the run before found them. A full run on
/// the same store must agree.
fn check_against_full(e: &Engine, before: &[String], incremental: &RuleRun) -> Vec<String> {
    let again: BTreeSet<&String> = incremental.evaluated.as_ref().unwrap().iter().collect();
    let mut expected: BTreeSet<String> = before
        .iter()
        .filter(|p| !again.contains(p))
        .cloned()
        .collect();
    expected.extend(incremental.flagged.iter().cloned());
    assert!(incremental.flagged.iter().all(|p| again.contains(p)));
    let full = run(e, RunMode::Full);
    assert_eq!(full.flagged, expected.into_iter().collect::<Vec<_>>());
    // Every finding the incremental run wrote is one the full run finds.
    assert_eq!(full.alerts_new, 0);
    full.flagged
}

// issue 18, benchmark: a day of swipes far from any claim changes no one,
// so no one is evaluated again and only the new swipes are read.
#[test]
fn a_day_of_swipes_far_from_every_claim_evaluates_no_one_again() {
    let (t, e) = setup();
    let full = run(&e, RunMode::Full);
    assert_eq!(full.flagged, staff(&["S1", "S3"]));
    ingest(
        &e,
        &t.path().join("src"),
        "swipes-2.csv",
        &swipes_mapping("swipes-2.csv"),
        "event_id,staff_no,date,type\nF1,S1,2026-02-01,building\nF2,S2,2026-02-01,building\n\
         F3,S3,2026-02-01,building\n",
    );
    let incremental = run(&e, RunMode::Incremental);
    assert_eq!(incremental.evaluated, Some(Vec::new()));
    // The three new swipes and the five claims the alerts of S1 and S3
    // cite: not the swipes before, nor S2's claims (S2 was not flagged, and
    // a swipe cannot flag anyone).
    assert_eq!(incremental.records, 8);
    check_against_full(&e, &full.flagged, &incremental);
}

// issue 18, benchmark: a swipe on a claim's day can only clear a finding:
// its person is evaluated again, and no longer flagged.
#[test]
fn a_swipe_on_a_claims_day_clears_only_its_persons_finding() {
    let (t, e) = setup();
    let full = run(&e, RunMode::Full);
    ingest(
        &e,
        &t.path().join("src"),
        "swipes-2.csv",
        &swipes_mapping("swipes-2.csv"),
        "event_id,staff_no,date,type\nG1,S3,2026-01-10,building\nG2,S2,2026-03-01,building\n",
    );
    let incremental = run(&e, RunMode::Incremental);
    assert_eq!(incremental.evaluated, Some(staff(&["S3"])));
    assert!(incremental.flagged.is_empty());
    let after = check_against_full(&e, &full.flagged, &incremental);
    assert_eq!(after, staff(&["S1"]));
}

// issue 18, benchmark: a new claim is no swipe: its person is evaluated
// again over all of their records, and can be newly flagged.
#[test]
fn a_new_claim_evaluates_its_person_again() {
    let (t, e) = setup();
    let full = run(&e, RunMode::Full);
    let src = t.path().join("src");
    let mut claims = std::fs::read_to_string(src.join("claims.csv")).unwrap();
    claims.push_str("O8,S2,2026-01-20\n");
    ingest(&e, &src, "claims.csv", CLAIMS, &claims);
    let incremental = run(&e, RunMode::Incremental);
    assert_eq!(incremental.evaluated, Some(staff(&["S2"])));
    assert_eq!(incremental.flagged, staff(&["S2"]));
    // Only S2's records: the new claim (read once to find whom it
    // concerns, then with the rest), S2's other two claims and S2's
    // building swipe; not the claims and swipes of S1 and S3.
    assert_eq!(incremental.records, 5);
    let after = check_against_full(&e, &full.flagged, &incremental);
    assert_eq!(after, staff(&["S1", "S2", "S3"]));
}
