#![allow(clippy::unwrap_used, clippy::panic)]
//! Many records read in one query answer exactly as one query per record.

use clearstone_model::{Kind, Markings, Origin, Statement, StatementId, Timestamp};
use clearstone_store::{Batch, Dataset, ResolutionStore, SqliteStore, Store, StoreError};

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

/// Forty records (more than one batch), each with its own values and one
/// seen again later, so versions are merged as a single read merges them.
fn store() -> (tempfile::TempDir, SqliteStore, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    s.upsert_dataset(&Dataset {
        name: "hr".into(),
        markings: "OFFICIAL".into(),
        ..Dataset::default()
    })
    .unwrap();
    let ids: Vec<String> = (0..40).map(|i| format!("hr:officer:{i:02}")).collect();
    for at in [100, 200] {
        let mut statements = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            statements.push(stmt(id, "name", &format!("Officer {i}"), at));
            statements.push(stmt(id, "rank", if at == 100 { "PC" } else { "DC" }, at));
        }
        s.write_batch(&Batch {
            dataset: "hr".into(),
            source: "staff.csv".into(),
            now: Timestamp(at),
            statements,
            ..Batch::default()
        })
        .unwrap();
    }
    (dir, s, ids)
}

#[test]
fn many_records_read_as_each_read_alone() {
    let (_dir, s, ids) = store();
    let mut asked: Vec<&str> = ids.iter().map(String::as_str).collect();
    asked.push("hr:officer:absent");
    asked.push("hr:officer:00");
    let many = s.statements_of_many(&asked, 10).unwrap();
    assert_eq!(many.len(), ids.len() + 1);
    for id in &asked {
        let alone = s.entity_statements(id, 10).unwrap();
        assert_eq!(many.get(*id), Some(&alone), "{id}");
    }
    assert_eq!(many.get("hr:officer:07").map(Vec::len), Some(3));
}

#[test]
fn a_record_past_the_limit_is_refused_by_name() {
    let (_dir, s, ids) = store();
    let asked: Vec<&str> = ids.iter().map(String::as_str).collect();
    match s.statements_of_many(&asked, 2) {
        Err(StoreError::TooManyStatements { id, limit: 2 }) => assert!(ids.contains(&id)),
        other => panic!("expected too_many_statements, got {other:?}"),
    }
}

#[test]
fn many_clusters_read_as_each_read_alone() {
    let (_dir, mut s, _) = store();
    let pairs: Vec<(String, String)> = (0..40)
        .map(|i| (format!("p{i:02}"), format!("cs-{}", i % 3)))
        .collect();
    s.put_canonical("Person", &pairs).unwrap();
    let asked = ["cs-0", "cs-1", "cs-2", "cs-none", "p05"];
    let many = s.clusters_of_many(&asked).unwrap();
    assert_eq!(many.len(), asked.len());
    for id in asked {
        assert_eq!(many.get(id), Some(&s.cluster_members(id).unwrap()), "{id}");
    }
    assert_eq!(many.get("cs-1").map(Vec::len), Some(13));
}
