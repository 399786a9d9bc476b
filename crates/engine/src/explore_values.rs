//! The values that make records meet on the link chart, as in i2 and
//! Maltego: two records holding the same phone number, email address,
//! vehicle registration or address (as a dwelling, not a postcode) are
//! joined through that value's node, normalised so that `07700 900123`
//! and `+447700900123` are one number. Without it a staff member and an
//! intelligence nominal at the same house, each with the address record
//! their own source gave them, are never connected.

use clearstone_model::{Ontology, PropType};

/// What kind of value a node stands for; its name is the node's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    Phone,
    Email,
    Vehicle,
    Address,
}

impl ValueKind {
    pub(crate) fn schema(self) -> &'static str {
        match self {
            Self::Phone => "Phone",
            Self::Email => "Email",
            Self::Vehicle => "Vehicle",
            Self::Address => "Address",
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Vehicle => "vehicle",
            Self::Address => "address",
        }
    }
}

/// Every value node's id starts so; no source record's id does, since a
/// record id is `dataset:entity:key` and no dataset is named this.
pub const VALUE_ID_PREFIX: &str = "value:";

/// Whether `id` names a value node rather than an entity.
pub fn is_value_id(id: &str) -> bool {
    id.starts_with(VALUE_ID_PREFIX)
}

/// The value node `prop = value` of a `schema` record meets at, if the
/// property holds a value records can share: (kind, node id).
pub(crate) fn value_node(
    ontology: &Ontology,
    schema: &str,
    prop: &str,
    value: &str,
) -> Option<(ValueKind, String)> {
    let ty = ontology.property(schema, prop)?.ty;
    let (kind, key) = match ty {
        PropType::Phone => (ValueKind::Phone, phone_key(value)?),
        PropType::Email => (
            ValueKind::Email,
            clearstone_text::normalise_email(value).ok()?,
        ),
        PropType::Identifier if is_registration(ontology, schema, prop) => {
            (ValueKind::Vehicle, registration_key(value)?)
        }
        PropType::Address if is_dwelling(ontology, schema, prop) => {
            (ValueKind::Address, dwelling_key(value)?)
        }
        _ => return None,
    };
    Some((kind, format!("{VALUE_ID_PREFIX}{}:{key}", kind.tag())))
}

/// Whether `prop` of `schema` holds values records meet at, so that the
/// chart may be filtered by it.
pub(crate) fn holds_values(ontology: &Ontology, schema: &str, prop: &str) -> bool {
    match ontology.property(schema, prop).map(|p| p.ty) {
        Some(PropType::Phone | PropType::Email) => true,
        Some(PropType::Identifier) => is_registration(ontology, schema, prop),
        Some(PropType::Address) => is_dwelling(ontology, schema, prop),
        _ => false,
    }
}

fn phone_key(value: &str) -> Option<String> {
    clearstone_text::to_e164(value).ok()
}

/// A vehicle's own registration mark, or one a record mentions.
fn is_registration(ontology: &Ontology, schema: &str, prop: &str) -> bool {
    (prop == "registration" && ontology.is_a(schema, "Vehicle"))
        || prop.ends_with("vehicle_registration")
}

/// Letters and digits, upper case: `ab12 cde` and `AB12CDE` are one mark.
fn registration_key(value: &str) -> Option<String> {
    let key: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (2..=8).contains(&key.len()).then_some(key)
}

/// The property that holds a whole address: the caption of its type when
/// that is an address, else one named `full`. A street alone is not a
/// dwelling, and neighbours must not meet.
fn is_dwelling(ontology: &Ontology, schema: &str, prop: &str) -> bool {
    match ontology.get(schema) {
        Some(t) if t.caption == prop => true,
        _ => prop == "full",
    }
}

/// The address folded (case, accents, punctuation, spacing), a trailing
/// postcode dropped so the place and not its postcode is compared, and
/// only where it names a dwelling (a house number or name and a street):
/// a bare town would join a whole town.
fn dwelling_key(value: &str) -> Option<String> {
    let folded = clearstone_text::fold(value);
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    if words.len() >= 2 {
        let tail = words.len() - 2;
        let last_two = words.get(tail..).map(|w| w.join(" ")).unwrap_or_default();
        if clearstone_text::Postcode::parse(&last_two).is_ok() {
            words.truncate(tail);
        }
    }
    if let Some(last) = words.last()
        && clearstone_text::Postcode::parse(last).is_ok()
    {
        words.pop();
    }
    (words.len() >= 3).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn node(schema: &str, prop: &str, value: &str) -> Option<String> {
        let o = Ontology::default_ontology().unwrap();
        value_node(&o, schema, prop, value).map(|(_, id)| id)
    }

    #[test]
    fn one_value_written_two_ways_is_one_node() {
        assert_eq!(
            node("StaffMember", "mobile", "07700 900123"),
            node("Person", "phone", "+44 7700 900123")
        );
        assert_eq!(
            node("StaffMember", "work_email", "Jo.Bloggs@Example.org"),
            node("Person", "email", "jo.bloggs@example.org")
        );
        assert_eq!(
            node("Vehicle", "registration", "ab12 cde"),
            Some("value:vehicle:AB12CDE".into())
        );
        assert_eq!(
            node("Address", "full", "Flat 2, 12 High Street, Northtown"),
            node("Address", "full", "FLAT 2 12 HIGH STREET NORTHTOWN NT1 2AB")
        );
    }

    #[test]
    fn what_is_not_a_shared_value_makes_no_node() {
        // A street or a town alone would join neighbours and whole towns.
        assert_eq!(node("Address", "street", "High Street"), None);
        assert_eq!(node("Address", "full", "Northtown"), None);
        assert_eq!(node("Person", "name", "Jo Bloggs"), None);
        assert_eq!(node("Person", "phone", "not a number"), None);
    }
}
