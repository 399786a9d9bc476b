//! Indicator rules through the gate: registration by version, runs under a
//! service principal and the rule's purpose, alerts with evidence and never a
//! special-category value, idempotent re-runs, supersession on activation.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::{Principal, PrincipalKind, SensitiveBasis};
use clearstone_engine::{Classification, Engine, RunMode, SessionRequest};

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
const HR_CSV: &str = "staff_no,name\nS1,Ann Ash\nS2,Bea Birch\nS3,Cal Cedar\n";

const ABSENCE: &str = r#"version = 1
[dataset]
name = "absence"
markings = "OFFICIAL"
[source]
format = "csv"
path = "absence.csv"
[[entities]]
name = "absence"
schema = "Absence"
keys = ["absence_id"]
[entities.properties]
reference = { column = "absence_id" }
staff_member = { entity = "hr:staff", column = "staff_no" }
start_date = { column = "start_date" }
reason_class = { column = "class" }
reason = { column = "reason" }
"#;

/// The reason text every absence carries: it must never reach an alert.
const SENTINEL: &str = "Zanzibar-sentinel";

fn absence_csv(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut out = String::from("absence_id,staff_no,start_date,class,reason\n");
    for (id, staff, date, class) in rows {
        out.push_str(&format!("{id},{staff},{date},{class},{SENTINEL} {class}\n"));
    }
    out
}

const RULE: &str = r#"id = "short_absences"
version = 1
title = "Repeated short absences"
rationale = "A pattern that welfare and attendance management look at."
owner = "Head of Professional Standards"
purpose = "integrity"
evidence = ["College of Policing, attendance management guidance"]
review_date = "2027-06-30"

[count]
schema = "Absence"
person = "staff_member"
date = "start_date"
dedupe = ["staff_member", "start_date"]
window_days = 60
threshold = 3
"#;

fn setup() -> (tempfile::TempDir, Engine) {
    let tmp = tempfile::tempdir().unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up indicator tests");
    let os = Classification::OfficialSensitive;
    admin
        .put_user(&support::user("eng", &["data_engineer"], os, &[]))
        .unwrap();
    admin
        .put_user(&support::user("dpo", &["data_protection_officer"], os, &[]))
        .unwrap();
    admin
        .put_user(&Principal {
            kind: PrincipalKind::Service,
            ..support::user("svc-indicators", &["indicator_service"], os, &[])
        })
        .unwrap();
    let mut integrity = support::purpose(
        "integrity",
        &[
            "indicator_service",
            "data_protection_officer",
            "data_engineer",
        ],
        &["*"],
    );
    integrity.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1 (statutory purposes)".into(),
    });
    admin.put_purpose(&integrity).unwrap();
    admin
        .put_purpose(&support::purpose(
            "no-condition",
            &["indicator_service"],
            &["*"],
        ))
        .unwrap();
    drop(admin);
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let load = e.session(req("eng", "integrity")).unwrap();
    let csv = absence_csv(&[
        // S1: three sickness absences in 60 days, one exported twice.
        ("A1", "S1", "2026-01-05", "sickness"),
        ("A2", "S1", "2026-01-20", "sickness"),
        ("A2b", "S1", "2026-01-20", "sickness"),
        ("A3", "S1", "2026-02-10", "sickness"),
        // S2: only protected absences, many of them.
        ("B1", "S2", "2026-01-05", "maternity"),
        ("B2", "S2", "2026-01-10", "disability_related"),
        ("B3", "S2", "2026-01-15", "workplace_adjustment"),
        ("B4", "S2", "2026-01-20", "adoption"),
        // S3: two sickness absences only, one copied: a near miss.
        ("C1", "S3", "2026-01-05", "sickness"),
        ("C2", "S3", "2026-01-06", "sickness"),
        ("C2b", "S3", "2026-01-06", "sickness"),
    ]);
    for (mapping, name, body) in [
        (HR, "hr.csv", HR_CSV.to_owned()),
        (ABSENCE, "absence.csv", csv),
    ] {
        std::fs::write(src.join(name), body).unwrap();
        let m = src.join(format!("{name}.toml"));
        std::fs::write(&m, mapping).unwrap();
        let sum = load.ingest(&m, &mut |_| {}).unwrap();
        assert_eq!(sum.quarantined, 0, "{name}");
    }
    drop(load);
    (tmp, e)
}

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "indicator rule tests".into(),
        ..SessionRequest::default()
    }
}

fn register_and_activate(e: &Engine, text: &str, version: u32) {
    let admin = support::admin(e, "registering a rule");
    admin.register_rule(text, "short_absences.toml").unwrap();
    admin
        .activate_rule("short_absences", version, None, None)
        .unwrap();
}

fn event_count(e: &Engine) -> usize {
    e.session(req("dpo", "integrity"))
        .unwrap()
        .events(10_000)
        .unwrap()
        .len()
}

