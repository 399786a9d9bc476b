//! Who is asking: a person or a service account, with roles and clearance.

use std::collections::{BTreeMap, BTreeSet};

use clearstone_model::Classification;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    User,
    /// A service account, e.g. a scheduled ingest.
    Service,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::User, Self::Service]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: String,
    pub display_name: String,
    pub kind: PrincipalKind,
    pub roles: BTreeSet<String>,
    /// Organisational unit, e.g. a professional standards department.
    pub unit: Option<String>,
    /// The highest classification this principal may see.
    pub clearance: Classification,
    /// Handling caveats held (`HR`, ...); a value's caveats must all be held.
    pub caveats: BTreeSet<String>,
    /// Free-form attributes, visible to deployment policies as Cedar tags.
    pub attributes: BTreeMap<String, String>,
    pub disabled: bool,
}
