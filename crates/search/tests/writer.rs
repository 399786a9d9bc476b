#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_search::{
    Page, Query, REFERRERS_MAX, SearchError, SearchIndex, TARGETS_MAX, Visible,
};
use common::{all, ids, index, person, search};

fn with_refs(entity: &str, canonical: &str, refs: &[(&str, &str)]) -> clearstone_search::IndexDoc {
    let mut d = person(entity, entity);
    d.canonical = canonical.into();
    d.schema = "Complaint".into();
    d.label = format!("complaint {entity}");
    d.refs = refs
        .iter()
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect();
    d.dates = vec![("date".into(), "2024-01-05".into())];
    d
}

#[test]
fn delete_entity_removes_every_shape_of_it() {
    let idx = index(&[]);
    let mut w = idx.writer().unwrap();
    let mut a = person("a", "John Smith");
    w.add(&a).unwrap();
    a.shape = 2;
    a.names = vec![("alias".into(), "Johnny Smith".into())];
    w.add(&a).unwrap();
    w.add(&person("b", "Mary Smith")).unwrap();
    w.add(&with_refs("r", "r", &[("subject", "a")])).unwrap();
    w.commit().unwrap();
    assert_eq!(search(&idx, "smith").total, 2);
    assert_eq!(idx.referrers(&["a".into()], &all(), 10).unwrap().len(), 1);

    let mut w = idx.writer().unwrap();
    w.delete_entity("a").unwrap();
    w.delete_entity("r").unwrap();
    w.commit().unwrap();
    assert_eq!(ids(&search(&idx, "smith")), ["b"]);
    assert!(idx.referrers(&["a".into()], &all(), 10).unwrap().is_empty());
    assert_eq!(idx.doc_count().unwrap(), 1);
}

#[test]
fn an_entity_deleted_and_added_again_in_one_commit_is_replaced() {
    let idx = index(&[person("a", "John Smith")]);
    let mut w = idx.writer().unwrap();
    w.delete_entity("a").unwrap();
    w.add(&person("a", "John Brown")).unwrap();
    w.commit().unwrap();
    assert!(search(&idx, "smith").hits.is_empty());
    assert_eq!(ids(&search(&idx, "brown")), ["a"]);
}

#[test]
fn delete_all_empties_search_and_referrers() {
    let idx = index(&[
        person("a", "John Smith"),
        with_refs("r", "r", &[("subject", "a")]),
    ]);
    let mut w = idx.writer().unwrap();
    w.delete_all().unwrap();
    w.commit().unwrap();
    assert!(search(&idx, "smith").hits.is_empty());
    assert_eq!(search(&idx, "type:thing").total, 0);
    assert!(idx.referrers(&["a".into()], &all(), 10).unwrap().is_empty());
    assert_eq!(idx.doc_count().unwrap(), 0);
    // The index takes new documents after.
    let mut w = idx.writer().unwrap();
    w.add(&person("c", "Ann Smith")).unwrap();
    w.commit().unwrap();
    assert_eq!(ids(&search(&idx, "smith")), ["c"]);
}

#[test]
fn changes_are_unseen_until_commit() {
    let idx = index(&[]);
    let mut w = idx.writer().unwrap();
    w.add(&person("a", "John Smith")).unwrap();
    assert!(search(&idx, "smith").hits.is_empty());
    w.commit().unwrap();
    assert_eq!(search(&idx, "smith").total, 1);
}

#[test]
fn one_writer_at_a_time() {
    let idx = index(&[]);
    let w = idx.writer().unwrap();
    assert!(matches!(idx.writer(), Err(SearchError::WriterBusy)));
    drop(w);
    let w = idx.writer().unwrap();
    w.commit().unwrap();
    idx.writer().unwrap();
}

