//! Statements: one property value, as one source said it, with where and when
//! it came from. Nothing is overwritten; entities are assembled from these.

use std::fmt;
use std::sync::Arc;

use crate::{Markings, StatementId, Timestamp};

/// Who a record is about, where the schema asks for it (police data must keep
/// victims, witnesses and suspects apart: DPA 2018 s.38(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectCategory {
    Suspect,
    Victim,
    Witness,
    Staff,
    Child,
    Other,
}

impl SubjectCategory {
    pub const ALL: [SubjectCategory; 6] = [
        Self::Suspect,
        Self::Victim,
        Self::Witness,
        Self::Staff,
        Self::Child,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspect => "suspect",
            Self::Victim => "victim",
            Self::Witness => "witness",
            Self::Staff => "staff",
            Self::Child => "child",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for SubjectCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Facts are what a source recorded; assessments are someone's judgement
/// (DPA 2018 s.38(2) asks that the two be distinguishable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Kind {
    #[default]
    Fact,
    Assessment,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fact => "fact",
            Self::Assessment => "assessment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fact" => Some(Self::Fact),
            "assessment" => Some(Self::Assessment),
            _ => None,
        }
    }
}

/// Where a statement came from: the source file or table, and the record in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub source: Arc<str>,
    /// Line number for files, record key for tables.
    pub record: Arc<str>,
}

/// Names shared by many statements are `Arc<str>`: a batch of millions of
/// statements then allocates each dataset, schema and property name once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: StatementId,
    /// Source-scoped: `<dataset>:<entity name>:<keys>`.
    pub entity_id: Arc<str>,
    pub schema: Arc<str>,
    pub prop: Arc<str>,
    pub value: String,
    /// The raw text, kept where cleaning changed it.
    pub original_value: Option<String>,
    pub dataset: Arc<str>,
    pub origin: Origin,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub markings: Arc<Markings>,
    pub subject_category: Option<SubjectCategory>,
    pub kind: Kind,
}

impl Statement {
    /// The id this statement must have; checked when reading back from a store.
    pub fn expected_id(&self) -> StatementId {
        StatementId::new(&self.dataset, &self.entity_id, &self.prop, &self.value)
    }
}
