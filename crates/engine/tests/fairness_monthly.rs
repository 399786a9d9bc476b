//! The monthly outcome report of active rules (issue 18, item 5): alert →
//! referral → action rates by group, checked against a hand count on forty
//! generated staff, under equality monitoring only, with small cells
//! suppressed.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{Classification, EQUALITY_PURPOSE, Engine, MonthlyReport, SessionRequest};

const HR: &str = r#"version = 1
[dataset]
name = "hr"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "hr.csv"
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
sex = { column = "sex" }
birth_date = { column = "dob" }
disability = { column = "disability" }
"#;

/// Staff 1–20 are in the north unit, 21–40 in the south; 1–15 are white,
/// 16–30 asian, 31–36 black (six: a group too small to show) and 37–40 have
/// no ethnicity recorded.
fn hr_csv() -> String {
    let mut csv = String::from("id,name,unit,ethnicity,sex,dob,disability\n");
    for i in 1..=40 {
        let unit = if i <= 20 { "north" } else { "south" };
        let ethnicity = match i {
            1..=15 => "white",
            16..=30 => "asian",
            31..=36 => "black",
            _ => "",
        };
        let sex = if i % 2 == 1 { "female" } else { "male" };
        let disability = if i <= 3 { "yes" } else { "no" };
        csv.push_str(&format!(
            "{i},Person {i},{unit},{ethnicity},{sex},1985-01-01,{disability}\n"
        ));
    }
    csv
}

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

const MARCH: i64 = 1_773_144_000_000; // 2026-03-10
const MARCH_LATER: i64 = 1_774_008_000_000; // 2026-03-20
const APRIL: i64 = 1_775_390_400_000; // 2026-04-05
const JUNE: i64 = 1_780_401_600_000; // 2026-06-02

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "quarterly equality monitoring".into(),
        ..SessionRequest::default()
    }
}

fn setup() -> (tempfile::TempDir, Engine) {
    let t = tempfile::tempdir().unwrap();
    let e = Engine::init(&t.path().join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up the test");
    for (id, roles) in [("eng", &["data_engineer"][..]), ("sam", &["analyst"][..])] {
        admin
            .put_user(&support::user(
                id,
                roles,
                Classification::OfficialSensitive,
                &[],
            ))
            .unwrap();
    }
    let equality = Purpose {
        sensitive: Some(SensitiveBasis {
            condition: "DPA 2018 sch. 1 para 8 (equality of opportunity or treatment)".into(),
        }),
        ..support::purpose(EQUALITY_PURPOSE, &["analyst"], &["*"])
    };
    for p in [
        support::purpose("load", &["data_engineer"], &["*"]),
        support::purpose("pds", &["analyst"], &["*"]),
        equality,
    ] {
        admin.put_purpose(&p).unwrap();
    }
    admin.register_rule(RULE, "short_absences.toml").unwrap();
    admin
        .register_rule(
            &RULE.replace("short_absences", "draft_rule"),
            "draft_rule.toml",
        )
        .unwrap();
    admin
        .activate_rule("short_absences", 1, None, None)
        .unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("hr.csv"), hr_csv()).unwrap();
    std::fs::write(src.join("hr.toml"), HR).unwrap();
    let sum = e
        .session(req("eng", "load"))
        .unwrap()
        .ingest(&src.join("hr.toml"), &mut |_| {})
        .unwrap();
    assert_eq!(sum.quarantined, 0);
    plant_alerts(&t);
    (t, e)
}

/// The alerts and the cases the hand count below is made from.
fn plant_alerts(t: &tempfile::TempDir) {
    let db = rusqlite::Connection::open(t.path().join("data").join("clearstone.db")).unwrap();
    let alert = |n: &mut i64, at: i64, rule: &str, staff: i64, status: &str| -> i64 {
        *n += 1;
        db.execute(
            "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
             VALUES (?1, 'indicator', 'svc', '', 'absence count', ?2, ?3, 1, ?4, '[]', ?5)",
            rusqlite::params![at, status, rule, format!("hr:staff:{staff}"), format!("fp{n}")],
        )
        .unwrap();
        db.last_insert_rowid()
    };
    let mut n = 0;
    let mut actioned = Vec::new();
    let mut dropped = Vec::new();
    // March: north staff 1–12 alerted, 1–10 referred, 1–4 with action.
    for staff in 1..=12 {
        let status = if staff <= 10 {
            "refer_for_assessment"
        } else {
            "no_further_action"
        };
        let id = alert(&mut n, MARCH, "short_absences", staff, status);
        match staff {
            1..=4 => actioned.push(id),
            5..=6 => dropped.push(id),
            _ => {}
        }
    }
    // Staff 1 again in March: still one person.
    alert(&mut n, MARCH_LATER, "short_absences", 1, "new");
    // March: south staff 21–23 alerted, none referred.
    for staff in 21..=23 {
        alert(&mut n, MARCH, "short_absences", staff, "in_review");
    }
    // April: staff 5 alone.
    alert(&mut n, APRIL, "short_absences", 5, "new");
    // Not counted: a rule that is not active, and a month out of range.
    alert(&mut n, MARCH, "draft_rule", 30, "refer_for_assessment");
    alert(&mut n, JUNE, "short_absences", 31, "new");
    let case = |id: &str, decision: &str, alerts: &[i64]| {
        db.execute(
            "INSERT INTO case_file(id, title, purpose, lead, created_by, created_at)
             VALUES (?1, 'h', 'pds', 'sam', 'sam', 1)",
            [id],
        )
        .unwrap();
        for a in alerts {
            db.execute(
                "INSERT INTO case_link(case_id, kind, target, added_by, added_at)
                 VALUES (?1, 'alert', ?2, 'sam', 1)",
                rusqlite::params![id, a.to_string()],
            )
            .unwrap();
        }
        db.execute(
            "INSERT INTO case_decision(case_id, at, principal, decision, rationale)
             VALUES (?1, 2, 'sam', ?2, 'h')",
            [id, decision],
        )
        .unwrap();
    };
    case("PSD-1", "management_action", &actioned);
    case("PSD-2", "no_further_action", &dropped);
}

