#![allow(clippy::unwrap_used, clippy::panic)]
//! The SQLite backend against a real file.

use clearstone_model::{Kind, Markings, Origin, Statement, StatementId, Timestamp};
use clearstone_store::{
    Batch, Dataset, QuarantineRow, SCHEMA_VERSION, SqliteStore, Store, StoreError,
};

fn stmt(entity: &str, prop: &str, value: &str, at: i64) -> Statement {
    Statement {
        id: StatementId::new("hr", entity, prop, value),
        entity_id: entity.into(),
        schema: "Officer".into(),
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

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    s.upsert_dataset(&Dataset {
        name: "hr".into(),
        markings: "OFFICIAL".into(),
        ..Dataset::default()
    })
    .unwrap();
    (dir, s)
}

#[test]
fn migrations_run_once_and_refuse_newer_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clearstone.db");
    assert_eq!(
        SqliteStore::open(&path).unwrap().schema_version().unwrap(),
        SCHEMA_VERSION
    );
    // Reopening runs nothing again and keeps data.
    {
        let mut s = SqliteStore::open(&path).unwrap();
        s.upsert_dataset(&Dataset {
            name: "hr".into(),
            ..Dataset::default()
        })
        .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.datasets().unwrap().len(), 1);
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    match SqliteStore::open(&path) {
        Err(StoreError::TooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn rewriting_a_batch_adds_nothing_and_moves_last_seen() {
    let (_d, mut s) = open();
    let batch = |at| Batch {
        dataset: "hr".into(),
        source: "staff.csv".into(),
        now: Timestamp(at),
        statements: vec![
            stmt("hr:officer:1", "name", "Jo Bloggs", at),
            stmt("hr:officer:1", "rank", "PC", at),
        ],
        ..Batch::default()
    };
    let first = s.write_batch(&batch(100)).unwrap();
    assert_eq!((first.inserted, first.refreshed), (2, 0));
    let again = s.write_batch(&batch(200)).unwrap();
    assert_eq!((again.inserted, again.refreshed), (0, 2));
    assert_eq!(s.statement_count().unwrap(), 2);
    let got = s.entity_statements("hr:officer:1", 10).unwrap();
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|x| x.first_seen == Timestamp(100) && x.last_seen == Timestamp(200))
    );
}

/// What a batch says about each entity decides whether the search index can
/// be kept from the batch alone or must read the entity's whole record.
#[test]
fn a_batch_tells_first_versions_from_versions_beside_held_ones() {
    let (d, mut s) = open();
    let batch = |at, statements| Batch {
        dataset: "hr".into(),
        source: "staff.csv".into(),
        now: Timestamp(at),
        statements,
        ..Batch::default()
    };
    let ids = |v: &[std::sync::Arc<str>]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let first = s
        .write_batch(&batch(
            1,
            vec![
                stmt("hr:officer:1", "name", "Jo Bloggs", 1),
                stmt("hr:officer:2", "name", "Al Smith", 1),
            ],
        ))
        .unwrap();
    assert_eq!(ids(&first.created), ["hr:officer:1", "hr:officer:2"]);
    assert!(first.extended.is_empty());
    // Officer 1 again as it was (nothing new), officer 2 with a new value
    // (a second version), officer 3 for the first time.
    let mut changed = stmt("hr:officer:2", "name", "Alan Smith", 2);
    changed.origin.record = "3".into();
    let second = s
        .write_batch(&batch(
            2,
            vec![
                stmt("hr:officer:1", "name", "Jo Bloggs", 2),
                changed,
                stmt("hr:officer:3", "name", "Cat Lee", 2),
            ],
        ))
        .unwrap();
    assert_eq!(ids(&second.created), ["hr:officer:3"]);
    assert_eq!(ids(&second.extended), ["hr:officer:2"]);
    // A new handle knows nothing of what it wrote before: it asks the file.
    let path = d.path().join("clearstone.db");
    drop(s);
    let mut s = SqliteStore::open(&path).unwrap();
    let third = s
        .write_batch(&batch(
            3,
            vec![
                stmt("hr:officer:3", "rank", "DS", 3),
                stmt("hr:officer:4", "name", "Di Ray", 3),
            ],
        ))
        .unwrap();
    assert_eq!(ids(&third.created), ["hr:officer:4"]);
    assert_eq!(ids(&third.extended), ["hr:officer:3"]);
}

#[test]
fn entity_scan_returns_only_that_entity_and_enforces_its_limit() {
    let (_d, mut s) = open();
    let mut statements = Vec::new();
    for e in 0..50 {
        for p in ["name", "rank", "unit"] {
            statements.push(stmt(&format!("hr:officer:{e}"), p, &format!("{p}-{e}"), 1));
        }
    }
    s.write_batch(&Batch {
        dataset: "hr".into(),
        source: "staff.csv".into(),
        now: Timestamp(1),
        statements,
        ..Batch::default()
    })
    .unwrap();
    let one = s.entity_statements("hr:officer:7", 10).unwrap();
    assert_eq!(one.len(), 3);
    assert!(one.iter().all(|x| &*x.entity_id == "hr:officer:7"));
    assert!(
        s.entity_statements("hr:officer:999", 10)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.entity_statements("hr:officer:7", 2),
        Err(StoreError::TooManyStatements { .. })
    ));
    let mut n = 0;
    s.for_each_statement(&mut |_| {
        n += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(n, 150);
}

#[test]
fn quarantine_keeps_one_entry_per_line_and_releases_passed_lines() {
    let (_d, mut s) = open();
    let q = |line, reason: &str| QuarantineRow {
        mapping: "m.toml".into(),
        line,
        column: "dob".into(),
        reason: reason.into(),
        raw: vec![0xff, b'x'],
        ..QuarantineRow::default()
    };
    let b = Batch {
        dataset: "hr".into(),
        source: "staff.csv".into(),
        now: Timestamp(5),
        quarantine: vec![q(3, "unparseable date"), q(9, "missing key")],
        ..Batch::default()
    };
    s.write_batch(&b).unwrap();
    s.write_batch(&b).unwrap();
    assert_eq!(s.quarantine_count(None).unwrap(), 2);
    let rows = s.quarantine(Some("hr"), 10).unwrap();
    assert_eq!(rows[0].raw, vec![0xff, b'x']);
    let out = s
        .write_batch(&Batch {
            dataset: "hr".into(),
            source: "staff.csv".into(),
            now: Timestamp(6),
            passed_lines: vec![3],
            ..Batch::default()
        })
        .unwrap();
    assert_eq!(out.released, 1);
    assert_eq!(
        s.quarantine(None, 10)
            .unwrap()
            .iter()
            .map(|r| r.line)
            .collect::<Vec<_>>(),
        vec![9]
    );
}

#[test]
fn a_damaged_row_is_reported_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clearstone.db");
    {
        let mut s = SqliteStore::open(&path).unwrap();
        s.upsert_dataset(&Dataset {
            name: "hr".into(),
            markings: "OFFICIAL".into(),
            ..Dataset::default()
        })
        .unwrap();
        s.write_batch(&Batch {
            dataset: "hr".into(),
            source: "f".into(),
            now: Timestamp(1),
            statements: vec![stmt("hr:officer:1", "name", "Jo", 1)],
            ..Batch::default()
        })
        .unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Change the packed value `Jo` to `Jx`, leaving the row's key as it was.
    let n = conn
        .execute(
            "UPDATE record SET body = CAST(replace(CAST(body AS TEXT), 'Jo', 'Jx') AS BLOB)",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let s = SqliteStore::open(&path).unwrap();
    assert!(matches!(
        s.entity_statements("hr:officer:1", 10),
        Err(StoreError::Corrupt { .. })
    ));
}
