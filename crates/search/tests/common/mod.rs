//! Documents for the tests.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod people;

use clearstone_search::{IndexDoc, Page, Query, Results, SearchIndex, Visible};

pub fn person(entity: &str, name: &str) -> IndexDoc {
    IndexDoc {
        entity: entity.into(),
        canonical: entity.into(),
        shape: 1,
        schema: "Person".into(),
        schema_ancestors: vec!["Person".into(), "LegalEntity".into(), "Thing".into()],
        dataset: "test".into(),
        subject_category: None,
        label: name.into(),
        names: vec![("name".into(), name.into())],
        ..IndexDoc::default()
    }
}

pub fn index(docs: &[IndexDoc]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let mut w = index.writer().unwrap();
    for d in docs {
        w.add(d).unwrap();
    }
    w.commit().unwrap();
    index
}

pub fn all() -> Visible {
    Visible::new([1, 2, 3, 4, 5, 6, 7, 8])
}

pub fn search(index: &SearchIndex, q: &str) -> Results {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    index.search(&query, &all(), Page::first(100)).unwrap()
}

/// Canonical ids of the hits, in order.
pub fn ids(r: &Results) -> Vec<&str> {
    r.hits.iter().map(|h| h.canonical.as_str()).collect()
}
