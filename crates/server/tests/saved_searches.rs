//! Saved searches (issue 17, item 5, search: "saved searches"): each user's
//! own, through the API and the search page. Saving, listing, running and
//! deleting are one event each; the log names what was saved only by hash;
//! another user's saved search is answered exactly as an absent one.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::{Value, json};
use support::{Browser, PASSWORD, TestServer, events, start, working};

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

/// Sends a form or a page request as the browser, following no redirect:
/// (status, location, body).
fn send(b: &Browser, post: bool, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let url = format!("{}{path}", b.base);
    let mut req = match post {
        true => b.client.post(url).form(fields),
        false => b.client.get(url),
    };
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, res.text().unwrap())
}

#[test]
fn saving_listing_running_and_deleting_through_the_api_are_one_event_each() {
    let server = start();
    let ana = working(&server, "ana", "pds");

    let before = last_event_id(&server);
    let (s, saved) = ana.post(
        "/api/v1/saved-searches",
        &json!({"name": "Smiths in HR", "q": "smith", "dataset": "hr"}),
    );
    assert_eq!(s, 200, "{saved}");
    assert_eq!(saved["query"], "smith dataset:hr", "{saved}");
    let id = saved["id"].as_str().unwrap().to_string();
    let saving = since(&server, before, "ana");
    assert_eq!(saving.len(), 1, "{saving:?}");
    assert_eq!(saving[0].operation, "collect");
    // The log keeps the saved text's hash, never the words or the name.
    assert!(
        saving[0].query.starts_with("save search sha256:"),
        "{saving:?}"
    );
    assert_eq!(saving[0].outcome, format!("saved {id}"));

    let before = last_event_id(&server);
    let (s, list) = ana.get("/api/v1/saved-searches");
    assert_eq!(s, 200, "{list}");
    assert_eq!(list[0]["name"], "Smiths in HR", "{list}");
    assert_eq!(since(&server, before, "ana").len(), 1);

    let before = last_event_id(&server);
    let (s, found) = ana.get(&format!("/api/v1/saved-searches/{id}/results"));
    assert_eq!(s, 200, "{found}");
    assert_eq!(found["total"], 2, "{found}");
    assert_eq!(found["saved_search"]["id"], id.as_str());
    let running = since(&server, before, "ana");
    assert_eq!(running.len(), 1, "{running:?}");
    // A search like any other: the same event a typed search leaves.
    let (_, _) = ana.get("/api/v1/search?q=smith+dataset:hr");
    let typed = since(&server, running[0].id, "ana");
    assert_eq!(
        (running[0].operation.as_str(), running[0].query.as_str()),
        (typed[0].operation.as_str(), typed[0].query.as_str())
    );

    let before = last_event_id(&server);
    let (s, _, body) = ana.send("DELETE", &format!("/api/v1/saved-searches/{id}"), None);
    assert_eq!(s, 200, "{body}");
    let deleting = since(&server, before, "ana");
    assert_eq!(deleting.len(), 1, "{deleting:?}");
    assert_eq!(deleting[0].query, format!("delete saved search {id}"));
    assert_eq!(ana.get("/api/v1/saved-searches").1, json!([]));

    for e in events(&server) {
        let logged = format!("{} {}", e.query, e.outcome);
        assert!(
            !logged.contains("Smiths in HR") && !logged.contains("smith"),
            "{e:?}"
        );
    }
}

#[test]
fn another_users_saved_search_is_answered_as_an_absent_one() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    let bea = working(&server, "bea", "pds");
    let (_, saved) = ana.post(
        "/api/v1/saved-searches",
        &json!({"name": "mine", "q": "smith"}),
    );
    let id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(bea.get("/api/v1/saved-searches").1, json!([]));

    let run = format!("/api/v1/saved-searches/{id}/results");
    let one = format!("/api/v1/saved-searches/{id}");
    let before = last_event_id(&server);
    let (s, theirs) = bea.get(&run);
    let (d, _, refused) = bea.send("DELETE", &one, None);
    assert_eq!((s, d), (404, 404), "{theirs} {refused}");
    // Each attempt is still one event, as for any absent record.
    assert_eq!(since(&server, before, "bea").len(), 2);
    let (_, _, html) = send(&bea, false, &format!("/search/saved/{id}"), &[]);
    assert!(html.contains("Not found"), "{html}");
    // Ana's is untouched; once it is gone, bea's answers are the same.
    assert_eq!(ana.get(&run).0, 200);
    assert_eq!(ana.send("DELETE", &one, None).0, 200);
    assert_eq!(bea.get(&run), (404, theirs));
    assert_eq!(bea.send("DELETE", &one, None).2, refused);
    let (_, _, absent_html) = send(&bea, false, &format!("/search/saved/{id}"), &[]);
    assert_eq!(
        absent_html.replace(bea.csrf.as_deref().unwrap(), ""),
        html.replace(bea.csrf.as_deref().unwrap(), "")
    );
}

