//! Entity resolution through the session, on a real data directory with
//! seeded people who have known duplicates.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use clearstone_engine::policy::Purpose;
use clearstone_engine::{
    Engine, EngineError, Oversight, ResolveOptions, SearchPage, SessionRequest,
};

const MAPPING: &str = clearstone_demo::PEOPLE_MAPPING;

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "records".into(),
        justification: "data quality review 2026/7".into(),
        ..SessionRequest::default()
    }
}

fn register(e: &Engine) {
    support::register(
        e,
        "setting up the test",
        &[
            ("eng", &["analyst", "data_engineer"]),
            ("ana", &["analyst"]),
        ],
        &Purpose {
            description: "Keeping the person index accurate".into(),
            legal_basis: "public task".into(),
            policy_document: "APD-2".into(),
            ..support::purpose("records", &["analyst"], &["*"])
        },
    );
}

/// A data directory holding `rows` of the seeded people file (all when
/// `None`), and the file's ground truth.
fn setup(dir: &Path, people: &Path, rows: Option<usize>) -> Engine {
    setup_with(dir, people, rows, MAPPING)
}

fn setup_with(dir: &Path, people: &Path, rows: Option<usize>, mapping: &str) -> Engine {
    let text = std::fs::read_to_string(people.join("people.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let keep = rows.map_or(lines.len(), |r| r + 1);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("people.csv"), lines[..keep].join("\n") + "\n").unwrap();
    std::fs::write(dir.join("people.toml"), mapping).unwrap();
    let engine = Engine::init(&dir.join("data"), None).unwrap();
    register(&engine);
    let s = engine.session(req("eng")).unwrap();
    s.ingest(&dir.join("people.toml"), &mut |_| {}).unwrap();
    engine
}

fn people(dir: &Path, records: usize) -> HashMap<String, String> {
    clearstone_demo::write_people_csv(11, records, dir).unwrap();
    let truth = std::fs::read_to_string(dir.join("truth.csv")).unwrap();
    truth
        .lines()
        .skip(1)
        .map(|l| {
            let (id, person) = l.split_once(',').unwrap();
            (format!("people:person:{id}"), person.to_owned())
        })
        .collect()
}

fn full() -> ResolveOptions {
    ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    }
}

fn clusters(e: &Engine) -> HashMap<String, String> {
    e.session(req("eng"))
        .unwrap()
        .canonical_ids("Person")
        .unwrap()
        .into_iter()
        .collect()
}

/// Pairs of entities sharing a cluster.
fn linked(c: &HashMap<String, String>) -> HashSet<(String, String)> {
    let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (e, k) in c {
        by.entry(k).or_default().push(e);
    }
    let mut out = HashSet::new();
    for members in by.values_mut() {
        members.sort_unstable();
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                out.insert(((*a).to_owned(), (*b).to_owned()));
            }
        }
    }
    out
}

#[test]
fn resolution_finds_the_duplicates_and_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let truth = people(&tmp.path().join("src"), 1500);
    let e = setup(&tmp.path().join("a"), &tmp.path().join("src"), None);
    let sum = e.session(req("eng")).unwrap().resolve(&full()).unwrap();
    // A few generated dates are impossible and wait in quarantine.
    assert!(sum.records > 1450 && sum.records <= 1500, "{sum:?}");
    assert!(sum.pairs > 0 && sum.links > 0, "{sum:?}");
    let shipped = clearstone_resolve::settings::Settings::parse(
        clearstone_engine::DEFAULT_PERSON_SETTINGS,
        "person.toml",
    )
    .unwrap();
    assert_eq!(sum.rules.len(), shipped.rules.len());
    let c = clusters(&e);
    assert_eq!(c.len() as u64, sum.records);
    // The index follows the resolution: one hit per resolved person, every
    // record under its cluster's canonical id.
    let s = e.session(req("eng")).unwrap();
    let (mut records, mut merged, mut offset) = (0u64, 0, 0);
    loop {
        let page = SearchPage { offset, size: 100 };
        let r = s.search("type:person", page).unwrap();
        assert_eq!(r.total, sum.clusters);
        for h in &r.hits {
            for m in &h.entities {
                assert_eq!(c[m], h.canonical, "{m}");
            }
            records += h.entities.len() as u64;
            merged += usize::from(h.entities.len() > 1);
        }
        offset += 100;
        if r.hits.is_empty() {
            break;
        }
    }
    assert_eq!(records, sum.records);
    assert!(merged > 0);
    drop(s);
    let found = linked(&c);
    let tp = found.iter().filter(|(a, b)| truth[a] == truth[b]).count() as f64;
    let mut per: HashMap<&str, u64> = HashMap::new();
    for (e, p) in &truth {
        if c.contains_key(e) {
            *per.entry(p).or_default() += 1;
        }
    }
    let true_pairs: u64 = per.values().map(|n| n * (n - 1) / 2).sum();
    let precision = tp / found.len() as f64;
    let recall = tp / true_pairs as f64;
    assert!(
        precision > 0.95 && recall > 0.8,
        "precision {precision} recall {recall}"
    );
    // The run is a `combine` event naming its model.
    let events = e.session(req("eng")).unwrap().events(50).unwrap();
    assert!(
        events
            .iter()
            .any(|ev| ev.operation == "combine" && ev.outcome.contains(&sum.model_version))
    );
    // issue 14, finding 12: the event named neither the records combined nor
    // the canonical ids they now have; an overseer finds it by either.
    let (a, b) = linked(&c).into_iter().min().unwrap();
    let o = e.session(req("eng")).unwrap();
    for id in [&a, &b, &c[&a]] {
        let r = o
            .oversee(&Oversight {
                subject: Some(id.clone()),
                operations: vec!["combine".into()],
                ..Oversight::default()
            })
            .unwrap();
        assert_eq!(r.evidence.len(), 1, "{id}");
    }
}

