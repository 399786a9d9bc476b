//! Hand-checked decisions of the default policies, each through Cedar, the
//! cache and the reference evaluator, so a wrong policy or a wrong oracle
//! shows up here by name.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_model::{Classification, Sensitivity};
use clearstone_policy::{
    Action, AuditUse, Decision, DenyReason, PolicySet, Principal, PrincipalKind, Purpose, Resource,
    masked_placeholder, reference,
};
use common::*;

/// The default policies' decision, after checking that every route agrees.
fn decide(p: &Principal, pu: &Purpose, a: Action, r: &Resource, reveal: bool) -> Decision {
    let policies = PolicySet::default_policies().unwrap();
    let cedar = policies.decide(p, pu, a, r, reveal);
    let mut cache = policies.cache(p, pu).unwrap();
    assert_eq!(cache.decide(a, r, reveal), cedar, "cache, first time");
    assert_eq!(cache.decide(a, r, reveal), cedar, "cache, memoised");
    assert_eq!(reference::decide(p, pu, a, r, reveal), cedar, "reference");
    cedar
}

fn deny(reason: DenyReason) -> Decision {
    Decision::Deny { reason }
}

#[test]
fn ordinary_value_is_allowed() {
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &value(), false),
        Decision::Allow
    );
}

#[test]
fn special_category_is_masked_without_reveal() {
    let health = tagged(Sensitivity::Health);
    let d = decide(
        &analyst(),
        &with_basis(purpose()),
        Action::View,
        &health,
        false,
    );
    assert_eq!(
        d,
        Decision::Mask {
            category: Sensitivity::Health
        }
    );
}

#[test]
fn special_category_stays_masked_with_reveal_but_no_basis() {
    let health = tagged(Sensitivity::Health);
    let d = decide(&analyst(), &purpose(), Action::View, &health, true);
    assert_eq!(
        d,
        Decision::Mask {
            category: Sensitivity::Health
        }
    );
}

#[test]
fn special_category_is_allowed_with_reveal_and_basis() {
    let health = tagged(Sensitivity::Health);
    let d = decide(
        &analyst(),
        &with_basis(purpose()),
        Action::View,
        &health,
        true,
    );
    assert_eq!(d, Decision::Allow);
}

#[test]
fn blank_condition_is_no_basis() {
    let mut p = with_basis(purpose());
    p.sensitive.as_mut().unwrap().condition = "  ".into();
    let d = decide(
        &analyst(),
        &p,
        Action::View,
        &tagged(Sensitivity::Religious),
        true,
    );
    assert!(matches!(d, Decision::Mask { .. }), "{d:?}");
}

#[test]
fn offence_data_is_not_special_category() {
    let d = decide(
        &analyst(),
        &purpose(),
        Action::View,
        &tagged(Sensitivity::Offence),
        false,
    );
    assert_eq!(d, Decision::Allow);
}

#[test]
fn every_special_category_is_masked_and_every_other_is_not() {
    for s in Sensitivity::ALL {
        let d = decide(&analyst(), &purpose(), Action::Search, &tagged(s), false);
        let want = if s.is_special() {
            Decision::Mask { category: s }
        } else {
            Decision::Allow
        };
        assert_eq!(d, want, "{s}");
    }
}

#[test]
fn hr_caveat_is_needed_for_official_sensitive_hr() {
    let v = marked("OFFICIAL-SENSITIVE:HR");
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &v, false),
        deny(DenyReason::Markings)
    );
    let mut hr = analyst();
    hr.caveats = set(&["HR"]);
    assert_eq!(
        decide(&hr, &purpose(), Action::View, &v, false),
        Decision::Allow
    );
}

#[test]
fn secret_is_denied_to_official_sensitive_clearance() {
    let v = marked("SECRET");
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &v, false),
        deny(DenyReason::Markings)
    );
    let mut cleared = analyst();
    cleared.clearance = Classification::Secret;
    assert_eq!(
        decide(&cleared, &purpose(), Action::View, &v, false),
        Decision::Allow
    );
}