// issue 18, items 1 and 2: a run flags the pattern, not the near miss nor
// the person with only protected absences, and is one logged event.
#[test]
fn a_run_raises_alerts_with_evidence_and_is_one_event() {
    let (_t, e) = setup();
    register_and_activate(&e, RULE, 1);
    let before = event_count(&e);
    let runs = e.run_active_rules("svc-indicators").unwrap().runs;
    // One for the run, one for opening the log to count.
    assert_eq!(event_count(&e), before + 2);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].flagged, vec!["hr:staff:S1".to_string()]);
    assert_eq!(runs[0].alerts_new, 1);
    let alerts = e
        .session(req("dpo", "integrity"))
        .unwrap()
        .indicator_alerts(None, 100)
        .unwrap();
    assert_eq!(alerts.len(), 1);
    let a = &alerts[0];
    assert_eq!(a.rule_id.as_deref(), Some("short_absences"));
    assert_eq!(a.rule_version, Some(1));
    assert_eq!(a.person.as_deref(), Some("hr:staff:S1"));
    assert_eq!(a.status, "new");
    let evidence: serde_json::Value = serde_json::from_str(a.evidence.as_ref().unwrap()).unwrap();
    let pieces = evidence.as_array().unwrap();
    // The copy of A2 counts once.
    assert_eq!(pieces.len(), 3);
    for p in pieces {
        assert!(!p["statements"].as_array().unwrap().is_empty());
        assert!(p["condition"].as_str().unwrap().contains("threshold 3"));
    }
}

// issue 18, item 1 and "tests that must exist": an alert never contains a
// special-category value.
#[test]
fn an_alert_never_holds_a_special_category_value() {
    let (_t, e) = setup();
    register_and_activate(&e, RULE, 1);
    e.run_active_rules("svc-indicators").unwrap();
    let alerts = e
        .session(req("dpo", "integrity"))
        .unwrap()
        .indicator_alerts(None, 100)
        .unwrap();
    assert!(!alerts.is_empty());
    for a in alerts {
        let all = format!(
            "{} {} {} {}",
            a.detail,
            a.evidence.unwrap_or_default(),
            a.kind,
            a.person.unwrap_or_default()
        );
        for planted in [SENTINEL, "sickness", "maternity", "disability"] {
            assert!(!all.contains(planted), "`{planted}` in {all}");
        }
    }
}

// issue 18, item 2: re-running the same version on the same data gives the
// same alerts, once.
#[test]
fn a_rerun_is_identical() {
    let (_t, e) = setup();
    register_and_activate(&e, RULE, 1);
    let first = e.run_active_rules("svc-indicators").unwrap().runs;
    let fingerprints = |e: &Engine| -> Vec<String> {
        e.session(req("dpo", "integrity"))
            .unwrap()
            .indicator_alerts(None, 100)
            .unwrap()
            .into_iter()
            .map(|a| a.fingerprint.unwrap())
            .collect()
    };
    let before = fingerprints(&e);
    let again = e.run_active_rules("svc-indicators").unwrap().runs;
    assert_eq!(again[0].flagged, first[0].flagged);
    assert_eq!((again[0].alerts_new, again[0].alerts_kept), (0, 1));
    assert_eq!(fingerprints(&e), before);
}

// issue 18, item 2: a new version supersedes, never rewrites, and only
// when it is activated.
#[test]
fn a_new_version_supersedes_only_when_activated() {
    let (_t, e) = setup();
    register_and_activate(&e, RULE, 1);
    e.run_active_rules("svc-indicators").unwrap();
    let admin = support::admin(&e, "a new version");
    // The same version with other text is refused.
    let changed = RULE.replace("threshold = 3", "threshold = 2");
    let refused = admin.register_rule(&changed, "r.toml").unwrap_err();
    assert_eq!(refused.code(), "rule_changed");
    assert!(refused.is_user_error());
    let v2 = changed.replace("version = 1", "version = 2");
    admin.register_rule(&v2, "r.toml").unwrap();
    let alerts = |e: &Engine| {
        e.session(req("dpo", "integrity"))
            .unwrap()
            .indicator_alerts(None, 100)
            .unwrap()
    };
    assert_eq!(alerts(&e)[0].superseded_by, None);
    assert_eq!(
        admin
            .activate_rule("short_absences", 2, None, None)
            .unwrap(),
        1
    );
    assert_eq!(alerts(&e)[0].superseded_by, Some(2));
    drop(admin);
    // Version 2 (threshold 2) also flags the near miss; S2 never.
    let runs = e.run_active_rules("svc-indicators").unwrap().runs;
    assert_eq!(
        runs[0].flagged,
        vec!["hr:staff:S1".to_string(), "hr:staff:S3".to_string()]
    );
}

