//! Settings generated from a type's property kinds.

#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_resolve::FieldKind;
use clearstone_resolve::defaults::{Property, generate};
use clearstone_resolve::settings::Settings;

fn props(list: &[(&'static str, &'static str)]) -> Vec<Property<'static>> {
    list.iter()
        .map(|&(path, kind)| Property { path, kind })
        .collect()
}

const PERSON: &[(&str, &str)] = &[
    ("name", "name"),
    ("title", "text"),
    ("first_name", "name"),
    ("last_name", "name"),
    ("previous_names", "name"),
    ("birth_date", "date"),
    ("national_insurance_number", "identifier"),
    ("payroll_number", "identifier"),
    ("mobile", "phone"),
    ("email", "email"),
    ("sex", "enum"),
    ("address.street", "address"),
    ("address.town", "text"),
    ("address.postcode", "postcode"),
    ("address.uprn", "identifier"),
];

// issue 16, item 5: every name, date, identifier, phone, email and place is
// compared once and blocked on, and the settings check finds nothing.
#[test]
fn generated_person_settings_are_sound() {
    let text = generate(&props(PERSON), &["payroll_number"]);
    let s = Settings::parse(&text, "generated.toml").unwrap();
    assert!(s.warnings.is_empty(), "{:?}\n{text}", s.warnings);
    let field = |name: &str| s.schema.index(name).unwrap();
    assert_eq!(s.schema.fields[field("given")].kind, FieldKind::GivenName);
    // A maiden name is another value of the family name.
    assert_eq!(s.columns[field("family")], ["last_name", "previous_names"]);
    // The whole name is not compared beside its halves.
    assert!(s.schema.first_of(FieldKind::FullName).is_none());
    assert_eq!(s.decisive, [field("payroll_number")]);
    assert!(text.contains("columns = [\"national_insurance_number\"]\n# decisive = true"));
    for id in ["nino", "payroll_number", "mobile", "email"] {
        assert!(
            s.rules
                .iter()
                .any(|r| r.keys.len() == 1 && r.keys[0].field == field(id)),
            "no rule on `{id}` alone"
        );
    }
    // An address's UPRN says where, not who.
    assert!(!text.contains("uprn"), "{text}");
    let names: Vec<&str> = s.comparisons.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "given",
            "family",
            "dob",
            "nino",
            "payroll_number",
            "mobile",
            "email",
            "place"
        ]
    );
}

// issue 16, item 5: records holding a whole name only are compared on it
// and reached by a rule on the name alone.
#[test]
fn whole_names_only_are_compared_and_reached() {
    let text = generate(&props(&[("name", "name"), ("birth_date", "date")]), &[]);
    let s = Settings::parse(&text, "generated.toml").unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.schema.fields[0].kind, FieldKind::FullName);
    assert_eq!(s.comparisons.len(), 2);
}