#[test]
fn markings_beat_masking() {
    // A marked special-category value is denied, not masked: a mask would
    // still say the value exists.
    let v = Resource {
        sensitivity: Sensitivity::Health,
        ..marked("SECRET")
    };
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &v, false),
        deny(DenyReason::Markings)
    );
}

#[test]
fn purpose_covering_person_covers_officer_through_ancestors() {
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &value(), false),
        Decision::Allow
    );
    let orphan = Resource {
        schema_ancestors: vec!["Officer".into()],
        ..value()
    };
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &orphan, false),
        deny(DenyReason::TypeNotCovered)
    );
    let vehicle = Resource {
        schema: "Vehicle".into(),
        schema_ancestors: vec!["Vehicle".into()],
        ..value()
    };
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &vehicle, false),
        deny(DenyReason::TypeNotCovered)
    );
}

#[test]
fn type_itself_counts_even_if_left_out_of_ancestors() {
    let mut p = purpose();
    p.entity_types = set(&["Officer"]);
    let v = Resource {
        schema_ancestors: vec!["Person".into()],
        ..value()
    };
    assert_eq!(
        decide(&analyst(), &p, Action::View, &v, false),
        Decision::Allow
    );
}

#[test]
fn wildcards_and_empty_sets() {
    let other = Resource {
        dataset: "intel".into(),
        ..value()
    };
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &other, false),
        deny(DenyReason::DatasetNotCovered)
    );
    let mut all = purpose();
    all.datasets = set(&["*"]);
    all.entity_types = set(&["*"]);
    assert_eq!(
        decide(&analyst(), &all, Action::View, &other, false),
        Decision::Allow
    );
    let mut none = purpose();
    none.datasets.clear();
    assert_eq!(
        decide(&analyst(), &none, Action::View, &value(), false),
        deny(DenyReason::DatasetNotCovered)
    );
}

#[test]
fn read_audit_needs_an_audit_use() {
    let a = Action::ReadAudit;
    assert_eq!(
        decide(&analyst(), &purpose(), a, &value(), false),
        deny(DenyReason::AuditUseRequired)
    );
    for use_ in AuditUse::ALL {
        let mut p = purpose();
        p.audit_use = Some(use_);
        assert_eq!(
            decide(&analyst(), &p, a, &value(), false),
            Decision::Allow,
            "{use_:?}"
        );
    }
}

#[test]
fn reveal_sensitive_needs_a_basis() {
    let health = tagged(Sensitivity::Health);
    assert_eq!(
        decide(
            &analyst(),
            &purpose(),
            Action::RevealSensitive,
            &health,
            true
        ),
        deny(DenyReason::SensitiveBasisRequired)
    );
    assert_eq!(
        decide(
            &analyst(),
            &with_basis(purpose()),
            Action::RevealSensitive,
            &health,
            true
        ),
        Decision::Allow
    );
}

#[test]
fn ingest_and_administer_need_their_roles() {
    let v = value();
    for a in [Action::Ingest, Action::Administer] {
        assert_eq!(
            decide(&analyst(), &purpose(), a, &v, false),
            deny(DenyReason::ActionNotPermitted),
            "{a}"
        );
    }
    let with_role = |role: &str| {
        let mut p = analyst();
        p.roles.insert(role.into());
        let mut pu = purpose();
        pu.roles.insert(role.into());
        (p, pu)
    };
    let (engineer, pu) = with_role("data_engineer");
    assert_eq!(
        decide(&engineer, &pu, Action::Ingest, &v, false),
        Decision::Allow
    );
    assert_eq!(
        decide(&engineer, &pu, Action::Administer, &v, false),
        deny(DenyReason::ActionNotPermitted)
    );
    for role in ["data_protection_officer", "administrator"] {
        let (p, pu) = with_role(role);
        assert_eq!(
            decide(&p, &pu, Action::Ingest, &v, false),
            Decision::Allow,
            "{role}"
        );
        assert_eq!(
            decide(&p, &pu, Action::Administer, &v, false),
            Decision::Allow,
            "{role}"
        );
    }
    let mut service = analyst();
    service.kind = PrincipalKind::Service;
    assert_eq!(
        decide(&service, &purpose(), Action::Ingest, &v, false),
        Decision::Allow
    );
    assert_eq!(
        decide(&service, &purpose(), Action::Administer, &v, false),
        deny(DenyReason::ActionNotPermitted)
    );
}

