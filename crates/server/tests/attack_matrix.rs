//! Every route that takes an id, of the API and of the pages, called with a
//! visible id, a hidden one, an absent one of the same shape and a malformed
//! one: a hidden id is answered exactly as an absent one (status, body with
//! the id put back, the headers that could tell them apart, and the event's
//! shape), and every call is exactly one event by its user.
//!
//! The routes are read from the OpenAPI document and from the pages'
//! route table, so a route added without a line here fails the test.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{Engine, SessionRequest};
use clearstone_server::Timeouts;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use support::{Browser, TestServer, events, working};

const ONTOLOGY: &str = r#"version = 1
[types.Person.properties]
name = { type = "name", sensitivity = "ordinary" }
health = { type = "text", sensitivity = "health" }
knows = { type = "entity", range = "Person", sensitivity = "ordinary" }
"#;

fn mapping(dataset: &str, file: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "{dataset}"
owner = "People Services"
legal_basis = "employment records"
[source]
format = "csv"
path = "{file}"
[[entities]]
name = "person"
schema = "Person"
keys = ["id"]
[entities.properties]
name = {{ column = "name" }}
health = {{ column = "health" }}
knows = {{ entity = "{dataset}:person", column = "knows" }}
"#
    )
}

const HR: &str = "id,name,health,knows\n\
    1,Alice Smith,asthma,2\n\
    2,Bob Smith,diabetes,1\n\
    3,Carol Jones,none,1\n";

/// The dataset `pds` does not cover: its records are hidden from it.
const PAY: &str = "id,name,health,knows\n\
    1,Dora Smith,asthma,2\n\
    2,Evan Smith,none,1\n";

const VISIBLE: &str = "hr:person:1";
const HIDDEN: &str = "pay:person:1";
const ABSENT: &str = "pay:person:7";
const MALFORMED: &str = "not%20an%20id";