#[test]
fn bad_documents_are_refused_whole() {
    let idx = index(&[]);
    let mut w = idx.writer().unwrap();
    let mut d = person("a", "John Smith");
    d.dates = vec![("birth_date".into(), "02/03/1980".into())];
    let e = w.add(&d).unwrap_err().to_string();
    assert!(
        e.contains("`a`") && e.contains("birth_date") && e.contains("YYYY-MM-DD"),
        "{e}"
    );
    let mut d = person("", "John Smith");
    d.canonical = "x".into();
    assert!(matches!(w.add(&d), Err(SearchError::Document { .. })));
    w.commit().unwrap();
    assert_eq!(idx.doc_count().unwrap(), 0);
}

#[test]
fn referrers_are_listed_in_order_with_their_dates() {
    let idx = index(&[
        with_refs("r2", "c2", &[("subject", "a"), ("officer", "b")]),
        with_refs("r1", "c1", &[("subject", "a"), ("witness", "a")]),
        with_refs("r3", "c3", &[("subject", "z")]),
    ]);
    let got = idx
        .referrers(&["a".into(), "b".into()], &all(), 100)
        .unwrap();
    let seen: Vec<(&str, &str, &str)> = got
        .iter()
        .map(|r| (r.target.as_str(), r.entity.as_str(), r.prop.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("a", "r1", "subject"),
            ("a", "r1", "witness"),
            ("a", "r2", "subject"),
            ("b", "r2", "officer"),
        ]
    );
    assert_eq!(got[0].canonical, "c1");
    assert_eq!(got[0].schema, "Complaint");
    assert_eq!(got[0].label, "complaint r1");
    assert_eq!(got[0].dates, [("date".to_owned(), "2024-01-05".to_owned())]);
    // The limit keeps the first ones in that order.
    let two = idx.referrers(&["a".into(), "b".into()], &all(), 2).unwrap();
    assert_eq!(two, got[..2]);
    // Hidden referrers are not there.
    let mut hidden = with_refs("r9", "c9", &[("subject", "a")]);
    hidden.shape = 99;
    let mut w = idx.writer().unwrap();
    w.add(&hidden).unwrap();
    w.commit().unwrap();
    assert_eq!(idx.referrers(&["a".into()], &all(), 100).unwrap().len(), 3);
    assert_eq!(
        idx.referrers(&["a".into()], &Visible::new([99]), 100)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn referrer_limits_are_errors() {
    let idx = index(&[]);
    assert!(matches!(
        idx.referrers(&["a".into()], &all(), REFERRERS_MAX + 1),
        Err(SearchError::Referrers { .. })
    ));
    let many: Vec<String> = (0..=TARGETS_MAX).map(|i| i.to_string()).collect();
    assert!(matches!(
        idx.referrers(&many, &all(), 10),
        Err(SearchError::Targets { .. })
    ));
}

#[test]
fn scan_sees_every_document_whatever_its_shape() {
    let mut hidden = with_refs("r", "c", &[("subject", "a")]);
    hidden.shape = 99;
    let idx = index(&[person("a", "John Smith"), hidden]);
    let mut seen = Vec::new();
    idx.scan(&mut |d| {
        seen.push((
            d.entity.to_owned(),
            d.canonical.to_owned(),
            d.shape,
            d.schema.to_owned(),
            d.refs
                .iter()
                .map(|(p, t)| format!("{p}={t}"))
                .collect::<Vec<_>>(),
            d.dates.len(),
        ));
    })
    .unwrap();
    seen.sort();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0, "a");
    assert_eq!(
        seen[1],
        (
            "r".into(),
            "c".into(),
            99,
            "Complaint".into(),
            vec!["subject=a".into()],
            1
        )
    );
}

#[test]
fn an_index_on_disk_is_created_then_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let idx = SearchIndex::open(&path).unwrap();
        let mut w = idx.writer().unwrap();
        w.add(&person("a", "John Smith")).unwrap();
        w.commit().unwrap();
    }
    let idx = SearchIndex::open(&path).unwrap();
    assert_eq!(idx.doc_count().unwrap(), 1);
    assert_eq!(ids(&search(&idx, "smith")), ["a"]);
    // An existing empty directory is a new index too.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(SearchIndex::open(&empty).unwrap().doc_count().unwrap(), 0);
    // A directory holding something else is not taken for an index.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "hello").unwrap();
    assert!(SearchIndex::open(&other).is_err());
}

