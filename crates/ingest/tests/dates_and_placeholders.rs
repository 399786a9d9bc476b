//! Month-only dates, timestamps and placeholder values as UK exports write
//! them (`docs/mapping.md`, "Dates" and "Placeholders").
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_ingest::{MappedBatch, Mapping, run};
use clearstone_model::{Ontology, Timestamp};

const ONTOLOGY: &str = r#"version = 1
[types.Person.properties]
name = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
nino = { type = "identifier", sensitivity = "ordinary" }
postcode = { type = "postcode", sensitivity = "ordinary" }
manager = { type = "entity", range = "Person", sensitivity = "ordinary" }
[types.Event.properties]
date = { type = "date", sensitivity = "ordinary" }
"#;

fn ingest(csv: &str, mapping: &str) -> Vec<MappedBatch> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.csv"), csv).unwrap();
    let p = dir.path().join("m.toml");
    std::fs::write(&p, mapping).unwrap();
    let m = Mapping::load(&p, &Ontology::from_toml(ONTOLOGY, "o.toml").unwrap()).unwrap();
    let mut out = Vec::new();
    run(&m, Timestamp(1000), &mut |b| {
        out.push(b);
        Ok(())
    })
    .unwrap();
    out
}

fn mapping(source: &str, schema: &str, props: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "reg"
[source]
format = "csv"
path = "f.csv"
{source}
[[entities]]
name = "rec"
schema = "{schema}"
keys = ["id"]
[entities.properties]
{props}
"#
    )
}