#[test]
fn ingest_stores_special_category_unmasked() {
    let mut service = analyst();
    service.kind = PrincipalKind::Service;
    let d = decide(
        &service,
        &purpose(),
        Action::Ingest,
        &tagged(Sensitivity::Health),
        false,
    );
    assert_eq!(d, Decision::Allow);
}

#[test]
fn disabled_and_role_checks_apply_to_every_action() {
    let mut off = analyst();
    off.disabled = true;
    let mut other = analyst();
    other.roles = set(&["social_worker"]);
    for a in Action::ALL {
        assert_eq!(
            decide(&off, &purpose(), a, &value(), false),
            deny(DenyReason::Disabled),
            "{a}"
        );
        assert_eq!(
            decide(&other, &purpose(), a, &value(), false),
            deny(DenyReason::PurposeNotForRole),
            "{a}"
        );
    }
}

#[test]
fn placeholder_names_the_category() {
    assert_eq!(masked_placeholder(Sensitivity::Health), "[health — masked]");
    assert_eq!(
        masked_placeholder(Sensitivity::SexualOrientation),
        "[sexual orientation — masked]"
    );
    assert_eq!(
        masked_placeholder(Sensitivity::TradeUnion),
        "[trade union — masked]"
    );
}

#[test]
fn codes_are_stable_and_round_trip() {
    for r in DenyReason::ALL {
        assert_eq!(DenyReason::parse(r.code()), Some(r));
        assert_eq!(deny(r).code(), r.code());
    }
    let codes: Vec<&str> = DenyReason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(
        codes,
        [
            "disabled",
            "purpose_not_for_role",
            "purpose_expired",
            "purpose_unreviewed",
            "audit_use_required",
            "dataset_not_covered",
            "type_not_covered",
            "markings",
            "sensitive_basis_required",
            "action_not_permitted",
            "forbidden",
            "policy_error",
        ]
    );
    for a in Action::ALL {
        assert_eq!(Action::parse(a.as_str()), Some(a));
    }
    assert_eq!(Action::ReadAudit.as_str(), "read_audit");
    assert_eq!(Action::RevealSensitive.as_str(), "reveal_sensitive");
    assert_eq!(Action::parse("View"), None);
    assert_eq!(Decision::Allow.code(), "allow");
    assert_eq!(
        Decision::Mask {
            category: Sensitivity::Health
        }
        .code(),
        "mask"
    );
}

// issue 14, finding 2: a record whose type is a special category is not read
// at all without a lawful condition, whatever its values' own tags.
#[test]
fn a_special_category_type_is_denied_without_a_basis_and_read_with_one() {
    let membership = |sensitivity| Resource {
        sensitivity,
        type_sensitivity: Sensitivity::TradeUnion,
        ..value()
    };
    for action in [Action::Search, Action::View, Action::Export] {
        for tag in [Sensitivity::Ordinary, Sensitivity::TradeUnion] {
            assert_eq!(
                decide(&analyst(), &purpose(), action, &membership(tag), false),
                deny(DenyReason::SensitiveBasisRequired),
                "{action} {tag}"
            );
        }
        assert_eq!(
            decide(
                &analyst(),
                &with_basis(purpose()),
                action,
                &membership(Sensitivity::Ordinary),
                false
            ),
            Decision::Allow,
            "{action}"
        );
        assert_eq!(
            decide(
                &analyst(),
                &with_basis(purpose()),
                action,
                &membership(Sensitivity::TradeUnion),
                false
            ),
            Decision::Mask {
                category: Sensitivity::TradeUnion
            },
            "{action}"
        );
    }
    // Offence data on a type changes nothing: it is not a special category.
    let offence = Resource {
        type_sensitivity: Sensitivity::Offence,
        ..value()
    };
    assert_eq!(
        decide(&analyst(), &purpose(), Action::View, &offence, false),
        Decision::Allow
    );
}
