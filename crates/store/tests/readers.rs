#![allow(clippy::unwrap_used, clippy::panic)]
//! Read connections beside the writer: they see what is committed, and
//! nothing written through one lands.

use clearstone_store::{SqliteStore, Store};

#[test]
fn a_reader_sees_the_writers_commits_and_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clearstone.db");
    let mut writer = SqliteStore::open(&path).unwrap();
    let mut reader = SqliteStore::open_reader(&path).unwrap();
    assert_eq!(reader.text("k").unwrap(), None);
    writer.put_text("k", "committed").unwrap();
    assert_eq!(reader.text("k").unwrap().as_deref(), Some("committed"));
    assert!(reader.put_text("other", "through the reader").is_err());
    assert_eq!(writer.text("other").unwrap(), None);
}