/// `(entity, property, value, original)` of every statement, sorted.
fn values(batches: &[MappedBatch]) -> Vec<(String, String, String, Option<String>)> {
    let mut v: Vec<_> = batches
        .iter()
        .flat_map(|b| &b.statements)
        .map(|s| {
            (
                s.entity_id.to_string(),
                s.prop.to_string(),
                s.value.clone(),
                s.original_value.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn quarantined(batches: &[MappedBatch]) -> Vec<(u64, String)> {
    batches
        .iter()
        .flat_map(|b| &b.quarantine)
        .map(|q| (q.line, q.reason.clone()))
        .collect()
}

fn row(e: &str, p: &str, v: &str, o: &str) -> (String, String, String, Option<String>) {
    (e.into(), p.into(), v.into(), Some(o.into()))
}

// issue 16, item 3 (I2): formats without a day give YYYY-MM.
#[test]
fn month_only_dates_are_stored_as_year_and_month() {
    let csv =
        "id,born\n1,07/1984\n2,Jul 1984\n3,SEPTEMBER 1961\n4,1990-02\n5,13/1984\n6,03/07/1984\n";
    let b = ingest(
        csv,
        &mapping(
            r#"date_formats = ["%m/%Y", "%b %Y", "%B %Y", "%Y-%m", "%d/%m/%Y"]"#,
            "Person",
            r#"birth_date = { column = "born" }"#,
        ),
    );
    assert_eq!(
        values(&b),
        [
            row("reg:rec:1", "birth_date", "1984-07", "07/1984"),
            row("reg:rec:2", "birth_date", "1984-07", "Jul 1984"),
            row("reg:rec:3", "birth_date", "1961-09", "SEPTEMBER 1961"),
            row("reg:rec:4", "birth_date", "1990-02", "1990-02"),
            row("reg:rec:6", "birth_date", "1984-07-03", "03/07/1984"),
        ]
        .map(|(e, p, v, o)| {
            // A value stored as written keeps no original.
            let o = o.filter(|o| *o != v);
            (e, p, v, o)
        })
    );
    let q = quarantined(&b);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].0, 6);
    assert!(
        q[0].1.contains("no such day") || q[0].1.contains("`13/1984`"),
        "{q:?}"
    );
}

// issue 16, item 3 (I2): time directives give YYYY-MM-DDTHH:MM[:SS].
#[test]
fn time_directives_give_timestamps() {
    let csv = "id,at\n1,03/07/2024 14:05\n2,2024-07-03 09:30:15\n3,03/07/2024 25:00\n";
    let b = ingest(
        csv,
        &mapping(
            "",
            "Event",
            r#"date = { column = "at", date_formats = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"] }"#,
        ),
    );
    assert_eq!(
        values(&b),
        [
            row("reg:rec:1", "date", "2024-07-03T14:05", "03/07/2024 14:05"),
            row(
                "reg:rec:2",
                "date",
                "2024-07-03T09:30:15",
                "2024-07-03 09:30:15"
            ),
        ]
    );
    assert_eq!(quarantined(&b).len(), 1);
}

#[test]
fn a_malformed_date_format_refuses_the_mapping_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.toml");
    std::fs::write(
        &p,
        mapping(
            "",
            "Event",
            r#"date = { column = "at", date_formats = ["%d/%m/%Y %H"] }"#,
        ),
    )
    .unwrap();
    let err = Mapping::load(&p, &Ontology::from_toml(ONTOLOGY, "o.toml").unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 13"), "{err}");
    assert!(err.contains("has an hour but no minute"), "{err}");
}

// issue 16, item 3 (I4): declared placeholders are absent, not data and not
// quarantined, and counted.
#[test]
fn placeholders_are_read_as_missing_and_counted() {
    let csv = "id,name,born,nino,pc,mgr\n\
               1,Ann Smith,01/01/1900,UNKNOWN,n/a,N/A\n\
               2,Bob Jones,03/07/1984, unknown ,SW1A 1AA,1\n\
               3,N/A,N/A,AB123456C,Not Known,\n";
    let b = ingest(
        csv,
        &mapping(
            r#"date_formats = ["%d/%m/%Y"]
missing = ["01/01/1900", "UNKNOWN", "N/A"]"#,
            "Person",
            r#"name = { column = "name" }
birth_date = { column = "born" }
nino = { column = "nino" }
postcode = { column = "pc", missing = ["not known", "n/a"] }
manager = { entity = "reg:rec", column = "mgr" }"#,
        ),
    );
    assert!(quarantined(&b).is_empty(), "{:?}", quarantined(&b));
    let kept: Vec<String> = values(&b)
        .into_iter()
        .map(|(e, p, v, _)| format!("{e} {p}={v}"))
        .collect();
    assert_eq!(
        kept,
        [
            "reg:rec:1 name=Ann Smith",
            "reg:rec:2 birth_date=1984-07-03",
            "reg:rec:2 manager=reg:rec:1",
            "reg:rec:2 name=Bob Jones",
            "reg:rec:2 postcode=SW1A 1AA",
            "reg:rec:3 nino=AB123456C",
        ]
    );
    // Row 1: date, nino, postcode, manager; row 2: nino; row 3: name, date, postcode.
    assert_eq!(b.iter().map(|x| x.placeholders).sum::<u64>(), 8);
}

// issue 16, item 3 (I4): a placeholder date written in ISO form matches the
// date however the file writes it.
#[test]
fn a_placeholder_date_matches_the_date_it_names() {
    let csv = "id,born\n1,01/01/1900\n2,1/1/1900\n3,02/01/1900\n";
    let b = ingest(
        csv,
        &mapping(
            r#"date_formats = ["%d/%m/%Y", "%-d/%-m/%Y"]
missing = ["1900-01-01"]"#,
            "Person",
            r#"birth_date = { column = "born" }"#,
        ),
    );
    assert_eq!(
        values(&b),
        [row("reg:rec:3", "birth_date", "1900-01-02", "02/01/1900")]
    );
    assert_eq!(b.iter().map(|x| x.placeholders).sum::<u64>(), 2);
}

#[test]
fn a_quarantined_record_counts_no_placeholders() {
    let csv = "id,born,pc\n1,UNKNOWN,XX\n";
    let b = ingest(
        csv,
        &mapping(
            "missing = [\"UNKNOWN\"]",
            "Person",
            "birth_date = { column = \"born\" }\npostcode = { column = \"pc\" }",
        ),
    );
    assert_eq!(quarantined(&b).len(), 1);
    assert_eq!(b.iter().map(|x| x.placeholders).sum::<u64>(), 0);
}
