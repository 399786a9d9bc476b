//! The search index after a resolution: nothing of it is rewritten, and
//! every search answers as it does from an index rebuilt from the store,
//! each hit named by its canonical id, also right after a judgement.
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

/// The names of the index's files with their sizes: what a commit changes.
fn index_files(e: &Engine) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = std::fs::read_dir(e.dir().join("index/tantivy"))
        .unwrap()
        .map(|f| {
            let f = f.unwrap();
            (
                f.file_name().to_string_lossy().into_owned(),
                f.metadata().unwrap().len(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Each record's canonical id, as the session reads them.
fn canonical(e: &Engine) -> HashMap<String, String> {
    e.session(req("eng"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap()
        .into_iter()
        .collect()
}

/// Every hit of the answers names the canonical id of each record it lists
/// (a record resolution did not place is its own); returns how many hits
/// list more than one record.
fn named_by_cluster(kept: &[(String, Vec<SearchResults>)], c: &HashMap<String, String>) -> usize {
    let mut joined = 0;
    for (q, pages) in kept {
        assert!(pages[0].total > 0, "`{q}` finds nothing");
        for h in pages.iter().flat_map(|p| &p.hits) {
            for r in &h.entities {
                assert_eq!(
                    c.get(r).unwrap_or(r),
                    &h.canonical,
                    "`{q}`: {h:?} lists `{r}`"
                );
            }
            if h.entities.len() > 1 {
                joined += 1;
            }
        }
    }
    joined
}

// issue 16, benchmark: a resolution no longer writes to the index at all
// (it re-indexed every record that joined another's cluster), and the
// searches after it group by the clusters it made, as after a rebuild.
#[test]
fn a_resolution_leaves_the_index_as_it_was_and_searches_group_by_its_clusters() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path(), 800);
    let files = index_files(&e);
    let sum = resolve(&e);
    assert!(sum.links > 0, "{sum:?}");
    assert_eq!(index_files(&e), files, "the resolution wrote to the index");
    let kept = answers(&e);
    assert!(
        named_by_cluster(&kept, &canonical(&e)) > 0,
        "no search found a resolved person's records together"
    );
    e.session(req("dpo")).unwrap().rebuild_index().unwrap();
    for ((q, a), (_, b)) in kept.iter().zip(&answers(&e)) {
        assert_eq!(a, b, "`{q}`");
    }
}

// issue 16, benchmark: a judgement that cuts a cluster, or is withdrawn,
// leaves the index as it was too, and the very next search sees it.
#[test]
fn a_judgement_that_cuts_or_joins_regroups_the_next_search() {
    let tmp = tempfile::tempdir().unwrap();
    let e = setup(tmp.path(), 400);
    resolve(&e);
    let files = index_files(&e);
    let before = canonical(&e);
    let mut members: HashMap<&String, Vec<&String>> = HashMap::new();
    for (r, c) in &before {
        members.entry(c).or_default().push(r);
    }
    let pair = members
        .values_mut()
        .filter(|m| m.len() == 2)
        .map(|m| {
            m.sort();
            (m[0].clone(), m[1].clone())
        })
        .min()
        .unwrap();
    let s = e.session(req("eng")).unwrap();
    // Finds the pair's records wherever they are grouped.
    let hits_of = |e: &Engine| -> Vec<Vec<String>> {
        let r = e
            .session(req("eng"))
            .unwrap()
            .search(
                "type:person",
                SearchPage {
                    offset: 0,
                    size: 100,
                },
            )
            .unwrap();
        let mut all = r.hits;
        let mut offset = 100;
        while offset < r.total as usize {
            all.extend(
                e.session(req("eng"))
                    .unwrap()
                    .search("type:person", SearchPage { offset, size: 100 })
                    .unwrap()
                    .hits,
            );
            offset += 100;
        }
        let c = canonical(e);
        named_by_cluster(
            &[(
                "type:person".into(),
                vec![SearchResults {
                    total: r.total,
                    hits: all.clone(),
                }],
            )],
            &c,
        );
        all.into_iter()
            .map(|h| h.entities)
            .filter(|es| es.contains(&pair.0) || es.contains(&pair.1))
            .collect()
    };
    assert_eq!(hits_of(&e).len(), 1, "the pair is one hit after resolution");
    let cut = s
        .judge(&pair.0, &pair.1, "not_same", "different NI numbers on file")
        .unwrap();
    assert_eq!(hits_of(&e).len(), 2, "the cut pair is still one hit");
    assert_eq!(index_files(&e), files, "the judgement wrote to the index");
    s.withdraw_judgement(cut.id, "entered against the wrong pair")
        .unwrap();
    assert_eq!(hits_of(&e).len(), 1, "the pair is not one hit again");
}
