//! The leak test for the alert, case and fairness pages (issue 18): a
//! special-category value and a protected characteristic carry sentinels,
//! and no page of the review, the case work or the fairness report, nor a
//! refused form, ever holds one, under a purpose that may read them.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::SensitiveBasis;
use clearstone_engine::{EQUALITY_PURPOSE, Engine, Timestamp};
use clearstone_server::Timeouts;
use support::*;

/// A health condition (special category and protected) and a date of birth
/// (protected).
const CONDITION: &str = "SENTINEL-CONDITION";
const BIRTH: &str = "1961-02-03";

const HR: &str = r#"version = 1
[dataset]
name = "hr"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "staff.csv"
date_formats = ["iso"]
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
unit = { column = "unit" }
birth_date = { column = "dob" }
health_conditions = { column = "health" }
"#;

fn start_staff() -> (TestServer, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,name,unit,dob,health\n");
    for i in 1..=12 {
        csv.push_str(&format!("{i},Person {i},north,{BIRTH},{CONDITION} {i}\n"));
    }
    std::fs::write(dir.path().join("staff.csv"), csv).unwrap();
    std::fs::write(dir.path().join("staff.toml"), HR).unwrap();
    let engine = Engine::init(&dir.path().join("data"), None).unwrap();
    engine.bootstrap_admin("admin").unwrap();
    {
        let admin = engine.session(admin_request()).unwrap();
        admin
            .put_user(&user("ana", &["analyst", "data_engineer"]))
            .unwrap();
        admin.put_user(&user("bea", &["analyst"])).unwrap();
        admin.set_password("ana", PASSWORD).unwrap();
        admin.put_purpose(&purpose("pds-health", true)).unwrap();
        let mut equality = purpose(EQUALITY_PURPOSE, true);
        equality.sensitive = Some(SensitiveBasis {
            condition: "DPA 2018 sch. 1 para 8".into(),
        });
        admin.put_purpose(&equality).unwrap();
        engine
            .session(ana_request("pds-health"))
            .unwrap()
            .ingest(&dir.path().join("staff.toml"), &mut |_| {})
            .unwrap();
    }
    let db = rusqlite::Connection::open(engine.dir().join("clearstone.db")).unwrap();
    let evidence = serde_json::json!([{
        "record": "hr:staff:1",
        "statements": [],
        "condition": "a distinct record dated 2026-01-05, one of 3 within 60 days (threshold 3)",
    }])
    .to_string();
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (?1, 'indicator', 'svc', '', 'Repeated short absences', 'new', 'short_absences', 1, 'hr:staff:1', ?2, 'fp1')",
        rusqlite::params![Timestamp::now().0, evidence],
    )
    .unwrap();
    let alert = db.last_insert_rowid();
    let s = engine.session(ana_request("pds-health")).unwrap();
    s.create_case(Some("C-1"), "Attendance pattern").unwrap();
    s.case_link("C-1", "subject", "hr:staff:1").unwrap();
    s.case_link("C-1", "alert", &alert.to_string()).unwrap();
    drop(s);
    (serve(engine, dir, Timeouts::default()), alert)
}

fn assert_clean(what: &str, body: &str) {
    for sentinel in [CONDITION, BIRTH] {
        assert!(
            !body.contains(sentinel),
            "{what} holds `{sentinel}`: {body}"
        );
    }
}

/// Posts a form as the browser: (status, body).
fn form(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut req = b.client.post(format!("{}{path}", b.base)).form(fields);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

// issue 18, items 2, 3 and 7: no sentinel on any alert, case or fairness
// page, the reviewer's own record view included.
#[test]
fn no_alert_case_or_fairness_page_holds_a_sentinel() {
    let (server, alert) = start_staff();
    let ana = working(&server, "ana", "pds-health");
    // The record itself, outside review, does hold them: the sentinels
    // are real.
    let (_, _, dossier) = ana.send("GET", "/entities/hr:staff:1", None);
    assert!(dossier.contains(BIRTH), "{dossier}");
    let token = ana.csrf.clone().unwrap();
    let path = format!("/alerts/{alert}");
    for page in [
        "/alerts".to_string(),
        path.clone(),
        "/cases".into(),
        "/cases/C-1".into(),
    ] {
        let (s, _, body) = ana.send("GET", &page, None);
        assert_eq!(s, 200, "{page}: {body}");
        assert_clean(&page, &body);
    }
    let (s, _) = form(&ana, &path, &[("csrf", &token), ("act", "open")]);
    assert_eq!(s, 303);
    let (_, _, in_review) = ana.send("GET", &path, None);
    assert!(in_review.contains("Person 1"), "the evidence is shown");
    assert_clean("the alert in review", &in_review);
    let (s, refused) = form(
        &ana,
        &path,
        &[
            ("csrf", &token),
            ("act", "decide"),
            ("outcome", "refer_for_assessment"),
            ("text", "ok"),
        ],
    );
    assert_eq!(s, 422);
    assert_clean("a refused review", &refused);
    let (s, refused) = form(
        &ana,
        "/cases/C-1",
        &[
            ("csrf", &token),
            ("act", "task"),
            ("text", "x"),
            ("due", "soon"),
        ],
    );
    assert_eq!(s, 422);
    assert_clean("a refused case edit", &refused);

    let eq = working(&server, "ana", EQUALITY_PURPOSE);
    for dimension in ["unit", "age_band", "disability"] {
        let page = format!("/fairness?dimension={dimension}");
        let (s, _, body) = eq.send("GET", &page, None);
        assert_eq!(s, 200, "{page}: {body}");
        assert_clean(&page, &body);
    }
}
