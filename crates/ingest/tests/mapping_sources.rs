//! Every source type maps to statements, and every kind of bad record lands in
//! quarantine with its line, column and reason while the records around it land.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use clearstone_ingest::{IngestError, MappedBatch, Mapping, remap, run};
use clearstone_model::{Ontology, Timestamp};

const ONTOLOGY: &str = r#"version = 1
[types.Person]
subject_category = true
[types.Person.properties]
name = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
postcode = { type = "postcode", sensitivity = "ordinary" }
phone = { type = "phone", sensitivity = "ordinary" }
email = { type = "email", sensitivity = "ordinary" }
ethnicity = { type = "enum", values = ["white", "asian", "black", "mixed", "other"], sensitivity = "ethnic" }
home = { type = "entity", range = "Address", sensitivity = "ordinary" }
manager = { type = "entity", range = "Person", sensitivity = "ordinary" }
[types.Address.properties]
full = { type = "address", sensitivity = "ordinary" }
"#;

fn mapping_text(format: &str, path: &str, extra: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
markings = "OFFICIAL-SENSITIVE:HR"
[source]
format = "{format}"
path = "{path}"
date_formats = ["%d/%m/%Y", "iso"]
{extra}
[[entities]]
name = "person"
schema = "Person"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = {{ columns = ["first", "last"] }}
birth_date = {{ column = "dob" }}
postcode = {{ column = "pc" }}
phone = {{ column = "tel" }}
email = {{ column = "mail" }}
ethnicity = {{ column = "eth", map = {{ W = "white", A = "asian" }} }}
home = {{ entity = "addr" }}
manager = {{ entity = "hr:person", column = "mgr" }}

[[entities]]
name = "addr"
schema = "Address"
keys = ["id"]
optional = false
[entities.properties]
full = {{ column = "street" }}
"#
    )
}

fn ontology() -> Ontology {
    Ontology::from_toml(ONTOLOGY, "test.toml").unwrap()
}

fn ingest(dir: &Path, mapping: &str) -> Result<Vec<MappedBatch>, IngestError> {
    let p = dir.join("m.toml");
    std::fs::write(&p, mapping).unwrap();
    let m = Mapping::load(&p, &ontology())?;
    let mut out = Vec::new();
    run(&m, Timestamp(1000), &mut |b| {
        out.push(b);
        Ok(())
    })?;
    Ok(out)
}

const HEADER: &str = "id;first;last;dob;pc;tel;mail;eth;street;mgr";

fn csv_rows() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(b"\xef\xbb\xbf");
    f.extend_from_slice(HEADER.as_bytes());
    f.extend_from_slice(b"\n");
    f.extend_from_slice(b"1;  Ann ;Smith;03/07/1984;sw1a1aa;07700 900123;Ann@Example.COM;W;\"1 High St; Northby\";2\n");
    f.extend_from_slice(b"2;Bob;Jones;31/02/1980;SW1A 1AA;;;A;2 Low Rd;\n"); // line 3: impossible date
    f.extend_from_slice(b"3;Cat;Lee;1990-01-01;SW1A 1AA;;;Z;3 Mid Way;\n"); // line 4: invalid enum
    f.extend_from_slice(b";Dan;Ray;1990-01-01;SW1A 1AA;;;W;4 End;\n"); // line 5: missing key
    f.extend_from_slice(b"5;Eve;Fox;1990-01-01\n"); // line 6: wrong column count
    f.extend_from_slice(b"6;Fay;G\xffrey;1990-01-01;SW1A 1AA;;;W;6 Lane;\n"); // line 7: invalid UTF-8
    f.extend_from_slice(b"7;Gus;Hay;1970-12-25;CF10 1AA;+44 29 2087 0000;;;7 Quay;1\n");
    f
}

