//! The ontology: entity types, their properties and relationship types.
//!
//! The file format is documented in `docs/ontology.md`. Loading resolves
//! inheritance once, so every type carries its full property set and lookups on
//! the hot path are a single map access.

mod load;

use std::collections::BTreeMap;
use std::fmt;

use crate::Sensitivity;

pub use load::OntologyError;

/// The ontology shipped with clearstone.
pub const DEFAULT_ONTOLOGY: &str = include_str!("../../ontology/default.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropType {
    Name,
    Text,
    Date,
    Identifier,
    Address,
    Postcode,
    Phone,
    Email,
    Number,
    Enum,
    Entity,
}

impl PropType {
    const ALL: [PropType; 11] = [
        Self::Name,
        Self::Text,
        Self::Date,
        Self::Identifier,
        Self::Address,
        Self::Postcode,
        Self::Phone,
        Self::Email,
        Self::Number,
        Self::Enum,
        Self::Entity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Text => "text",
            Self::Date => "date",
            Self::Identifier => "identifier",
            Self::Address => "address",
            Self::Postcode => "postcode",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Number => "number",
            Self::Enum => "enum",
            Self::Entity => "entity",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for PropType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub label: String,
    pub ty: PropType,
    pub sensitivity: Sensitivity,
    /// Allowed values of an `enum` property.
    pub values: Vec<String>,
    /// Target type of an `entity` property.
    pub range: Option<String>,
    /// A protected characteristic (Equality Act 2010 s.4: age, disability,
    /// gender reassignment, marriage, pregnancy, race, religion, sex, sexual
    /// orientation). Independent of the sensitivity tag: a date of birth is
    /// ordinary data, yet a reviewer deciding on an alert must not see it.
    pub protected: bool,
}

/// The two ends of a relationship type, as property names.
#[derive(Debug, Clone, PartialEq)]
pub struct Ends {
    pub source: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntityType {
    pub name: String,
    pub label: String,
    pub parent: Option<String>,
    pub is_abstract: bool,
    /// Records of this type carry a subject category (suspect, victim, ...).
    pub subject_category: bool,
    /// The date property that places a record on a timeline.
    pub timeline: Option<String>,
    /// The property shown as the record's title.
    pub caption: String,
    /// What a record's mere existence says about its subject: a trade-union
    /// membership or a sickness absence is special-category data before any
    /// of its values is read. Inherited; `Ordinary` for most types.
    pub sensitivity: Sensitivity,
    /// Set for relationship types.
    pub ends: Option<Ends>,
    /// Own and inherited properties.
    pub properties: BTreeMap<String, Property>,
}

impl EntityType {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.get(name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ontology {
    types: BTreeMap<String, EntityType>,
}

impl Ontology {
    /// Loads an ontology from TOML text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, OntologyError> {
        load::load(text, file)
    }

    /// The ontology shipped with clearstone.
    pub fn default_ontology() -> Result<Self, OntologyError> {
        Self::from_toml(DEFAULT_ONTOLOGY, "default.toml")
    }

    pub fn get(&self, name: &str) -> Option<&EntityType> {
        self.types.get(name)
    }

    pub fn types(&self) -> impl Iterator<Item = &EntityType> {
        self.types.values()
    }

    /// Whether `ty` is `ancestor` or inherits from it.
    pub fn is_a(&self, ty: &str, ancestor: &str) -> bool {
        let mut cur = self.types.get(ty);
        while let Some(t) = cur {
            if t.name == ancestor {
                return true;
            }
            cur = t.parent.as_deref().and_then(|p| self.types.get(p));
        }
        false
    }

    /// What a record of `ty` says by existing ([`EntityType::sensitivity`]);
    /// ordinary for a type the ontology does not define.
    pub fn type_sensitivity(&self, ty: &str) -> Sensitivity {
        self.types
            .get(ty)
            .map_or(Sensitivity::Ordinary, |t| t.sensitivity)
    }

    pub fn property(&self, ty: &str, prop: &str) -> Option<&Property> {
        self.types.get(ty).and_then(|t| t.properties.get(prop))
    }
}
