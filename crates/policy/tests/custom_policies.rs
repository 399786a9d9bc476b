//! Deployment policies: their own forbids, masks and attributes, and the
//! rule that a policy failing to evaluate denies.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_model::{Classification, Sensitivity};
use clearstone_policy::{Action, DEFAULT_POLICIES, Decision, DenyReason, PolicySet};
use common::*;

#[test]
fn unannotated_forbid_gives_forbidden() {
    let text = format!(
        "{DEFAULT_POLICIES}\n@id(\"no_exports\")\nforbid (principal, action == Action::\"export\", resource);\n"
    );
    let p = PolicySet::load(&text, "force.cedar").unwrap();
    assert_eq!(
        p.decide(&analyst(), &purpose(), Action::Export, &value(), false),
        Decision::Deny {
            reason: DenyReason::Forbidden
        }
    );
    assert_eq!(
        p.decide(&analyst(), &purpose(), Action::View, &value(), false),
        Decision::Allow
    );
    // An earlier reason still wins.
    assert_eq!(
        p.decide(
            &analyst(),
            &purpose(),
            Action::Export,
            &marked("SECRET"),
            false
        ),
        Decision::Deny {
            reason: DenyReason::Markings
        }
    );
}

#[test]
fn a_deployment_can_mask_more() {
    let text = format!(
        "{DEFAULT_POLICIES}\n@mask(\"offence\")\nforbid (principal, action == Action::\"search\", resource)\nwhen {{ context.sensitivity == \"offence\" }};\n"
    );
    let p = PolicySet::load(&text, "force.cedar").unwrap();
    let offence = tagged(Sensitivity::Offence);
    assert_eq!(
        p.decide(&analyst(), &purpose(), Action::Search, &offence, false),
        Decision::Mask {
            category: Sensitivity::Offence
        }
    );
    assert_eq!(
        p.decide(&analyst(), &purpose(), Action::View, &offence, false),
        Decision::Allow
    );
}

#[test]
fn a_mask_without_a_permit_is_a_deny() {
    // Masking says the value exists; without a permit even that is denied.
    let text = "@mask(\"all\")\nforbid (principal, action, resource);\n";
    let p = PolicySet::load(text, "mask_only.cedar").unwrap();
    assert_eq!(
        p.decide(&analyst(), &purpose(), Action::View, &value(), false),
        Decision::Deny {
            reason: DenyReason::ActionNotPermitted
        }
    );
    let text = "permit (principal, action, resource);\n@mask(\"all\")\nforbid (principal, action, resource);\n";
    let p = PolicySet::load(text, "mask_all.cedar").unwrap();
    assert!(matches!(
        p.decide(&analyst(), &purpose(), Action::View, &value(), false),
        Decision::Mask { .. }
    ));
}

#[test]
fn principal_attributes_and_unit_reach_the_policies() {
    let text = format!(
        "{DEFAULT_POLICIES}\n@id(\"own_force\")\n@reason(\"forbidden\")\nforbid (principal, action, resource)\nunless {{ principal.hasTag(\"force\") && principal.getTag(\"force\") == \"northshire\" && principal has unit && principal.unit == \"PSD\" }};\n"
    );
    let p = PolicySet::load(&text, "force.cedar").unwrap();
    let mut member = analyst();
    member
        .attributes
        .insert("force".into(), "northshire".into());
    assert_eq!(
        p.decide(&member, &purpose(), Action::View, &value(), false),
        Decision::Allow
    );
    let mut outsider = member.clone();
    outsider
        .attributes
        .insert("force".into(), "southshire".into());
    assert_eq!(
        p.decide(&outsider, &purpose(), Action::View, &value(), false),
        Decision::Deny {
            reason: DenyReason::Forbidden
        }
    );
    let mut no_unit = member.clone();
    no_unit.unit = None;
    assert_eq!(
        p.decide(&no_unit, &purpose(), Action::View, &value(), false),
        Decision::Deny {
            reason: DenyReason::Forbidden
        }
    );
}

#[test]
fn a_forbid_that_fails_to_evaluate_denies() {
    // Cedar skips a policy that errors; for a forbid that would let the
    // request through. The multiplication overflows for SECRET (2) and up.
    let text = "permit (principal, action, resource);\n@id(\"overflow\")\n@reason(\"markings\")\nforbid (principal, action, resource)\nwhen { context.classification * 9223372036854775807 > 9223372036854775806 };\n";
    let p = PolicySet::load(text, "overflow.cedar").unwrap();
    let mut cleared = analyst();
    cleared.clearance = Classification::TopSecret;
    assert_eq!(
        p.decide(&cleared, &purpose(), Action::View, &value(), false),
        Decision::Allow
    );
    assert_eq!(
        p.decide(
            &cleared,
            &purpose(),
            Action::View,
            &marked("OFFICIAL-SENSITIVE"),
            false
        ),
        Decision::Deny {
            reason: DenyReason::Markings
        }
    );
    assert_eq!(
        p.decide(&cleared, &purpose(), Action::View, &marked("SECRET"), false),
        Decision::Deny {
            reason: DenyReason::PolicyError
        }
    );
}