#[test]
fn judgements_cut_and_join_and_withdrawing_restores_the_clusters() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 800);
    let e = setup(&tmp.path().join("a"), &tmp.path().join("src"), None);
    let s = e.session(req("eng")).unwrap();
    s.resolve(&full()).unwrap();
    let before = clusters(&e);
    let (a, b) = linked(&before).into_iter().min().unwrap();

    let cut = s
        .judge(&a, &b, "not_same", "different NI numbers on file")
        .unwrap();
    let after = clusters(&e);
    assert_ne!(after[&a], after[&b], "not_same must cut the cluster");
    s.withdraw_judgement(cut.id, "entered against the wrong pair")
        .unwrap();
    assert_eq!(clusters(&e), before);

    // Two records in different clusters, joined by a person.
    let mut ids: Vec<&String> = before.keys().collect();
    ids.sort();
    let x = ids[0].clone();
    let y = ids
        .iter()
        .find(|i| before[**i] != before[&x])
        .unwrap()
        .to_string();
    let join = s
        .judge(&x, &y, "same", "same person, confirmed by phone")
        .unwrap();
    assert_eq!(clusters(&e)[&x], clusters(&e)[&y]);
    s.withdraw_judgement(join.id, "confirmed wrongly").unwrap();
    assert_eq!(clusters(&e), before);

    // History is kept: both judgements, withdrawn.
    let all = s.judgements("Person", true).unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        all.iter()
            .all(|j| j.withdrawn_at.is_some() && j.withdrawn_by.as_deref() == Some("eng"))
    );
    assert!(s.judgements("Person", false).unwrap().is_empty());
    assert!(matches!(
        s.withdraw_judgement(join.id, "again"),
        Err(EngineError::InvalidInput(_))
    ));
    assert!(matches!(
        s.judge(&x, &y, "maybe", "x"),
        Err(EngineError::InvalidInput(_))
    ));
    assert!(matches!(
        s.judge(&x, &y, "same", " "),
        Err(EngineError::InvalidInput(_))
    ));
}

#[test]
fn an_incremental_run_equals_a_full_run_with_the_same_model() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 1200);
    let inc = setup(&tmp.path().join("inc"), &tmp.path().join("src"), Some(900));
    let s = inc.session(req("eng")).unwrap();
    s.resolve(&full()).unwrap();
    let model = s.resolution_runs("Person", 1).unwrap()[0].model.clone();
    // The rest of the file arrives.
    let all = std::fs::read_to_string(tmp.path().join("src/people.csv")).unwrap();
    std::fs::write(tmp.path().join("inc/people.csv"), all).unwrap();
    s.ingest(&tmp.path().join("inc/people.toml"), &mut |_| {})
        .unwrap();
    let sum = s
        .resolve(&ResolveOptions {
            incremental: true,
            ..full()
        })
        .unwrap();
    assert!(sum.new_records > 280 && sum.new_records <= 300, "{sum:?}");

    let whole = setup(&tmp.path().join("whole"), &tmp.path().join("src"), None);
    whole
        .session(req("eng"))
        .unwrap()
        .resolve(&ResolveOptions {
            model: Some(model),
            ..full()
        })
        .unwrap();
    assert_eq!(clusters(&inc), clusters(&whole));
}

