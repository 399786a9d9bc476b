//! The search index after a resolution: only the records that joined
//! another's cluster are rewritten, and every search answers as it does
//! from an index rebuilt from the store, each hit named by its canonical id.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, ResolveOptions, SearchPage, SearchResults, SessionRequest};

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
        &[
            ("eng", &["analyst", "data_engineer"]),
            ("dpo", &["data_protection_officer", "analyst"]),
        ],
        &Purpose {
            description: "Keeping the person index accurate".into(),
            legal_basis: "public task".into(),
            policy_document: "APD-2".into(),
            ..support::purpose("records", &["analyst", "data_protection_officer"], &["*"])
        },
    );
    e.session(req("eng"))
        .unwrap()
        .ingest(&dir.join("people.toml"), &mut |_| {})
        .unwrap();
    e
}

fn resolve(e: &Engine) -> clearstone_engine::ResolveSummary {
    e.session(req("eng"))
        .unwrap()
        .resolve(&ResolveOptions {
            schema: "Person".into(),
            ..ResolveOptions::default()
        })
        .unwrap()
}

/// Every page of some searches that find many people, several of them
/// resolved together.
fn answers(e: &Engine) -> Vec<(String, Vec<SearchResults>)> {
    let s = e.session(req("eng")).unwrap();
    [
        "smith",
        "jones",
        "type:person",
        "born:1970..1980",
        "william",
    ]
    .iter()
    .map(|q| {
        let mut pages = Vec::new();
        let mut offset = 0;
        loop {
            let r = s.search(q, SearchPage { offset, size: 100 }).unwrap();
            let more = r.hits.len() == 100 && offset + 100 < r.total as usize;
            pages.push(r);
            if !more {
                break;
            }
            offset += 100;
        }
        ((*q).to_string(), pages)
    })
    .collect()
}

// issue 16, benchmark: a first resolution no longer rewrites the whole
// index, and the index it leaves answers as a rebuilt one.
#[test]
fn a_first_resolution_rewrites_only_the_records_that_joined_another() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path(), 800);
    let sum = resolve(&e);
    assert!(sum.links > 0, "{sum:?}");
    // Each cluster keeps one record where it was: its smallest.
    assert_eq!(sum.reindexed, sum.records - sum.clusters, "{sum:?}");
    let canonical: HashMap<String, String> = e
        .session(req("eng"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap()
        .into_iter()
        .collect();
    let kept = answers(&e);
    let mut joined = 0;
    for (q, pages) in &kept {
        assert!(pages[0].total > 0, "`{q}` finds nothing");
        for h in pages.iter().flat_map(|p| &p.hits) {
            // Hits are named by canonical id, whichever record the index
            // grouped them under.
            for r in &h.entities {
                assert_eq!(canonical.get(r), Some(&h.canonical), "`{q}`: {h:?}");
            }
            if h.entities.len() > 1 {
                joined += 1;
            }
        }
    }
    assert!(
        joined > 0,
        "no search found a resolved person's records together"
    );
    e.session(req("dpo")).unwrap().rebuild_index().unwrap();
    for ((q, a), (_, b)) in kept.iter().zip(&answers(&e)) {
        assert_eq!(a, b, "`{q}`");
    }
    // Nothing moved: nothing to rewrite.
    assert_eq!(resolve(&e).reindexed, 0);
}
