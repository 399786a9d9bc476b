//! Default resolution settings for a type, generated from what the
//! ontology says its properties hold: the shipped person settings are this
//! function's output for `Person` in the default ontology, written out.

use std::collections::BTreeMap;

use clearstone_model::{Ontology, PropType};
use clearstone_resolve::defaults::{Property, generate};

/// The settings text for resolving `schema` and its subtypes, which are
/// resolved together: the type's properties, its subtypes' identifiers,
/// phones and emails, and the properties of the address it references by
/// their path. Identifiers named in
/// `decisive` link on exact agreement.
pub fn default_settings(ontology: &Ontology, schema: &str, decisive: &[&str]) -> String {
    let mut props: BTreeMap<String, &'static str> = BTreeMap::new();
    for t in ontology.types().filter(|t| ontology.is_a(&t.name, schema)) {
        let subtype = t.name != schema;
        for (name, kind, range) in inherited(ontology, &t.name) {
            // A subtype's identifiers, phones and emails are how other
            // sources name its people (a payroll number on an absence
            // record); its dates and names describe the role (a start
            // date), not who the person is.
            let names_a_person = matches!(
                kind,
                PropType::Identifier | PropType::Phone | PropType::Email
            );
            if subtype && !names_a_person && ontology.property(schema, &name).is_none() {
                continue;
            }
            match range {
                Some(range) if kind == PropType::Entity && range != schema => {
                    for (inner, inner_kind, _) in inherited(ontology, &range) {
                        props
                            .entry(format!("{name}.{inner}"))
                            .or_insert(inner_kind.as_str());
                    }
                }
                _ => {
                    props.entry(name).or_insert(kind.as_str());
                }
            }
        }
    }
    // Only the address a person lives at is followed: other references
    // (a line manager) are people of their own.
    let kept: Vec<Property<'_>> = props
        .iter()
        .filter(|(path, _)| {
            path.split_once('.')
                .is_none_or(|(head, _)| head == "address")
        })
        .map(|(path, kind)| Property { path, kind })
        .collect();
    generate(&kept, decisive)
}

/// A type's properties with those it inherits: (name, kind, range).
fn inherited(ontology: &Ontology, ty: &str) -> Vec<(String, PropType, Option<String>)> {
    let mut out = Vec::new();
    let mut cur = ontology.get(ty);
    while let Some(t) = cur {
        out.extend(
            t.properties
                .values()
                .map(|p| (p.name.clone(), p.ty, p.range.clone())),
        );
        cur = t.parent.as_deref().and_then(|p| ontology.get(p));
    }
    out
}