#[test]
fn the_review_queue_is_most_uncertain_first_and_explanations_add_up() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 1500);
    let e = setup(&tmp.path().join("a"), &tmp.path().join("src"), None);
    let s = e.session(req("eng")).unwrap();
    s.resolve(&full()).unwrap();
    let queue = s.review_queue("Person", 20).unwrap();
    assert!(!queue.is_empty());
    let gaps: Vec<f64> = queue
        .iter()
        .map(|i| (i.pair.probability - 0.5).abs())
        .collect();
    assert!(gaps.windows(2).all(|w| w[0] <= w[1]), "{gaps:?}");
    for item in &queue {
        let x = &item.explanation;
        let sum: f64 = x.prior_weight
            + x.terms
                .iter()
                .map(|t| t.weight + t.tf_adjustment)
                .sum::<f64>()
            + x.household
            + x.names_alone;
        assert!((sum - x.total).abs() < 1e-9);
        // The explanation is of the stored score.
        assert!(
            (x.total - item.pair.weight).abs() < 1e-6,
            "{} vs {}",
            x.total,
            item.pair.weight
        );
        assert!(!item.left.properties.is_empty() && !item.right.properties.is_empty());
    }
    // A judged pair leaves the queue.
    let first = &queue[0].pair;
    s.judge(
        &first.left_id,
        &first.right_id,
        "unsure",
        "cannot tell from these records",
    )
    .unwrap();
    let again = s.review_queue("Person", 20).unwrap();
    assert!(again.iter().all(|i| i.pair != *first));
}

#[test]
fn running_resolution_needs_the_permission_to_load_data() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 300);
    let e = setup(&tmp.path().join("a"), &tmp.path().join("src"), None);
    let err = e.session(req("ana")).unwrap().resolve(&full()).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let events = e.session(req("eng")).unwrap().events(3).unwrap();
    assert!(
        events
            .iter()
            .any(|ev| ev.operation == "refused" && ev.principal == "ana")
    );
}

// issue 16, item 6: reading through the gate a few statements at a time
// resolves exactly as one batch does.
#[test]
fn a_store_larger_than_one_batch_resolves_as_one_batch_would() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 600);
    let e = setup(&tmp.path().join("a"), &tmp.path().join("src"), None);
    let s = e.session(req("eng")).unwrap();
    let small = s
        .resolve(&ResolveOptions {
            batch_statements: Some(7),
            ..full()
        })
        .unwrap();
    let in_small = clusters(&e);
    let whole = s
        .resolve(&ResolveOptions {
            batch_statements: Some(usize::MAX),
            ..full()
        })
        .unwrap();
    assert_eq!(
        (small.records, small.pairs, small.links, small.clusters),
        (whole.records, whole.pairs, whole.links, whole.clusters)
    );
    assert_eq!(small.model_version, whole.model_version);
    assert_eq!(in_small, clusters(&e));
}

/// The people file with the records on the first `n` rows made copies of
/// those on the next `n` (their ids kept).
fn copied_rows(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = vec![lines[0].to_owned()];
    for (i, line) in lines.iter().enumerate().skip(1) {
        if i <= n {
            let (id, _) = line.split_once(',').unwrap();
            let (_, rest) = lines[i + n].split_once(',').unwrap();
            out.push(format!("{id},{rest}"));
        } else {
            out.push((*line).to_owned());
        }
    }
    out.join("\n") + "\n"
}

// issue 16, item 6: after an ingest, an incremental run scores again the
// records the ingest changed, not only the new ones, and ends as a full run
// with the same model over the same store does.
#[test]
fn an_incremental_run_rescores_the_records_an_ingest_changed() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 700);
    let original = std::fs::read_to_string(tmp.path().join("src/people.csv")).unwrap();
    let changed = copied_rows(&original, 10);
    let mut stores = Vec::new();
    for name in ["inc", "whole"] {
        let e = setup(&tmp.path().join(name), &tmp.path().join("src"), None);
        let s = e.session(req("eng")).unwrap();
        s.resolve(&full()).unwrap();
        std::fs::write(tmp.path().join(name).join("people.csv"), &changed).unwrap();
        s.ingest(&tmp.path().join(name).join("people.toml"), &mut |_| {})
            .unwrap();
        drop(s);
        stores.push(e);
    }
    let s = stores[0].session(req("eng")).unwrap();
    let model = s.resolution_runs("Person", 1).unwrap()[0].model.clone();
    let sum = s
        .resolve(&ResolveOptions {
            incremental: true,
            ..full()
        })
        .unwrap();
    // Ten records changed and none arrived.
    assert_eq!(sum.new_records, 10, "{sum:?}");
    drop(s);
    stores[1]
        .session(req("eng"))
        .unwrap()
        .resolve(&ResolveOptions {
            model: Some(model),
            ..full()
        })
        .unwrap();
    assert_eq!(clusters(&stores[0]), clusters(&stores[1]));
}