#[test]
fn csv_with_bom_semicolons_and_quotes_maps_and_quarantines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("staff.csv"), csv_rows()).unwrap();
    let batches = ingest(
        dir.path(),
        &mapping_text("csv", "staff.csv", "delimiter = \";\""),
    )
    .unwrap();
    let st: Vec<_> = batches.iter().flat_map(|b| &b.statements).collect();
    let q: Vec<_> = batches.iter().flat_map(|b| &b.quarantine).collect();
    assert_eq!(batches.iter().map(|b| b.rows).sum::<u64>(), 7);

    let get = |e: &str, p: &str| {
        st.iter()
            .find(|s| &*s.entity_id == e && &*s.prop == p)
            .map(|s| (s.value.clone(), s.original_value.clone()))
    };
    // issue 15, finding 8: trimming alone keeps the original, as the cells said it.
    assert_eq!(
        get("hr:person:1", "name"),
        Some(("Ann Smith".into(), Some("  Ann  Smith".into())))
    );
    assert_eq!(
        get("hr:person:1", "birth_date"),
        Some(("1984-07-03".into(), Some("03/07/1984".into())))
    );
    assert_eq!(
        get("hr:person:1", "postcode"),
        Some(("SW1A 1AA".into(), Some("sw1a1aa".into())))
    );
    assert_eq!(
        get("hr:person:1", "phone"),
        Some(("+447700900123".into(), Some("07700 900123".into())))
    );
    assert_eq!(
        get("hr:person:1", "email"),
        Some(("ann@example.com".into(), Some("Ann@Example.COM".into())))
    );
    assert_eq!(
        get("hr:person:1", "ethnicity"),
        Some(("white".into(), Some("W".into())))
    );
    assert_eq!(get("hr:person:1", "home"), Some(("hr:addr:1".into(), None)));
    assert_eq!(
        get("hr:person:1", "manager"),
        Some(("hr:person:2".into(), None))
    );
    assert_eq!(
        get("hr:addr:1", "full"),
        Some(("1 High St; Northby".into(), None))
    );
    assert_eq!(
        get("hr:person:7", "phone"),
        Some(("+442920870000".into(), Some("+44 29 2087 0000".into())))
    );
    let s = st.iter().find(|s| &*s.entity_id == "hr:person:1").unwrap();
    assert_eq!(s.markings.to_string(), "OFFICIAL-SENSITIVE:HR");
    assert_eq!(s.subject_category.map(|c| c.as_str()), Some("staff"));
    assert_eq!(&*s.origin.record, "2");
    // Only the good rows' statements land: nothing from a quarantined row.
    assert!(st.iter().all(|s| {
        ["hr:person:1", "hr:addr:1", "hr:person:7", "hr:addr:7"].contains(&&*s.entity_id)
    }));

    let reasons: Vec<(u64, &str, &str)> = q
        .iter()
        .map(|r| (r.line, r.column.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert_eq!((reasons[0].0, reasons[0].1), (3, "dob"));
    assert_eq!((reasons[1].0, reasons[1].1), (4, "eth"));
    assert!(reasons[1].2.contains("`Z`"));
    assert_eq!(reasons[2], (5, "id", "missing key"));
    assert_eq!(reasons[3].0, 6);
    assert!(reasons[3].2.contains("wrong column count"));
    assert_eq!((reasons[4].0, reasons[4].1), (7, "last"));
    assert!(reasons[4].2.contains("UTF-8"));
    assert_eq!(
        q[4].raw.iter().filter(|b| **b == 0xff).count(),
        1,
        "raw bytes are kept as read"
    );
    let passed: Vec<u64> = batches
        .iter()
        .flat_map(|b| b.passed_lines.clone())
        .collect();
    assert_eq!(passed, vec![2, 8]);
}

#[test]
fn a_quarantined_csv_record_replays_under_a_fixed_mapping() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("staff.csv"), csv_rows()).unwrap();
    let text = mapping_text("csv", "staff.csv", "delimiter = \";\"");
    let batches = ingest(dir.path(), &text).unwrap();
    let bad_enum = batches
        .iter()
        .flat_map(|b| &b.quarantine)
        .find(|q| q.line == 4)
        .unwrap()
        .clone();
    let fixed = text.replace("A = \"asian\"", "A = \"asian\", Z = \"other\"");
    let m = Mapping::compile(&dir.path().join("m.toml"), &fixed, &ontology()).unwrap();
    let st = remap(
        &m,
        &bad_enum.raw,
        bad_enum.header.as_deref(),
        bad_enum.line,
        Timestamp(2000),
    )
    .unwrap();
    assert!(
        st.iter().any(|s| &*s.entity_id == "hr:person:3"
            && &*s.prop == "ethnicity"
            && s.value == "other")
    );
    assert!(st.iter().all(|s| &*s.origin.record == "4"));
}

#[test]
fn json_lines_map_nested_fields_and_quarantine_malformed_lines() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id": 1, "first": "Ann", "last": "Smith", "dob": "1984-07-03", "pc": "SW1A 1AA", "eth": "W", "street": "1 High St", "mgr": null}"#,
        r#"{"id": 2, "first": "Bob", "last": "Jones", "#,
        r#"[1, 2]"#,
        "",
        r#"{"id": "3", "first": "Cat", "last": "Lee", "dob": "not a date", "street": "x"}"#,
    ];
    std::fs::write(dir.path().join("p.jsonl"), lines.join("\n")).unwrap();
    let batches = ingest(dir.path(), &mapping_text("jsonl", "p.jsonl", "")).unwrap();
    let st: Vec<_> = batches.iter().flat_map(|b| &b.statements).collect();
    let q: Vec<_> = batches.iter().flat_map(|b| &b.quarantine).collect();
    assert!(st.iter().any(|s| &*s.entity_id == "hr:person:1"
        && &*s.prop == "birth_date"
        && s.value == "1984-07-03"));
    assert!(
        !st.iter().any(|s| &*s.prop == "manager"),
        "null makes no statement"
    );
    let got: Vec<(u64, &str)> = q.iter().map(|r| (r.line, r.column.as_str())).collect();
    assert_eq!(got, vec![(2, ""), (3, ""), (5, "dob")]);
    assert!(q[0].reason.starts_with("malformed JSON"));
}

