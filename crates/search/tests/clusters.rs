#![allow(clippy::unwrap_used, clippy::panic)]
//! Grouping by a cluster map: documents written with their own record as
//! canonical id, grouped at search time by a [`Clusters`] map, answer
//! exactly as documents written with their cluster's key as canonical id.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use clearstone_search::{Clusters, IndexDoc, Page, Query, SearchIndex, Visible};
use common::people;

/// Some records of each person resolved together (the rest left alone),
/// so that hits mix clusters and unresolved records.
fn keys(records: &[people::Record]) -> BTreeMap<String, String> {
    let mut by_person: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in records {
        by_person.entry(&r.person).or_default().push(&r.rec);
    }
    let mut out = BTreeMap::new();
    for (n, members) in by_person.values_mut().enumerate() {
        // One person in five stays unresolved.
        if n % 5 == 4 {
            continue;
        }
        members.sort_unstable();
        let key = members[0];
        for m in members.iter() {
            out.insert((*m).to_owned(), key.to_owned());
        }
    }
    out
}

/// The documents in segments of `per` records each, one commit each, so
/// that a cluster's records are in segments apart.
fn index(docs: &[IndexDoc], per: usize) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    for chunk in docs.chunks(per) {
        let mut w = index.writer().unwrap();
        for d in chunk {
            w.add(d).unwrap();
        }
        w.commit().unwrap();
    }
    index
}

// issue 16, benchmark: a resolution changes the map, not the documents;
// searches group as they did when every document held its cluster.
#[test]
fn a_cluster_map_groups_as_canonical_ids_written_into_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let records = people::generate(7, 3_000, dir.path());
    let keys = keys(&records);
    let own: Vec<IndexDoc> = records
        .iter()
        .map(|r| people::doc(r, false, 1 + (r.rec.len() as u64 % 2), "people"))
        .collect();
    let keyed: Vec<IndexDoc> = own
        .iter()
        .map(|d| IndexDoc {
            canonical: keys.get(&d.entity).unwrap_or(&d.entity).clone(),
            ..d.clone()
        })
        .collect();
    // Shuffled into segments by a stride, so a segment holds some records
    // of a cluster and not its key.
    let order: Vec<usize> = (0..own.len()).map(|i| (i * 7_919) % own.len()).collect();
    let pick = |docs: &[IndexDoc]| order.iter().map(|&i| docs[i].clone()).collect::<Vec<_>>();
    let written = index(&pick(&keyed), 700);
    let mapped = index(&pick(&own), 700);
    assert!(mapped.segment_count() > 1);
    let map = Arc::new(
        Clusters::from_sorted(keys.iter().map(|(r, k)| (r.as_str(), k.as_str()))).unwrap(),
    );
    let visible = Visible::new([1, 2]);
    let some = Visible::new([1]);
    let mut compared = 0;
    for q in [
        "smith",
        "type:person",
        "john",
        "born:1970..1985",
        "jon smyth",
    ] {
        let query = Query::parse(q).unwrap();
        for v in [&visible, &some] {
            let mut offset = 0;
            loop {
                let page = Page { offset, size: 50 };
                let a = written.search(&query, v, page).unwrap();
                let b = mapped.search_clustered(&query, v, page, &map).unwrap();
                assert_eq!(a, b, "`{q}` from {offset}");
                compared += a.hits.iter().filter(|h| h.entities.len() > 1).count();
                offset += 50;
                if offset >= a.total as usize || offset > 400 {
                    break;
                }
            }
            assert_eq!(
                written.facets(&query, v).unwrap(),
                mapped.facets_clustered(&query, v, &map).unwrap(),
                "`{q}`"
            );
        }
    }
    assert!(compared > 0, "no hit grouped several records");
    // An empty map leaves every record a group of its own.
    let alone = index(&own, 700);
    let query = Query::parse("smith").unwrap();
    assert_eq!(
        alone.search(&query, &visible, Page::first(100)).unwrap(),
        mapped
            .search_clustered(
                &query,
                &visible,
                Page::first(100),
                &Arc::new(Clusters::empty())
            )
            .unwrap()
    );
}