/// `support::start`'s users and purposes, and a second dataset `pay` that
/// only purpose `all` covers; bea keeps a saved search and a case.
fn start() -> (TestServer, Fixture) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("hr.csv", HR), ("pay.csv", PAY)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    for (dataset, file) in [("hr", "hr.csv"), ("pay", "pay.csv")] {
        std::fs::write(
            dir.path().join(format!("{dataset}.toml")),
            mapping(dataset, file),
        )
        .unwrap();
    }
    let engine = Engine::init(&dir.path().join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    engine.bootstrap_admin("admin").unwrap();
    let all = Purpose {
        datasets: ["hr".to_string(), "pay".to_string()].into(),
        ..support::purpose("all", false)
    };
    let fixture;
    {
        let admin = engine.session(support::admin_request()).unwrap();
        admin
            .put_user(&support::user("ana", &["analyst", "data_engineer"]))
            .unwrap();
        admin.put_user(&support::user("bea", &["analyst"])).unwrap();
        admin.put_purpose(&support::purpose("pds", false)).unwrap();
        admin.put_purpose(&all).unwrap();
        admin.set_password("ana", support::PASSWORD).unwrap();
        admin.set_password("bea", support::PASSWORD).unwrap();
        let loader = engine.session(support::ana_request("all")).unwrap();
        for dataset in ["hr", "pay"] {
            loader
                .ingest(&dir.path().join(format!("{dataset}.toml")), &mut |_| {})
                .unwrap();
        }
        let bea = engine
            .session(SessionRequest {
                principal: "bea".into(),
                ..support::ana_request("pds")
            })
            .unwrap();
        let saved = bea
            .save_search(
                "smiths",
                &clearstone_engine::SearchFilters {
                    q: "smith".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        bea.create_case(Some("PSD-7"), "bea's own case").unwrap();
        let bea_event = bea.own_events(1).unwrap().first().unwrap().id;
        fixture = Fixture {
            saved_search: saved.id,
            bea_event,
        };
    }
    (support::serve(engine, dir, Timeouts::default()), fixture)
}

struct Fixture {
    /// Bea's saved search: another user's, so hidden from ana.
    saved_search: String,
    /// One of bea's events: not ana's own.
    bea_event: i64,
}

/// What a route's id names, and so which ids it is called with.
#[derive(Clone, Copy, Debug)]
enum Class {
    /// An entity record or canonical id (path, query or body).
    Record,
    /// An event id: hidden is another user's event.
    OwnEvent,
    /// An event id read under a purpose that may read the log: every event
    /// is visible, so only absent and malformed are asked.
    AnyEvent,
    /// Another user's saved search.
    SavedSearch,
    /// A case the user is not on.
    Case,
    /// Takes no id, or only a register id (users, purposes: not personal
    /// data) or controlled vocabulary; hidden ≡ absent does not apply.
    NoId,
    /// Not covered here, with the reason.
    Elsewhere(&'static str),
}

/// Every API route, by (method, template).
const API: &[(&str, &str, Class)] = &[
    ("post", "/api/v1/sign-in", Class::NoId),
    ("post", "/api/v1/enrol", Class::NoId),
    ("post", "/api/v1/sign-out", Class::NoId),
    ("get", "/api/v1/me", Class::NoId),
    ("get", "/api/v1/purposes", Class::NoId),
    ("post", "/api/v1/work", Class::NoId),
    ("post", "/api/v1/work/break-glass", Class::NoId),
    ("get", "/api/v1/search", Class::NoId),
    ("get", "/api/v1/search/facets", Class::NoId),
    ("get", "/api/v1/records/{id}", Class::Record),
    ("post", "/api/v1/records/{id}/reveal", Class::Record),
    ("get", "/api/v1/dossiers/{id}", Class::Record),
    ("get", "/api/v1/graph/{id}/neighbours", Class::Record),
    ("get", "/api/v1/graph/{id}/expand", Class::Record),
    ("get", "/api/v1/graph/{id}/centrality", Class::Record),
    ("post", "/api/v1/graph/{id}/export", Class::Record),
    ("get", "/api/v1/graph/paths", Class::Record),
    ("get", "/api/v1/graph/shared", Class::Record),
    ("get", "/api/v1/review", Class::NoId),
    ("post", "/api/v1/judgements", Class::Record),
    ("get", "/api/v1/explain", Class::Record),
    ("get", "/api/v1/datasets", Class::NoId),
    ("get", "/api/v1/ingest-runs", Class::NoId),
    ("get", "/api/v1/quarantine", Class::NoId),
    ("get", "/api/v1/registers/users", Class::NoId),
    ("get", "/api/v1/registers/purposes", Class::NoId),
    ("get", "/api/v1/events", Class::NoId),
    ("get", "/api/v1/alerts", Class::NoId),
    (
        "get",
        "/api/v1/audit/query",
        Class::Elsewhere(
            "a subject to find in the log, which a purpose with an s.62(4) use reads \
             whole (keyed hashes, no values): hidden records' events are oversight's",
        ),
    ),
    ("get", "/api/v1/audit/receipts/{event}", Class::AnyEvent),
    ("get", "/api/v1/me/events", Class::NoId),
    ("get", "/api/v1/me/receipts/{event}", Class::OwnEvent),
    ("get", "/api/v1/saved-searches", Class::NoId),
    ("post", "/api/v1/saved-searches", Class::NoId),
    (
        "get",
        "/api/v1/saved-searches/{id}/results",
        Class::SavedSearch,
    ),
    ("delete", "/api/v1/saved-searches/{id}", Class::SavedSearch),
];

/// Every page route, by template (all its methods).
const PAGES: &[(&str, Class)] = &[
    ("/", Class::NoId),
    ("/sign-in", Class::NoId),
    ("/sign-out", Class::NoId),
    ("/start", Class::NoId),
    ("/search", Class::NoId),
    ("/entities/{id}", Class::Record),
    ("/entities/{id}/reveal", Class::Record),
    ("/review", Class::NoId),
    ("/chart", Class::Record),
    ("/chart/export", Class::Record),
    ("/my-record", Class::NoId),
    ("/my-record/receipts/{id}", Class::OwnEvent),
    ("/overseer", Class::NoId),
    ("/data", Class::NoId),
    ("/dpo", Class::NoId),
    ("/cases", Class::NoId),
    ("/cases/{id}", Class::Case),
    ("/assets/{*path}", Class::NoId),
    ("/break-glass", Class::NoId),
    ("/break-glass/end", Class::NoId),
    (
        "/entities/{id}/judgements/{judgement}/withdraw",
        Class::Record,
    ),
    ("/dpo/purposes/{id}/review", Class::NoId),
    ("/dpo/purposes/{id}/expire", Class::NoId),
    (
        "/notes/{id}",
        Class::Elsewhere(
            "a note id is a hash of a stored note: note_pages.rs answers another's as absent",
        ),
    ),
    ("/entities/{id}/notes", Class::Record),
    ("/entities/{id}/notes/add", Class::Record),
    ("/cases/{id}/notes", Class::Case),
    (
        "/notes/summaries/{key}/confirm",
        Class::Elsewhere("a summary key comes from a summary asked for: attack_sign_off.rs"),
    ),
    ("/alerts", Class::NoId),
    (
        "/alerts/{id}",
        Class::Elsewhere(
            "alerts are raised by rule runs: alert_pages.rs and attack_alert_evidence.rs",
        ),
    ),
    ("/search/saved", Class::NoId),
    ("/search/saved/{id}", Class::SavedSearch),
    ("/dpo/purposes/new", Class::NoId),
    ("/data/quarantine/replay", Class::NoId),
    ("/dpo/purposes", Class::NoId),
    ("/search/saved/{id}/delete", Class::SavedSearch),
    ("/entities/{id}/notes/recording", Class::Record),
    ("/entities/{id}/notes/model-summary", Class::Record),
    ("/notes/search", Class::NoId),
    ("/fairness", Class::NoId),
];

/// (method, template) of every operation the API document lists.
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

/// The path templates of the pages' route table, read from its source.
fn page_routes() -> BTreeSet<String> {
    let src = include_str!("../src/pages/mod.rs");
    src.split(".route(")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start().strip_prefix('"')?;
            rest.split('"').next().map(str::to_string)
        })
        .collect()
}

#[test]
fn every_route_is_classified_here() {
    let api: BTreeSet<(String, String)> = API
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented(), api, "an API route not classified here");
    let pages: BTreeSet<String> = PAGES.iter().map(|(p, _)| p.to_string()).collect();
    let table = page_routes();
    assert!(table.len() > 30, "{table:?}");
    assert_eq!(table, pages, "a page route not classified here");
    for (route, class) in API
        .iter()
        .map(|(_, r, c)| (r, c))
        .chain(PAGES.iter().map(|(r, c)| (r, c)))
    {
        if let Class::Elsewhere(why) = class {
            assert!(!why.is_empty(), "{route}: say why it is not covered here");
        }
    }
}

