#![allow(clippy::unwrap_used, clippy::panic)]
//! A record read for a reader who may see none of it is answered from the
//! id's index alone, by type and markings; a record whose statements carry
//! several markings is read whole and left to the gate. Stores written
//! before the index existed are given it, with every version's markings.

use std::sync::Arc;

use clearstone_model::{Kind, Markings, Origin, Statement, StatementId, Timestamp};
use clearstone_store::{Batch, Dataset, SqliteStore, Store};

fn stmt(entity: &str, schema: &str, prop: &str, value: &str, markings: &str) -> Statement {
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
            record: entity.into(),
        },
        first_seen: Timestamp(1),
        last_seen: Timestamp(1),
        markings: Arc::new(markings.parse::<Markings>().unwrap()),
        subject_category: None,
        kind: Kind::Fact,
    }
}

/// An officer marked OFFICIAL, one marked SECRET, a vehicle, and an
/// officer whose two values carry different markings.
fn store(path: &std::path::Path) -> SqliteStore {
    let mut s = SqliteStore::open(path).unwrap();
    s.upsert_dataset(&Dataset {
        name: "hr".into(),
        ..Dataset::default()
    })
    .unwrap();
    s.write_batch(&Batch {
        dataset: "hr".into(),
        source: "staff.csv".into(),
        now: Timestamp(1),
        statements: vec![
            stmt("hr:officer:1", "Officer", "name", "Jo Bloggs", "OFFICIAL"),
            stmt("hr:officer:2", "Officer", "name", "Al Smith", "SECRET"),
            stmt(
                "hr:vehicle:3",
                "Vehicle",
                "registration",
                "AB12CDE",
                "OFFICIAL",
            ),
            stmt("hr:officer:4", "Officer", "name", "Mo Khan", "OFFICIAL"),
            stmt("hr:officer:4", "Officer", "rank", "DS", "SECRET"),
        ],
        ..Batch::default()
    })
    .unwrap();
    s
}

/// What a reader cleared OFFICIAL for officers reads of each record, and
/// the shapes it was asked about.
fn read(s: &SqliteStore) -> Vec<(String, usize, Vec<String>)> {
    [
        "hr:officer:1",
        "hr:officer:2",
        "hr:vehicle:3",
        "hr:officer:4",
        "hr:officer:9",
    ]
    .iter()
    .map(|id| {
        let mut asked = Vec::new();
        let mut sees = |d: &str, t: &str, m: &str| {
            asked.push(format!("{d} {t} {m}"));
            t == "Officer" && !m.contains("SECRET")
        };
        let got = s.entity_statements_visible(id, 10, &mut sees).unwrap();
        (id.to_string(), got.len(), asked)
    })
    .collect()
}

fn expected() -> Vec<(String, usize, Vec<String>)> {
    let row = |id: &str, n, asked: &[&str]| {
        (
            id.to_string(),
            n,
            asked.iter().map(|a| a.to_string()).collect(),
        )
    };
    vec![
        row("hr:officer:1", 1, &["hr Officer OFFICIAL"]),
        row("hr:officer:2", 0, &["hr Officer SECRET"]),
        row("hr:vehicle:3", 0, &["hr Vehicle OFFICIAL"]),
        // Mixed markings: read whole, without asking; the gate decides.
        row("hr:officer:4", 2, &[]),
        row("hr:officer:9", 0, &[]),
    ]
}

#[test]
fn a_record_the_reader_may_not_see_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir.path().join("clearstone.db"));
    assert_eq!(read(&s), expected());
}

#[test]
fn a_store_from_before_the_shape_index_is_given_it_on_opening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clearstone.db");
    drop(store(&path));
    // Back to version 11: no index, no column (nor the later versions' column
    // and table).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX record_shape; ALTER TABLE record DROP COLUMN markings_id;
         ALTER TABLE break_glass DROP COLUMN purpose; DROP TABLE kept_apart;
         PRAGMA user_version = 11;",
    )
    .unwrap();
    drop(conn);
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(read(&s), expected());
}
