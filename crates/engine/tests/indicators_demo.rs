//! The demo's planted indicator patterns against its ground truth: every
//! planted pattern flagged, no decoy, and no one whose only absences are of
//! a protected class.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::{BTreeSet, HashMap};

use clearstone_engine::policy::{Principal, PrincipalKind, SensitiveBasis};
use clearstone_engine::{Classification, Engine, ResolveOptions, SessionRequest};

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "checking the demo's planted patterns".into(),
        ..SessionRequest::default()
    }
}

/// The demo's indicator sources loaded and resolved, with the shipped
/// rules registered and active.
struct Demo {
    tmp: tempfile::TempDir,
    e: Engine,
    generated: clearstone_demo::Generated,
}

fn demo() -> Demo {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: 500,
        },
        &src,
    )
    .unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up the demo rules test");
    let cleared = |id: &str, roles: &[&str], kind: PrincipalKind| Principal {
        kind,
        ..support::user(
            id,
            roles,
            Classification::Secret,
            &["HR", "PSD", "PERSONAL"],
        )
    };
    admin
        .put_user(&cleared("eng", &["data_engineer"], PrincipalKind::User))
        .unwrap();
    admin
        .put_user(&cleared(
            "demo-indicators",
            &["indicator_service"],
            PrincipalKind::Service,
        ))
        .unwrap();
    let mut integrity = support::purpose(
        "demo-integrity",
        &["indicator_service", "data_engineer"],
        &["*"],
    );
    integrity.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1 (statutory purposes)".into(),
    });
    admin.put_purpose(&integrity).unwrap();
    let load = e.session(req("eng", "demo-integrity")).unwrap();
    for m in generated.mappings.iter().filter(|m| {
        let name = m.file_name().unwrap().to_string_lossy();
        [
            "hr_officers.toml",
            "hr_staff.toml",
            "absence.toml",
            "overtime.toml",
            "access_events.toml",
            "crime_persons.toml",
            "notifiable_associations.toml",
            "company_officers.toml",
            "business_interests.toml",
        ]
        .contains(&name.as_ref())
    }) {
        load.ingest(m, &mut |_| {}).unwrap();
    }
    // Who is who: a member of staff's own record in the crime system, and
    // a declared associate, are told apart from a stranger by resolution.
    load.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    drop(load);
    for (file, text) in clearstone_demo::INDICATOR_RULES {
        let (rule, _) = admin.register_rule(text, file).unwrap();
        admin
            .activate_rule(&rule.id, rule.version, None, None)
            .unwrap();
    }
    drop(admin);
    Demo { tmp, e, generated }
}

