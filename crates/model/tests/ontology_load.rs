//! Every kind of ontology load error names the file, the line and the field.

use clearstone_model::{Ontology, OntologyError, PropType, Sensitivity};

fn err(text: &str) -> OntologyError {
    Ontology::from_toml(text, "test.toml").expect_err("should not load")
}

const GOOD: &str = r#"version = 1

[types.Thing]
abstract = true
[types.Thing.properties]
name = { type = "name", sensitivity = "ordinary" }

[types.Person]
extends = "Thing"
subject_category = true
[types.Person.properties]
birth_date = { type = "date", sensitivity = "ordinary" }
religion = { type = "text", sensitivity = "religious" }
home = { type = "entity", range = "Address", sensitivity = "ordinary" }

[types.Address]
extends = "Thing"
caption = "full"
[types.Address.properties]
full = { type = "address", sensitivity = "ordinary" }

[types.Absence]
timeline = "start"
[types.Absence.properties]
start = { type = "date", sensitivity = "ordinary" }
reason = { type = "enum", values = ["sickness", "disability_related"], sensitivity = "health" }

[relationships.Family]
source = { property = "person", range = "Person" }
target = { property = "relative", range = "Person" }
[relationships.Family.properties]
relation = { type = "text", sensitivity = "ordinary" }
"#;

#[test]
fn loads_inheritance_and_relationships() {
    let o = Ontology::from_toml(GOOD, "test.toml").unwrap();
    let person = o.get("Person").unwrap();
    assert_eq!(person.property("name").unwrap().ty, PropType::Name);
    assert_eq!(
        person.property("religion").unwrap().sensitivity,
        Sensitivity::Religious
    );
    assert!(person.subject_category);
    assert!(o.is_a("Person", "Thing"));
    assert!(!o.is_a("Thing", "Person"));
    assert_eq!(o.get("Address").unwrap().caption, "full");
    assert_eq!(o.get("Absence").unwrap().timeline.as_deref(), Some("start"));
    let fam = o.get("Family").unwrap();
    let ends = fam.ends.as_ref().unwrap();
    assert_eq!(
        (ends.source.as_str(), ends.target.as_str()),
        ("person", "relative")
    );
    assert_eq!(fam.property("start_date").unwrap().ty, PropType::Date);
    assert_eq!(
        fam.property("relative").unwrap().range.as_deref(),
        Some("Person")
    );
}

#[test]
fn untagged_property_names_line_and_field() {
    let text = GOOD.replace(
        r#"birth_date = { type = "date", sensitivity = "ordinary" }"#,
        r#"birth_date = { type = "date" }"#,
    );
    let e = err(&text);
    assert_eq!(e.file(), "test.toml");
    assert_eq!(e.line(), 12);
    assert_eq!(e.field(), "types.Person.properties.birth_date");
    assert!(e.message().contains("sensitivity"), "{e}");
}

#[test]
fn unknown_sensitivity_tag() {
    let e = err(&GOOD.replace(
        r#"sensitivity = "religious""#,
        r#"sensitivity = "secretish""#,
    ));
    assert_eq!(
        (e.line(), e.field()),
        (13, "types.Person.properties.religion.sensitivity")
    );
}

#[test]
fn unknown_type() {
    let e = err(&GOOD.replace(
        r#"birth_date = { type = "date""#,
        r#"birth_date = { type = "datetime""#,
    ));
    assert_eq!(e.line(), 12);
    assert_eq!(e.field(), "types.Person.properties.birth_date.type");
    assert!(e.to_string().contains("`datetime`"), "{e}");
}