fn events(e: &Engine) -> Vec<clearstone_engine::AccessEvent> {
    e.session(req("eng", "load"))
        .unwrap()
        .events(10_000)
        .unwrap()
}

fn report(e: &Engine) -> MonthlyReport {
    e.session(req("sam", EQUALITY_PURPOSE))
        .unwrap()
        .fairness_monthly(None, Some("2026-03"), Some("2026-05"))
        .unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 5e-4)
}

// issue 18, item 5: the monthly report against a hand count.
#[test]
fn the_monthly_report_matches_a_hand_count() {
    let (_t, e) = setup();
    let r = report(&e);
    assert_eq!(r.rules, ["short_absences"]);
    assert_eq!(r.people, Some(40));
    let months: Vec<&str> = r.months.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(months, ["2026-03", "2026-04", "2026-05"]);
    let march = &r.months[0];
    // 15 people alerted (staff 1 twice), 10 referred, 4 with action: a
    // cell under 10, suppressed.
    assert_eq!(
        (march.alerted, march.referred, march.actioned),
        (Some(15), Some(10), None)
    );

    let unit = march.groups("alerted", "unit").unwrap();
    // South: 3 of 20 alerted, a suppressed cell with its rate and ratio;
    // north's 12 of 20 would give it back from the 15 alerted, so it is
    // suppressed with it.
    let south = unit.iter().find(|g| g.group == "south").unwrap();
    assert_eq!(south.people, Some(20));
    assert_eq!((south.flagged, south.rate, south.ratio), (None, None, None));
    let north = unit.iter().find(|g| g.group == "north").unwrap();
    assert_eq!((north.people, north.flagged), (Some(20), None));
    assert_eq!((north.rate, north.ratio), (None, None));

    // Referral rates are of the people alerted: south's 3 are too few to
    // show, and north's 12 would give them back from the 15.
    let referred = march.groups("referred", "unit").unwrap();
    for g in referred {
        assert_eq!((g.people, g.flagged, g.rate), (None, None, None), "{g:?}");
    }
    assert!(
        march.groups("referred", "unit").unwrap().len() == 2,
        "a group with no one alerted has no referral rate"
    );

    // Action, of the 10 referred: 4, suppressed.
    let actioned = march.groups("actioned", "unit").unwrap();
    let north = actioned.iter().find(|g| g.group == "north").unwrap();
    assert_eq!((north.flagged, north.rate), (None, None));

    // Ethnicity: white 12 of 15; asian 3 of 15 (suppressed); black, six
    // people, shows nothing; four not known, nothing.
    let eth = march.groups("alerted", "ethnicity").unwrap();
    let find = |g: &str| eth.iter().find(|x| x.group == g).unwrap();
    assert_eq!(
        (find("white").people, find("white").flagged),
        (Some(15), Some(12))
    );
    // 12 of 15: Wilson 95% by hand [0.5481, 0.9295].
    assert!(close(find("white").rate, 0.8));
    let iv = find("white").rate_interval.unwrap();
    assert!(
        (iv.low - 0.5481).abs() < 5e-4 && (iv.high - 0.9295).abs() < 5e-4,
        "{iv:?}"
    );
    assert!(close(find("white").ratio, 1.0));
    assert_eq!(
        (find("asian").people, find("asian").flagged),
        (Some(15), None)
    );
    assert_eq!((find("black").people, find("black").flagged), (None, None));
    assert_eq!(find("not_known").people, None);

    // April: one person alerted, suppressed; May: no one, shown as 0.
    assert_eq!(r.months[1].alerted, None);
    assert_eq!(r.months[2].alerted, Some(0));
    let may = r.months[2].groups("alerted", "unit").unwrap();
    assert!(may.iter().all(|g| g.flagged == Some(0)), "{may:?}");
}

#[test]
fn the_monthly_report_is_one_event_naming_no_one() {
    let (_t, e) = setup();
    let before = events(&e).len();
    report(&e);
    let after = events(&e);
    // The report, and the read that counted events before it.
    assert_eq!(after.len(), before + 2);
    let ev = &after[0];
    assert_eq!(ev.purpose, EQUALITY_PURPOSE);
    assert!(ev.subjects.is_empty(), "aggregates name no one");
    assert!(ev.query.contains("2026-03 to 2026-05"), "{}", ev.query);
}

#[test]
fn the_monthly_report_is_refused_under_any_other_purpose_in_one_event() {
    let (_t, e) = setup();
    let before = events(&e).len();
    let err = e
        .session(req("sam", "pds"))
        .unwrap()
        .fairness_monthly(None, None, None)
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let after = events(&e);
    assert_eq!(after.len(), before + 2);
    assert_eq!(after[0].outcome, "equality_purpose_required");
}

#[test]
fn a_bad_month_is_named_and_logged() {
    let (_t, e) = setup();
    let before = events(&e).len();
    let err = e
        .session(req("sam", EQUALITY_PURPOSE))
        .unwrap()
        .fairness_monthly(None, Some("March 2026"), None)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("`March 2026`"), "{err}");
    let after = events(&e);
    assert_eq!(after.len(), before + 2);
    assert!(
        !after[0].query.contains("March"),
        "no typed text in the log"
    );
}
