#![allow(clippy::unwrap_used, clippy::panic)]
//! The bulk read resolution uses: the values of a few properties, entity by
//! entity, merged over versions exactly as statements are.

use clearstone_model::{Kind, Markings, Origin, Statement, StatementId, Timestamp};
use clearstone_store::{Batch, Dataset, EntityRange, SqliteStore, Store};

fn stmt(entity: &str, schema: &str, prop: &str, value: &str, at: i64) -> Statement {
    Statement {
        id: StatementId::new("hr", entity, prop, value),
        entity_id: entity.into(),
        schema: schema.into(),
        prop: prop.into(),
        value: value.into(),
        original_value: None,
        dataset: "hr".into(),
        origin: Origin {
            source: "staff.csv".into(),
            record: "2".into(),
        },
        first_seen: Timestamp(at),
        last_seen: Timestamp(at),
        markings: Markings::default().into(),
        subject_category: None,
        kind: Kind::Fact,
    }
}

fn write(s: &mut SqliteStore, at: i64, statements: Vec<Statement>) {
    s.write_batch(&Batch {
        dataset: "hr".into(),
        source: "staff.csv".into(),
        now: Timestamp(at),
        statements,
        quarantine: Vec::new(),
        passed_lines: Vec::new(),
    })
    .unwrap();
}

/// (entity, property, value, first seen, type) as the scan gives them.
type Row = (String, String, String, i64, String);

fn scanned(s: &SqliteStore, props: &[&str]) -> Vec<Row> {
    scanned_in(s, props, &EntityRange::default())
}

fn scanned_in(s: &SqliteStore, props: &[&str], range: &EntityRange) -> Vec<Row> {
    let mut out = Vec::new();
    s.for_each_entity_values_in(props, range, &mut |e| {
        for v in e.values {
            out.push((
                e.entity_id.to_owned(),
                props[v.prop].to_owned(),
                v.value.to_owned(),
                v.first_seen.0,
                s.vocab_text(v.schema_id).unwrap().to_string(),
            ));
        }
        Ok(())
    })
    .unwrap();
    out
}

/// A store holding the `hr` dataset's register entry.
fn hr_store(dir: &tempfile::TempDir) -> SqliteStore {
    let mut s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    s.upsert_dataset(&Dataset {
        name: "hr".into(),
        markings: "OFFICIAL".into(),
        ..Dataset::default()
    })
    .unwrap();
    s
}

#[test]
fn values_come_by_entity_once_each_as_first_seen() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hr_store(&dir);
    write(
        &mut s,
        10,
        vec![
            stmt("hr:p:2", "Person", "surname", "Ray", 10),
            stmt("hr:p:1", "Person", "surname", "Jones", 10),
            stmt("hr:p:1", "Person", "notes", "unwanted", 10),
            stmt("hr:a:1", "Address", "postcode", "NS1 1AA", 10),
            stmt("hr:a:9", "Address", "town", "unwanted", 10),
        ],
    );
    // A second version of hr:p:1 repeats a value and adds one.
    write(
        &mut s,
        20,
        vec![
            stmt("hr:p:1", "Person", "surname", "Jones", 20),
            stmt("hr:p:1", "Person", "surname", "Brown", 20),
            stmt("hr:p:1", "Person", "notes", "unwanted", 20),
        ],
    );
    let got = scanned(&s, &["surname", "postcode", "not_stored"]);
    let row = |e: &str, p: &str, v: &str, at: i64, t: &str| -> Row {
        (e.into(), p.into(), v.into(), at, t.into())
    };
    assert_eq!(
        got,
        vec![
            row("hr:a:1", "postcode", "NS1 1AA", 10, "Address"),
            row("hr:p:1", "surname", "Brown", 20, "Person"),
            row("hr:p:1", "surname", "Jones", 10, "Person"),
            row("hr:p:2", "surname", "Ray", 10, "Person"),
        ]
    );
    // The same values as the statements the store gives, merged the same way.
    let mut statements: Vec<Row> = Vec::new();
    s.for_each_statement(&mut |st| {
        if matches!(&*st.prop, "surname" | "postcode") {
            statements.push((
                st.entity_id.to_string(),
                st.prop.to_string(),
                st.value.clone(),
                st.first_seen.0,
                st.schema.to_string(),
            ));
        }
        Ok(())
    })
    .unwrap();
    statements.sort();
    assert_eq!(got, statements);
    assert!(scanned(&s, &["not_stored"]).is_empty());
}

/// A read split into ranges gives, range after range, what one read gives.
#[test]
fn ranges_together_read_what_one_read_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hr_store(&dir);
    assert_eq!(s.entity_ranges(2).unwrap(), vec![Default::default()]);
    // Entities of one, two and three versions, so a cut can fall inside one.
    for version in 0..3i64 {
        let at = 10 + version;
        let statements = (0..40)
            .filter(|i| i % 3 >= version)
            .map(|i| {
                stmt(
                    &format!("hr:p:{i:02}"),
                    "Person",
                    "surname",
                    &format!("S{i}v{version}"),
                    at,
                )
            })
            .collect();
        write(&mut s, at, statements);
    }
    let whole = scanned(&s, &["surname"]);
    assert_eq!(whole.len(), 40 + 26 + 13);
    for parts in [1, 2, 3, 7, 200] {
        let ranges = s.entity_ranges(parts).unwrap();
        assert!(
            ranges.len() <= parts && !ranges.is_empty(),
            "{parts}: {ranges:?}"
        );
        if parts > 1 {
            assert!(ranges.len() > 1, "{parts}: {ranges:?}");
        }
        let joined: Vec<Row> = ranges
            .iter()
            .flat_map(|r| scanned_in(&s, &["surname"], r))
            .collect();
        assert_eq!(joined, whole, "{parts} parts: {ranges:?}");
    }
}
