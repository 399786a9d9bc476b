//! Requests at the edges of what a route takes, found by schemathesis
//! (`.ci/schemathesis`): each is answered from the error table, never as
//! a fault.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{start, working};

// issue 17, "schemathesis ... zero server errors": an event id whose
// predecessor overflowed was a 500.
#[test]
fn an_event_id_at_the_edge_of_its_range_is_an_absent_event() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    for id in [i64::MIN, 0, -1] {
        let (s, v) = ana.get(&format!("/api/v1/me/receipts/{id}"));
        assert_eq!(
            (s, v["code"].as_str()),
            (404, Some("not_found")),
            "{id}: {v}"
        );
    }
}
