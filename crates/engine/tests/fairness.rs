//! Fairness dry runs (issue 18, item 5): only under the equality-monitoring
//! purpose, aggregates only, and the result kept for activation (see
//! `links/mod.rs` for the data).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{EQUALITY_PURPOSE, Engine};
use links::*;

fn equality_purpose() -> Purpose {
    Purpose {
        sensitive: Some(SensitiveBasis {
            condition: "DPA 2018 sch. 1 para 8 (equality of opportunity or treatment)".into(),
        }),
        ..support::purpose(EQUALITY_PURPOSE, &["analyst"], &["*"])
    }
}

fn setup() -> (tempfile::TempDir, Engine) {
    let (t, e) = fixture();
    support::admin(&e, "registering equality monitoring")
        .put_purpose(&equality_purpose())
        .unwrap();
    (t, e)
}

#[test]
fn a_dry_run_runs_only_under_equality_monitoring() {
    let (_t, e) = setup();
    let s = e.session(req("sam", "pds")).unwrap();
    let ev = one_event(&e, || {
        let err = s
            .fairness_dry_run("short_absences", 1, &[OFFICER_2.to_string()])
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
    });
    assert_eq!(ev.outcome, "equality_purpose_required");
}

#[test]
fn a_dry_run_publishes_aggregates_with_small_cells_suppressed() {
    let (_t, e) = setup();
    let s = e.session(req("sam", EQUALITY_PURPOSE)).unwrap();
    let ev = one_event(&e, || {
        let r = s
            .fairness_dry_run("short_absences", 1, &[OFFICER_2.to_string()])
            .unwrap();
        // A handful of officers: every count is a small cell.
        assert_eq!(r.people, None);
        assert_eq!(r.flagged, None);
        for t in &r.tables {
            assert!(
                t.groups
                    .iter()
                    .all(|g| g.flagged.is_none() && g.rate.is_none()),
                "{t:?}"
            );
        }
        // Bob, born 1980, is the only one of his age band: flagging him
        // alone leaves the other bands at a rate of 0.
        assert!(r.adverse_dimensions().contains(&"age_band"), "{r:?}");
    });
    assert!(ev.subjects.is_empty(), "aggregates name no one");
    assert!(ev.outcome.contains("age_band"));
}

const RULE: &str = r#"id = "short_absences"
version = 1
title = "Repeated short absences"
rationale = "A pattern that attendance management looks at."
owner = "Head of Professional Standards"
purpose = "pds"
evidence = ["College of Policing, attendance management guidance"]
review_date = "2027-06-30"

[count]
schema = "Absence"
person = "staff_member"
date = "start_date"
window_days = 60
threshold = 3
"#;

#[test]
fn an_adverse_dry_run_needs_an_equality_impact_assessment_to_activate() {
    let (_t, e) = setup();
    let admin = support::admin(&e, "registering a rule");
    admin.register_rule(RULE, "short_absences.toml").unwrap();
    e.session(req("sam", EQUALITY_PURPOSE))
        .unwrap()
        .fairness_dry_run("short_absences", 1, &[OFFICER_2.to_string()])
        .unwrap();
    let err = admin
        .activate_rule("short_absences", 1, None, None)
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert!(
        err.to_string().contains("equality impact assessment"),
        "{err}"
    );
    // The approver is a registered user other than the one activating.
    for approver in ["admin", "nobody"] {
        assert!(
            admin
                .activate_rule("short_absences", 1, Some("EIA-2026-07"), Some(approver))
                .is_err(),
            "{approver}"
        );
    }
    admin
        .activate_rule("short_absences", 1, Some("EIA-2026-07"), Some("sam"))
        .unwrap();
}

fn recent_events(e: &Engine) -> Vec<clearstone_engine::AccessEvent> {
    e.session(req("eng", "load"))
        .unwrap()
        .events(10_000)
        .unwrap()
}

/// Any absence in 60 days: Ann's one sickness absence flags her alone.
fn any_absence() -> String {
    RULE.replace("threshold = 3", "threshold = 1")
}

