#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_search::{IndexDoc, Page, Query, SearchIndex, score};
use common::{all, person};

fn doc(entity: &str, canonical: &str, name: &str) -> IndexDoc {
    let mut d = person(entity, name);
    d.canonical = canonical.into();
    d
}

/// Commits after each document, so that groups span segments.
fn index_apart(docs: &[IndexDoc]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    for d in docs {
        let mut w = index.writer().unwrap();
        w.add(d).unwrap();
        w.commit().unwrap();
    }
    index
}

#[test]
fn records_of_one_entity_are_one_hit_with_the_best_score() {
    let idx = index_apart(&[
        doc("hr:1", "p1", "Bill Smith"),
        doc("psd:7", "p1", "William Smith"),
        doc("psd:8", "p1", "Mary Jones"),
        doc("hr:2", "p2", "William Smith"),
        doc("hr:3", "p3", "Willian Smith"),
    ]);
    let r = idx
        .search(
            &Query::parse("william smith").unwrap(),
            &all(),
            Page::first(10),
        )
        .unwrap();
    assert_eq!(r.total, 3);
    let got: Vec<(&str, f32, Vec<&str>)> = r
        .hits
        .iter()
        .map(|h| {
            (
                h.canonical.as_str(),
                h.score,
                h.entities.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    // Exact words, each also matching by sound, which breaks no tie here.
    let exact = 2.0 * (score::NAME_EXACT + score::NAME_TIE_BREAKER * score::NAME_PHONETIC);
    // "Willian" is one edit from "William" and does not sound like it.
    let fuzzy =
        score::NAME_FUZZY + score::NAME_EXACT + score::NAME_TIE_BREAKER * score::NAME_PHONETIC;
    let rounded: Vec<(&str, f32, Vec<&str>)> = got
        .into_iter()
        .map(|(c, s, e)| (c, (s * 1000.0).round() / 1000.0, e))
        .collect();
    let r3 = |x: f32| (x * 1000.0).round() / 1000.0;
    assert_eq!(
        rounded,
        [
            ("p1", r3(exact), vec!["psd:7", "hr:1"]),
            ("p2", r3(exact), vec!["hr:2"]),
            ("p3", r3(fuzzy), vec!["hr:3"]),
        ]
    );
    // The label is the best record's.
    assert_eq!(r.hits[0].label, "William Smith");
}

#[test]
fn pages_follow_one_order_without_gaps_or_repeats() {
    let mut docs = Vec::new();
    for i in 0..60 {
        // Three kinds of match, so that scores tie in blocks; several
        // records per entity, added out of order.
        let name = match i % 3 {
            0 => "William Smith",
            1 => "Bill Smith",
            _ => "Wiliam Smith",
        };
        docs.push(doc(
            &format!("e{i:02}"),
            &format!("c{:02}", (i * 7) % 25),
            name,
        ));
    }
    let idx = SearchIndex::in_memory().unwrap();
    for chunk in docs.chunks(7) {
        let mut w = idx.writer().unwrap();
        for d in chunk {
            w.add(d).unwrap();
        }
        w.commit().unwrap();
    }
    let q = Query::parse("william smith").unwrap();
    let whole = idx.search(&q, &all(), Page::first(100)).unwrap();
    assert_eq!(whole.total, 25);
    assert_eq!(whole.hits.len(), 25);
    // Score descending, then canonical id ascending.
    for w in whole.hits.windows(2) {
        assert!(
            w[0].score > w[1].score
                || (w[0].score == w[1].score && w[0].canonical < w[1].canonical),
            "{} {} / {} {}",
            w[0].canonical,
            w[0].score,
            w[1].canonical,
            w[1].score
        );
    }
    for size in [1, 3, 4, 10] {
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let r = idx.search(&q, &all(), Page { offset, size }).unwrap();
            assert_eq!(r.total, 25);
            if r.hits.is_empty() {
                break;
            }
            assert!(r.hits.len() <= size);
            offset += r.hits.len();
            paged.extend(r.hits);
        }
        assert_eq!(paged, whole.hits, "page size {size}");
    }
    let past = idx
        .search(
            &q,
            &all(),
            Page {
                offset: 30,
                size: 5,
            },
        )
        .unwrap();
    assert_eq!(past.total, 25);
    assert!(past.hits.is_empty());
}
