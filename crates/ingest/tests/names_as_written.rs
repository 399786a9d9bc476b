//! Whole names parsed into their parts at ingest (`docs/mapping.md`, "Names").
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use clearstone_ingest::{IngestError, MappedBatch, Mapping, run};
use clearstone_model::{Ontology, Statement, Timestamp};

const ONTOLOGY: &str = r#"version = 1
[types.Person.properties]
name = { type = "name", sensitivity = "ordinary" }
title = { type = "text", sensitivity = "ordinary" }
first_name = { type = "name", sensitivity = "ordinary" }
middle_names = { type = "name", sensitivity = "ordinary" }
last_name = { type = "name", sensitivity = "ordinary" }
known_as = { type = "name", sensitivity = "ordinary" }
previous_names = { type = "name", sensitivity = "ordinary" }
[types.Holder.properties]
name = { type = "name", sensitivity = "ordinary" }
first_name = { type = "name", sensitivity = "ordinary" }
last_name = { type = "name", sensitivity = "ordinary" }
[types.Organisation.properties]
name = { type = "name", sensitivity = "ordinary" }
"#;

fn mapping(schema: &str, props: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "cards"
[source]
format = "csv"
path = "cards.csv"
[[entities]]
name = "holder"
schema = "{schema}"
keys = ["id"]
[entities.properties]
{props}
"#
    )
}

fn load(dir: &Path, mapping: &str) -> Result<Mapping, IngestError> {
    let p = dir.join("m.toml");
    std::fs::write(&p, mapping).unwrap();
    Mapping::load(&p, &Ontology::from_toml(ONTOLOGY, "o.toml").unwrap())
}

fn ingest(csv: &str, mapping: &str) -> Vec<Statement> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cards.csv"), csv).unwrap();
    let m = load(dir.path(), mapping).unwrap();
    let mut out: Vec<MappedBatch> = Vec::new();
    run(&m, Timestamp(1000), &mut |b| {
        out.push(b);
        Ok(())
    })
    .unwrap();
    assert!(out.iter().all(|b| b.quarantine.is_empty()));
    out.into_iter().flat_map(|b| b.statements).collect()
}

