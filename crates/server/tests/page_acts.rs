//! The pages' own acts beyond reading: break-glass (start and end) and
//! undoing a judgement from the dossier. Each refuses a visitor who has not
//! signed in or started work, is one event per attempt that reaches the
//! engine, and answers a hidden record exactly as an absent one.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::{Principal, Purpose};
use clearstone_engine::{Classification, Engine, ResolveOptions, SessionRequest};
use clearstone_server::Timeouts;
use support::{Browser, PASSWORD, TestServer, admin_request, ana_request, events, start, working};

/// Posts a form as the browser, following no redirect: (status, location, body).
fn form(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let mut req = b.client.post(format!("{}{path}", b.base)).form(fields);
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

fn page(b: &Browser, path: &str) -> (u16, String, String) {
    let mut req = b.client.get(format!("{}{path}", b.base));
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

const JUSTIFICATION: &str = "a child reported missing tonight, duty inspector agreed";

// issue 17, item 4: break-glass has its own screen and can be ended.
#[test]
fn break_glass_is_started_from_its_own_screen_and_ended_each_as_one_event() {
    let server = start();
    let nobody = Browser::new(&server);
    assert_eq!(page(&nobody, "/break-glass").1, "/sign-in");
    assert_eq!(form(&nobody, "/break-glass", &[]).1, "/sign-in");
    assert_eq!(form(&nobody, "/break-glass/end", &[]).1, "/sign-in");

    let mut ana = Browser::new(&server);
    assert_eq!(ana.sign_in("ana", PASSWORD).0, 200);
    let csrf = ana.csrf.clone().unwrap();
    let (s, _, html) = page(&ana, "/break-glass");
    assert_eq!(s, 200);
    assert!(html.contains("will be asked to account for it"), "{html}");

    // A forged form is refused before anything runs: one event, under ana
    // with no purpose (none is started).
    let before = last_event_id(&server);
    let (s, _, _) = form(&ana, "/break-glass", &[("purpose", "pds")]);
    assert_eq!(s, 403);
    let forged = since(&server, before, "ana");
    assert_eq!(
        forged
            .iter()
            .map(|e| (e.outcome.as_str(), e.purpose.as_str()))
            .collect::<Vec<_>>(),
        [("csrf_failed", "")],
        "{forged:?}"
    );
    let before = last_event_id(&server);
    // Missing answers come back in the error summary, with nothing started.
    let (s, _, html) = form(
        &ana,
        "/break-glass",
        &[
            ("csrf", &csrf),
            ("purpose", "pds"),
            ("reason", "safeguarding"),
            ("justification", "urgent"),
            ("minutes", "999"),
        ],
    );
    assert_eq!(s, 422);
    assert!(
        html.contains("govuk-error-summary") && html.contains("Error: Break glass"),
        "{html}"
    );
    assert!(html.contains("href=\"#minutes\"") && html.contains("href=\"#justification\""));
    // Nothing started, but the attempt is one refused event.
    let refused = since(&server, before, "ana");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].outcome, "invalid_input");
    let before = last_event_id(&server);

    let (s, location, _) = form(
        &ana,
        "/break-glass",
        &[
            ("csrf", &csrf),
            ("purpose", "pds"),
            ("reason", "safeguarding"),
            ("justification", JUSTIFICATION),
            ("minutes", "30"),
        ],
    );
    assert_eq!((s, location.as_str()), (303, "/search"));
    let started = since(&server, before, "ana");
    assert_eq!(started.len(), 1, "{started:?}");
    assert_eq!(started[0].operation, "break_glass");
    assert!(started[0].flags.iter().any(|f| f == "break_glass"));
    let (_, _, html) = page(&ana, "/search");
    assert!(
        html.contains("Break-glass is in force") && html.contains("/break-glass/end"),
        "{html}"
    );

    let before = last_event_id(&server);
    let (s, location, _) = form(&ana, "/break-glass/end", &[("csrf", &csrf)]);
    assert_eq!((s, location.as_str()), (303, "/search"));
    let ended = since(&server, before, "ana");
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(
        (ended[0].operation.as_str(), ended[0].outcome.as_str()),
        ("break_glass", "ended")
    );
    let (s, _, html) = page(&ana, "/search");
    assert_eq!(s, 200);
    assert!(!html.contains("Break-glass is in force"), "{html}");
    // The grant itself is over: work under it is refused by the engine.
    let (s, v) = ana.post(
        "/api/v1/work/break-glass",
        &serde_json::json!({"purpose": "pds", "reason": "safeguarding", "minutes": 0, "justification": JUSTIFICATION}),
    );
    assert_eq!(s, 400, "{v}");
    let engine_view = server.engine.session(SessionRequest {
        break_glass: true,
        ..ana_request("pds")
    });
    assert!(engine_view.is_err_and(|e| e.code() == "break_glass_not_active"));
}

