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