#[test]
fn page_limits_are_errors() {
    let idx = index(&[person("a", "John Smith")]);
    let q = Query::parse("smith").unwrap();
    let too_big = Page {
        offset: 0,
        size: clearstone_search::PAGE_SIZE_MAX + 1,
    };
    assert!(matches!(
        idx.search(&q, &all(), too_big),
        Err(SearchError::PageSize { .. })
    ));
    let too_far = Page {
        offset: clearstone_search::OFFSET_MAX + 1,
        size: 10,
    };
    assert!(matches!(
        idx.search(&q, &all(), too_far),
        Err(SearchError::Offset { .. })
    ));
    let last = Page {
        offset: clearstone_search::OFFSET_MAX,
        size: clearstone_search::PAGE_SIZE_MAX,
    };
    assert!(idx.search(&q, &all(), last).unwrap().hits.is_empty());
}

#[test]
fn the_index_is_shared_between_threads_and_results_are_json() {
    fn shared<T: Send + Sync>() {}
    fn sent<T: Send>() {}
    shared::<SearchIndex>();
    shared::<Query>();
    shared::<Visible>();
    sent::<clearstone_search::IndexWriter>();

    let idx = index(&[person("a", "John Smith")]);
    let r = search(&idx, "smith");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["canonical"], "a");
    assert_eq!(json["hits"][0]["snippets"][0]["highlights"][0][0], 5);
    let page: Page = serde_json::from_str(r#"{"offset": 20, "size": 10}"#).unwrap();
    assert_eq!(
        page,
        Page {
            offset: 20,
            size: 10
        }
    );
}

/// Whether any file of the index directory holds `needle`.
fn in_files(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().any(|f| {
        std::fs::read(f.unwrap().path()).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
    })
}

#[test]
fn a_purging_commit_removes_deleted_documents_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = SearchIndex::open(tmp.path()).unwrap();
    let mut w = idx.writer().unwrap();
    w.add(&person("a", "Zebedee Quistorff")).unwrap();
    w.add(&person("b", "Mary Smith")).unwrap();
    // Enough others that the merge policy usually leaves the segment alone.
    for i in 0..20 {
        w.add(&person(&format!("o{i}"), "Olive Jones")).unwrap();
    }
    w.commit().unwrap();
    assert!(in_files(tmp.path(), b"Zebedee Quistorff"));

    let mut w = idx.writer().unwrap();
    w.delete_entity("a").unwrap();
    w.commit().unwrap();
    // Unreachable, but still in the segment files — unless the indexing
    // threads put it in a segment small enough for the merge policy to
    // rewrite or drop on its own.
    assert!(ids(&search(&idx, "quistorff")).is_empty());
    if idx.deleted_count() > 0 {
        assert!(in_files(tmp.path(), b"Zebedee Quistorff"));
    }

    let w = idx.writer().unwrap();
    w.commit_purging().unwrap();
    assert_eq!(idx.deleted_count(), 0);
    assert!(!in_files(tmp.path(), b"Zebedee Quistorff"));
    assert_eq!(ids(&search(&idx, "smith")), ["b"]);
}

// issue 15 (speed): a bulk load's commit leaves one segment to finalise
// and merge, not one per indexing thread, and finds what it added.
#[test]
fn a_bulk_writer_commits_one_segment() {
    let idx = index(&[]);
    let mut w = idx.bulk_writer().unwrap();
    for i in 0..200 {
        w.add(&person(&format!("p{i}"), "Olive Jones")).unwrap();
    }
    w.add(&person("m", "Mary Smith")).unwrap();
    w.commit().unwrap();
    assert_eq!(idx.segment_count(), 1);
    assert_eq!(ids(&search(&idx, "smith")), ["m"]);
}