/// A small demo store, loaded and resolved by `ana`, served; and a
/// judgement `same` on two of its people by `ana`: (server, judgement, a, b).
fn judged() -> (TestServer, i64, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::init(&dir.path().join("data"), None).unwrap();
    engine.bootstrap_admin("admin").unwrap();
    let admin = engine.session(admin_request()).unwrap();
    for (id, roles) in [
        ("ana", &["analyst", "data_engineer"][..]),
        ("bea", &["analyst"][..]),
    ] {
        admin
            .put_user(&Principal {
                clearance: Classification::Secret,
                caveats: ["HR", "PSD", "PERSONAL", "INTELLIGENCE"]
                    .map(String::from)
                    .into(),
                ..support::user(id, roles)
            })
            .unwrap();
        admin.set_password(id, PASSWORD).unwrap();
    }
    admin
        .put_purpose(&Purpose {
            datasets: ["*".to_string()].into(),
            ..support::purpose("pds", false)
        })
        .unwrap();
    // A purpose that sees none of the demo's datasets.
    admin
        .put_purpose(&Purpose {
            datasets: ["elsewhere".to_string()].into(),
            ..support::purpose("elsewhere", false)
        })
        .unwrap();
    drop(admin);
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: clearstone_demo::PEOPLE_MIN,
        },
        &dir.path().join("sources"),
    )
    .unwrap();
    let (j, a, b) = {
        let s = engine.session(ana_request("pds")).unwrap();
        for m in &generated.mappings {
            s.ingest(m, &mut |_| {}).unwrap();
        }
        s.resolve(&ResolveOptions {
            schema: "Person".into(),
            ..ResolveOptions::default()
        })
        .unwrap();
        let ids: Vec<String> = s
            .canonical_ids("Person")
            .unwrap()
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        let (a, b) = (ids[0].clone(), ids[1].clone());
        let j = s.judge(&a, &b, "same", "same person").unwrap();
        (j.id, a, b)
    };
    (support::serve(engine, dir, Timeouts::default()), j, a, b)
}

// issue 17, item 5 (dossier): undo a judgement, through the gate, one event.
#[test]
fn a_judgement_is_undone_from_the_dossier_as_one_event() {
    let (server, judgement, a, b) = judged();
    let path = format!("/entities/{a}/judgements/{judgement}/withdraw");
    // The engine keeps a pair in order; the page opens its left record.
    let left = a.clone().min(b);

    let nobody = Browser::new(&server);
    assert_eq!(form(&nobody, &path, &[("why", "wrong")]).1, "/sign-in");
    let mut idle = Browser::new(&server);
    idle.sign_in("ana", PASSWORD);
    let csrf = idle.csrf.clone().unwrap();
    assert_eq!(
        form(&idle, &path, &[("csrf", &csrf), ("why", "wrong")]).1,
        "/start"
    );

    let ana = working(&server, "ana", "pds");
    let csrf = ana.csrf.clone().unwrap();
    let (_, _, html) = page(&ana, &format!("/entities/{a}"));
    let action = format!("/judgements/{judgement}/withdraw\"");
    assert!(
        html.contains(&action),
        "the dossier offers the undo: {html}"
    );

    let before = last_event_id(&server);
    let (s, _, html) = form(&ana, &path, &[("csrf", &csrf), ("why", " ")]);
    assert_eq!(s, 422);
    assert!(
        html.contains(&format!("href=\"#why-{judgement}\"")),
        "{html}"
    );
    // Sent back with its error: the dossier drawn again is the one event.
    let back = since(&server, before, "ana");
    assert_eq!(back.len(), 1, "{back:?}");
    assert_eq!(back[0].operation, "consult");

    let before = last_event_id(&server);
    let (s, location, _) = form(
        &ana,
        &path,
        &[("csrf", &csrf), ("why", "different dates of birth")],
    );
    assert_eq!((s, location), (303, format!("/entities/{left}")));
    let undone = since(&server, before, "ana");
    assert_eq!(undone.len(), 1, "{undone:?}");
    assert_eq!(undone[0].operation, "review_decision");
    assert!(undone[0].outcome.contains("withdrawn"), "{undone:?}");
    let (_, _, html) = page(&ana, &format!("/entities/{a}"));
    assert!(
        !html.contains(&action),
        "a withdrawn judgement has no undo: {html}"
    );

    // Again: refused by the engine, and that attempt is one event too.
    let before = last_event_id(&server);
    let (s, _, _) = form(&ana, &path, &[("csrf", &csrf), ("why", "again")]);
    assert_eq!(s, 400);
    assert_eq!(since(&server, before, "ana").len(), 1);
}

// issue 17: "a hidden record is answered exactly as an absent one".
#[test]
fn undoing_a_judgement_on_hidden_records_is_answered_as_an_absent_one() {
    let (server, judgement, a, _) = judged();
    let bea = working(&server, "bea", "elsewhere");
    let csrf = bea.csrf.clone().unwrap();
    let answer = |id: i64| {
        let before = last_event_id(&server);
        let (s, _, html) = form(
            &bea,
            &format!("/entities/{a}/judgements/{id}/withdraw"),
            &[("csrf", &csrf), ("why", "not the same")],
        );
        assert_eq!(since(&server, before, "bea").len(), 1, "one event for {id}");
        (
            s,
            html.replace(&format!("judgement `{id}`"), "judgement `N`"),
        )
    };
    let hidden = answer(judgement);
    let absent = answer(judgement + 1000);
    assert_eq!(hidden.0, 404, "{}", hidden.1);
    assert_eq!(hidden, absent);
}
