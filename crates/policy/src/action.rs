//! What a principal wants to do.

use std::fmt;

/// Actions named in the Cedar schema (`Action::"view"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Search,
    View,
    /// Showing special-category values unmasked: its own logged act.
    RevealSensitive,
    Export,
    Ingest,
    Resolve,
    Review,
    Administer,
    ReadAudit,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Self::Search,
        Self::View,
        Self::RevealSensitive,
        Self::Export,
        Self::Ingest,
        Self::Resolve,
        Self::Review,
        Self::Administer,
        Self::ReadAudit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::View => "view",
            Self::RevealSensitive => "reveal_sensitive",
            Self::Export => "export",
            Self::Ingest => "ingest",
            Self::Resolve => "resolve",
            Self::Review => "review",
            Self::Administer => "administer",
            Self::ReadAudit => "read_audit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Actions that return values (the schema's `reads` group): these are
    /// the ones where special-category values are masked.
    pub fn reads_values(self) -> bool {
        matches!(
            self,
            Self::Search
                | Self::View
                | Self::RevealSensitive
                | Self::Export
                | Self::Resolve
                | Self::Review
        )
    }

    /// Index into [`Action::ALL`], for per-action tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
