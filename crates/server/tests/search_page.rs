//! The search page's own cost: one search is one act, and its dataset
//! filter is read from what the session may search, not from the dataset
//! register (whose counts pass over every stored record).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{events, start, working};

// issue 17, benchmark: the search page was many times slower than the
// search API because every page listed the register, counts and all.
#[test]
fn a_search_page_is_one_search_event_and_its_dataset_filter_lists_what_may_be_searched() {
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
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0].query.starts_with("search sha256:"), "{mine:?}");
}