// issue 18, item 1: the rule runs under its own purpose, and without a
// Schedule 8 condition the absences are not read at all.
#[test]
fn a_rule_runs_only_under_its_purpose_and_its_condition() {
    let (_t, e) = setup();
    let admin = support::admin(&e, "registering a rule");
    admin.register_rule(RULE, "r.toml").unwrap();
    let plain = RULE
        .replace("purpose = \"integrity\"", "purpose = \"no-condition\"")
        .replace("short_absences", "short_absences_plain");
    admin.register_rule(&plain, "plain.toml").unwrap();
    drop(admin);
    let s = e.session(req("svc-indicators", "no-condition")).unwrap();
    let err = s
        .run_rule("short_absences", 1, RunMode::DryRun)
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    // Under a purpose with no condition for health data, no absence is read.
    let run = s
        .run_rule("short_absences_plain", 1, RunMode::DryRun)
        .unwrap();
    assert!(run.flagged.is_empty());
    assert_eq!(run.records, 0, "the absences are hidden, not masked");
    drop(s);
    // A dry run under the rule's purpose flags without writing alerts.
    let s = e.session(req("svc-indicators", "integrity")).unwrap();
    assert_eq!(
        s.flagged_by("short_absences", 1).unwrap(),
        vec!["hr:staff:S1".to_string()]
    );
    // A full run needs an active version.
    assert!(s.run_rule("short_absences", 1, RunMode::Full).is_err());
    drop(s);
    assert!(
        e.session(req("dpo", "integrity"))
            .unwrap()
            .indicator_alerts(None, 10)
            .unwrap()
            .is_empty()
    );
}

// issue 18, item 2: the evidence is shown with its values as the reviewer
// may see them, read through the gate in one logged event.
#[test]
fn a_reviewer_sees_the_evidence_through_the_gate() {
    let (_t, e) = setup();
    register_and_activate(&e, RULE, 1);
    e.run_active_rules("svc-indicators").unwrap();
    let s = e.session(req("dpo", "integrity")).unwrap();
    let id = s.indicator_alerts(None, 10).unwrap()[0].id;
    drop(s);
    let before = event_count(&e);
    let s = e.session(req("dpo", "integrity")).unwrap();
    let (alert, pieces) = s.alert_evidence(id).unwrap();
    drop(s);
    assert_eq!(event_count(&e), before + 2, "one to read, one to count");
    assert_eq!(alert.id, id);
    assert_eq!(pieces.len(), 3);
    for p in &pieces {
        let shown = p.shown.as_ref().unwrap();
        let props: Vec<&str> = shown.properties.keys().map(String::as_str).collect();
        assert!(props.contains(&"start_date"), "{props:?}");
        assert!(
            !props.contains(&"reason"),
            "only what the rule used: {props:?}"
        );
    }
}

// issue 18, item 1: a scheduled evaluation does not stop at the first rule
// that fails; the others run and each failure is reported.
#[test]
fn a_failing_rule_does_not_stop_the_others() {
    let (_t, e) = setup();
    let admin = support::admin(&e, "registering rules");
    admin
        .put_purpose(&support::purpose(
            "withdrawn",
            &["data_protection_officer"],
            &["*"],
        ))
        .unwrap();
    // Sorted before `short_absences`, so it runs first; the service may not
    // use its purpose.
    let refused = RULE
        .replace("purpose = \"integrity\"", "purpose = \"withdrawn\"")
        .replace("short_absences", "a_withdrawn_rule");
    for (text, id) in [
        (refused.as_str(), "a_withdrawn_rule"),
        (RULE, "short_absences"),
    ] {
        admin.register_rule(text, "r.toml").unwrap();
        admin.activate_rule(id, 1, None, None).unwrap();
    }
    drop(admin);
    let active = e.run_active_rules("svc-indicators").unwrap();
    assert_eq!(active.runs.len(), 1);
    assert_eq!(active.runs[0].rule_id, "short_absences");
    assert_eq!(active.runs[0].flagged, vec!["hr:staff:S1".to_string()]);
    assert_eq!(active.failures.len(), 1);
    let failed = &active.failures[0];
    assert_eq!(
        (failed.rule_id.as_str(), failed.rule_version),
        ("a_withdrawn_rule", 1)
    );
    assert_eq!(failed.error.code(), "purpose_not_for_role");
}

