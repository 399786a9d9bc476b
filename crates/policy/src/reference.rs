//! The default policies restated as plain Rust, written without Cedar.
//!
//! This is the oracle: property tests check that the Cedar policies in
//! `policy/default.cedar` decide exactly as this does, and the engine's leak
//! tests check what it returns against it. It is meant to be obviously right,
//! not fast: each rule is one `if`, in the order of [`DenyReason`], so the
//! first failing rule is the reason reported.
//!
//! It describes the shipped policies only; a deployment that loads its own
//! policies has no oracle here.

use crate::{Action, Decision, DenyReason, Principal, PrincipalKind, Purpose, Resource};

pub fn decide(
    principal: &Principal,
    purpose: &Purpose,
    action: Action,
    resource: &Resource,
    reveal: bool,
) -> Decision {
    let deny = |reason| Decision::Deny { reason };
    let holds = |role: &str| principal.roles.contains(role);

    let returns_values = match action {
        Action::Search
        | Action::View
        | Action::RevealSensitive
        | Action::Export
        | Action::Resolve
        | Action::Review => true,
        Action::Ingest | Action::Administer | Action::ReadAudit => false,
    };
    let needs_coverage = returns_values || action == Action::Ingest;
    let sensitive_basis = match &purpose.sensitive {
        Some(basis) => !basis.condition.trim().is_empty(),
        None => false,
    };

    if principal.disabled {
        return deny(DenyReason::Disabled);
    }
    if !principal.roles.iter().any(|r| purpose.roles.contains(r)) {
        return deny(DenyReason::PurposeNotForRole);
    }
    if action == Action::ReadAudit && purpose.audit_use.is_none() {
        return deny(DenyReason::AuditUseRequired);
    }
    if needs_coverage
        && !purpose.datasets.contains("*")
        && !purpose.datasets.contains(&resource.dataset)
    {
        return deny(DenyReason::DatasetNotCovered);
    }
    if needs_coverage && !purpose.entity_types.contains("*") {
        let mut types = std::iter::once(&resource.schema).chain(&resource.schema_ancestors);
        if !types.any(|t| purpose.entity_types.contains(t)) {
            return deny(DenyReason::TypeNotCovered);
        }
    }
    let marked = &resource.markings;
    if marked.classification > principal.clearance
        || marked
            .caveats
            .iter()
            .any(|c| !principal.caveats.contains(c))
    {
        return deny(DenyReason::Markings);
    }
    if action == Action::RevealSensitive && !sensitive_basis {
        return deny(DenyReason::SensitiveBasisRequired);
    }
    if returns_values && resource.type_sensitivity.is_special() && !sensitive_basis {
        return deny(DenyReason::SensitiveBasisRequired);
    }

    let permitted = match action {
        Action::Ingest => {
            holds("data_protection_officer")
                || holds("administrator")
                || holds("data_engineer")
                || principal.kind == PrincipalKind::Service
        }
        Action::Administer => holds("data_protection_officer") || holds("administrator"),
        _ => true,
    };
    if !permitted {
        return deny(DenyReason::ActionNotPermitted);
    }

    if returns_values && resource.sensitivity.is_special() && !(reveal && sensitive_basis) {
        return Decision::Mask {
            category: resource.sensitivity,
        };
    }
    Decision::Allow
}
