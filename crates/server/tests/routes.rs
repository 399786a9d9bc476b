//! Every route of the API, walked from the OpenAPI document so that a new
//! route without a line here fails: each refuses without a signed-in
//! session (401) and without work started (403), with the error table's
//! code, and each attempt with work started is exactly one event.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use support::{Browser, events, start, working};

/// Routes that need only a signed-in user, or nobody: (method, path).
const BEFORE_WORK: &[(&str, &str)] = &[
    ("post", "/api/v1/sign-in"),
    ("post", "/api/v1/enrol"),
    ("post", "/api/v1/sign-out"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/purposes"),
    ("post", "/api/v1/work"),
    ("post", "/api/v1/work/break-glass"),
];

/// Each data route with a request that reaches its `Session` method.
fn data_routes(
    person: &str,
    other: &str,
) -> Vec<(&'static str, &'static str, String, Option<Value>)> {
    vec![
        (
            "get",
            "/api/v1/search",
            "/api/v1/search?q=smith".into(),
            None,
        ),
        (
            "get",
            "/api/v1/records/{id}",
            format!("/api/v1/records/{person}"),
            None,
        ),
        (
            "post",
            "/api/v1/records/{id}/reveal",
            format!("/api/v1/records/{person}/reveal"),
            Some(json!({"property": "health"})),
        ),
        (
            "get",
            "/api/v1/dossiers/{id}",
            format!("/api/v1/dossiers/{person}"),
            None,
        ),
        (
            "get",
            "/api/v1/graph/{id}/neighbours",
            format!("/api/v1/graph/{person}/neighbours"),
            None,
        ),
        (
            "get",
            "/api/v1/graph/{id}/expand",
            format!("/api/v1/graph/{person}/expand?hops=2"),
            None,
        ),
        (
            "get",
            "/api/v1/graph/{id}/centrality",
            format!("/api/v1/graph/{person}/centrality"),
            None,
        ),
        (
            "post",
            "/api/v1/graph/{id}/export",
            format!("/api/v1/graph/{person}/export"),
            Some(json!({"format": "graphml", "recipient": "self, for analysis"})),
        ),
        (
            "get",
            "/api/v1/graph/paths",
            format!("/api/v1/graph/paths?a={person}&b={other}"),
            None,
        ),
        (
            "get",
            "/api/v1/graph/shared",
            format!("/api/v1/graph/shared?a={person}&b={other}"),
            None,
        ),
        ("get", "/api/v1/review", "/api/v1/review".into(), None),
        (
            "post",
            "/api/v1/judgements",
            "/api/v1/judgements".into(),
            Some(
                json!({"left": person, "right": other, "verdict": "same", "rationale": "same person"}),
            ),
        ),
        (
            "get",
            "/api/v1/explain",
            format!("/api/v1/explain?a={person}&b={other}"),
            None,
        ),
        ("get", "/api/v1/datasets", "/api/v1/datasets".into(), None),
        (
            "get",
            "/api/v1/ingest-runs",
            "/api/v1/ingest-runs".into(),
            None,
        ),
        (
            "get",
            "/api/v1/quarantine",
            "/api/v1/quarantine".into(),
            None,
        ),
        (
            "get",
            "/api/v1/registers/users",
            "/api/v1/registers/users".into(),
            None,
        ),
        (
            "get",
            "/api/v1/registers/purposes",
            "/api/v1/registers/purposes".into(),
            None,
        ),
        ("get", "/api/v1/events", "/api/v1/events".into(), None),
        ("get", "/api/v1/alerts", "/api/v1/alerts".into(), None),
        (
            "get",
            "/api/v1/audit/query",
            "/api/v1/audit/query?operation=consult".into(),
            None,
        ),
        (
            "get",
            "/api/v1/audit/receipts/{event}",
            "/api/v1/audit/receipts/1".into(),
            None,
        ),
        ("get", "/api/v1/me/events", "/api/v1/me/events".into(), None),
        (
            "get",
            "/api/v1/me/receipts/{event}",
            "/api/v1/me/receipts/1".into(),
            None,
        ),
        // issue 17, item 5 (search): facet counts.
        (
            "get",
            "/api/v1/search/facets",
            "/api/v1/search/facets?q=smith".into(),
            None,
        ),
        // issue 17, item 5 (search): saved searches; an id no one saved
        // is answered as absent, still as one event.
        (
            "get",
            "/api/v1/saved-searches",
            "/api/v1/saved-searches".into(),
            None,
        ),
        (
            "post",
            "/api/v1/saved-searches",
            "/api/v1/saved-searches".into(),
            Some(json!({"name": "smiths", "q": "smith"})),
        ),
        (
            "get",
            "/api/v1/saved-searches/{id}/results",
            "/api/v1/saved-searches/0011223344556677/results".into(),
            None,
        ),
        (
            "delete",
            "/api/v1/saved-searches/{id}",
            "/api/v1/saved-searches/0011223344556677".into(),
            None,
        ),
    ]
}

/// (method, path template) of every operation the document lists.
fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(clearstone_server::openapi_json()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

fn concrete(template: &str) -> String {
    template
        .replace("{id}", "hr:person:1")
        .replace("{event}", "1")
}

// issue 17, "the endpoint-coverage test extended to every HTTP route"
#[test]
fn every_route_is_listed_here_and_refuses_without_sign_in_or_work() {
    let server = start();
    let listed: BTreeSet<(String, String)> = BEFORE_WORK
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .chain(
            data_routes("a", "b")
                .into_iter()
                .map(|(m, p, _, _)| (m.to_string(), p.to_string())),
        )
        .collect();
    assert_eq!(
        documented(),
        listed,
        "a route without a test, or a test without a route"
    );

    let nobody = Browser::new(&server);
    let mut signed_in = Browser::new(&server);
    let (s, body, _) = signed_in.sign_in("ana", support::PASSWORD);
    assert_eq!(s, 200, "{body}");
    for (method, template) in documented() {
        if matches!(template.as_str(), "/api/v1/sign-in" | "/api/v1/enrol") {
            continue;
        }
        let path = concrete(&template);
        let body = (method == "post").then(|| json!({}));
        let (s, _, text) = nobody.send(&method.to_uppercase(), &path, body.as_ref());
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (s, v["code"].as_str()),
            (401, Some("sign_in_required")),
            "{method} {path}"
        );
        if BEFORE_WORK.iter().any(|(_, p)| *p == template) {
            continue;
        }
        let (s, _, text) = signed_in.send(&method.to_uppercase(), &path, body.as_ref());
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (s, v["code"].as_str()),
            (403, Some("work_not_started")),
            "{method} {path}"
        );
    }
}

