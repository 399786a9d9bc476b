//! Builders shared by the integration tests.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use clearstone_model::{Classification, Markings, Sensitivity};
use clearstone_policy::{Principal, PrincipalKind, Purpose, Resource, SensitiveBasis};

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// An analyst cleared to OFFICIAL-SENSITIVE with no caveats.
pub fn analyst() -> Principal {
    Principal {
        id: "u-analyst".into(),
        display_name: "A. Analyst".into(),
        kind: PrincipalKind::User,
        roles: set(&["analyst"]),
        unit: Some("PSD".into()),
        clearance: Classification::OfficialSensitive,
        caveats: BTreeSet::new(),
        attributes: BTreeMap::new(),
        disabled: false,
    }
}

/// A current, reviewed purpose for analysts over the `hr` dataset and
/// `Person` (so its subtypes), without a sensitive basis or audit use.
pub fn purpose() -> Purpose {
    Purpose {
        id: "psd-investigation".into(),
        description: "Professional standards investigations".into(),
        legal_basis: "DPA 2018 s.35(2)(b)".into(),
        sensitive: None,
        policy_document: "https://example.invalid/apd".into(),
        datasets: set(&["hr"]),
        entity_types: set(&["Person"]),
        roles: set(&["analyst"]),
        audit_use: None,
        review_date: "2027-01-01".into(),
        expires: "2027-06-30".into(),
        reviewed_by: Some("u-dpo".into()),
    }
}

pub fn with_basis(mut p: Purpose) -> Purpose {
    p.sensitive = Some(SensitiveBasis {
        condition: "safeguarding of children and individuals at risk".into(),
    });
    p
}

/// An ordinary OFFICIAL value on an `Officer` (a `Person`) in `hr`.
pub fn value() -> Resource {
    Resource {
        dataset: "hr".into(),
        schema: "Officer".into(),
        schema_ancestors: vec!["Officer".into(), "Person".into()],
        sensitivity: Sensitivity::Ordinary,
        type_sensitivity: Sensitivity::Ordinary,
        markings: Markings::default(),
    }
}

pub fn marked(markings: &str) -> Resource {
    Resource {
        markings: markings.parse().unwrap(),
        ..value()
    }
}

pub fn tagged(sensitivity: Sensitivity) -> Resource {
    Resource {
        sensitivity,
        ..value()
    }
}