// issue 18, item 5: the fairness of a rule version straight from its own
// dry run, which runs under the rule's purpose and hands the report only
// the flagged ids, inside the engine; both acts are logged.
#[test]
fn a_rule_file_is_dry_run_under_its_purpose_and_reported_under_equality_monitoring() {
    let (_t, e) = setup();
    let rule = any_absence();
    support::admin(&e, "registering a rule")
        .register_rule(&rule, "short_absences.toml")
        .unwrap();
    let flagged = e
        .session(req("sam", "pds"))
        .unwrap()
        .flagged_by("short_absences", 1)
        .unwrap();
    assert_eq!(flagged.len(), 1);
    let eq = e.session(req("sam", EQUALITY_PURPOSE)).unwrap();
    let expected = eq.fairness_dry_run("short_absences", 1, &flagged).unwrap();
    let before = recent_events(&e).len();
    let report = eq
        .fairness_of_rule("sam", &rule, "short_absences.toml")
        .unwrap();
    assert_eq!(report, expected);
    let after = recent_events(&e);
    // The read that counted before, the dry run and the report (a read is
    // logged after it is taken, so newest first the report is on top).
    assert_eq!(after.len(), before + 3);
    let (report_ev, dry_run_ev) = (&after[0], &after[1]);
    assert_eq!(dry_run_ev.purpose, "pds");
    assert_eq!(dry_run_ev.operation, "combine");
    assert_eq!(report_ev.purpose, EQUALITY_PURPOSE);
    assert!(report_ev.subjects.is_empty(), "aggregates name no one");
}

#[test]
fn a_rule_file_is_not_dry_run_for_another_purpose_nor_when_changed() {
    let (_t, e) = setup();
    let rule = any_absence();
    support::admin(&e, "registering a rule")
        .register_rule(&rule, "short_absences.toml")
        .unwrap();
    let s = e.session(req("sam", "pds")).unwrap();
    let ev = one_event(&e, || {
        let err = s
            .fairness_of_rule("sam", &rule, "short_absences.toml")
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
    });
    assert_eq!(ev.outcome, "equality_purpose_required");
    let eq = e.session(req("sam", EQUALITY_PURPOSE)).unwrap();
    let changed = rule.replace("threshold = 1", "threshold = 2");
    let err = eq
        .fairness_of_rule("sam", &changed, "short_absences.toml")
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

// issue 18, item 5: a rule file that does not parse, is not registered or
// is not the registered text is one refused event, naming neither the
// file nor its text (both the user's).
#[test]
fn a_rule_file_that_cannot_be_dry_run_is_one_refused_event() {
    let (_t, e) = setup();
    let eq = e.session(req("sam", EQUALITY_PURPOSE)).unwrap();
    let ev = one_event(&e, || {
        let err = eq
            .fairness_of_rule("sam", "not a rule: zebra-words", "zebra-file.toml")
            .unwrap_err();
        assert_eq!(err.code(), "rule_syntax");
    });
    assert_eq!(ev.operation, "refused");
    assert_eq!(ev.outcome, "rule_syntax");
    assert!(!ev.query.contains("zebra"), "{}", ev.query);
    let rule = any_absence();
    let ev = one_event(&e, || {
        let err = eq
            .fairness_of_rule("sam", &rule, "zebra-file.toml")
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
    });
    assert_eq!(ev.operation, "refused");
    assert!(ev.query.contains("short_absences"), "{}", ev.query);
    assert!(!ev.query.contains("zebra"), "{}", ev.query);
    support::admin(&e, "registering a rule")
        .register_rule(&rule, "short_absences.toml")
        .unwrap();
    let changed = rule.replace("threshold = 1", "threshold = 2");
    let ev = one_event(&e, || {
        let err = eq
            .fairness_of_rule("sam", &changed, "zebra-file.toml")
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
    });
    assert_eq!(ev.operation, "refused");
    assert!(!ev.query.contains("zebra"), "{}", ev.query);
}
