//! The Cedar policies against the reference evaluator, over random
//! principals, purposes, values and actions. A disagreement prints the case.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use clearstone_model::{Classification, Markings, Sensitivity};
use clearstone_policy::{
    Action, AuditUse, Decision, PolicySet, Principal, PrincipalKind, Purpose, Resource,
    SensitiveBasis, reference,
};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, TestRunner};

const ROLES: [&str; 6] = [
    "analyst",
    "reviewer",
    "social_worker",
    "data_engineer",
    "administrator",
    "data_protection_officer",
];
const CAVEATS: [&str; 3] = ["HR", "PERSONAL", "INTEL"];
const DATASETS: [&str; 4] = ["hr", "intel", "social_care", "*"];
const TYPES: [&str; 6] = [
    "Person",
    "Officer",
    "Vehicle",
    "Organisation",
    "Complaint",
    "*",
];
/// Value types as the engine passes them, plus one that leaves the type
/// itself out of its ancestors.
const SHAPES: [(&str, &[&str]); 6] = [
    ("Person", &["Person"]),
    ("Officer", &["Officer", "Person"]),
    ("Officer", &["Person"]),
    ("Vehicle", &["Vehicle"]),
    ("Complaint", &["Complaint"]),
    ("Note", &["Note"]),
];
const CLASSIFICATIONS: [Classification; 4] = [
    Classification::Official,
    Classification::OfficialSensitive,
    Classification::Secret,
    Classification::TopSecret,
];

fn names(pool: &'static [&'static str]) -> impl Strategy<Value = BTreeSet<String>> {
    subsequence(pool, 0..=pool.len()).prop_map(|v| v.into_iter().map(String::from).collect())
}

fn principal() -> impl Strategy<Value = Principal> {
    (
        names(&ROLES),
        select(&CLASSIFICATIONS[..]),
        names(&CAVEATS),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(roles, clearance, caveats, disabled, service)| Principal {
            id: "u1".into(),
            display_name: "Someone".into(),
            kind: if service {
                PrincipalKind::Service
            } else {
                PrincipalKind::User
            },
            roles,
            unit: None,
            clearance,
            caveats,
            attributes: BTreeMap::new(),
            disabled,
        })
}

fn purpose() -> impl Strategy<Value = Purpose> {
    let basis = prop::option::of(select(&["consent", "", "safeguarding of children"][..]));
    let audit = prop::option::weighted(0.3, select(&AuditUse::ALL[..]));
    (names(&DATASETS), names(&TYPES), names(&ROLES), basis, audit).prop_map(
        |(datasets, entity_types, roles, basis, audit_use)| Purpose {
            id: "p1".into(),
            description: String::new(),
            legal_basis: "DPA 2018 s.35(2)(b)".into(),
            sensitive: basis.map(|c| SensitiveBasis {
                condition: c.into(),
            }),
            policy_document: "apd".into(),
            datasets,
            entity_types,
            roles,
            audit_use,
            review_date: "2030-01-01".into(),
            expires: "2030-01-01".into(),
            reviewed_by: Some("dpo".into()),
        },
    )
}

fn resource() -> impl Strategy<Value = Resource> {
    (
        select(&["hr", "intel", "social_care", "custody"][..]),
        select(&SHAPES[..]),
        select(&Sensitivity::ALL[..]),
        select(&Sensitivity::ALL[..]),
        select(&CLASSIFICATIONS[..]),
        names(&CAVEATS[..2]),
    )
        .prop_map(
            |(
                dataset,
                (schema, ancestors),
                sensitivity,
                type_sensitivity,
                classification,
                caveats,
            )| Resource {
                dataset: dataset.into(),
                schema: schema.into(),
                schema_ancestors: ancestors.iter().map(|s| s.to_string()).collect(),
                sensitivity,
                type_sensitivity,
                markings: Markings {
                    classification,
                    caveats,
                },
            },
        )
}

#[test]
fn cedar_decides_as_the_reference_does() {
    let policies = PolicySet::default_policies().unwrap();
    let seen = Mutex::new(BTreeSet::new());
    let mut runner = TestRunner::new(Config {
        cases: 800,
        failure_persistence: None,
        ..Config::default()
    });
    let case = (
        principal(),
        purpose(),
        prop::collection::vec(resource(), 3),
        select(&Action::ALL[..]),
        any::<bool>(),
    );
    runner
        .run(
            &case,
            |(principal, purpose, resources, one_action, one_reveal)| {
                let mut cache = policies.cache(&principal, &purpose).unwrap();
                for resource in &resources {
                    for action in Action::ALL {
                        for reveal in [false, true] {
                            let want =
                                reference::decide(&principal, &purpose, action, resource, reveal);
                            let got = cache.decide(action, resource, reveal);
                            prop_assert_eq!(
                                got,
                                want,
                                "{} reveal={} {:?}",
                                action,
                                reveal,
                                resource
                            );
                            seen.lock().unwrap().insert(got.code());
                        }
                    }
                }
                // The cache answers again from memory, and the uncached path agrees.
                let resource = &resources[0];
                let want =
                    reference::decide(&principal, &purpose, one_action, resource, one_reveal);
                prop_assert_eq!(cache.decide(one_action, resource, one_reveal), want);
                prop_assert_eq!(
                    policies.decide(&principal, &purpose, one_action, resource, one_reveal),
                    want
                );
                Ok(())
            },
        )
        .unwrap();

    // The generators must reach every outcome the default policies can give,
    // or agreement would prove little.
    let seen = seen.into_inner().unwrap();
    for code in [
        "allow",
        "mask",
        "disabled",
        "purpose_not_for_role",
        "audit_use_required",
        "dataset_not_covered",
        "type_not_covered",
        "markings",
        "sensitive_basis_required",
        "action_not_permitted",
    ] {
        assert!(seen.contains(code), "never decided `{code}`: {seen:?}");
    }
    assert!(!seen.contains("policy_error"), "{seen:?}");
}

#[test]
fn mask_only_hides_special_categories() {
    // A cheap whole-space check of the leak the engine most fears: whatever
    // the case, a mask is for a special category and an allow of a special
    // category needs reveal and a basis.
    let policies = PolicySet::default_policies().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(principal(), purpose(), resource(), any::<bool>()),
            |(principal, purpose, resource, reveal)| {
                let mut cache = policies.cache(&principal, &purpose).unwrap();
                for action in Action::ALL {
                    match cache.decide(action, &resource, reveal) {
                        Decision::Mask { category } => {
                            prop_assert!(category.is_special());
                            prop_assert_eq!(category, resource.sensitivity);
                            prop_assert!(
                                !resource.type_sensitivity.is_special()
                                    || purpose.allows_sensitive()
                            );
                        }
                        Decision::Allow if action.reads_values() => {
                            if resource.sensitivity.is_special() {
                                prop_assert!(reveal && purpose.allows_sensitive());
                            }
                            // issue 14, finding 2
                            if resource.type_sensitivity.is_special() {
                                prop_assert!(purpose.allows_sensitive());
                            }
                            prop_assert!(
                                resource
                                    .markings
                                    .permits(principal.clearance, &principal.caveats)
                            );
                        }
                        _ => {}
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}
