//! The answer for one value: allow, mask or deny, and why.

use std::fmt;

use clearstone_model::Sensitivity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    /// The value exists but is special category and is not revealed: show
    /// [`masked_placeholder`] in its place.
    Mask {
        category: Sensitivity,
    },
    Deny {
        reason: DenyReason,
    },
}

impl Decision {
    pub fn is_allow(self) -> bool {
        self == Self::Allow
    }

    /// Stable code for logs and APIs: `allow`, `mask`, or the deny reason's code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Mask { .. } => "mask",
            Self::Deny { reason } => reason.code(),
        }
    }
}

/// Why a request was denied. When several reasons apply, the first in this
/// order is reported (the derived `Ord`), by the Cedar policies and the
/// reference evaluator alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DenyReason {
    Disabled,
    PurposeNotForRole,
    PurposeExpired,
    PurposeUnreviewed,
    AuditUseRequired,
    DatasetNotCovered,
    TypeNotCovered,
    Markings,
    SensitiveBasisRequired,
    /// No permit covers the action (e.g. ingest without a loading role).
    ActionNotPermitted,
    /// A deployment's own forbid policy that names no other reason.
    Forbidden,
    /// A policy failed to evaluate; the request fails closed.
    PolicyError,
}

impl DenyReason {
    pub const ALL: [DenyReason; 12] = [
        Self::Disabled,
        Self::PurposeNotForRole,
        Self::PurposeExpired,
        Self::PurposeUnreviewed,
        Self::AuditUseRequired,
        Self::DatasetNotCovered,
        Self::TypeNotCovered,
        Self::Markings,
        Self::SensitiveBasisRequired,
        Self::ActionNotPermitted,
        Self::Forbidden,
        Self::PolicyError,
    ];

    /// Stable snake_case code, also the value of a forbid's `@reason`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::PurposeNotForRole => "purpose_not_for_role",
            Self::PurposeExpired => "purpose_expired",
            Self::PurposeUnreviewed => "purpose_unreviewed",
            Self::AuditUseRequired => "audit_use_required",
            Self::DatasetNotCovered => "dataset_not_covered",
            Self::TypeNotCovered => "type_not_covered",
            Self::Markings => "markings",
            Self::SensitiveBasisRequired => "sensitive_basis_required",
            Self::ActionNotPermitted => "action_not_permitted",
            Self::Forbidden => "forbidden",
            Self::PolicyError => "policy_error",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    fn message(self) -> &'static str {
        match self {
            Self::Disabled => "the account is disabled",
            Self::PurposeNotForRole => {
                "the purpose is not registered for any of the principal's roles"
            }
            Self::PurposeExpired => "the purpose has expired",
            Self::PurposeUnreviewed => "the purpose is overdue for review or was never reviewed",
            Self::AuditUseRequired => {
                "reading the access log needs a purpose with a DPA 2018 s.62(4) use"
            }
            Self::DatasetNotCovered => "the purpose does not cover this dataset",
            Self::TypeNotCovered => "the purpose does not cover this entity type",
            Self::Markings => "the principal lacks the classification or a caveat on the value",
            Self::SensitiveBasisRequired => {
                "revealing special-category data needs a purpose with a lawful condition"
            }
            Self::ActionNotPermitted => "no policy permits this action",
            Self::Forbidden => "a policy forbids this request",
            Self::PolicyError => "a policy failed to evaluate",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.code())
    }
}

/// Text shown in place of a masked value: `[health — masked]`,
/// `[sexual orientation — masked]`.
pub fn masked_placeholder(category: Sensitivity) -> String {
    format!("[{} — masked]", category.as_str().replace('_', " "))
}