// issue 16, item 5: the profile counts only what the session may use: a
// field whose values it may not see shows as empty, brings no pairs, and
// profiling is one event.
#[test]
fn the_profile_counts_only_visible_values_in_one_event() {
    let tmp = tempfile::tempdir().unwrap();
    people(&tmp.path().join("src"), 300);
    let plain = setup(&tmp.path().join("plain"), &tmp.path().join("src"), None);
    let hidden_ni = MAPPING.replace(
        "national_insurance_number = { column = \"soc_sec_id\" }",
        "national_insurance_number = { column = \"soc_sec_id\", markings = \"OFFICIAL-SENSITIVE:HR\" }",
    );
    assert_ne!(hidden_ni, MAPPING);
    let hidden = setup_with(
        &tmp.path().join("hidden"),
        &tmp.path().join("src"),
        None,
        &hidden_ni,
    );
    let profile = |e: &Engine| {
        let s = e.session(req("eng")).unwrap();
        let p = s.resolve_profile("Person", None).unwrap();
        let events = s.events(1000).unwrap();
        let profiles: Vec<_> = events
            .iter()
            .filter(|ev| ev.query == "profile resolution of Person")
            .collect();
        assert_eq!(profiles.len(), 1);
        assert!(profiles[0].subjects.is_empty());
        p
    };
    let (open, closed) = (profile(&plain), profile(&hidden));
    let field = |p: &clearstone_engine::ResolveProfile, name: &str| {
        p.fields.iter().find(|f| f.field == name).unwrap().clone()
    };
    let rule = |p: &clearstone_engine::ResolveProfile, name: &str| {
        p.rules.iter().find(|r| r.rule == name).unwrap().pairs
    };
    assert_eq!(open.records, closed.records);
    assert!(field(&open, "nino").filled > 200, "{open:?}");
    assert!(rule(&open, "nino") > 0);
    assert_eq!(
        (
            field(&closed, "nino").filled,
            field(&closed, "nino").distinct
        ),
        (0, 0)
    );
    assert_eq!(rule(&closed, "nino"), 0);
    assert_eq!(field(&open, "family"), field(&closed, "family"));
    // Each rule's pairs are those the blocking of a run counts.
    let run = plain.session(req("eng")).unwrap().resolve(&full()).unwrap();
    let counted = run.rules.iter().find(|r| r.rule == "family+dob").unwrap();
    assert_eq!(rule(&open, "family+dob"), counted.pairs);
}

// issue 16, item 4: an identifier the settings declare decisive links two
// records whatever their names; the stored pair and its explanation name the
// rule.
#[test]
fn a_decisive_identifier_links_by_rule_and_the_explanation_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    people(&src, 800);
    let file = src.join("people.csv");
    let mut text = std::fs::read_to_string(&file).unwrap();
    let header = text.lines().next().unwrap().to_owned();
    let row = |id: &str, given: &str, surname: &str| {
        header
            .split(',')
            .map(|h| match h {
                "rec_id" => id,
                "given_name" => given,
                "surname" => surname,
                "soc_sec_id" => "ZX998877A",
                _ => "",
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    text.push_str(&format!(
        "{}\n{}\n",
        row("card-1", "J", "SMYTH"),
        row("hr-1", "Wendell", "Okonjo-Smith")
    ));
    std::fs::write(&file, text).unwrap();
    let e = setup(&tmp.path().join("a"), &src, None);
    let s = e.session(req("eng")).unwrap();
    let settings = clearstone_engine::DEFAULT_PERSON_SETTINGS.replace(
        "columns = [\"national_insurance_number\"]",
        "columns = [\"national_insurance_number\"]\ndecisive = true",
    );
    assert_ne!(settings, clearstone_engine::DEFAULT_PERSON_SETTINGS);
    s.resolve(&ResolveOptions {
        settings: Some(settings),
        ..full()
    })
    .unwrap();
    let (card, hr) = ("people:person:card-1", "people:person:hr-1");
    let c = clusters(&e);
    assert_eq!(c.get(card), c.get(hr));
    let x = s.explain(card, hr).unwrap();
    assert!(x.rule.is_some(), "{x:?}");
    assert!(x.to_text().contains("linked by rule `"), "{}", x.to_text());
    assert!(
        x.probability < 0.5,
        "the names alone do not link them: {x:?}"
    );
}

// issue 16, item 5: the shipped person settings are those generated from the
// default ontology's property kinds, written out.
#[test]
fn the_shipped_settings_are_the_ones_generated_from_the_ontology() {
    let ontology = clearstone_model::Ontology::default_ontology().unwrap();
    let generated = clearstone_engine::default_settings(
        &ontology,
        "Person",
        &["staff_number", "payroll_number"],
    );
    if std::env::var_os("CLEARSTONE_WRITE_SETTINGS").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/resolution/person.toml"),
            &generated,
        )
        .unwrap();
    }
    assert_eq!(generated, clearstone_engine::DEFAULT_PERSON_SETTINGS);
    let s = clearstone_resolve::settings::Settings::parse(&generated, "person.toml").unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}