// issue 18, item 2: after one more day of records, an incremental run
// evaluates only the people whose records changed and raises exactly the
// alerts a full run would.
#[test]
fn an_incremental_run_after_a_new_day_equals_a_full_run() {
    let (t, e) = setup();
    register_and_activate(&e, RULE, 1);
    let run = |mode| {
        e.session(req("svc-indicators", "integrity"))
            .unwrap()
            .run_rule("short_absences", 1, mode)
            .unwrap()
    };
    assert_eq!(run(RunMode::Full).flagged, vec!["hr:staff:S1".to_string()]);
    // The next day's export: the same rows and one more, which makes the
    // near miss S3 a pattern.
    let src = t.path().join("src");
    let mut csv = std::fs::read_to_string(src.join("absence.csv")).unwrap();
    csv.push_str(&format!("C3,S3,2026-01-20,sickness,{SENTINEL} sickness\n"));
    std::fs::write(src.join("absence.csv"), csv).unwrap();
    e.session(req("eng", "integrity"))
        .unwrap()
        .ingest(&src.join("absence.csv.toml"), &mut |_| {})
        .unwrap();
    let incremental = run(RunMode::Incremental);
    assert_eq!(incremental.mode, "incremental");
    // S1 has nothing new, so is not evaluated again.
    assert_eq!(incremental.flagged, vec!["hr:staff:S3".to_string()]);
    assert_eq!(incremental.alerts_new, 1);
    let people = |e: &Engine| -> Vec<String> {
        let mut p: Vec<String> = e
            .session(req("dpo", "integrity"))
            .unwrap()
            .indicator_alerts(None, 100)
            .unwrap()
            .into_iter()
            .filter_map(|a| a.person)
            .collect();
        p.sort();
        p
    };
    let after_incremental = people(&e);
    let full = run(RunMode::Full);
    assert_eq!(full.flagged, after_incremental);
    assert_eq!((full.alerts_new, full.alerts_kept), (0, 2));
    assert_eq!(people(&e), after_incremental);
}

/// Absences that attendance checks an alert directed put on record: the
/// whole source is such activity, so its mapping says so as a constant.
const CHECKS: &str = r#"version = 1
[dataset]
name = "checks"
markings = "OFFICIAL"
[source]
format = "csv"
path = "checks.csv"
[[entities]]
name = "absence"
schema = "Absence"
keys = ["absence_id"]
[entities.properties]
reference = { column = "absence_id" }
staff_member = { entity = "hr:staff", column = "staff_no" }
start_date = { column = "start_date" }
reason_class = { column = "class" }
directed_by = { constant = "alert-checks" }
"#;

fn ingest_checks(t: &tempfile::TempDir, e: &Engine, rows: &str) {
    let src = t.path().join("src");
    let csv = src.join("checks.csv");
    let mut body = std::fs::read_to_string(&csv)
        .unwrap_or_else(|_| "absence_id,staff_no,start_date,class\n".to_owned());
    body.push_str(rows);
    std::fs::write(&csv, body).unwrap();
    std::fs::write(src.join("checks.csv.toml"), CHECKS).unwrap();
    let sum = e
        .session(req("eng", "integrity"))
        .unwrap()
        .ingest(&src.join("checks.csv.toml"), &mut |_| {})
        .unwrap();
    assert_eq!(sum.quarantined, 0);
}

// issue 18, item 6: records directed activity produced are marked by their
// source and left out by a rule that says `exclude_directed`, in full and
// incremental runs; a rule that does not say so counts them.
#[test]
fn directed_records_count_only_for_a_rule_that_does_not_exclude_them() {
    let (t, e) = setup();
    // S3's near miss becomes three within 60 days with a directed absence.
    ingest_checks(&t, &e, "D1,S3,2026-01-07,sickness\n");
    let excluding = RULE
        .replace("version = 1", "version = 2")
        .replace("[count]", "exclude_directed = true\n\n[count]");
    let admin = support::admin(&e, "registering a rule");
    admin.register_rule(RULE, "short_absences.toml").unwrap();
    admin
        .register_rule(&excluding, "short_absences.toml")
        .unwrap();
    drop(admin);
    let svc = || e.session(req("svc-indicators", "integrity")).unwrap();
    let s3 = "hr:staff:S3".to_string();
    let s1 = "hr:staff:S1".to_string();
    assert_eq!(
        svc().flagged_by("short_absences", 1).unwrap(),
        vec![s1.clone(), s3.clone()]
    );
    assert_eq!(
        svc().flagged_by("short_absences", 2).unwrap(),
        vec![s1.clone()]
    );
    support::admin(&e, "activating")
        .activate_rule("short_absences", 2, None, None)
        .unwrap();
    let full = svc().run_rule("short_absences", 2, RunMode::Full).unwrap();
    assert_eq!(full.flagged, vec![s1.clone()]);
    // Another directed absence for S3 the next day: the incremental run
    // evaluates S3 again, and still leaves it out.
    ingest_checks(&t, &e, "D2,S3,2026-01-09,sickness\n");
    let incremental = svc()
        .run_rule("short_absences", 2, RunMode::Incremental)
        .unwrap();
    assert_eq!(incremental.mode, "incremental");
    assert!(incremental.flagged.is_empty());
    assert_eq!(incremental.alerts_new, 0);
}
