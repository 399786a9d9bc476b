//! The column read gives exactly the records the statement-by-statement
//! read gives, for every shipped rule, under a purpose that may read
//! special-category classes, one that may not, and a principal cleared
//! for less (so some records are hidden): same records, values, statement
//! ids and masks, so the same alerts.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_indicators::{Rule, evaluate};
use clearstone_model::Timestamp;
use clearstone_policy::{AuditUse, Principal, PrincipalKind, Purpose, SensitiveBasis};

use crate::indicators_lean::Lean;
use crate::{ADMIN_PURPOSE, Classification, Engine, ResolveOptions, SessionRequest};

fn principal(id: &str, caveats: &[&str]) -> Principal {
    Principal {
        id: id.into(),
        display_name: id.into(),
        kind: PrincipalKind::Service,
        roles: ["indicator_service".to_string()].into(),
        unit: None,
        clearance: Classification::Secret,
        caveats: caveats.iter().map(|c| c.to_string()).collect(),
        attributes: Default::default(),
        disabled: false,
    }
}

fn purpose(id: &str, sensitive: bool) -> Purpose {
    Purpose {
        id: id.into(),
        description: "indicator rules".into(),
        legal_basis: "DPA 2018 Part 3".into(),
        sensitive: sensitive.then(|| SensitiveBasis {
            condition: "DPA 2018 sch. 8 para 1".into(),
        }),
        policy_document: "APD-7".into(),
        datasets: ["*".to_string()].into(),
        entity_types: ["*".to_string()].into(),
        roles: ["indicator_service".to_string()].into(),
        audit_use: Some(AuditUse::VerifyLawfulness),
        review_date: "2099-01-01".into(),
        expires: "2099-12-31".into(),
        reviewed_by: Some("dpo".into()),
    }
}

/// A rule reading a special-category property of a type that is not
/// special category: without the purpose's condition its values are masked.
const MASKED_RULE: &str = r#"
id = "staff_by_disability"
version = 1
title = "Staff by disability"
rationale = "reads a value the plain purpose sees masked"
owner = "tests"
purpose = "rules-special"
evidence = ["none"]
review_date = "2099-01-01"

[count]
schema = "StaffMember"
date = "start_date"
window_days = 100000
threshold = 1
where = { disability = ["yes", "no"] }
"#;

// issue 18, benchmark: the faster read must not change a single alert.
#[test]
fn the_column_read_gives_the_records_and_findings_of_the_statement_read() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 11,
            people: 400,
        },
        &tmp.path().join("src"),
    )
    .unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    e.bootstrap_admin("admin").unwrap();
    let admin = e
        .session(SessionRequest {
            principal: "admin".into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "setting up the column read test".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    admin
        .put_user(&principal("svc-all", &["HR", "PSD", "PERSONAL"]))
        .unwrap();
    // Without the HR caveat, HR's records are hidden.
    admin.put_user(&principal("svc-some", &["PSD"])).unwrap();
    admin.put_purpose(&purpose("rules-special", true)).unwrap();
    admin.put_purpose(&purpose("rules-plain", false)).unwrap();
    let session = |user: &str, purpose: &str| {
        e.session(SessionRequest {
            principal: user.into(),
            purpose: purpose.into(),
            justification: "comparing the two reads".into(),
            ..SessionRequest::default()
        })
        .unwrap()
    };
    let load = session("svc-all", "rules-special");
    for m in &generated.mappings {
        let name = m.file_name().unwrap().to_string_lossy();
        if [
            "hr_officers.toml",
            "hr_staff.toml",
            "absence.toml",
            "overtime.toml",
            "access_events.toml",
            "crime_persons.toml",
            "notifiable_associations.toml",
            "company_officers.toml",
            "business_interests.toml",
        ]
        .contains(&name.as_ref())
        {
            load.ingest(m, &mut |_| {}).unwrap();
        }
    }
    load.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    drop(load);
    let mut compared = 0;
    let mut masked = 0;
    let mut leaned = 0;
    let rules = clearstone_demo::INDICATOR_RULES
        .iter()
        .copied()
        .chain([("masked.toml", MASKED_RULE)]);
    for (file, text) in rules {
        let rule = Rule::parse(text, file).unwrap();
        for (user, purpose) in [
            ("svc-all", "rules-special"),
            ("svc-all", "rules-plain"),
            ("svc-some", "rules-special"),
        ] {
            let s = session(user, purpose);
            let wanted = s.wanted(&rule).unwrap();
            let lean = Lean::of(&rule, e.ontology());
            leaned += usize::from(lean.is_some());
            for since in [None, Some(Timestamp(0))] {
                let scanned = s
                    .scan_indicator_records(
                        &wanted,
                        since,
                        lean.as_ref(),
                        crate::indicators_scan::Part::All,
                    )
                    .unwrap();
                let (full, special, changed) =
                    s.indicator_records_by_statement(&wanted, since).unwrap();
                let mut records = full.clone();
                if let Some(lean) = &lean {
                    lean.apply(&mut records, e.ontology());
                }
                let at = format!("`{}` as {user} for {purpose}", rule.id);
                assert_eq!(scanned.records.len(), records.len(), "{at}: records");
                if let Some((a, b)) = scanned.records.iter().zip(&records).find(|(a, b)| a != b) {
                    panic!("{at}: {a:?} read as columns, {b:?} by statement");
                }
                assert_eq!(scanned.read_special, special, "{at}: special-category flag");
                assert_eq!(scanned.changed, changed, "{at}: changed records");
                masked += records.iter().filter(|r| r.masked).count();
                let a = s
                    .indicator_view_of(&wanted, scanned.records, special, changed.clone())
                    .unwrap();
                // What the statement read gives without leaving anything
                // out: the alerts must be the same.
                let b = s
                    .indicator_view_of(&wanted, full, special, changed)
                    .unwrap();
                assert_eq!(evaluate(&rule, &a.view), evaluate(&rule, &b.view), "{at}");
                compared += a.records;
            }
        }
    }
    assert!(compared > 1_000, "only {compared} records compared");
    assert!(masked > 0, "no masked record compared");
    assert!(leaned > 0, "no rule read lean");
}
