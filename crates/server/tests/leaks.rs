//! The leak test through HTTP: every value the record routes return is
//! checked against the gate's reference evaluator (the policy crate's plain
//! Rust rules, written apart from Cedar), and special-category sentinels
//! are grepped for in every body (issue 17, "the property-based leak test
//! extended to the API").
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::{self, Action, Decision, Resource};
use clearstone_model::{Markings, Sensitivity};
use serde_json::{Value, json};
use support::{SENTINEL, start, working};

const PROPS: [(&str, Sensitivity); 2] = [
    ("name", Sensitivity::Ordinary),
    ("health", Sensitivity::Health),
];

fn expected(purpose: &str, sensitivity: Sensitivity, reveal: bool) -> Decision {
    let principal = support::user("ana", &["analyst", "data_engineer"]);
    let purpose = support::purpose(purpose, purpose == "pds-health");
    let resource = Resource {
        dataset: "hr".into(),
        schema: "Person".into(),
        schema_ancestors: vec!["Person".into()],
        sensitivity,
        type_sensitivity: Sensitivity::Ordinary,
        markings: Markings::default(),
    };
    policy::reference::decide(&principal, &purpose, Action::View, &resource, reveal)
}

/// The values an entity's JSON holds for a property.
fn values(entity: &Value, prop: &str) -> Vec<String> {
    entity["properties"][prop]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter_map(|v| v["value"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn record_routes_answer_as_the_reference_evaluator_decides() {
    let server = start();
    for purpose in ["pds", "pds-health"] {
        let ana = working(&server, "ana", purpose);
        for row in 1..=3 {
            let id = format!("hr:person:{row}");
            let (status, _, text) = ana.send("GET", &format!("/api/v1/records/{id}"), None);
            assert_eq!(status, 200, "{text}");
            assert!(!text.contains(SENTINEL), "{purpose} show {id}: {text}");
            let shown: Value = serde_json::from_str(&text).unwrap();
            let (status, _, revealed_text) = ana.send(
                "POST",
                &format!("/api/v1/records/{id}/reveal"),
                Some(&json!({"property": "health"})),
            );
            let revealed: Value = serde_json::from_str(&revealed_text).unwrap();
            for (prop, sensitivity) in PROPS {
                let got = values(&shown, prop);
                match expected(purpose, sensitivity, false) {
                    Decision::Allow => assert!(!got.is_empty(), "{purpose} {id} {prop}"),
                    Decision::Mask { category } => {
                        assert_eq!(
                            got,
                            [policy::masked_placeholder(category)],
                            "{purpose} {id} {prop}"
                        )
                    }
                    Decision::Deny { .. } => assert!(got.is_empty(), "{purpose} {id} {prop}"),
                }
            }
            // Revealing health: shown only where the reference allows it.
            match expected(purpose, Sensitivity::Health, true) {
                Decision::Allow => {
                    assert_eq!(status, 200, "{revealed_text}");
                    let got = values(&revealed, "health");
                    assert!(got.iter().all(|v| v.starts_with(SENTINEL)), "{got:?}");
                    assert_eq!(got.len(), 1);
                }
                _ => {
                    assert_eq!(status, 403, "{revealed_text}");
                    assert!(!revealed_text.contains(SENTINEL), "{revealed_text}");
                }
            }
        }
        // Every other answer of the session: no sentinel anywhere.
        for path in [
            "/api/v1/search?q=smith",
            "/api/v1/search?q=asthma",
            "/api/v1/search/facets?q=smith",
            "/api/v1/search/facets?q=asthma",
            "/api/v1/dossiers/hr:person:1",
            "/api/v1/graph/hr:person:1/neighbours",
            "/api/v1/graph/hr:person:1/expand?hops=2",
            "/api/v1/graph/paths?a=hr:person:1&b=hr:person:3",
            "/api/v1/graph/shared?a=hr:person:2&b=hr:person:3",
            "/api/v1/quarantine",
            "/api/v1/events",
            "/api/v1/audit/query?operation=reveal",
        ] {
            let (_, _, text) = ana.send("GET", path, None);
            assert!(!text.contains(SENTINEL), "{purpose} {path}: {text}");
        }
        let (_, _, export) = ana.send(
            "POST",
            "/api/v1/graph/hr:person:1/export",
            Some(&json!({"format": "cytoscape", "recipient": "self, for analysis"})),
        );
        assert!(!export.contains(SENTINEL), "{purpose} export: {export}");
    }
}

// issue 17, item 5 (search): a facet counts only what the session may
// see: a masked value never matches, a hidden record never counts.
#[test]
fn facet_counts_never_count_what_the_purpose_may_not_see() {
    let server = start();
    server
        .engine
        .session(support::admin_request())
        .unwrap()
        .put_purpose(&clearstone_engine::policy::Purpose {
            datasets: ["elsewhere".to_string()].into(),
            ..support::purpose("elsewhere", false)
        })
        .unwrap();
    for purpose in ["pds", "pds-health"] {
        let ana = working(&server, "ana", purpose);
        let (status, facets) = ana.get("/api/v1/search/facets?q=asthma");
        assert_eq!(status, 200, "{facets}");
        let (_, hits) = ana.get("/api/v1/search?q=asthma");
        assert_eq!(hits["total"], 0, "{hits}");
        assert_eq!(facets["types"], json!([]), "{purpose}: {facets}");
        let (_, facets) = ana.get("/api/v1/search/facets?q=smith");
        assert_eq!(facets["counted"], true);
        assert_eq!(
            facets["types"],
            json!([{"value": "Person", "count": 2}]),
            "{facets}"
        );
        assert_eq!(
            facets["datasets"],
            json!([{"value": "hr", "count": 2}]),
            "{facets}"
        );
    }
    let bea = working(&server, "bea", "elsewhere");
    let (status, facets) = bea.get("/api/v1/search/facets?q=smith");
    assert_eq!(status, 200, "{facets}");
    assert_eq!(
        facets,
        json!({"counted": true, "types": [], "datasets": [], "years": []})
    );
}

// issue 17, item 5 (search): a saved search runs under the purpose in hand,
// so it finds only what that purpose may see, whoever saved it when.
#[test]
fn a_saved_search_finds_only_what_the_purpose_in_hand_may_see() {
    let server = start();
    server
        .engine
        .session(support::admin_request())
        .unwrap()
        .put_purpose(&clearstone_engine::policy::Purpose {
            datasets: ["elsewhere".to_string()].into(),
            ..support::purpose("elsewhere", false)
        })
        .unwrap();
    let ana = working(&server, "ana", "pds-health");
    let (_, health) = ana.post(
        "/api/v1/saved-searches",
        &json!({"name": "health", "q": "asthma"}),
    );
    let (_, smiths) = ana.post(
        "/api/v1/saved-searches",
        &json!({"name": "smiths", "q": "smith"}),
    );
    let run = |v: &Value| {
        format!(
            "/api/v1/saved-searches/{}/results",
            v["id"].as_str().unwrap()
        )
    };
    let (status, found) = ana.get(&run(&health));
    assert_eq!((status, &found["total"]), (200, &json!(0)), "{found}");
    let (_, found) = ana.get(&run(&smiths));
    assert_eq!(found["total"], 2, "{found}");
    assert!(!found.to_string().contains(SENTINEL), "{found}");
    assert_eq!(ana.start_work("elsewhere").0, 200);
    let (status, found) = ana.get(&run(&smiths));
    assert_eq!((status, &found["total"]), (200, &json!(0)), "{found}");
}
