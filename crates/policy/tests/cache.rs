//! The decision memo: one Cedar evaluation per value shape, never a stale or
//! borrowed answer.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_model::Sensitivity;
use clearstone_policy::{
    Action, CACHE_ENTRIES_MAX, Decision, DenyReason, PolicySet, Resource, reference,
};
use common::*;

#[test]
fn repeated_shapes_are_remembered_once() {
    let policies = PolicySet::default_policies().unwrap();
    let mut cache = policies.cache(&analyst(), &purpose()).unwrap();
    assert!(cache.is_empty());
    for _ in 0..50 {
        assert_eq!(cache.decide(Action::View, &value(), false), Decision::Allow);
    }
    assert_eq!(cache.len(), 1);
    cache.decide(Action::View, &value(), true);
    cache.decide(Action::Search, &value(), false);
    cache.decide(Action::View, &tagged(Sensitivity::Health), false);
    cache.decide(Action::View, &marked("OFFICIAL-SENSITIVE"), false);
    assert_eq!(cache.len(), 5);
}

#[test]
fn every_field_of_the_shape_is_part_of_the_key() {
    // Each variant differs from `value()` in one field and is decided
    // differently, so a key that ignored the field would answer wrongly.
    let policies = PolicySet::default_policies().unwrap();
    let mut cache = policies.cache(&analyst(), &with_basis(purpose())).unwrap();
    let base = value();
    assert_eq!(cache.decide(Action::View, &base, false), Decision::Allow);
    let variants = [
        Resource {
            dataset: "intel".into(),
            ..value()
        },
        Resource {
            schema: "Vehicle".into(),
            schema_ancestors: vec![],
            ..value()
        },
        Resource {
            schema_ancestors: vec!["Officer".into()],
            ..value()
        },
        tagged(Sensitivity::Genetic),
        marked("OFFICIAL-SENSITIVE:HR"),
        marked("SECRET"),
    ];
    for v in &variants {
        let got = cache.decide(Action::View, v, false);
        assert_ne!(got, Decision::Allow, "{v:?}");
        assert_eq!(
            got,
            reference::decide(&analyst(), &with_basis(purpose()), Action::View, v, false)
        );
    }
    // The type's tag decides only without a basis.
    let mut plain = policies.cache(&analyst(), &purpose()).unwrap();
    assert_eq!(plain.decide(Action::View, &base, false), Decision::Allow);
    let sick = Resource {
        type_sensitivity: Sensitivity::Health,
        ..value()
    };
    assert_ne!(plain.decide(Action::View, &sick, false), Decision::Allow);
    let health = tagged(Sensitivity::Health);
    assert!(matches!(
        cache.decide(Action::View, &health, false),
        Decision::Mask { .. }
    ));
    assert_eq!(cache.decide(Action::View, &health, true), Decision::Allow);
    assert_eq!(
        cache.decide(Action::ReadAudit, &base, false),
        Decision::Deny {
            reason: DenyReason::AuditUseRequired
        }
    );
    // And the first answer is still the first answer.
    assert_eq!(cache.decide(Action::View, &base, false), Decision::Allow);
}

#[test]
fn the_memo_is_bounded() {
    let policies = PolicySet::default_policies().unwrap();
    let mut all = purpose();
    all.datasets = set(&["*"]);
    let mut cache = policies.cache(&analyst(), &all).unwrap();
    for i in 0..CACHE_ENTRIES_MAX + 10 {
        let v = Resource {
            dataset: format!("d{i}"),
            ..value()
        };
        assert_eq!(cache.decide(Action::View, &v, false), Decision::Allow);
        assert!(cache.len() <= CACHE_ENTRIES_MAX);
    }
    assert!(cache.len() < CACHE_ENTRIES_MAX);
    assert_eq!(cache.decide(Action::View, &value(), false), Decision::Allow);
}