// issue 17, "... and writes its event when it succeeds"
#[test]
fn every_data_route_writes_exactly_one_event_by_its_user() {
    let server = start();
    let ana = working(&server, "ana", "pds-health");
    let (_, hits) = ana.get("/api/v1/search?q=smith");
    let ids: Vec<String> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["records"][0].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 2, "{hits}");
    for (method, template, path, body) in data_routes(&ids[0], &ids[1]) {
        let before = events(&server).first().unwrap().id;
        let (status, _, text) = ana.send(&method.to_uppercase(), &path, body.as_ref());
        assert_ne!(status, 500, "{method} {template}: {text}");
        let after = events(&server);
        let by_ana: Vec<_> = after
            .iter()
            .filter(|e| e.id > before && e.principal == "ana")
            .collect();
        assert_eq!(
            by_ana.len(),
            1,
            "{method} {template} ({status}): {by_ana:?}"
        );
        // An allowed act is logged as done; a refused one as refused.
        if status == 200 {
            assert_ne!(by_ana[0].operation, "refused", "{method} {template}");
        }
    }
}

#[test]
fn every_operation_of_the_document_has_its_own_id() {
    let doc = serde_json::to_value(clearstone_server::openapi_json()).unwrap();
    let mut seen = BTreeSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap().to_string();
            assert!(seen.insert(id.clone()), "operationId `{id}` twice");
        }
    }
}

#[test]
fn the_document_says_how_each_route_is_signed_in() {
    let doc = serde_json::to_value(clearstone_server::openapi_json()).unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer", "{schemes}");
    assert_eq!(schemes["session"]["in"], "cookie", "{schemes}");
    let top: Vec<Value> = doc["security"].as_array().unwrap().clone();
    assert_eq!(top, [json!({"session": []}), json!({"bearer": []})]);
    assert_eq!(
        doc["paths"]["/api/v1/sign-in"]["post"]["security"],
        json!([{}])
    );
    assert_eq!(
        doc["paths"]["/api/v1/work"]["post"]["security"],
        json!([{"session": []}])
    );
}