/// One request: method, path, and a JSON or form body.
struct Call {
    method: &'static str,
    path: String,
    json: Option<Value>,
    form: Option<Vec<(&'static str, String)>>,
}

fn get(path: String) -> Call {
    Call {
        method: "GET",
        path,
        json: None,
        form: None,
    }
}

fn post_json(path: String, body: Value) -> Call {
    Call {
        method: "POST",
        path,
        json: Some(body),
        form: None,
    }
}

fn post_form(path: String, fields: &[(&'static str, &str)]) -> Call {
    Call {
        method: "POST",
        path,
        json: None,
        form: Some(fields.iter().map(|(k, v)| (*k, v.to_string())).collect()),
    }
}

/// The calls of each classified route with `id` in the place of its id.
fn calls(template: &str, id: &str) -> Vec<Call> {
    let other = "hr:person:3";
    match template {
        "/api/v1/records/{id}" => vec![get(format!("/api/v1/records/{id}"))],
        "/api/v1/records/{id}/reveal" => vec![post_json(
            format!("/api/v1/records/{id}/reveal"),
            json!({"property": "health"}),
        )],
        "/api/v1/dossiers/{id}" => vec![get(format!("/api/v1/dossiers/{id}"))],
        "/api/v1/graph/{id}/neighbours" => vec![get(format!("/api/v1/graph/{id}/neighbours"))],
        "/api/v1/graph/{id}/expand" => vec![get(format!("/api/v1/graph/{id}/expand?hops=2"))],
        "/api/v1/graph/{id}/centrality" => vec![get(format!("/api/v1/graph/{id}/centrality"))],
        "/api/v1/graph/{id}/export" => vec![post_json(
            format!("/api/v1/graph/{id}/export"),
            json!({"format": "graphml", "recipient": "self, for analysis"}),
        )],
        "/api/v1/graph/paths" => vec![
            get(format!("/api/v1/graph/paths?a={id}&b={other}")),
            get(format!("/api/v1/graph/paths?a={other}&b={id}")),
        ],
        "/api/v1/graph/shared" => vec![
            get(format!("/api/v1/graph/shared?a={id}&b={other}")),
            get(format!("/api/v1/graph/shared?a={other}&b={id}")),
        ],
        "/api/v1/explain" => vec![
            get(format!("/api/v1/explain?a={id}&b={other}")),
            get(format!("/api/v1/explain?a={other}&b={id}")),
        ],
        "/api/v1/judgements" => vec![post_json(
            "/api/v1/judgements".into(),
            json!({"left": id, "right": other, "verdict": "not_same",
                   "rationale": "different people"}),
        )],
        "/api/v1/audit/receipts/{event}" => vec![get(format!("/api/v1/audit/receipts/{id}"))],
        "/api/v1/me/receipts/{event}" => vec![get(format!("/api/v1/me/receipts/{id}"))],
        "/api/v1/saved-searches/{id}/results" => {
            vec![get(format!("/api/v1/saved-searches/{id}/results"))]
        }
        "/api/v1/saved-searches/{id}" => vec![Call {
            method: "DELETE",
            path: format!("/api/v1/saved-searches/{id}"),
            json: None,
            form: None,
        }],
        "/entities/{id}" => vec![get(format!("/entities/{id}"))],
        "/entities/{id}/reveal" => vec![post_form(
            format!("/entities/{id}/reveal"),
            &[("prop", "health"), ("condition", "on")],
        )],
        "/chart" => vec![get(format!("/chart?id={id}"))],
        "/chart/export" => vec![post_form(
            "/chart/export".into(),
            &[
                ("id", id),
                ("format", "graphml"),
                ("recipient", "self, for analysis"),
            ],
        )],
        "/my-record/receipts/{id}" => vec![get(format!("/my-record/receipts/{id}"))],
        "/cases/{id}" => vec![
            get(format!("/cases/{id}")),
            post_form(
                format!("/cases/{id}"),
                &[("act", "task"), ("title", "call the witness")],
            ),
        ],
        "/entities/{id}/judgements/{judgement}/withdraw" => vec![post_form(
            format!("/entities/{id}/judgements/0011223344556677/withdraw"),
            &[],
        )],
        "/entities/{id}/notes" => vec![
            get(format!("/entities/{id}/notes")),
            post_form(format!("/entities/{id}/notes"), &[("condition", "on")]),
        ],
        "/entities/{id}/notes/add" => vec![post_form(
            format!("/entities/{id}/notes/add"),
            &[
                ("text", "Met the subject at the office."),
                ("date", "2026-01-02"),
            ],
        )],
        "/cases/{id}/notes" => vec![
            get(format!("/cases/{id}/notes")),
            post_form(format!("/cases/{id}/notes"), &[("condition", "on")]),
        ],
        "/search/saved/{id}" => vec![get(format!("/search/saved/{id}"))],
        "/search/saved/{id}/delete" => {
            vec![post_form(format!("/search/saved/{id}/delete"), &[])]
        }
        "/entities/{id}/notes/recording" => vec![post_form(
            format!("/entities/{id}/notes/recording"),
            &[("consent", "on")],
        )],
        "/entities/{id}/notes/model-summary" => {
            vec![post_form(
                format!("/entities/{id}/notes/model-summary"),
                &[],
            )]
        }
        other => panic!("no calls for {other}"),
    }
}

/// Sends a call as the browser, the form with its CSRF field.
fn send(b: &Browser, call: &Call) -> (u16, HeaderMap, String) {
    if call.path.ends_with("/notes/recording") {
        return upload(b, call);
    }
    if let Some(fields) = &call.form {
        let mut fields = fields.clone();
        fields.push(("csrf", b.csrf.clone().unwrap()));
        let res = b
            .client
            .request(
                reqwest::Method::from_bytes(call.method.as_bytes()).unwrap(),
                format!("{}{}", b.base, call.path),
            )
            .header("cookie", b.cookie.clone().unwrap())
            .form(&fields)
            .send()
            .unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        support::assert_secure_headers(&headers, &call.path);
        return (status, headers, res.text().unwrap());
    }
    b.send(call.method, &call.path, call.json.as_ref())
}

/// Sends a call's form as a file upload's, its CSRF token a part of it.
fn upload(b: &Browser, call: &Call) -> (u16, HeaderMap, String) {
    let mut fields = call.form.clone().unwrap_or_default();
    fields.push(("csrf", b.csrf.clone().unwrap()));
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str("--XyZ--\r\n");
    let res = b
        .client
        .post(format!("{}{}", b.base, call.path))
        .header("cookie", b.cookie.clone().unwrap())
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    support::assert_secure_headers(&headers, &call.path);
    (status, headers, res.text().unwrap())
}

/// `text` with each whole occurrence of `id` as `{ID}`: not one inside a
/// longer word, such as an event id's digits inside a CSRF token.
fn put_back(text: &str, id: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(id) {
        let (before, tail) = rest.split_at(at);
        let after = tail.strip_prefix(id).unwrap_or_default();
        out.push_str(before);
        let whole = !word(out.chars().next_back()) && !word(after.chars().next());
        out.push_str(if whole { "{ID}" } else { id });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// What an answer shows, with `id` put back as `{ID}`: status, the headers
/// that could differ, and the body.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn answer(status: u16, headers: &HeaderMap, body: &str, id: &str) -> Answer {
    let plain = id.replace("%20", " ");
    let norm = |s: &str| put_back(&put_back(s, id), &plain);
    let body = norm(body);
    let headers = headers
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "date" | "content-length"))
        .map(|(k, v)| (k.to_string(), norm(v.to_str().unwrap_or("?"))))
        .collect();
    Answer {
        status,
        headers,
        body,
    }
}

/// The event one call wrote, shaped without its id, time or subjects'
/// hashes (which name the id): operation, query with the id put back,
/// how many subjects, outcome, flags.
fn one_event(
    server: &TestServer,
    before: i64,
    what: &str,
    failures: &mut Vec<String>,
) -> (String, String, usize, String) {
    let evs: Vec<_> = events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == "ana")
        .collect();
    let [e] = evs.as_slice() else {
        failures.push(format!("{what}: {} events, not one: {evs:#?}", evs.len()));
        return Default::default();
    };
    (
        e.operation.clone(),
        e.query.clone(),
        e.subjects.len(),
        e.outcome.clone(),
    )
}

fn last_event(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

/// Calls `template` with `id`; returns each call's answer and event.
fn ask(
    server: &TestServer,
    b: &Browser,
    template: &str,
    id: &str,
    failures: &mut Vec<String>,
) -> Vec<(Answer, (String, String, usize, String))> {
    calls(template, id)
        .iter()
        .map(|call| {
            let before = last_event(server);
            let (status, headers, body) = send(b, call);
            let what = format!("{} {} ({status}): {body}", call.method, call.path);
            if status >= 500 {
                failures.push(format!("server error: {what}"));
            }
            let ev = one_event(server, before, &what, failures);
            let plain = id.replace("%20", " ");
            let ev = (ev.0, put_back(&put_back(&ev.1, id), &plain), ev.2, ev.3);
            (answer(status, &headers, &body, id), ev)
        })
        .collect()
}

/// The first place two answers and their events differ.
fn difference(
    h: &(Answer, (String, String, usize, String)),
    a: &(Answer, (String, String, usize, String)),
) -> String {
    if h.0.status != a.0.status {
        return format!("status {} ≠ {}", h.0.status, a.0.status);
    }
    if h.0.headers != a.0.headers {
        return format!("headers {:?} ≠ {:?}", h.0.headers, a.0.headers);
    }
    if let Some((x, y)) = h.0.body.lines().zip(a.0.body.lines()).find(|(x, y)| x != y) {
        return format!("body line `{}` ≠ `{}`", x.trim(), y.trim());
    }
    if h.0.body != a.0.body {
        return "body length".into();
    }
    format!("event {:?} ≠ {:?}", h.1, a.1)
}

fn ids(class: Class, f: &Fixture, own_event: i64) -> Option<(String, Option<String>, String)> {
    // (visible, hidden, absent); the malformed id is asked of every class.
    match class {
        Class::Record => Some((VISIBLE.into(), Some(HIDDEN.into()), ABSENT.into())),
        Class::OwnEvent => Some((
            own_event.to_string(),
            Some(f.bea_event.to_string()),
            "9999999".into(),
        )),
        Class::AnyEvent => Some((own_event.to_string(), None, "9999999".into())),
        Class::SavedSearch => Some((
            String::new(),
            Some(f.saved_search.clone()),
            "0011223344556677".into(),
        )),
        Class::Case => Some((String::new(), Some("PSD-7".into()), "PSD-8".into())),
        Class::NoId | Class::Elsewhere(_) => None,
    }
}

#[test]
fn a_hidden_id_is_answered_and_logged_as_an_absent_one_on_every_route() {
    let (server, fixture) = start();
    let ana = working(&server, "ana", "pds");
    let own_event = events(&server)
        .into_iter()
        .find(|e| e.principal == "ana")
        .unwrap()
        .id;
    let templates = API
        .iter()
        .map(|(_, t, c)| (*t, *c))
        .chain(PAGES.iter().copied());
    let mut failures = Vec::new();
    for (template, class) in templates {
        let Some((visible, hidden, absent)) = ids(class, &fixture, own_event) else {
            continue;
        };
        if !visible.is_empty() {
            ask(&server, &ana, template, &visible, &mut failures);
        }
        let absent_answers = ask(&server, &ana, template, &absent, &mut failures);
        if let Some(hidden) = hidden {
            let hidden_answers = ask(&server, &ana, template, &hidden, &mut failures);
            for (h, a) in hidden_answers.iter().zip(&absent_answers) {
                if h != a {
                    failures.push(format!("{template}: hidden ≠ absent: {}", difference(h, a)));
                }
            }
        }
        // A malformed id: one event too, and never a server error.
        ask(&server, &ana, template, MALFORMED, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
