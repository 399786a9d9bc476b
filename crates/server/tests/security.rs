//! Sign-in and the session's safeguards through a real server (issue 17,
//! "Security").
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::{Value, json};
use support::{Browser, PASSWORD, SENTINEL, events, start, working};

#[test]
fn a_forged_post_without_the_csrf_token_is_refused() {
    let server = start();
    let mut b = working(&server, "ana", "pds-health");
    let good = b.csrf.clone();
    let body = json!({"property": "health"});
    let id = "hr:person:1";
    for forged in [None, Some("0".repeat(64))] {
        b.csrf = forged;
        let (s, v) = b.post(&format!("/api/v1/records/{id}/reveal"), &body);
        assert_eq!((s, v["code"].as_str()), (403, Some("csrf_failed")), "{v}");
        // A forged form post too.
        let (s, _, text) = {
            let mut req = b
                .client
                .post(format!("{}/api/v1/work", b.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("purpose=pds&reason=other&justification=forged+request");
            if let Some(c) = &b.cookie {
                req = req.header("cookie", c);
            }
            let r = req.send().unwrap();
            (r.status().as_u16(), (), r.text().unwrap())
        };
        assert_eq!(s, 403, "{text}");
    }
    b.csrf = good;
    let (s, v) = b.post(&format!("/api/v1/records/{id}/reveal"), &body);
    assert_eq!(s, 200, "{v}");
}

#[test]
fn signing_in_gives_a_new_session_id_and_drops_a_planted_one() {
    let server = start();
    let mut first = Browser::new(&server);
    first.sign_in("ana", PASSWORD);
    let planted = first.cookie.clone().unwrap();
    // The same browser (cookie planted) signs in again: a new id.
    let mut b = Browser::new(&server);
    b.cookie = Some(planted.clone());
    let (s, _, _) = b.sign_in("ana", PASSWORD);
    assert_eq!(s, 200);
    assert_ne!(b.cookie.as_deref(), Some(planted.as_str()));
    let mut old = Browser::new(&server);
    old.cookie = Some(planted);
    let (s, v) = old.get("/api/v1/me");
    assert_eq!((s, v["code"].as_str()), (401, Some("sign_in_required")));
    let (s, v) = b.get("/api/v1/me");
    assert_eq!((s, v["user"].as_str()), (200, Some("ana")));
}

#[test]
fn the_session_cookie_is_http_only_and_same_site_strict() {
    let server = start();
    let mut b = Browser::new(&server);
    let (_, _, set) = b.sign_in("ana", PASSWORD);
    let set = set.unwrap();
    let attrs: Vec<&str> = set.split(';').map(str::trim).collect();
    assert!(attrs.contains(&"HttpOnly"), "{set}");
    assert!(attrs.contains(&"SameSite=Strict"), "{set}");
    assert!(attrs.contains(&"Path=/"), "{set}");
    // Plain http on loopback: a Secure cookie would never come back.
    assert!(!attrs.contains(&"Secure"), "{set}");
}

#[test]
fn lockout_answers_alike_for_a_real_and_an_unknown_user() {
    let server = start();
    let mut answers = Vec::new();
    for name in ["ana", "nobody-here"] {
        let mut b = Browser::new(&server);
        let mut seen = Vec::new();
        for _ in 0..clearstone_engine::SIGN_IN_FAILURES_MAX {
            let (s, v, set) = b.sign_in(name, "wrong password entirely");
            assert!(set.is_none());
            seen.push((s, v));
        }
        // Locked now, even with the right password.
        let (s, v, _) = b.sign_in(name, PASSWORD);
        seen.push((s, v));
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    let codes: Vec<&str> = answers[0]
        .iter()
        .map(|(_, v)| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.first(), Some(&"sign_in_failed"));
    assert_eq!(codes.last(), Some(&"locked_out"));
    assert_eq!(answers[0].last().unwrap().0, 429);
    // Every attempt is one event, the typed name never in clear.
    let evs = events(&server);
    let sign_ins: Vec<_> = evs.iter().filter(|e| e.operation == "sign_in").collect();
    // Two successful sign-ins made no event here; twelve attempts did.
    assert_eq!(sign_ins.len(), 12);
    for e in &sign_ins {
        let all = format!("{e:?}");
        assert!(!all.contains("nobody-here"), "{all}");
    }
    // Another user is not locked by ana's lockout.
    let mut bea = Browser::new(&server);
    assert_eq!(bea.sign_in("bea", PASSWORD).0, 200);
}

#[test]
fn a_token_revoked_mid_session_is_refused_at_the_next_request() {
    let server = start();
    let (token, id) = support::ana_token(&server, "pds");
    let client = reqwest::blocking::Client::new();
    let call = || {
        let r = client
            .get(format!("{}/api/v1/datasets", server.base))
            .bearer_auth(&token)
            .send()
            .unwrap();
        let s = r.status().as_u16();
        support::assert_secure_headers(r.headers(), "datasets");
        (s, r.json::<Value>().unwrap())
    };
    let (s, v) = call();
    assert_eq!(s, 200, "{v}");
    // A bearer request needs no CSRF token.
    let r = client
        .post(format!("{}/api/v1/records/hr:person:1/reveal", server.base))
        .bearer_auth(&token)
        .json(&json!({"property": "health"}))
        .send()
        .unwrap();
    let v: Value = r.json().unwrap();
    assert_ne!(v["code"].as_str(), Some("csrf_failed"), "{v}");
    server
        .engine
        .session(support::ana_request("pds"))
        .unwrap()
        .revoke_token(&id)
        .unwrap();
    let (s, v) = call();
    assert_eq!((s, v["code"].as_str()), (401, Some("token_refused")), "{v}");
    // The refused use is an event of its own; the two that were let in
    // are named on their acts' events.
    let flag = format!("token:{id}");
    let uses: Vec<String> = events(&server)
        .iter()
        .filter(|e| e.operation == "token_use" || e.flags.contains(&flag))
        .map(|e| format!("{} {}", e.operation, e.query))
        .collect();
    assert_eq!(
        uses,
        [
            "token_use use token",
            "refused reveal special-category values",
            "consult list datasets"
        ]
    );
}

#[test]
fn a_purpose_that_expires_mid_session_ends_the_work() {
    let server = start();
    let b = working(&server, "ana", "pds");
    assert_eq!(b.get("/api/v1/datasets").0, 200);
    let mut expired = support::purpose("pds", false);
    expired.expires = "2020-01-01".into();
    server
        .engine
        .session(support::admin_request())
        .unwrap()
        .put_purpose(&expired)
        .unwrap();
    let (s, v) = b.get("/api/v1/datasets");
    assert_eq!(
        (s, v["code"].as_str()),
        (403, Some("purpose_expired")),
        "{v}"
    );
    let (s, v) = b.get("/api/v1/datasets");
    assert_eq!(
        (s, v["code"].as_str()),
        (403, Some("work_not_started")),
        "{v}"
    );
    let (s, v) = b.get("/api/v1/me");
    assert_eq!((s, v["purpose"].clone()), (200, Value::Null));
}

#[test]
fn answers_carry_security_headers_and_faults_no_detail() {
    let server = start();
    let b = Browser::new(&server);
    // Unknown routes, wrong methods and refusals all carry them (checked
    // by every `send`), in the error table's shape.
    let (s, v) = b.get("/no/such/page");
    assert_eq!((s, v["code"].as_str()), (404, Some("route_not_found")));
    let (s, _) = b.get("/api/v1/openapi.json");
    assert_eq!(s, 200);
    let (s, _, text) = b.send("DELETE", "/api/v1/datasets", None);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((s, v["code"].as_str()), (405, Some("method_not_allowed")));
    // A body that is not the form asked for names what is wrong.
    let (s, v) = b.post("/api/v1/sign-in", &json!({"user": "ana"}));
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_input")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("password"), "{v}");
}

#[test]
fn special_category_values_leave_only_when_revealed() {
    let server = start();
    // Without a lawful condition: never, not even by reveal.
    let plain = working(&server, "ana", "pds");
    let mut bodies = Vec::new();
    for path in [
        "/api/v1/search?q=smith",
        "/api/v1/records/hr:person:1",
        "/api/v1/dossiers/hr:person:1",
        "/api/v1/graph/hr:person:1/expand?hops=2",
        "/api/v1/quarantine",
        "/api/v1/events",
    ] {
        let (_, _, text) = plain.send("GET", path, None);
        bodies.push(text);
    }
    let (s, _, text) = plain.send(
        "POST",
        "/api/v1/records/hr:person:1/reveal",
        Some(&json!({"property": "health"})),
    );
    assert_eq!(s, 403, "{text}");
    bodies.push(text);
    for b in &bodies {
        assert!(!b.contains(SENTINEL), "{b}");
    }
    // With one: masked until revealed, then shown.
    let health = working(&server, "ana", "pds-health");
    let (_, _, shown) = health.send("GET", "/api/v1/records/hr:person:1", None);
    assert!(!shown.contains(SENTINEL), "{shown}");
    assert!(shown.contains("masked"), "{shown}");
    let (s, _, revealed) = health.send(
        "POST",
        "/api/v1/records/hr:person:1/reveal",
        Some(&json!({"property": "health"})),
    );
    assert_eq!(s, 200, "{revealed}");
    assert!(revealed.contains(SENTINEL), "{revealed}");
}

#[test]
fn an_enrolment_link_sets_a_password_once() {
    let server = start();
    let link = server
        .engine
        .session(support::admin_request())
        .unwrap()
        .issue_enrolment("bea")
        .unwrap();
    let b = Browser::new(&server);
    let form = json!({"link": link, "password": "a brand new passphrase"});
    assert_eq!(b.post("/api/v1/enrol", &form).0, 204);
    let (s, v) = b.post("/api/v1/enrol", &form);
    assert_eq!((s, v["code"].as_str()), (400, Some("enrolment_refused")));
    let mut bea = Browser::new(&server);
    assert_eq!(bea.sign_in("bea", "a brand new passphrase").0, 200);
}

#[test]
fn break_glass_work_flags_every_event() {
    let server = start();
    let mut b = Browser::new(&server);
    b.sign_in("ana", PASSWORD);
    let (s, v) = b.post(
        "/api/v1/work/break-glass",
        &json!({"purpose": "pds", "reason": "safeguarding", "minutes": 30,
                "justification": "a child at risk tonight, duty inspector agreed"}),
    );
    assert_eq!((s, v["break_glass"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(b.get("/api/v1/datasets").0, 200);
    let last = events(&server)
        .into_iter()
        .find(|e| e.principal == "ana")
        .unwrap();
    assert!(last.flags.iter().any(|f| f == "break_glass"), "{last:?}");
}

#[test]
fn a_session_past_its_idle_or_absolute_timeout_is_signed_out() {
    use std::time::Duration;
    let hour = Duration::from_secs(3600);
    for timeouts in [
        clearstone_server::Timeouts {
            idle: Duration::ZERO,
            absolute: hour,
        },
        clearstone_server::Timeouts {
            idle: hour,
            absolute: Duration::ZERO,
        },
    ] {
        let server = support::start_with(timeouts);
        let mut b = Browser::new(&server);
        assert_eq!(b.sign_in("ana", PASSWORD).0, 200);
        let (s, v) = b.get("/api/v1/me");
        assert_eq!(
            (s, v["code"].as_str()),
            (401, Some("sign_in_required")),
            "{timeouts:?}"
        );
    }
}

#[test]
fn a_cookie_request_needs_the_csrf_token_even_with_a_bearer_header() {
    let server = start();
    let mut b = Browser::new(&server);
    b.sign_in("ana", PASSWORD);
    let r = b
        .client
        .post(format!("{}/api/v1/work", b.base))
        .header("cookie", b.cookie.clone().unwrap())
        .bearer_auth("cst_0.0")
        .json(&json!({"purpose": "pds", "reason": "other", "justification": "forged request"}))
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().unwrap();
    assert_eq!(
        (status, v["code"].as_str()),
        (403, Some("csrf_failed")),
        "{v}"
    );
    assert_eq!(b.get("/api/v1/me").1["purpose"], Value::Null);
}

// issue 17, item 5 "my record of access": one's own events with receipts,
// without a purpose that may read the log; another's answered as absent.
#[test]
fn a_user_sees_their_own_accesses_with_receipts_and_no_one_elses() {
    let server = start();
    let mut narrow = support::purpose("pds-narrow", false);
    narrow.audit_use = None;
    server
        .engine
        .session(support::admin_request())
        .unwrap()
        .put_purpose(&narrow)
        .unwrap();
    let ana = working(&server, "ana", "pds-narrow");
    assert_eq!(ana.get("/api/v1/records/hr:person:1").0, 200);
    // The whole log stays closed to this purpose.
    assert_eq!(ana.get("/api/v1/events").0, 403);
    let (s, mine) = ana.get("/api/v1/me/events");
    assert_eq!(s, 200, "{mine}");
    let mine = mine.as_array().unwrap();
    assert!(mine.iter().all(|e| e["principal"] == "ana"), "{mine:?}");
    let show = mine
        .iter()
        .find(|e| e["operation"] == "consult" && e["purpose"] == "pds-narrow")
        .unwrap();
    let (s, receipt) = ana.get(&format!("/api/v1/me/receipts/{}", show["id"]));
    assert_eq!(s, 200);
    assert!(
        receipt.as_str().unwrap().contains("c2sp.org/tlog-proof"),
        "{receipt}"
    );
    // Event 1 is the policy's, not ana's: as if it did not exist.
    let (s, v) = ana.get("/api/v1/me/receipts/1");
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{v}");
    let (s, v) = ana.get("/api/v1/me/receipts/99999999");
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{v}");
}