// issue 18, item 8 and "tests that must exist": recall 1.0 for every planted
// pattern, no decoy flagged, no alert on a person with only protected absences.
#[test]
fn the_shipped_rules_find_the_planted_patterns_and_nothing_else() {
    let Demo {
        tmp: _tmp,
        e,
        generated,
    } = demo();
    let active = e.run_active_rules("demo-indicators").unwrap();
    assert!(active.failures.is_empty(), "{:?}", active.failures);
    let runs = active.runs;
    let flagged_by = |rule: &str| -> BTreeSet<&str> {
        runs.iter()
            .filter(|r| r.rule_id == rule)
            .flat_map(|r| r.flagged.iter().map(String::as_str))
            .collect()
    };
    // Rules flag canonical ids; the truth names HR records.
    let canonical: HashMap<String, String> = e
        .session(req("eng", "demo-integrity"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap()
        .into_iter()
        .collect();
    let truth = std::fs::read_to_string(&generated.indicator_truth).unwrap();
    let mut parts = BTreeSet::new();
    let mut planted: BTreeSet<(&str, &str)> = BTreeSet::new();
    for line in truth.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (rule, part) = (f[0], f[1]);
        let id = canonical.get(f[2]).map_or(f[2], String::as_str);
        parts.insert((rule.to_owned(), part.to_owned()));
        planted.insert((rule, id));
        let flagged = flagged_by(rule);
        let hit = runs.iter().any(|r| r.flagged.iter().any(|p| p == id));
        match part {
            "pattern" => assert!(flagged.contains(id), "{rule}: planted {id} not flagged"),
            "decoy" => assert!(
                !flagged.contains(id),
                "{rule}: decoy {id} ({}) flagged",
                f[2]
            ),
            "protected_only" => assert!(!hit, "{id} has only protected absences but was flagged"),
            other => panic!("unknown part `{other}`"),
        }
    }
    for rule in [
        clearstone_demo::ABSENCE_RULE,
        clearstone_demo::OVERTIME_RULE,
    ] {
        for part in ["pattern", "decoy"] {
            assert!(
                parts.contains(&(rule.to_owned(), part.to_owned())),
                "{rule}: no {part} planted"
            );
        }
    }
    assert!(parts.iter().any(|(_, p)| p == "protected_only"));
    // issue 18, item 8: the overtime rule flags nobody but its planted
    // pattern: every officer's on-site overtime has its door swipe.
    let shared_stray: Vec<&str> = flagged_by(clearstone_demo::SHARED_RULE)
        .into_iter()
        .filter(|id| !planted.contains(&(clearstone_demo::SHARED_RULE, *id)))
        .collect();
    // Staff appear in the crime system as victims and witnesses with their
    // own phones: resolution must have made them one person with their HR
    // record, or they would be flagged here.
    assert!(
        shared_stray.is_empty(),
        "shared phone, flagged but not planted: {shared_stray:?}"
    );
    let stray: Vec<&str> = flagged_by(clearstone_demo::OVERTIME_RULE)
        .into_iter()
        .filter(|id| !planted.contains(&(clearstone_demo::OVERTIME_RULE, *id)))
        .collect();
    assert!(stray.is_empty(), "flagged but not planted: {stray:?}");
}

/// The fields of one CSV line (quotes as the demo writes them).
fn fields(line: &str, delimiter: char) -> Vec<String> {
    let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// The rows of a generated CSV file, each by column name.
fn rows(path: &std::path::Path, delimiter: char) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap(), delimiter);
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().cloned().zip(fields(l, delimiter)).collect())
        .collect()
}

/// Appends one row to a generated CSV file, its values by column name.
fn append(path: &std::path::Path, delimiter: char, values: &[(&str, &str)]) {
    let text = std::fs::read_to_string(path).unwrap();
    let header = fields(text.lines().next().unwrap(), delimiter);
    let row: Vec<String> = header
        .iter()
        .map(|h| {
            let v = values.iter().find(|(k, _)| k == h).map_or("", |(_, v)| v);
            format!("\"{}\"", v.replace('"', "\"\""))
        })
        .collect();
    let mut text = text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&row.join(&delimiter.to_string()));
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// `dd/mm/yyyy` as a day number, and back.
fn day(dmy: &str) -> i64 {
    clearstone_text::parse_date(dmy, &["%d/%m/%Y"])
        .unwrap()
        .days_since_epoch()
}