fn write_parquet(path: &Path) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    let cols = [
        "id", "first", "last", "dob", "pc", "tel", "mail", "eth", "street", "mgr",
    ];
    let schema: String = cols
        .iter()
        .map(|c| format!("OPTIONAL BYTE_ARRAY {c} (UTF8); "))
        .collect();
    let schema = Arc::new(parse_message_type(&format!("message m {{ {schema}}}")).unwrap());
    let file = std::fs::File::create(path).unwrap();
    let mut w =
        SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))
            .unwrap();
    let rows = [
        [
            "10",
            "Ian",
            "Roe",
            "1984-07-03",
            "LS1 4AP",
            "",
            "",
            "A",
            "9 Park Row",
            "",
        ],
        [
            "11",
            "Jo",
            "Day",
            "1999-99-99",
            "LS1 4AP",
            "",
            "",
            "W",
            "1 Road",
            "",
        ],
    ];
    let mut rg = w.next_row_group().unwrap();
    let mut i = 0;
    while let Some(mut c) = rg.next_column().unwrap() {
        let vals: Vec<&str> = rows.iter().map(|r| r[i]).collect();
        let defs: Vec<i16> = vals.iter().map(|v| i16::from(!v.is_empty())).collect();
        let data: Vec<ByteArray> = vals
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| ByteArray::from(*v))
            .collect();
        c.typed::<ByteArrayType>()
            .write_batch(&data, Some(&defs), None)
            .unwrap();
        c.close().unwrap();
        i += 1;
    }
    rg.close().unwrap();
    w.close().unwrap();
}

#[test]
fn parquet_maps_and_quarantines_as_replayable_json() {
    let dir = tempfile::tempdir().unwrap();
    write_parquet(&dir.path().join("p.parquet"));
    let batches = ingest(dir.path(), &mapping_text("parquet", "p.parquet", "")).unwrap();
    let st: Vec<_> = batches.iter().flat_map(|b| &b.statements).collect();
    let q: Vec<_> = batches.iter().flat_map(|b| &b.quarantine).collect();
    assert!(
        st.iter().any(|s| &*s.entity_id == "hr:person:10"
            && &*s.prop == "ethnicity"
            && s.value == "asian")
    );
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].line, q[0].column.as_str()), (2, "dob"));
    let v: serde_json::Value = serde_json::from_slice(&q[0].raw).unwrap();
    assert_eq!(v["dob"], "1999-99-99");
}

#[test]
fn unreadable_files_fail_before_any_batch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.parquet"), b"PAR1 this is not parquet").unwrap();
    let e = ingest(dir.path(), &mapping_text("parquet", "bad.parquet", "")).unwrap_err();
    assert!(matches!(e, IngestError::Unreadable { .. }), "{e}");
    std::fs::write(dir.path().join("h.csv"), "id,first\n1,Ann\n").unwrap();
    let e = ingest(dir.path(), &mapping_text("csv", "h.csv", "")).unwrap_err();
    assert!(
        e.to_string().contains("`last`, `dob`") || e.to_string().contains("`dob`"),
        "{e}"
    );
    assert!(
        e.to_string().contains("`last`") && e.to_string().contains("not in the header"),
        "{e}"
    );
    let e = ingest(dir.path(), &mapping_text("csv", "missing.csv", "")).unwrap_err();
    assert!(matches!(e, IngestError::Io { .. }));
}

#[test]
fn mapping_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "birth_date = { column = \"dob\" }",
            "birth_dat = { column = \"dob\" }",
            "`birth_dat` is not a property of `Person`",
        ),
        (
            "schema = \"Person\"",
            "schema = \"Persn\"",
            "`Persn` is not a type",
        ),
        (
            "home = { entity = \"addr\" }",
            "home = { entity = \"nowhere\" }",
            "does not define",
        ),
        (
            "subject_category = \"staff\"",
            "subject_category = \"bystander\"",
            "unknown subject category",
        ),
        (
            "ethnicity = { column = \"eth\", map = { W = \"white\", A = \"asian\" } }",
            "ethnicity = { column = \"eth\", map = { W = \"caucasian\" } }",
            "`caucasian` is not one of",
        ),
    ];
    for (from, to, want) in cases {
        let text = mapping_text("csv", "x.csv", "").replace(from, to);
        let line = text
            .lines()
            .position(|l| l.contains(to.split(' ').next().unwrap()))
            .unwrap()
            + 1;
        match ingest(dir.path(), &text) {
            Err(IngestError::Mapping {
                line: got, message, ..
            }) => {
                assert!(message.contains(want), "{message}");
                assert!(
                    got.abs_diff(line) <= 1,
                    "{to}: line {got}, expected about {line}"
                );
            }
            other => panic!(
                "{to}: expected a mapping error, got {:?}",
                other.map(|_| ())
            ),
        }
    }
}
