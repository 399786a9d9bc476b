use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::NotesError;
use crate::note::{Note, Span};

/// What a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    Person,
    Date,
    Place,
    Address,
    School,
    GpSurgery,
    NhsNumber,
    NiNumber,
    Postcode,
    Phone,
    Email,
    VehicleReg,
}

impl MentionKind {
    pub const ALL: [MentionKind; 12] = [
        Self::Person,
        Self::Date,
        Self::Place,
        Self::Address,
        Self::School,
        Self::GpSurgery,
        Self::NhsNumber,
        Self::NiNumber,
        Self::Postcode,
        Self::Phone,
        Self::Email,
        Self::VehicleReg,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Date => "date",
            Self::Place => "place",
            Self::Address => "address",
            Self::School => "school",
            Self::GpSurgery => "gp_surgery",
            Self::NhsNumber => "nhs_number",
            Self::NiNumber => "ni_number",
            Self::Postcode => "postcode",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::VehicleReg => "vehicle_reg",
        }
    }
}

impl fmt::Display for MentionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for MentionKind {
    type Err = NotesError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| NotesError::UnknownMentionKind {
                value: s.to_string(),
            })
    }
}

/// A person the case already knows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KnownPerson {
    pub entity_id: String,
    /// Full names, given names and known-as names, as the record holds them.
    pub names: Vec<String>,
    /// "child", "mother", "social worker", ... when the case says.
    pub role: Option<String>,
}

/// What the case already knows, for linking mentions to entities.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Known {
    pub people: Vec<KnownPerson>,
    /// (entity id, name or address) of places the case knows.
    pub places: Vec<(String, String)>,
}

/// One thing a note mentions, where, and what it is once normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    pub kind: MentionKind,
    /// The text as written.
    pub text: String,
    /// ISO date, E.164 phone, spaced NHS number, postcode in standard form,
    /// lowercased email, folded name.
    pub normalised: String,
    /// The entity it was linked to, or `None` when it is offered for linking.
    pub entity_id: Option<String>,
}

/// Finds what a note mentions.
pub trait EntityDetector {
    /// The note's mentions in text order; overlapping mentions are resolved
    /// to the longest.
    fn detect(&self, note: &Note, known: &Known) -> Vec<Mention>;
}
