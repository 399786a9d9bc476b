#![allow(clippy::unwrap_used, clippy::panic)]
//! The indicator register, runs and alerts against a real file.

use clearstone_model::Timestamp;
use clearstone_store::{
    Alert, IndicatorRule, IndicatorRun, IndicatorStore, SqliteStore, Store, StoreError,
};

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    (dir, s)
}

fn rule(version: u32, body: &str) -> IndicatorRule {
    IndicatorRule {
        id: "sickness_pattern".into(),
        version,
        body: body.into(),
        sha256: format!("sha-{body}"),
        registered_by: "svc".into(),
        registered_at: Timestamp(1),
        ..IndicatorRule::default()
    }
}

fn alert(version: u32, person: &str) -> Alert {
    Alert {
        at: Timestamp(5),
        kind: "indicator".into(),
        principal: "svc".into(),
        subject: format!("h-{person}"),
        detail: "three absences".into(),
        status: "new".into(),
        rule_id: Some("sickness_pattern".into()),
        rule_version: Some(version),
        person: Some(person.into()),
        evidence: Some("[]".into()),
        fingerprint: Some(format!("fp-{version}-{person}")),
        ..Alert::default()
    }
}

// issue 18, item 2: a version is never rewritten.
#[test]
fn a_registered_version_is_never_rewritten() {
    let (_d, mut s) = open();
    assert!(s.register_indicator_rule(&rule(1, "a")).unwrap());
    assert!(!s.register_indicator_rule(&rule(1, "a")).unwrap());
    match s.register_indicator_rule(&rule(1, "b")) {
        Err(StoreError::RuleChanged { version: 1, .. }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        s.indicator_rule("sickness_pattern", 1)
            .unwrap()
            .unwrap()
            .body,
        "a"
    );
}

// issue 18, item 2: re-running a version gives the same alerts, once.
#[test]
fn alerts_are_idempotent_by_fingerprint() {
    let (_d, mut s) = open();
    s.register_indicator_rule(&rule(1, "a")).unwrap();
    let first = s
        .put_indicator_alerts(&[alert(1, "p1"), alert(1, "p2")])
        .unwrap();
    assert_eq!((first.inserted, first.kept), (2, 0));
    let again = s
        .put_indicator_alerts(&[alert(1, "p1"), alert(1, "p2")])
        .unwrap();
    assert_eq!((again.inserted, again.kept), (0, 2));
    assert_eq!(s.rule_alerts("sickness_pattern", Some(1)).unwrap().len(), 2);
    // The gate's own alerts have no fingerprint and are all kept.
    let own = Alert {
        kind: "outside_case".into(),
        status: "open".into(),
        ..Alert::default()
    };
    s.append_alert(&own).unwrap();
    s.append_alert(&own).unwrap();
    assert_eq!(s.alerts(10).unwrap().len(), 4);
}

// issue 18, item 2: a new version supersedes the old one's open alerts only
// when it is activated.
#[test]
fn activation_supersedes_the_open_alerts_of_other_versions() {
    let (_d, mut s) = open();
    s.register_indicator_rule(&rule(1, "a")).unwrap();
    s.activate_indicator_rule(&rule(1, "a"), "dpo", Timestamp(2))
        .unwrap();
    s.put_indicator_alerts(&[alert(1, "p1")]).unwrap();
    s.register_indicator_rule(&rule(2, "b")).unwrap();
    assert!(
        s.rule_alerts("sickness_pattern", Some(1)).unwrap()[0]
            .superseded_by
            .is_none()
    );
    let n = s
        .activate_indicator_rule(&rule(2, "b"), "dpo", Timestamp(3))
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        s.rule_alerts("sickness_pattern", Some(1)).unwrap()[0].superseded_by,
        Some(2)
    );
    let active = s.active_indicator_rules().unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].version, 2);
    assert_eq!(
        s.indicator_rule("sickness_pattern", 1)
            .unwrap()
            .unwrap()
            .state,
        "retired"
    );
    assert!(matches!(
        s.activate_indicator_rule(&rule(9, "z"), "dpo", Timestamp(4)),
        Err(StoreError::UnknownRule { .. })
    ));
}

#[test]
fn runs_are_recorded_with_their_counts() {
    let (_d, mut s) = open();
    s.register_indicator_rule(&rule(1, "a")).unwrap();
    let mut run = IndicatorRun {
        rule_id: "sickness_pattern".into(),
        rule_version: 1,
        principal: "svc".into(),
        started_at: Timestamp(1),
        mode: "full".into(),
        ..IndicatorRun::default()
    };
    run.id = s.begin_indicator_run(&run).unwrap();
    run.finished_at = Some(Timestamp(2));
    run.records = 10;
    run.flagged = 2;
    run.alerts_new = 2;
    s.finish_indicator_run(&run).unwrap();
    let runs = s.indicator_runs(Some("sickness_pattern"), 5).unwrap();
    assert_eq!(runs, vec![run]);
}