fn dmy(days: i64) -> String {
    let d = clearstone_text::Date::from_days(days).unwrap();
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// A small feed of its own, ingested beside the demo's sources.
fn ingest_feed(d: &Demo, name: &str, mapping: &str, csv: &str) {
    let dir = d.tmp.path().join("feeds");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.csv")), csv).unwrap();
    let m = dir.join(format!("{name}.toml"));
    std::fs::write(&m, mapping).unwrap();
    let sum =
        d.e.session(req("eng", "demo-integrity"))
            .unwrap()
            .ingest(&m, &mut |_| {})
            .unwrap();
    assert_eq!(sum.quarantined, 0, "{name}");
}

const APPOINTMENTS: &str = r#"version = 1
[dataset]
name = "companies_updates"
markings = "OFFICIAL"
[source]
format = "csv"
path = "appointments.csv"
[[entities]]
name = "appointment"
schema = "CompanyAppointment"
keys = ["appointment_id"]
[entities.properties]
reference = { column = "appointment_id" }
officer = { entity = "companies:officer", column = "officer_id" }
company_number = { column = "company_number" }
company_name = { column = "company_name" }
start_date = { column = "appointed_on" }
"#;

const NOMINALS: &str = r#"version = 1
[dataset]
name = "crime_updates"
markings = "OFFICIAL"
[source]
format = "csv"
path = "nominals.csv"
[[entities]]
name = "nominal"
schema = "Person"
keys = ["nominal_id"]
subject_category = "suspect"
[entities.properties]
name = { column = "name" }
phone = { column = "phone" }
"#;

fn reread(d: &Demo, file: &str) {
    let m = d
        .generated
        .mappings
        .iter()
        .find(|m| m.file_name().unwrap() == file)
        .unwrap();
    // The rows the demo breaks on purpose are quarantined again; the rest
    // are as they were, but for the one appended.
    d.e.session(req("eng", "demo-integrity"))
        .unwrap()
        .ingest(m, &mut |_| {})
        .unwrap();
}

// issue 18, benchmark: the shipped rules run incrementally after a new
// absence, a new directorship, a clearing declaration and a new nominal
// sharing a phone: each rule evaluates again only the people those
// records concern, and what it then holds equals a fresh full run.
#[test]
fn incremental_runs_of_the_shipped_rules_equal_a_full_run() {
    let d = demo();
    let before = d.e.run_active_rules("demo-indicators").unwrap();
    assert!(before.failures.is_empty(), "{:?}", before.failures);
    let flagged = |runs: &[clearstone_engine::RuleRun], rule: &str| -> BTreeSet<String> {
        runs.iter()
            .filter(|r| r.rule_id == rule)
            .flat_map(|r| r.flagged.iter().cloned())
            .collect()
    };
    let canonical: HashMap<String, String> =
        d.e.session(req("eng", "demo-integrity"))
            .unwrap()
            .canonical_ids("Person")
            .unwrap()
            .into_iter()
            .collect();
    let canon = |id: &str| canonical.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let officer_of = |hr: &str| -> String {
        let c = canon(hr);
        canonical
            .iter()
            .filter(|(r, k)| **k == c && r.starts_with("companies:officer:"))
            .map(|(r, _)| r.trim_start_matches("companies:officer:").to_owned())
            .min()
            .unwrap_or_else(|| panic!("{hr} has no officer record"))
    };
    let truth = std::fs::read_to_string(&d.generated.indicator_truth).unwrap();
    let planted = |rule: &str, part: &str| -> Vec<String> {
        truth
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[0] == rule && f[1] == part)
            .map(|f| f[2].to_owned())
            .collect()
    };
    let src = d.tmp.path().join("src");
    let staff_no = |hr: &str| hr.trim_start_matches("hr:staff:").to_owned();

    // A fourth sickness absence for an absence decoy, between its others.
    let absent = planted(clearstone_demo::ABSENCE_RULE, "decoy")[0].clone();
    let theirs: Vec<i64> = rows(&src.join("absence.csv"), ';')
        .into_iter()
        .filter(|r| r["staff_no"] == staff_no(&absent) && r["check_ref"].is_empty())
        .map(|r| day(&r["start_date"]))
        .collect();
    let first = *theirs.iter().min().unwrap();
    let new_day = (first + 1..).find(|x| !theirs.contains(x)).unwrap();
    append(
        &src.join("absence.csv"),
        ';',
        &[
            ("absence_id", "ABS-NEW-1"),
            ("staff_no", &staff_no(&absent)),
            ("start_date", &dmy(new_day)),
            ("end_date", &dmy(new_day)),
            ("reason_code", "SICK"),
            ("reason", "Migraine"),
            ("days_lost", "1"),
            ("certification", "SC"),
        ],
    );
    reread(&d, "absence.toml");

    let officers = rows(&src.join("company_officers.csv"), ',');
    let appointment = |officer: &str| {
        officers
            .iter()
            .find(|r| r["officer_id"] == officer)
            .unwrap()
            .clone()
    };
    // A new, undeclared appointment for a directorship decoy who declared
    // the one they had (company numbers are 8,000,000 + the staff ordinal;
    // ordinals 6 and 13 of every 25 declared theirs).
    let director = planted(clearstone_demo::REGISTER_RULE, "decoy")
        .into_iter()
        .find(|hr| {
            let a = appointment(&officer_of(hr));
            let k: u32 = a["company_number"].parse::<u32>().unwrap() - 8_000_000;
            [6, 13].contains(&(k % 25))
        })
        .unwrap();
    let held = appointment(&officer_of(&director));
    ingest_feed(
        &d,
        "appointments",
        APPOINTMENTS,
        &format!(
            "appointment_id,officer_id,company_number,company_name,appointed_on\n\
             NEW-1,{},07999999,Northshire Drone Surveys Ltd,{}\n",
            officer_of(&director),
            held["appointed_on"]
        ),
    );
    // A declaration that clears a planted undeclared directorship.
    let declarer = planted(clearstone_demo::REGISTER_RULE, "pattern")[0].clone();
    let undeclared = appointment(&officer_of(&declarer));
    append(
        &src.join("business_interests.csv"),
        ',',
        &[
            ("interest_ref", "BI-NEW-1"),
            ("staff_no", &staff_no(&declarer)),
            ("declared", "01/12/2026"),
            ("interest_type", "DIR"),
            ("organisation", &undeclared["company_name"]),
            ("role", "Director"),
            ("decision", "APP"),
            ("company_no", &undeclared["company_number"]),
            ("org_type", "CO"),
        ],
    );
    reread(&d, "business_interests.toml");

    // A new nominal giving the absence decoy's mobile.
    let mobile = rows(&src.join("hr_officers.csv"), ',')
        .into_iter()
        .chain(rows(&src.join("hr_staff.csv"), ','))
        .find(|r| r.get("staff_no") == Some(&staff_no(&absent)))
        .and_then(|r| r.get("mobile").cloned())
        .filter(|m| !m.is_empty())
        .unwrap();
    ingest_feed(
        &d,
        "nominals",
        NOMINALS,
        &format!("nominal_id,name,phone\nN-NEW-1,Wayne Rooke,{mobile}\n"),
    );

    let again =
        d.e.run_active_rules_in("demo-indicators", clearstone_engine::RunMode::Incremental)
            .unwrap();
    assert!(again.failures.is_empty(), "{:?}", again.failures);
    let full = d.e.run_active_rules("demo-indicators").unwrap();
    for run in &again.runs {
        let rule = run.rule_id.as_str();
        let evaluated: BTreeSet<String> = run
            .evaluated
            .clone()
            .unwrap_or_else(|| panic!("{rule}: evaluated everyone again"))
            .into_iter()
            .collect();
        let mut expected: BTreeSet<String> = flagged(&before.runs, rule)
            .into_iter()
            .filter(|p| !evaluated.contains(p))
            .collect();
        expected.extend(run.flagged.iter().cloned());
        assert_eq!(expected, flagged(&full.runs, rule), "{rule}");
    }
    // Every finding the incremental runs wrote, a full run finds again.
    assert!(full.runs.iter().all(|r| r.alerts_new == 0));
    let changed = |rule: &str, who: &str, now: bool| {
        let who = canon(who);
        assert_eq!(
            flagged(&before.runs, rule).contains(&who),
            !now,
            "{rule}: {who} before"
        );
        assert_eq!(
            flagged(&full.runs, rule).contains(&who),
            now,
            "{rule}: {who} after"
        );
        let run = again.runs.iter().find(|r| r.rule_id == rule).unwrap();
        assert!(
            run.evaluated.as_ref().unwrap().contains(&who),
            "{rule}: {who}"
        );
    };
    changed(clearstone_demo::ABSENCE_RULE, &absent, true);
    changed(clearstone_demo::REGISTER_RULE, &director, true);
    changed(clearstone_demo::REGISTER_RULE, &declarer, false);
    changed(clearstone_demo::SHARED_RULE, &absent, true);
    // The absence and directorship rules read only the records of the
    // people concerned, not everyone's.
    let records = |runs: &[clearstone_engine::RuleRun], rule: &str| {
        runs.iter().find(|r| r.rule_id == rule).unwrap().records
    };
    for rule in [
        clearstone_demo::ABSENCE_RULE,
        clearstone_demo::REGISTER_RULE,
    ] {
        assert!(
            records(&again.runs, rule) * 5 < records(&full.runs, rule),
            "{rule}: {} records read incrementally, {} in full",
            records(&again.runs, rule),
            records(&full.runs, rule)
        );
    }
    // Nothing of the overtime rule's types arrived: it read nothing.
    let overtime = again
        .runs
        .iter()
        .find(|r| r.rule_id == clearstone_demo::OVERTIME_RULE)
        .unwrap();
    assert_eq!(
        (overtime.records, overtime.evaluated.clone()),
        (0, Some(Vec::new()))
    );
}
