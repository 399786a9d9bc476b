//! The link chart page's questions: relationship dates, all paths and the
//! shortest, shared associates and centrality. Each is one act of the
//! engine (one event), drawn on the chart and listed in its own table; bad
//! input is named in the error summary before anything is asked or logged;
//! a hidden entity is answered as an absent one.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::Purpose;
use support::{Browser, PASSWORD, TestServer, admin_request, events, start, working};

fn page(b: &Browser, path: &str) -> (u16, String) {
    let mut req = b.client.get(format!("{}{path}", b.base));
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

fn last_event_id(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

/// The events `user` caused since `before`, oldest first.
fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    let mut out: Vec<_> = events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect();
    out.reverse();
    out
}

fn rows(html: &str, marker: &str) -> usize {
    html.matches(marker).count()
}

// issue 17, item 5 (link chart): shortest and all paths, shared associates
// and centrality, each one event, each with its table.
#[test]
fn paths_shared_associates_and_centrality_are_each_one_act_with_a_table() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    // Bob knows Alice, Carol knows Alice: Bob's chart alone holds Alice.
    let (s, html) = page(&ana, "/chart?id=hr:person:2");
    assert_eq!(s, 200, "{html}");
    assert!(!html.contains("data-app-node=\"hr:person:3\""), "{html}");

    let before = last_event_id(&server);
    let (s, html) = page(
        &ana,
        "/chart?id=hr:person:2&to=hr:person:3&k=3&with=hr:person:3&centrality=on",
    );
    assert_eq!(s, 200, "{html}");
    let acts = since(&server, before, "ana");
    let queries: Vec<&str> = acts.iter().map(|e| e.query.as_str()).collect();
    assert_eq!(
        queries,
        [
            "graph expand 1 hops",
            "graph paths k=3",
            "graph shared associates",
            "graph centrality 2 hops"
        ],
        "{acts:?}"
    );
    // The path Bob, Alice, Carol: listed, and drawn (Carol joins the chart).
    assert_eq!(rows(&html, "data-app-path-row"), 1, "{html}");
    assert!(html.contains("data-app-node=\"hr:person:3\""), "{html}");
    assert!(html.contains("data-mark=\"true\""), "{html}");
    // Alice is the one associate Bob and Carol share.
    assert_eq!(rows(&html, "data-app-shared-row"), 1, "{html}");
    assert!(html.contains("Associates shared by Bob Smith (Person) and Carol Jones"));
    // All three within two hops are scored; Alice lies between the others.
    assert_eq!(rows(&html, "data-app-score-row"), 3, "{html}");
    assert!(
        html.contains("data-weight=\"1.00\""),
        "Alice sits between the other two: {html}"
    );
}

// issue 17, item 5 (link chart): filter by date; bad input is named.
#[test]
fn dates_and_path_length_are_checked_before_anything_is_asked() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    for (query, field, says) in [
        ("from=20x1", "from", "`20x1`"),
        ("from=2020&until=2019", "until", "`2019` is before `2020`"),
        ("to=hr:person:3&k=9", "k", "`9`"),
    ] {
        let before = last_event_id(&server);
        let (s, html) = page(&ana, &format!("/chart?id=hr:person:1&{query}"));
        assert_eq!(s, 422, "{query}: {html}");
        assert!(html.contains("<title>Error: Link chart"), "{query}: {html}");
        assert!(html.contains(&format!("href=\"#{field}\"")), "{query}");
        assert!(html.contains(says), "{query}: {html}");
        // Nothing is asked, but the attempt is one refused event.
        let logged = since(&server, before, "ana");
        assert_eq!(logged.len(), 1, "{query}: {logged:?}");
        assert_eq!(logged[0].outcome, "invalid_input", "{query}");
    }

    // A date range is one expansion, and expanding keeps it.
    let before = last_event_id(&server);
    let (s, html) = page(&ana, "/chart?id=hr:person:1&from=2010-03&until=2012");
    assert_eq!(s, 200, "{html}");
    assert_eq!(since(&server, before, "ana").len(), 1);
    assert!(html.contains("from=2010-03&#38;until=2012"), "{html}");
}

// issue 17: "a hidden record is answered exactly as an absent one".
#[test]
fn a_hidden_entity_on_the_chart_is_answered_as_an_absent_one() {
    let server = start();
    server
        .engine
        .session(admin_request())
        .unwrap()
        .put_purpose(&Purpose {
            datasets: ["elsewhere".to_string()].into(),
            ..support::purpose("elsewhere", false)
        })
        .unwrap();
    let mut bea = Browser::new(&server);
    bea.sign_in("bea", PASSWORD);
    assert_eq!(bea.start_work("elsewhere").0, 200);
    let answer = |id: &str| {
        let before = last_event_id(&server);
        let (s, html) = page(
            &bea,
            &format!("/chart?id={id}&to={id}&with={id}&centrality=on"),
        );
        assert_eq!(since(&server, before, "bea").len(), 1, "one event for {id}");
        (s, html.replace(id, "ID"))
    };
    let hidden = answer("hr:person:1");
    let absent = answer("hr:person:99");
    assert_eq!(hidden.0, 404, "{}", hidden.1);
    assert_eq!(hidden, absent);
}