#[test]
fn dangling_range_extends_and_end() {
    let e = err(&GOOD.replace(r#"range = "Address""#, r#"range = "Adress""#));
    assert_eq!(
        (e.line(), e.field()),
        (14, "types.Person.properties.home.range")
    );
    let e = err(&GOOD.replace(
        r#"extends = "Thing"
subject_category"#,
        r#"extends = "Thingy"
subject_category"#,
    ));
    assert_eq!((e.line(), e.field()), (9, "types.Person.extends"));
    let e = err(&GOOD.replace(
        r#"property = "relative", range = "Person""#,
        r#"property = "relative", range = "Persn""#,
    ));
    assert_eq!(
        (e.line(), e.field()),
        (30, "relationships.Family.target.range")
    );
}

#[test]
fn inheritance_cycle() {
    let text = GOOD.replace(
        "[types.Thing]\nabstract = true",
        "[types.Thing]\nextends = \"Person\"",
    );
    let e = err(&text);
    assert!(e.message().contains("cycle"), "{e}");
}

#[test]
fn enum_without_values_and_values_on_non_enum() {
    let e = err(&GOOD.replace(r#"values = ["sickness", "disability_related"], "#, ""));
    assert_eq!(
        (e.line(), e.field()),
        (26, "types.Absence.properties.reason")
    );
    let e = err(&GOOD.replace(
        r#"type = "text", sensitivity = "religious""#,
        r#"type = "text", values = ["a"], sensitivity = "religious""#,
    ));
    assert_eq!(e.field(), "types.Person.properties.religion.values");
}

#[test]
fn redefinition_with_other_sensitivity() {
    let text = GOOD.replace(
        "religion = { type = \"text\", sensitivity = \"religious\" }",
        "religion = { type = \"text\", sensitivity = \"religious\" }\nname = { type = \"name\", sensitivity = \"ethnic\" }",
    );
    let e = err(&text);
    assert_eq!(e.field(), "types.Person.properties.name");
    assert!(e.message().contains("redefines"), "{e}");
}

#[test]
fn unknown_key_and_syntax_error_have_lines() {
    let e = err(&GOOD.replace("subject_category = true", "subject_categroy = true"));
    assert_eq!(e.line(), 10);
    assert!(e.message().contains("subject_categroy"), "{e}");
    let e = err("version = 1\n[types.A\n");
    assert_eq!(e.line(), 2);
}

#[test]
fn timeline_must_be_a_date() {
    let e = err(&GOOD.replace(r#"timeline = "start""#, r#"timeline = "reason""#));
    assert_eq!((e.line(), e.field()), (23, "types.Absence.timeline"));
}

#[test]
fn source_target_only_on_relationships() {
    let e = err(&GOOD.replace(
        "[types.Absence]\n",
        "[types.Absence]\nsource = { property = \"p\", range = \"Person\" }\n",
    ));
    assert_eq!(e.field(), "types.Absence.source");
}

const SENSITIVE_TYPES: &str = r#"version = 1

[types.Event]
abstract = true
[types.Event.properties]
date = { type = "date", sensitivity = "ordinary" }

[types.Membership]
extends = "Event"
sensitivity = "trade_union"

[types.BranchOffice]
extends = "Membership"
"#;

// issue 14, finding 2: a type's own tag, inherited by its subtypes.
#[test]
fn type_sensitivity_is_inherited_and_defaults_to_ordinary() {
    let o = Ontology::from_toml(SENSITIVE_TYPES, "test.toml").unwrap();
    assert_eq!(o.type_sensitivity("Event"), Sensitivity::Ordinary);
    assert_eq!(o.type_sensitivity("Membership"), Sensitivity::TradeUnion);
    assert_eq!(o.type_sensitivity("BranchOffice"), Sensitivity::TradeUnion);
    // Its values keep their own tags.
    assert_eq!(
        o.property("Membership", "date").unwrap().sensitivity,
        Sensitivity::Ordinary
    );
}

#[test]
fn a_subtype_cannot_change_an_inherited_type_sensitivity() {
    let e = err(&SENSITIVE_TYPES.replace(
        "[types.BranchOffice]\nextends = \"Membership\"\n",
        "[types.BranchOffice]\nextends = \"Membership\"\nsensitivity = \"ordinary\"\n",
    ));
    assert_eq!(
        (e.line(), e.field()),
        (14, "types.BranchOffice.sensitivity")
    );
    assert!(e.message().contains("`trade_union` to `ordinary`"), "{e}");
}

#[test]
fn unknown_type_sensitivity_tag_names_the_type() {
    let e = err(&SENSITIVE_TYPES.replace("\"trade_union\"", "\"unionish\""));
    assert_eq!((e.line(), e.field()), (10, "types.Membership.sensitivity"));
    assert!(e.message().contains("`unionish`"), "{e}");
}
