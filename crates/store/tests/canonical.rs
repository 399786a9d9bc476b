#![allow(clippy::unwrap_used, clippy::panic)]
//! Canonical ids as a run writes them: a first run's rows in bulk, many to
//! a statement, and a later run's as a difference.

use clearstone_store::{ResolutionStore, SqliteStore};

fn rows(n: usize, cluster_of: impl Fn(usize) -> usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("p:{i:06}"), format!("cs-{}", cluster_of(i))))
        .collect()
}

#[test]
fn canonical_ids_read_back_as_written_in_bulk_and_as_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    // Above the bulk size, and not a whole number of statements' rows.
    let first = rows(10_301, |i| i / 3);
    store.put_canonical("Person", &first).unwrap();
    assert_eq!(store.canonical_ids("Person").unwrap(), first);
    assert_eq!(
        store.canonical_of("p:000004").unwrap(),
        Some(("Person".into(), "cs-1".into()))
    );
    // A later run: some records move, one is gone, a few are new.
    let mut second = rows(10_305, |i| if i % 7 == 0 { i } else { i / 3 });
    second.remove(5);
    store.put_canonical("Person", &second).unwrap();
    assert_eq!(store.canonical_ids("Person").unwrap(), second);
    assert_eq!(store.canonical_of("p:000005").unwrap(), None);
    let mut members = store.cluster_members("cs-2").unwrap();
    members.sort();
    assert_eq!(members, ["p:000006", "p:000008"]);
    // A small run of another type goes row by row beside it.
    let vehicles = vec![("v:1".to_string(), "cs-v".to_string())];
    store.put_canonical("Vehicle", &vehicles).unwrap();
    assert_eq!(store.canonical_ids("Vehicle").unwrap(), vehicles);
    assert_eq!(store.canonical_ids("Person").unwrap(), second);
}
