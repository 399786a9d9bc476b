//! Lists a reader pages through, with rows about records they may not see
//! added: the page must be the one given had those rows never been stored
//! (taken after filtering, never filled first and then thinned), and a list
//! that fails on a damaged row must still be one event.
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::Session;
use links::*;

/// One more than a page of rows, so a page taken before filtering holds
/// nothing but them.
const MORE_THAN_A_PAGE: usize = clearstone_model::limits::PAGE_ROWS_MAX + 1;

fn db(t: &tempfile::TempDir) -> rusqlite::Connection {
    rusqlite::Connection::open(t.path().join("data").join("clearstone.db")).unwrap()
}

/// Runs every statement of `sql` once per row, in one transaction.
fn insert_many(t: &tempfile::TempDir, rows: usize, sql: &str) {
    let mut db = db(t);
    let tx = db.transaction().unwrap();
    for n in 0..rows {
        tx.execute(sql, [n as i64]).unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn the_ingest_log_pages_through_the_runs_of_visible_datasets_only() {
    let (t, e) = fixture();
    // Cleared below `intel` (SECRET) and without the PSD caveat.
    support::admin(&e, "a loader of unmarked data")
        .put_user(&support::user(
            "low",
            &["data_engineer"],
            clearstone_engine::Classification::OfficialSensitive,
            &[],
        ))
        .unwrap();
    let runs = || {
        let s = e.session(req("low", "load")).unwrap();
        let runs = s.ingest_runs(10).unwrap();
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        (
            runs.iter()
                .map(|r| (r.id, r.dataset.clone()))
                .collect::<Vec<_>>(),
            event.outcome,
        )
    };
    let before = runs();
    assert_eq!(before.0.len(), 4, "the loads it may see: {before:?}");
    // Newer runs of a dataset above the user's clearance.
    insert_many(
        &t,
        MORE_THAN_A_PAGE,
        "INSERT INTO ingest_run(dataset, mapping, source, started_at, status)
         VALUES ('intel', 'intel.toml', 'intel.csv', 2000000000000 + ?1, 'finished')",
    );
    assert_eq!(runs(), before);
}

#[test]
fn judgements_page_through_the_pairs_the_reader_may_see_only() {
    let (t, e) = fixture();
    db(&t)
        .execute(
            "INSERT INTO judgement(schema, left_id, right_id, verdict, principal, at, why)
             VALUES ('Person', ?1, ?2, 'not_same', 'eng', 1, 'two complainants')",
            [COMPLAINANT_1, COMPLAINANT_2],
        )
        .unwrap();
    let listed = || {
        let s = e.session(req("sam", "psd-only")).unwrap();
        let ids: Vec<i64> = s
            .judgements("Person", false)
            .unwrap()
            .iter()
            .map(|j| j.id)
            .collect();
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        (ids, event.outcome)
    };
    let before = listed();
    assert_eq!(before.0.len(), 1, "the complainants' judgement: {before:?}");
    // Newer judgements between officers, whom `psd-only` may not see.
    insert_many(
        &t,
        MORE_THAN_A_PAGE,
        &format!(
            "INSERT INTO judgement(schema, left_id, right_id, verdict, principal, at, why)
             VALUES ('Person', '{OFFICER_1}', '{OFFICER_2}', 'unsure', 'eng', 2 + ?1, 'look')"
        ),
    );
    assert_eq!(listed(), before);
}

/// An indicator alert about `person` citing `record`, as a rule run
/// stores it.
fn alert(t: &tempfile::TempDir, person: &str, record: &str) -> i64 {
    let evidence = serde_json::json!([{ "record": record, "statements": [], "condition": "met" }]);
    let db = db(t);
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (1, 'indicator', 'indicators', '', 'absence count', 'new', 'absence-count', 1, ?1, ?2, ?1)",
        rusqlite::params![person, evidence.to_string()],
    )
    .unwrap();
    db.last_insert_rowid()
}

/// Every answer about one alert, by id, with the id itself replaced, and
/// the event each left.
fn about_alert(s: &Session<'_>, id: i64) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut answer = |what: &str, err: Option<clearstone_engine::EngineError>| {
        let said = err.map_or_else(|| format!("{what} answered"), |e| e.to_string());
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        let id = id.to_string();
        out.push((
            said.replace(&id, "N"),
            event.query.replace(&id, "N"),
            event.outcome,
        ));
    };
    answer("evidence", s.alert_evidence(id).err());
    answer("view", s.alert_view(id).err());
    answer("open", s.review_alert(id).err());
    answer(
        "decide",
        s.decide_alert(id, "no_further_action", "nothing in it on review")
            .err(),
    );
    answer(
        "confirm",
        s.confirm_alert(id, "no_further_action", "nothing in it on review")
            .err(),
    );
    answer(
        "representation",
        s.alert_representation(id, "I was on leave").err(),
    );
    out
}

