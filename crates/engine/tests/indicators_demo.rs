//! The demo's planted indicator patterns against its ground truth: every
//! planted pattern flagged, no decoy, and no one whose only absences are of
//! a protected class.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::{BTreeSet, HashMap};

use clearstone_engine::policy::{Principal, PrincipalKind, SensitiveBasis};
use clearstone_engine::{Classification, Engine, ResolveOptions, SessionRequest};

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "checking the demo's planted patterns".into(),
        ..SessionRequest::default()
    }
}

// issue 18, item 8 and "tests that must exist": recall 1.0 for every planted
// pattern, no decoy flagged, no alert on a person with only protected absences.
#[test]
fn the_shipped_rules_find_the_planted_patterns_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: 500,
        },
        &src,
    )
    .unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up the demo rules test");
    let cleared = |id: &str, roles: &[&str], kind: PrincipalKind| Principal {
        kind,
        ..support::user(
            id,
            roles,
            Classification::Secret,
            &["HR", "PSD", "PERSONAL"],
        )
    };
    admin
        .put_user(&cleared("eng", &["data_engineer"], PrincipalKind::User))
        .unwrap();
    admin
        .put_user(&cleared(
            "demo-indicators",
            &["indicator_service"],
            PrincipalKind::Service,
        ))
        .unwrap();
    let mut integrity = support::purpose(
        "demo-integrity",
        &["indicator_service", "data_engineer"],
        &["*"],
    );
    integrity.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1 (statutory purposes)".into(),
    });
    admin.put_purpose(&integrity).unwrap();
    let load = e.session(req("eng", "demo-integrity")).unwrap();
    for m in generated.mappings.iter().filter(|m| {
        let name = m.file_name().unwrap().to_string_lossy();
        [
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
    }) {
        load.ingest(m, &mut |_| {}).unwrap();
    }
    // Who is who: a member of staff's own record in the crime system, and
    // a declared associate, are told apart from a stranger by resolution.
    load.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    drop(load);
    for (file, text) in clearstone_demo::INDICATOR_RULES {
        let (rule, _) = admin.register_rule(text, file).unwrap();
        admin
            .activate_rule(&rule.id, rule.version, None, None)
            .unwrap();
    }
    drop(admin);
    let active = e.run_active_rules("demo-indicators").unwrap();
    assert!(active.failures.is_empty(), "{:?}", active.failures);
    let runs = active.runs;
    let flagged_by = |rule: &str| -> BTreeSet<&str> {
        runs.iter()
            .filter(|r| r.rule_id == rule)
            .flat_map(|r| r.flagged.iter().map(String::as_str))
            .collect()
    };
    // Rules flag canonical ids; the truth names HR records.
    let canonical: HashMap<String, String> = e
        .session(req("eng", "demo-integrity"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap()
        .into_iter()
        .collect();
    let truth = std::fs::read_to_string(&generated.indicator_truth).unwrap();
    let mut parts = BTreeSet::new();
    let mut planted: BTreeSet<(&str, &str)> = BTreeSet::new();
    for line in truth.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (rule, part) = (f[0], f[1]);
        let id = canonical.get(f[2]).map_or(f[2], String::as_str);
        parts.insert((rule.to_owned(), part.to_owned()));
        planted.insert((rule, id));
        let flagged = flagged_by(rule);
        let hit = runs.iter().any(|r| r.flagged.iter().any(|p| p == id));
        match part {
            "pattern" => assert!(flagged.contains(id), "{rule}: planted {id} not flagged"),
            "decoy" => assert!(
                !flagged.contains(id),
                "{rule}: decoy {id} ({}) flagged",
                f[2]
            ),
            "protected_only" => assert!(!hit, "{id} has only protected absences but was flagged"),
            other => panic!("unknown part `{other}`"),
        }
    }
    for rule in [
        clearstone_demo::ABSENCE_RULE,
        clearstone_demo::OVERTIME_RULE,
    ] {
        for part in ["pattern", "decoy"] {
            assert!(
                parts.contains(&(rule.to_owned(), part.to_owned())),
                "{rule}: no {part} planted"
            );
        }
    }
    assert!(parts.iter().any(|(_, p)| p == "protected_only"));
    // issue 18, item 8: the overtime rule flags nobody but its planted
    // pattern: every officer's on-site overtime has its door swipe.
    let shared_stray: Vec<&str> = flagged_by(clearstone_demo::SHARED_RULE)
        .into_iter()
        .filter(|id| !planted.contains(&(clearstone_demo::SHARED_RULE, *id)))
        .collect();
    // Staff appear in the crime system as victims and witnesses with their
    // own phones: resolution must have made them one person with their HR
    // record, or they would be flagged here.
    assert!(
        shared_stray.is_empty(),
        "shared phone, flagged but not planted: {shared_stray:?}"
    );
    let stray: Vec<&str> = flagged_by(clearstone_demo::OVERTIME_RULE)
        .into_iter()
        .filter(|id| !planted.contains(&(clearstone_demo::OVERTIME_RULE, *id)))
        .collect();
    assert!(stray.is_empty(), "flagged but not planted: {stray:?}");
}
