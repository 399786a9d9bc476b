//! Records as resolution sees them: an id and one optional text value per
//! field of a schema, each field typed by what it holds so that it is compared
//! the right way.

use crate::error::ResolveError;

/// Joins several values of one field in a [`Record`]'s text (the ASCII
/// unit separator, which no value typed by a person holds): a previous
/// surname beside the current one, former addresses, several phones.
pub const VALUE_SEPARATOR: char = '\u{1F}';
/// [`VALUE_SEPARATOR`] as text, for joining values.
pub const VALUE_SEPARATOR_STR: &str = "\u{1F}";

/// What a field holds, which decides how it is normalised and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    GivenName,
    FamilyName,
    FullName,
    Date,
    Postcode,
    Address,
    Identifier,
    Town,
    /// A county, state or province: larger than a town, compared exactly.
    Region,
    Number,
}

impl FieldKind {
    /// The lowercase name used in messages and settings files.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::GivenName => "given_name",
            FieldKind::FamilyName => "family_name",
            FieldKind::FullName => "full_name",
            FieldKind::Date => "date",
            FieldKind::Postcode => "postcode",
            FieldKind::Address => "address",
            FieldKind::Identifier => "identifier",
            FieldKind::Town => "town",
            FieldKind::Region => "region",
            FieldKind::Number => "number",
        }
    }

    /// Whether the field is a name, compared by spelling, sound and nickname.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            FieldKind::GivenName | FieldKind::FamilyName | FieldKind::FullName
        )
    }

    /// Whether the field says where someone lives. Such fields determine
    /// each other (a postcode gives the town and the county), so they must
    /// be compared together, never as independent evidence.
    pub fn is_place(self) -> bool {
        matches!(
            self,
            FieldKind::Address | FieldKind::Town | FieldKind::Region | FieldKind::Postcode
        )
    }
}

/// One named, typed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
}

/// The fields every record carries, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    pub fields: Vec<Field>,
}

impl Schema {
    /// A schema from `(name, kind)` pairs.
    pub fn new<S: Into<String>>(fields: impl IntoIterator<Item = (S, FieldKind)>) -> Schema {
        Schema {
            fields: fields
                .into_iter()
                .map(|(name, kind)| Field {
                    name: name.into(),
                    kind,
                })
                .collect(),
        }
    }

    /// The position of the field called `name`.
    ///
    /// # Errors
    /// [`ResolveError::UnknownField`] when there is none.
    /// The first field of a kind.
    pub fn first_of(&self, kind: FieldKind) -> Option<usize> {
        self.fields.iter().position(|f| f.kind == kind)
    }

    pub fn index(&self, name: &str) -> Result<usize, ResolveError> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| ResolveError::UnknownField {
                name: name.to_owned(),
            })
    }
}

/// One source record: its id and a value (or none) for each schema field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub fields: Vec<Option<String>>,
}

impl Record {
    /// Checks the record against the schema.
    ///
    /// # Errors
    /// [`ResolveError::FieldCount`] when it has the wrong number of fields.
    pub fn check(&self, schema: &Schema) -> Result<(), ResolveError> {
        if self.fields.len() == schema.fields.len() {
            Ok(())
        } else {
            Err(ResolveError::FieldCount {
                id: self.id.clone(),
                got: self.fields.len(),
                expected: schema.fields.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_as_text_is_the_separator() {
        assert_eq!(VALUE_SEPARATOR_STR, VALUE_SEPARATOR.to_string());
    }
}