#[test]
fn an_alert_about_a_person_the_reader_may_not_see_answers_as_no_alert() {
    let (t, e) = fixture();
    let lists = || {
        let s = e.session(req("sam", "psd-only")).unwrap();
        let ids = |list: Vec<clearstone_engine::Alert>| -> Vec<i64> {
            list.iter().map(|a| a.id).collect()
        };
        (
            ids(s.alerts(1).unwrap()),
            ids(s.alerts(100).unwrap()),
            ids(s.indicator_alerts(None, 1).unwrap()),
            ids(s.indicator_alerts(Some("absence-count"), 100).unwrap()),
        )
    };
    let seen = alert(&t, COMPLAINANT_1, COMPLAINANT_1);
    let before = lists();
    assert_eq!(before.0, [seen], "the complainant's alert is listed");
    // Newer: an alert about an officer `psd-only` may not see, citing a
    // record it may.
    let hidden = alert(&t, OFFICER_1, COMPLAINANT_2);
    assert_eq!(
        lists(),
        before,
        "hidden alerts are left out before the page"
    );
    let s = e.session(req("sam", "psd-only")).unwrap();
    let absent = hidden + 1_000;
    assert_eq!(about_alert(&s, hidden), about_alert(&s, absent));
    // Linking it to a case is refused as linking an absent alert is.
    s.create_case(Some("C-1"), "Complaint about an officer")
        .unwrap();
    let link = |n: i64| {
        let err = s.case_link("C-1", "alert", &n.to_string()).unwrap_err();
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        let n = n.to_string();
        (
            err.to_string().replace(&n, "N"),
            event.query.replace(&n, "N"),
            event.outcome,
        )
    };
    assert_eq!(link(hidden), link(absent));
    // A purpose that sees the officer knows the alert, and may link it.
    let pds = e.session(req("sam", "pds")).unwrap();
    assert!(pds.alerts(100).unwrap().iter().any(|a| a.id == hidden));
    assert!(pds.alert_view(hidden).is_ok());
    pds.case_link("C-1", "alert", &hidden.to_string()).unwrap();
    assert!(
        pds.case("C-1")
            .unwrap()
            .entries
            .iter()
            .any(|e| e.kind == "alert")
    );
    // The case, seen under `psd-only`, has no such link.
    let entries = s.case("C-1").unwrap().entries;
    assert!(!entries.iter().any(|e| e.kind == "alert"), "{entries:?}");
}

#[test]
fn a_list_that_fails_on_a_damaged_row_is_one_event() {
    let (t, e) = fixture();
    let s = e.session(req("eng", "load")).unwrap();
    let db = db(&t);
    for damage in [
        "UPDATE dataset SET created_at = x'00'",
        "UPDATE ingest_run SET started_at = x'00'",
        "INSERT INTO alert(at, kind, principal, subject, detail) VALUES (x'00', 'own_record', 'x', '', 'x')",
        "INSERT INTO alert(at, kind, principal, subject, detail, rule_id) VALUES (x'00', 'indicator', 'x', '', 'x', 'r')",
        "INSERT INTO indicator_rule(id, version, body, sha256, state, registered_by, registered_at)
         VALUES ('r', 1, 'x', 'x', 'draft', 'x', x'00')",
        "INSERT INTO dangling(dataset_id, entity_id, prop, target, run_id)
         SELECT id, 'x', 'x', 'x', x'00' FROM dataset LIMIT 1",
        "INSERT INTO quarantine(dataset_id, source_id, mapping, line, col, reason, raw, first_seen, last_seen)
         SELECT dataset_id, id, 'x', 1, 'x', 'x', x'00', x'00', 0 FROM source LIMIT 1",
    ] {
        db.execute(damage, []).unwrap();
    }
    let count = || s.own_events(1_000).unwrap().len();
    let attempts: [(&str, &dyn Fn() -> bool); 8] = [
        ("list datasets", &(|| s.datasets().is_err())),
        ("list ingest runs", &(|| s.ingest_runs(10).is_err())),
        ("read alerts", &(|| s.alerts(10).is_err())),
        (
            "read indicator alerts",
            &(|| s.indicator_alerts(None, 10).is_err()),
        ),
        ("read indicator rules", &(|| s.indicator_rules().is_err())),
        (
            "list dangling references",
            &(|| s.dangling_references(None, 10).is_err()),
        ),
        ("list quarantine", &(|| s.quarantine(None, 10).is_err())),
        (
            "replay quarantine",
            &(|| s.replay_quarantine(None).is_err()),
        ),
    ];
    let mut failures = Vec::new();
    for (what, attempt) in attempts {
        let before = count();
        let failed = attempt();
        // Reading one's events is itself one event.
        let events = count() - before - 1;
        let last = s.own_events(2).unwrap().into_iter().nth(1).unwrap();
        if !failed || events != 1 || last.query != what || last.outcome != "internal" {
            failures.push(format!(
                "{what}: failed {failed}, {events} events, last `{}` `{}`",
                last.query, last.outcome
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