/// `(property, value, original)` of one record's statements, sorted.
fn parts(st: &[Statement], entity: &str) -> Vec<(String, String, Option<String>)> {
    let mut v: Vec<_> = st
        .iter()
        .filter(|s| &*s.entity_id == entity)
        .map(|s| {
            (
                s.prop.to_string(),
                s.value.clone(),
                s.original_value.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn p(prop: &str, value: &str, original: Option<&str>) -> (String, String, Option<String>) {
    (prop.into(), value.into(), original.map(str::to_string))
}

// issue 16, item 1 (I3): a `name` alone is parsed into the type's parts by
// default, each keeping the cell as its original.
#[test]
fn a_whole_name_is_parsed_into_the_parts_the_type_has() {
    let csv =
        "id,holder\n1,\"SMITH, Mr John Paul\"\n2,J R JONES\n3,\"Dr. A. Patel (Anil)\"\n4,O'NEILL\n";
    let st = ingest(csv, &mapping("Person", r#"name = { column = "holder" }"#));
    let cell = Some("SMITH, Mr John Paul");
    assert_eq!(
        parts(&st, "cards:holder:1"),
        [
            p("first_name", "John", cell),
            p("last_name", "SMITH", cell),
            p("middle_names", "Paul", cell),
            p("name", "SMITH, Mr John Paul", None),
            p("title", "Mr", cell),
        ]
    );
    let cell = Some("J R JONES");
    assert_eq!(
        parts(&st, "cards:holder:2"),
        [
            p("first_name", "J", cell),
            p("last_name", "JONES", cell),
            p("middle_names", "R", cell),
            p("name", "J R JONES", None),
        ]
    );
    let cell = Some("Dr. A. Patel (Anil)");
    assert_eq!(
        parts(&st, "cards:holder:3"),
        [
            p("first_name", "A", cell),
            p("known_as", "Anil", cell),
            p("last_name", "Patel", cell),
            p("name", "Dr. A. Patel (Anil)", None),
            p("title", "Dr", cell),
        ]
    );
    assert_eq!(
        parts(&st, "cards:holder:4"),
        [p("last_name", "O'NEILL", None), p("name", "O'NEILL", None),]
    );
}

// issue 16, item 1 (I3): only the parts the type has are written.
#[test]
fn parts_the_type_lacks_are_left_out() {
    let csv = "id,holder\n1,Mrs Ann Marie Smith\n";
    let st = ingest(csv, &mapping("Holder", r#"name = { column = "holder" }"#));
    let props: Vec<String> = parts(&st, "cards:holder:1")
        .into_iter()
        .map(|(p, v, _)| format!("{p}={v}"))
        .collect();
    assert_eq!(
        props,
        [
            "first_name=Ann",
            "last_name=Smith",
            "name=Mrs Ann Marie Smith"
        ]
    );
}

// issue 16, item 1 (I3): `name_order` declares the order of a name without a comma.
#[test]
fn the_declared_order_reads_family_first() {
    let csv = "id,holder\n1,Smith John\n";
    let st = ingest(
        csv,
        &mapping(
            "Person",
            r#"name = { column = "holder", name_order = "family_first" }"#,
        ),
    );
    let given: Vec<_> = parts(&st, "cards:holder:1")
        .into_iter()
        .filter(|(p, ..)| p == "first_name" || p == "last_name")
        .map(|(p, v, _)| format!("{p}={v}"))
        .collect();
    assert_eq!(given, ["first_name=John", "last_name=Smith"]);
}

#[test]
fn no_parsing_where_the_mapping_maps_the_parts_or_says_none() {
    let csv = "id,holder,fore,sur\n1,John Smith,Jon,Smyth\n";
    let own = mapping(
        "Person",
        "name = { column = \"holder\" }\nfirst_name = { column = \"fore\" }\nlast_name = { column = \"sur\" }",
    );
    let values: Vec<String> = parts(&ingest(csv, &own), "cards:holder:1")
        .into_iter()
        .map(|(p, v, _)| format!("{p}={v}"))
        .collect();
    assert_eq!(
        values,
        ["first_name=Jon", "last_name=Smyth", "name=John Smith"]
    );
    let none = mapping(
        "Person",
        r#"name = { column = "holder", name_order = "none" }"#,
    );
    assert_eq!(parts(&ingest(csv, &none), "cards:holder:1").len(), 1);
    let org = mapping("Organisation", r#"name = { column = "holder" }"#);
    assert_eq!(parts(&ingest(csv, &org), "cards:holder:1").len(), 1);
}

#[test]
fn a_name_order_that_cannot_apply_refuses_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    for (schema, props, message) in [
        (
            "Person",
            r#"name = { column = "holder", name_order = "surname_first" }"#,
            "unknown name_order `surname_first` (auto, given_first, family_first, none)",
        ),
        (
            "Organisation",
            r#"name = { column = "holder", name_order = "auto" }"#,
            "`name`: `Organisation` has no `first_name` and `last_name` to parse the name into",
        ),
        (
            "Person",
            "name = { column = \"holder\", name_order = \"auto\" }\nlast_name = { column = \"sur\" }",
            "which this entity maps from columns of its own",
        ),
        (
            "Person",
            r#"known_as = { column = "holder", name_order = "auto" }"#,
            "`known_as`: `name_order` applies to `name`",
        ),
    ] {
        let err = load(dir.path(), &mapping(schema, props))
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
    }
}

// issue 16, item 1 (I3): statement ids are hashes of what is said, so the
// same file read again makes the very same statements.
#[test]
fn reading_the_same_names_again_makes_the_same_statements() {
    let csv = "id,holder\n1,\"SMITH, Mr John Paul\"\n2,J R JONES\n3,John \"Jack\" Smith\n";
    let m = mapping("Person", r#"name = { column = "holder" }"#);
    let ids = |st: Vec<Statement>| {
        let mut ids: Vec<String> = st.iter().map(|s| s.id.to_string()).collect();
        ids.sort();
        ids
    };
    let first = ids(ingest(csv, &m));
    assert_eq!(first.len(), 13);
    assert_eq!(first, ids(ingest(csv, &m)));
}