#[test]
fn a_search_that_cannot_run_is_not_saved_and_says_why() {
    let server = start();
    let ana = working(&server, "ana", "pds");
    for (body, code) in [
        (json!({"name": "  ", "q": "smith"}), "invalid_input"),
        (json!({"name": "nothing"}), "invalid_input"),
        (
            json!({"name": "bad", "q": "born:notadate"}),
            "invalid_input",
        ),
    ] {
        let before = last_event_id(&server);
        let (s, v) = ana.post("/api/v1/saved-searches", &body);
        assert_eq!((s, v["code"].as_str()), (400, Some(code)), "{body}: {v}");
        // A refused attempt is one event too.
        assert_eq!(since(&server, before, "ana").len(), 1, "{body}");
    }
    assert_eq!(ana.get("/api/v1/saved-searches").1, json!([]));
}

#[test]
fn the_search_page_saves_lists_runs_and_deletes_with_its_csrf_token() {
    let server = start();
    let nobody = Browser::new(&server);
    for (post, path) in [
        (false, "/search/saved"),
        (false, "/search/saved/0011223344556677"),
        (true, "/search/saved"),
        (true, "/search/saved/0011223344556677/delete"),
    ] {
        assert_eq!(send(&nobody, post, path, &[]).1, "/sign-in", "{path}");
    }
    let mut idle = Browser::new(&server);
    assert_eq!(idle.sign_in("ana", PASSWORD).0, 200);
    assert_eq!(send(&idle, false, "/search/saved", &[]).1, "/start");

    let ana = working(&server, "ana", "pds");
    let csrf = ana.csrf.clone().unwrap();
    let (_, _, html) = send(&ana, false, "/search?q=smith", &[]);
    assert!(
        html.contains("action=\"/search/saved\"") && html.contains("Save this search"),
        "{html}"
    );

    // A forged form is refused before anything runs, as one refused attempt.
    let before = last_event_id(&server);
    let fields = [("name", "Smiths"), ("q", "smith"), ("type", "Person")];
    assert_eq!(send(&ana, true, "/search/saved", &fields).0, 403);
    assert_eq!(since(&server, before, "ana").len(), 1);
    let before = last_event_id(&server);

    // A missing name comes back in the error summary, as one event.
    let (s, _, html) = send(
        &ana,
        true,
        "/search/saved",
        &[("csrf", &csrf), ("name", ""), ("q", "smith")],
    );
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("govuk-error-summary") && html.contains("href=\"#name\""),
        "{html}"
    );
    assert!(html.contains("<title>Error: "), "{html}");
    assert_eq!(since(&server, before, "ana").len(), 1);

    let before = last_event_id(&server);
    let mut with_token = vec![("csrf", csrf.as_str())];
    with_token.extend(fields);
    let (s, location, _) = send(&ana, true, "/search/saved", &with_token);
    assert_eq!((s, location.as_str()), (303, "/search/saved"));
    assert_eq!(since(&server, before, "ana").len(), 1);

    let (s, _, html) = send(&ana, false, "/search/saved", &[]);
    assert_eq!(s, 200);
    assert!(html.contains("smith type:Person"), "{html}");
    let list: Value = ana.get("/api/v1/saved-searches").1;
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert!(
        html.contains(&format!("href=\"/search/saved/{id}\"")),
        "{html}"
    );

    let before = last_event_id(&server);
    let (s, _, html) = send(&ana, false, &format!("/search/saved/{id}"), &[]);
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("Alice Smith") && html.contains("Bob Smith"),
        "{html}"
    );
    assert_eq!(since(&server, before, "ana").len(), 1);

    let delete = format!("/search/saved/{id}/delete");
    assert_eq!(send(&ana, true, &delete, &[]).0, 403);
    let before = last_event_id(&server);
    let (s, location, _) = send(&ana, true, &delete, &[("csrf", &csrf)]);
    assert_eq!((s, location.as_str()), (303, "/search/saved"));
    let deleted = since(&server, before, "ana");
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    assert_eq!(deleted[0].operation, "erase");
    let (_, _, html) = send(&ana, false, "/search/saved", &[]);
    assert!(html.contains("You have no saved searches"), "{html}");
}
