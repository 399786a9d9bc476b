//! Semantic search over the demo's case notes against lexical search on the
//! same queries (issue 19, item 7). Each query paraphrases a kind of event
//! the generator plants, in words the note does not use; a hit is relevant
//! when it is a sentence of that kind. Prints hit@5 and precision@5 per
//! mode and the search latency (wall time, debug build: the throughput of
//! the model itself is `cargo bench -p clearstone-embed`), and holds
//! semantic search above floors a little under what was measured.
//! Needs the `semantic` feature and the weights in `CLEARSTONE_EMBED_MODEL`;
//! says it was skipped otherwise.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Instant;

use clearstone_engine::NoteSearchMode::{Lexical, Semantic};
use clearstone_engine::embed::Embedder;
use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{Engine, SessionRequest};
use clearstone_model::Classification;

use support::{bootstrap_admin, purpose, user};

/// A small county, so that embedding its notes stays short in CI.
const PEOPLE: usize = 200;
const K: usize = 5;

/// A paraphrase and a phrase only the sentences it means contain.
const QUERIES: &[(&str, &str)] = &[
    (
        "the child keeps missing lessons",
        "school attendance, which has dropped",
    ),
    (
        "people next door complained about noise in the night",
        "reported shouting at the address",
    ),
    (
        "the parent cannot cope with the kid at night time",
        "struggling to manage",
    ),
    (
        "pupil turns up with nothing to eat at midday",
        "without a packed lunch",
    ),
    (
        "family sent for help with groceries and money worries",
        "food bank and to a debt advice",
    ),
    (
        "finances got worse after welfare payments changed",
        "benefits were reassessed",
    ),
    (
        "the house was messy with laundry lying around",
        "bags of washing",
    ),
    (
        "the youngster wants to see the absent parent more often",
        "would like more contact",
    ),
    (
        "the boy or girl was exhausted from gaming until late",
        "up late playing games",
    ),
    (
        "the young person says they are not afraid in the house",
        "feel safe at home",
    ),
    (
        "a landlord's officer phoned about unpaid rent",
        "rent arrears",
    ),
    (
        "officers told us about something that happened at the home",
        "notification about an incident",
    ),
    ("the child's ears will be checked", "hearing test"),
    (
        "vaccinations are complete",
        "immunisations are now up to date",
    ),
    (
        "struggles with books and gets additional help",
        "finding reading difficult",
    ),
    (
        "staff think the pupil comes in without breakfast",
        "seems hungry at the start of the day",
    ),
    (
        "we will ask lawyers what to do if worries carry on",
        "seek legal advice",
    ),
    (
        "visits will happen every week from now on",
        "increase visits to weekly",
    ),
    (
        "the case can move down to lighter support if things keep improving",
        "step down to early help",
    ),
    ("the household relocated to a new home", "have moved to"),
];

/// Measured on seed 7 with 200 people (249 notes, 1,210 sentences):
/// semantic hit@5 0.70 and precision@5 0.67, lexical 0.15 and 0.12. The
/// misses are near ones ("without breakfast" finds "without a packed
/// lunch", "something that happened at the home" a police attendance).
const SEMANTIC_HIT_FLOOR: f64 = 0.65;
const SEMANTIC_PRECISION_FLOOR: f64 = 0.60;

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "measuring note search on the demo".into(),
        ..SessionRequest::default()
    }
}

struct Scores {
    hit: f64,
    precision: f64,
}

fn score(results: &[Vec<String>]) -> Scores {
    let mut hit = 0.0;
    let mut precision = 0.0;
    for ((_, marker), texts) in QUERIES.iter().zip(results) {
        let relevant = texts.iter().filter(|t| t.contains(marker)).count();
        if relevant > 0 {
            hit += 1.0;
        }
        precision += relevant as f64 / K as f64;
    }
    let n = QUERIES.len() as f64;
    Scores {
        hit: hit / n,
        precision: precision / n,
    }
}

