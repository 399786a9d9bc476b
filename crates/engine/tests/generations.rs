//! What an engine keeps in memory between sessions (the registers it opens
//! sessions with, the cluster map searches group by) follows changes that
//! another writer of the same store made: the next session sees them, as a
//! second server on one database, or a tool run on the file, would need.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, EngineError, ResolveOptions, SearchPage, SessionRequest};
use clearstone_store::{Register, ResolutionStore, SqliteStore, Store};

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "records".into(),
        justification: "data quality review 2026/7".into(),
        ..SessionRequest::default()
    }
}

fn setup(dir: &Path, records: usize) -> Engine {
    clearstone_demo::write_people_csv(11, records, dir).unwrap();
    std::fs::write(dir.join("people.toml"), clearstone_demo::PEOPLE_MAPPING).unwrap();
    let e = Engine::init(&dir.join("data"), None).unwrap();
    support::register(
        &e,
        "setting up the test",
        &[("eng", &["analyst", "data_engineer"])],
        &Purpose {
            description: "Keeping the person index accurate".into(),
            legal_basis: "public task".into(),
            policy_document: "APD-2".into(),
            ..support::purpose("records", &["analyst"], &["*"])
        },
    );
    e.session(req("eng"))
        .unwrap()
        .ingest(&dir.join("people.toml"), &mut |_| {})
        .unwrap();
    e
}

/// The store's file, opened as a second writer beside the engine's own.
fn other_writer(e: &Engine) -> SqliteStore {
    SqliteStore::open(&e.dir().join("clearstone.db")).unwrap()
}

/// How many hits of every page of a search for all people list more than
/// one record: the people found resolved together.
fn joined_hits(e: &Engine) -> usize {
    let s = e.session(req("eng")).unwrap();
    let (mut joined, mut offset, mut total) = (0, 0, 1);
    while offset < total {
        let r = s
            .search("type:person", SearchPage { offset, size: 100 })
            .unwrap();
        total = r.total as usize;
        joined += r.hits.iter().filter(|h| h.entities.len() > 1).count();
        offset += 100;
    }
    joined
}

// issue 17: a server's cluster map went stale until restart when canonical
// ids were written by anything but itself.
#[test]
fn searches_group_by_the_clusters_another_writer_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path(), 400);
    let sum = e
        .session(req("eng"))
        .unwrap()
        .resolve(&ResolveOptions {
            schema: "Person".into(),
            ..ResolveOptions::default()
        })
        .unwrap();
    assert!(sum.links > 0, "{sum:?}");
    let resolved = e
        .session(req("eng"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap();
    let joined = joined_hits(&e);
    assert!(
        joined > 0,
        "no search found a resolved person's records together"
    );

    // Every cluster undone, then put back, by the other writer: the map
    // this engine holds was read before either.
    let mut other = other_writer(&e);
    let alone: Vec<(String, String)> = resolved
        .iter()
        .map(|(record, _)| (record.clone(), record.clone()))
        .collect();
    other.put_canonical("Person", &alone).unwrap();
    assert_eq!(
        joined_hits(&e),
        0,
        "searches grouped by the map held before"
    );
    other.put_canonical("Person", &resolved).unwrap();
    assert_eq!(joined_hits(&e), joined);
}

// issue 17: sessions are opened with the registers as held in memory; a
// purpose another writer withdrew from a role is refused at once.
#[test]
fn a_purpose_another_writer_changed_is_read_again_at_the_next_session() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path(), 100);
    let usable = |e: &Engine| -> Vec<String> {
        e.usable_purposes("eng")
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    assert_eq!(usable(&e), ["records"]);
    e.session(req("eng")).unwrap();

    let mut other = other_writer(&e);
    let mut doc = other
        .document(Register::Purpose, "records")
        .unwrap()
        .unwrap();
    let mut body: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    body["roles"] = serde_json::json!(["auditor"]);
    doc.body = body.to_string();
    let expires = body["expires"].as_str().unwrap().to_string();
    other
        .put_document(Register::Purpose, &doc, &expires)
        .unwrap();

    assert!(usable(&e).is_empty(), "{:?}", usable(&e));
    match e.session(req("eng")) {
        Err(err @ EngineError::SessionRefused { .. }) => {
            assert_eq!(err.code(), "purpose_not_for_role", "{err}")
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a session opened under the purpose as it was"),
    }
}
