//! The search page's own cost: the search and, on the first page, its facet
//! counts, one act each; its dataset filter is read from what the session
//! may search, not from the dataset register (whose counts pass over every
//! stored record).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{events, start, working};

// issue 17, benchmark: the search page was many times slower than the
// search API because every page listed the register, counts and all.
#[test]
fn a_search_page_logs_its_search_and_facets_and_filters_by_what_may_be_searched() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    let before = events(&server).first().unwrap().id;
    let (s, _, html) = ana.send("GET", "/search?q=smith", None);
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Alice Smith"), "{html}");
    assert!(html.contains(r#"<option value="hr""#), "{html}");
    let mine: Vec<_> = events(&server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == "ana")
        .collect();
    // Newest first: the search, then the counts of the same query; no
    // listing of the register.
    let queries: Vec<&str> = mine.iter().map(|e| e.query.as_str()).collect();
    assert_eq!(queries.len(), 2, "{mine:?}");
    let hash = queries[1].strip_prefix("search ").unwrap();
    assert!(hash.starts_with("sha256:"), "{mine:?}");
    assert_eq!(queries[0], format!("search facets {hash}"), "{mine:?}");
}