#[test]
fn semantic_search_finds_paraphrased_events_that_lexical_search_misses() {
    let model = match Embedder::from_env() {
        Ok(m) => m,
        Err(e) => {
            eprintln!(
                "semantic_search_finds_paraphrased_events_that_lexical_search_misses: skipped, {e}"
            );
            return;
        }
    };
    let t = tempfile::tempdir().unwrap();
    let g = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: PEOPLE,
        },
        &t.path().join("demo"),
    )
    .unwrap();
    let e = Engine::init(&t.path().join("data"), None).unwrap();
    let admin = bootstrap_admin(&e, "setting up the note search measurement");
    let os = Classification::OfficialSensitive;
    admin
        .put_user(&user("eng", &["data_engineer"], os, &[]))
        .unwrap();
    admin
        .put_user(&user("sw", &["social_worker"], os, &[]))
        .unwrap();
    admin
        .put_purpose(&purpose("load", &["data_engineer"], &["*"]))
        .unwrap();
    admin
        .put_purpose(&Purpose {
            sensitive: Some(SensitiveBasis {
                condition: "DPA 2018 sch. 1 para 18 (safeguarding of children)".into(),
            }),
            ..purpose("safeguarding", &["social_worker"], &["csc"])
        })
        .unwrap();
    let load = e.session(req("eng", "load")).unwrap();
    for m in g.mappings.iter().filter(|m| {
        m.file_name()
            .is_some_and(|f| f.to_string_lossy().starts_with("csc_"))
    }) {
        load.ingest(m, &mut |_| {}).unwrap();
    }
    drop(load);

    // The ingest embedded the notes already; a rebuild times it again.
    let started = Instant::now();
    let report = admin.index_note_passages(&model, true).unwrap();
    let took = started.elapsed().as_secs_f64();
    drop(admin);
    eprintln!(
        "embedded {} sentences of {} notes in {took:.1} s wall ({:.0} sentences/s)",
        report.passages,
        report.notes,
        report.passages as f64 / took
    );

    let s = e.session(req("sw", "safeguarding")).unwrap();
    let mut lexical = Vec::new();
    let mut semantic = Vec::new();
    let mut times = Vec::new();
    for (q, _) in QUERIES {
        let texts = |hits: Vec<clearstone_engine::PassageHit>| -> Vec<String> {
            hits.into_iter().map(|h| h.text).collect()
        };
        lexical.push(texts(s.search_notes(q, Lexical, K, true).unwrap()));
        let started = Instant::now();
        semantic.push(texts(s.search_notes(q, Semantic(&model), K, true).unwrap()));
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let (lex, sem) = (score(&lexical), score(&semantic));
    eprintln!(
        "{} queries, top {K}: lexical hit@{K} {:.2}, precision@{K} {:.2}; semantic hit@{K} {:.2}, precision@{K} {:.2}",
        QUERIES.len(),
        lex.hit,
        lex.precision,
        sem.hit,
        sem.precision
    );
    eprintln!(
        "semantic search over {} sentences: median {:.0} ms, slowest {:.0} ms",
        report.passages,
        times.get(times.len() / 2).copied().unwrap_or_default(),
        times.last().copied().unwrap_or_default()
    );
    for (((q, marker), l), m) in QUERIES.iter().zip(&lexical).zip(&semantic) {
        if !m.iter().any(|t| t.contains(marker)) {
            eprintln!("  semantic missed {q:?}: {m:?}");
        }
        if !l.iter().any(|t| t.contains(marker)) {
            eprintln!("  lexical missed {q:?}");
        }
    }
    assert!(sem.hit >= SEMANTIC_HIT_FLOOR, "hit@{K} {:.2}", sem.hit);
    assert!(
        sem.precision >= SEMANTIC_PRECISION_FLOOR,
        "precision@{K} {:.2}",
        sem.precision
    );
    assert!(
        sem.hit > lex.hit,
        "semantic {:.2}, lexical {:.2}",
        sem.hit,
        lex.hit
    );
}
