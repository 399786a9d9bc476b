//! The fairness page (issue 18, item 7): under equality monitoring only,
//! one event either way, charts as server-drawn SVG with a title and a
//! description beside the same figures as a table, and a suppressed cell
//! shown in words, never as a number or a bar.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::SensitiveBasis;
use clearstone_engine::{EQUALITY_PURPOSE, Engine, Timestamp};
use clearstone_server::Timeouts;
use support::*;

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
ethnicity = { column = "ethnicity" }
"#;

const RULE: &str = r#"id = "short_absences"
version = 1
title = "Repeated short absences"
rationale = "A pattern that attendance management looks at."
owner = "Head of Professional Standards"
purpose = "pds"
evidence = ["College of Policing, attendance management guidance"]
review_date = "2027-06-30"

[count]
schema = "Absence"
person = "staff_member"
date = "start_date"
window_days = 60
threshold = 3
"#;

/// Twelve staff in the north unit, ten of them alerted this month, and
/// three in the south, one alerted: a cell under 10. Ten in the east, none
/// alerted: the smallest other group, suppressed with the south so that
/// the totals do not give the south's figures back.
fn start_staff() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,name,unit,ethnicity\n");
    for i in 1..=25 {
        let unit = match i {
            1..=12 => "north",
            13..=15 => "south",
            _ => "east",
        };
        csv.push_str(&format!("{i},Person {i},{unit},white\n"));
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
        admin.set_password("ana", PASSWORD).unwrap();
        admin.put_purpose(&purpose("pds", false)).unwrap();
        let mut equality = purpose(EQUALITY_PURPOSE, true);
        equality.sensitive = Some(SensitiveBasis {
            condition: "DPA 2018 sch. 1 para 8".into(),
        });
        admin.put_purpose(&equality).unwrap();
        admin.register_rule(RULE, "short_absences.toml").unwrap();
        admin
            .activate_rule("short_absences", 1, None, None)
            .unwrap();
        engine
            .session(ana_request("pds"))
            .unwrap()
            .ingest(&dir.path().join("staff.toml"), &mut |_| {})
            .unwrap();
    }
    let db = rusqlite::Connection::open(engine.dir().join("clearstone.db")).unwrap();
    for staff in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13] {
        db.execute(
            "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
             VALUES (?1, 'indicator', 'svc', '', 'absence count', 'new', 'short_absences', 1, ?2, '[]', ?3)",
            rusqlite::params![Timestamp::now().0, format!("hr:staff:{staff}"), format!("fp{staff}")],
        )
        .unwrap();
    }
    serve(engine, dir, Timeouts::default())
}

fn by(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

fn last_event(server: &TestServer) -> i64 {
    events(server).first().unwrap().id
}

// issue 18, item 7: refused under any other purpose, in one event.
#[test]
fn the_fairness_page_is_refused_outside_equality_monitoring() {
    let server = start_staff();
    let ana = working(&server, "ana", "pds");
    let before = last_event(&server);
    let (s, _, html) = ana.send("GET", "/fairness", None);
    assert_eq!(s, 403, "{html}");
    let acts = by(&server, before, "ana");
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].outcome, "equality_purpose_required");
    assert!(!html.contains("<svg"));
}

// issue 18, items 5 and 7: the monthly report as a chart and a table.
#[test]
fn the_fairness_page_charts_the_monthly_report_with_small_cells_in_words() {
    let server = start_staff();
    let ana = working(&server, "ana", EQUALITY_PURPOSE);
    let before = last_event(&server);
    let (s, headers, html) = ana.send("GET", "/fairness?dimension=unit", None);
    assert_eq!(s, 200, "{html}");
    assert_secure_headers(&headers, "/fairness");
    assert_eq!(by(&server, before, "ana").len(), 1, "one event");
    // The chart is drawn on the server, titled and described, with no
    // script and no inline style.
    assert!(html.contains("<svg class=\"app-fairness-chart\""), "{html}");
    assert!(html.contains("<title id=\"month-alerted-title\">"));
    assert!(html.contains("aria-labelledby=\"month-alerted-title month-alerted-desc\""));
    assert!(!html.contains("style="), "no inline style");
    assert!(!html.contains("<script>"));
    // North: 10 of 12 alerted, a bar; south: 1 of 3, words and no bar.
    assert!(html.contains(">north</text>\n  <rect"), "{html}");
    assert!(html.contains("<td class=\"govuk-table__cell\">12</td>"));
    assert!(html.contains("<td class=\"govuk-table__cell\">10</td>"));
    assert!(html.contains(">suppressed (fewer than 10)</text>"));
    let south = html.split(">south</text>").nth(1).unwrap();
    assert!(
        south
            .trim_start()
            .starts_with("<text class=\"app-fairness-suppressed\""),
        "no bar for a small cell: {south}"
    );
    // Aggregates only: no one is named.
    assert!(!html.contains("Person 1"));
    let (s, _, css) = ana.send("GET", "/assets/fairness.css", None);
    assert_eq!(s, 200);
    assert!(css.contains(".app-fairness-bar"));
}

#[test]
fn a_bad_month_or_version_is_shown_on_the_form_keeping_what_was_typed() {
    let server = start_staff();
    let ana = working(&server, "ana", EQUALITY_PURPOSE);
    let before = last_event(&server);
    let (s, _, html) = ana.send(
        "GET",
        "/fairness?from=March+2026&rule=short_absences&version=two&service=svc",
        None,
    );
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("govuk-error-summary"));
    assert!(html.contains("href=\"#from\""));
    assert!(html.contains("href=\"#version\""));
    assert!(html.contains("value=\"March 2026\""));
    assert!(html.contains("value=\"two\""));
    // The report's attempt is logged; the version never reached the engine.
    assert_eq!(by(&server, before, "ana").len(), 1);
}
