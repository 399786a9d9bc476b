//! Search and link analysis through the gate at scale, next to the same
//! searches run straight on the index in the same run. Prints numbers,
//! asserts nothing but that the two paths agree.
//!
//! `cargo bench -p clearstone-engine --bench search` generates 1,000,000
//! demo people records, ingests them through a session, resolves `Person`,
//! rebuilds the index on its own (each step timed), then times a mix of
//! searches through a session (policy decisions, redaction and the
//! appended event included) and on the tantivy index directly, graph
//! expansion and paths.
//!
//! - `CLEARSTONE_BENCH_PEOPLE`: records to generate (default 1,000,000).
//! - `CLEARSTONE_BENCH_DIR`: keep the data directory there; a later run with
//!   the same number of records reuses it and times the queries only.
//! - `CLEARSTONE_BENCH_QUERIES`: queries of each kind (default 300).
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clearstone_engine::policy::Purpose;
use clearstone_engine::{
    Engine, EngineError, ResolveOptions, SearchPage, Session, SessionRequest, graph_limits,
};
use std::sync::Arc;

use clearstone_search::{Clusters, Query, SearchIndex, Visible};
use clearstone_text::nickname;
use clearstone_text::phonetic::double_metaphone;

const SEED: u64 = 7;
const PAGE: SearchPage = SearchPage {
    offset: 0,
    size: 20,
};
/// Graph questions of each kind.
const GRAPH_QUERIES: usize = 300;

/// The people file as the engine's resolution tests map it, plus where each
/// home lies: its postcode unit (about eighteen homes), and the unit's town.
/// Both are addresses, each pointing at the area holding it, so people at
/// one postcode are four references apart and a town gathers every unit in
/// it, as a busy address or a large employer gathers references in a real
/// graph.
const MAPPING: &str = r#"version = 1
[dataset]
name = "people"
owner = "Records"
legal_basis = "public task"
[source]
format = "csv"
path = "people.csv"
date_formats = ["%Y%m%d"]
[[entities]]
name = "person"
schema = "Person"
keys = ["rec_id"]
subject_category = "other"
[entities.properties]
first_name = { column = "given_name" }
last_name = { column = "surname" }
birth_date = { column = "date_of_birth" }
national_insurance_number = { column = "soc_sec_id" }
address = { entity = "home" }
[[entities]]
name = "home"
schema = "Address"
keys = ["rec_id"]
[entities.properties]
street = { columns = ["street_number", "address_1"], join = " " }
town = { column = "suburb" }
postcode = { column = "postcode" }
area = { entity = "unit" }
[[entities]]
name = "unit"
schema = "Address"
keys = ["postcode"]
optional = true
[entities.properties]
postcode = { column = "postcode" }
area = { entity = "town" }
[[entities]]
name = "town"
schema = "Address"
keys = ["suburb"]
optional = true
[entities.properties]
town = { column = "suburb" }
"#;

/// The reference from an address to the area holding it, added to the
/// default ontology's `Address`.
const AREA: &str = "area = { type = \"entity\", range = \"Address\", sensitivity = \"ordinary\", label = \"Area\" }\n";

fn ontology() -> String {
    let anchor = "[types.Address.properties]\n";
    let onto = clearstone_model::DEFAULT_ONTOLOGY;
    let Some(at) = onto.find(anchor) else {
        panic!("the default ontology has no `{anchor}` to add `area` to");
    };
    let at = at + anchor.len();
    format!("{}{AREA}{}", &onto[..at], &onto[at..])
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.replace(['_', ','], ""))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "records".into(),
        justification: "data quality review 2026/7".into(),
        ..SessionRequest::default()
    }
}

/// An administrator, a data engineer who loads and resolves, an analyst
/// who searches, and a data protection officer who rebuilds the index.
fn register(e: &Engine) {
    support::register(
        e,
        "setting up the bench",
        &[
            ("eng", &["analyst", "data_engineer"]),
            ("ana", &["analyst"]),
            ("dpo", &["data_protection_officer", "analyst"]),
        ],
        &Purpose {
            description: "Keeping the person index accurate".into(),
            legal_basis: "public task".into(),
            policy_document: "APD-2".into(),
            ..support::purpose("records", &["analyst"], &["*"])
        },
    );
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Generates, ingests, resolves and indexes `n` people in `root`, timing
/// each step, unless `root` holds a finished set-up of `n` already.
fn setup(root: &Path, n: usize) -> Engine {
    let ready = root.join("ready");
    let data = root.join("data");
    let marker = format!("people={n}\n");
    if std::fs::read_to_string(&ready).is_ok_and(|m| m == marker) {
        println!(
            "reusing the data directory in {} ({} people generated, ingested, resolved and indexed by an earlier run); set-up not timed",
            root.display(),
            thousands(n as u64)
        );
        return Engine::open(&data).unwrap();
    }
    let _ = std::fs::remove_file(&ready);
    if data.exists() {
        std::fs::remove_dir_all(&data).unwrap();
    }
    std::fs::create_dir_all(root).unwrap();

    let t = Instant::now();
    let out = clearstone_demo::write_people_csv(SEED, n, root).unwrap();
    println!(
        "generate: {} records ({} people) in {}",
        thousands(out.records),
        thousands(out.persons),
        secs(t.elapsed())
    );
    std::fs::write(root.join("people.toml"), MAPPING).unwrap();
    let onto = ontology();
    let e = Engine::init(&data, Some((&onto, "bench.toml"))).unwrap();
    register(&e);

    let eng = e.session(req("eng")).unwrap();
    reset_peak_rss();
    let t = Instant::now();
    let sum = eng.ingest(&root.join("people.toml"), &mut |_| {}).unwrap();
    let took = t.elapsed();
    println!(
        "ingest: {} rows, {} statements, {} quarantined, {} entities in {} ({:.0} rows/s; includes the index upkeep it triggers)",
        thousands(sum.rows_read),
        thousands(sum.statements_new),
        thousands(sum.quarantined),
        thousands(sum.entities_touched),
        secs(took),
        sum.rows_read as f64 / took.as_secs_f64()
    );
    println!("  peak RSS while ingesting: {}", peak_rss());
    reset_peak_rss();

    let t = Instant::now();
    let r = eng
        .resolve(&ResolveOptions {
            schema: "Person".into(),
            ..ResolveOptions::default()
        })
        .unwrap();
    let took = t.elapsed();
    println!(
        "resolve Person: {} records, {} pairs scored, {} links, {} people in {} ({:.0} records/s; includes re-indexing the changed records)",
        thousands(r.records),
        thousands(r.pairs),
        thousands(r.links),
        thousands(r.clusters),
        secs(took),
        r.records as f64 / took.as_secs_f64()
    );
    println!("  peak RSS while resolving: {}", peak_rss());
    reset_peak_rss();
    drop(eng);

    let dpo = e.session(req("dpo")).unwrap();
    let t = Instant::now();
    let docs = dpo.rebuild_index().unwrap();
    let took = t.elapsed();
    println!(
        "index rebuild: {} documents in {} ({:.0} documents/s)",
        thousands(docs),
        secs(took),
        docs as f64 / took.as_secs_f64()
    );
    println!("  peak RSS while rebuilding the index: {}", peak_rss());
    reset_peak_rss();
    drop(dpo);
    e.flush_log().unwrap();
    std::fs::write(&ready, marker).unwrap();
    e
}

/// The largest resident set of this process so far.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{} MiB", thousands(kb / 1024)),
        )
}

/// Starts the peak resident set afresh, so the next reading is one step's.
fn reset_peak_rss() {
    // Linux: writing 5 to clear_refs resets VmHWM to the current size.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// One row of the people file.
#[derive(Debug, Clone)]
struct Record {
    rec: String,
    given: String,
    surname: String,
    postcode: String,
    /// Year of birth, when the date is there.
    born: Option<i32>,
    ni: String,
    /// The real person behind the record.
    person: String,
}

fn read_records(dir: &Path) -> Vec<Record> {
    let truth: HashMap<String, String> = std::fs::read_to_string(dir.join("truth.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(r, p)| (r.to_owned(), p.to_owned()))
        .collect();
    let mut rd = csv::Reader::from_path(dir.join("people.csv")).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (rec, given, surname, postcode, dob, ni) = (
        col("rec_id"),
        col("given_name"),
        col("surname"),
        col("postcode"),
        col("date_of_birth"),
        col("soc_sec_id"),
    );
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            let f = |i: usize| r.get(i).unwrap_or_default().trim().to_string();
            Record {
                person: truth.get(&f(rec)).cloned().unwrap_or_default(),
                rec: f(rec),
                given: f(given),
                surname: f(surname),
                postcode: f(postcode),
                born: f(dob).get(..4).and_then(|y| y.parse().ok()),
                ni: f(ni),
            }
        })
        .collect()
}

fn person_id(r: &Record) -> String {
    clearstone_model::entity_id("people", "person", &[&r.rec])
}

fn home_id(r: &Record) -> String {
    clearstone_model::entity_id("people", "home", &[&r.rec])
}

/// One letter changed, where a fuzzy match of one or two edits still finds it.
fn typo(s: &str, k: usize) -> Option<String> {
    let mut cs: Vec<char> = s.chars().collect();
    if cs.len() < 4 {
        return None;
    }
    let i = 1 + k % (cs.len() - 2);
    cs[i] = if cs[i] == 'e' { 'a' } else { 'e' };
    Some(cs.into_iter().collect())
}

/// Another spelling of `s` that sounds the same (same primary Double
/// Metaphone code): Smyth for Smith, Philips for Phillips.
fn sound_alike(s: &str) -> Option<String> {
    const REWRITES: &[(&str, &str)] = &[
        ("ph", "f"),
        ("f", "ph"),
        ("i", "y"),
        ("y", "i"),
        ("ll", "l"),
        ("l", "ll"),
        ("tt", "t"),
        ("nn", "n"),
        ("ss", "s"),
        ("ck", "k"),
        ("c", "k"),
        ("k", "c"),
        ("ey", "ie"),
        ("ie", "ey"),
        ("s", "z"),
        ("ou", "ow"),
        ("ow", "ou"),
        ("ae", "ay"),
        ("ay", "ae"),
        ("e", "a"),
        ("a", "e"),
    ];
    let lower = s.to_lowercase();
    let code = double_metaphone(&lower).0;
    for (from, to) in REWRITES {
        // Not the first letter: people rarely mishear that.
        if let Some(at) = lower.get(1..).and_then(|t| t.find(from)) {
            let at = at + 1;
            let v = format!("{}{to}{}", &lower[..at], &lower[at + from.len()..]);
            if v != lower && double_metaphone(&v).0 == code {
                return Some(v);
            }
        }
    }
    None
}

/// Up to `want` queries of one kind from seeded random records.
fn queries(
    records: &[Record],
    want: usize,
    salt: u64,
    f: &dyn Fn(&Record, usize) -> Option<String>,
) -> Vec<String> {
    let mut out = Vec::with_capacity(want);
    let mut k = 0u64;
    while out.len() < want && k < want as u64 * 20 {
        let r = &records[(mix(k ^ (salt << 40)) % records.len() as u64) as usize];
        if let Some(q) = f(r, k as usize) {
            out.push(q);
        }
        k += 1;
    }
    out
}

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    n: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(times: &[Duration]) -> Stats {
    let mut t = times.to_vec();
    t.sort_unstable();
    if t.is_empty() {
        return Stats::default();
    }
    // Nearest rank.
    let at = |p: f64| t[((t.len() as f64 * p).ceil() as usize).clamp(1, t.len()) - 1];
    Stats {
        n: t.len(),
        p50: at(0.50),
        p99: at(0.99),
        max: t[t.len() - 1],
    }
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1e3;
    if m < 10.0 {
        format!("{m:.2}")
    } else {
        format!("{m:.1}")
    }
}

/// The map from record to cluster that the engine groups hits by, read
/// straight from the store: the raw path groups as the engine does.
fn cluster_map(db: &Path) -> Arc<Clusters> {
    let store = clearstone_store::SqliteStore::open_reader(db).unwrap();
    let mut map = Clusters::empty();
    let mut first: HashMap<String, u32> = HashMap::new();
    store
        .for_each_canonical(&mut |entity, canonical| {
            let place = u32::try_from(map.len()).unwrap();
            let key = *first.entry(canonical.to_owned()).or_insert(place);
            map.push(entity, key).unwrap();
            Ok(())
        })
        .unwrap();
    Arc::new(map)
}

/// Times of one kind of query on both paths, run alternately query by query.
struct Measured {
    kind: &'static str,
    gate: Vec<Duration>,
    raw: Vec<Duration>,
    totals: u64,
}

fn measure(
    kind: &'static str,
    qs: &[String],
    s: &Session<'_>,
    index: &SearchIndex,
    visible: &Visible,
    clusters: &Arc<Clusters>,
) -> Measured {
    let mut m = Measured {
        kind,
        gate: Vec::with_capacity(qs.len()),
        raw: Vec::with_capacity(qs.len()),
        totals: 0,
    };
    for (i, q) in qs.iter().enumerate() {
        let run_raw = |m: &mut Measured| {
            let t = Instant::now();
            let parsed = Query::parse(q).unwrap();
            let r = index
                .search_clustered(&parsed, visible, PAGE, clusters)
                .unwrap();
            m.raw.push(t.elapsed());
            r
        };
        let run_gate = |m: &mut Measured| {
            let t = Instant::now();
            let r = s.search(q, PAGE).unwrap();
            m.gate.push(t.elapsed());
            r
        };
        // Alternate which goes first, so neither always meets a warm cache.
        let (g, r) = if i % 2 == 0 {
            let r = run_raw(&mut m);
            (run_gate(&mut m), r)
        } else {
            let g = run_gate(&mut m);
            (g, run_raw(&mut m))
        };
        assert_eq!(g.total, r.total, "{q}: the gate and the index disagree");
        m.totals += r.total;
    }
    m
}

fn print_header() {
    println!(
        "| {:<34} | {:>5} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:>9} | {:>10} |",
        "kind",
        "n",
        "gate p50",
        "gate p99",
        "gate max",
        "raw p50",
        "raw p99",
        "raw max",
        "p99 ratio",
        "mean total"
    );
    println!(
        "|{}|{}:|{}:|{}:|{}:|{}:|{}:|{}:|{}:|{}:|",
        "-".repeat(36),
        "-".repeat(6),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(10),
        "-".repeat(11)
    );
}

fn print_row(kind: &str, gate: &[Duration], raw: &[Duration], totals: u64) {
    let (g, r) = (stats(gate), stats(raw));
    println!(
        "| {:<34} | {:>5} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:>9} | {:>10} |",
        kind,
        g.n,
        ms(g.p50),
        ms(g.p99),
        ms(g.max),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
        format!("{:.2}", g.p99.as_secs_f64() / r.p99.as_secs_f64().max(1e-9)),
        thousands(totals / g.n.max(1) as u64)
    );
}

fn print_one(what: &str, t: &[Duration]) {
    let s = stats(t);
    println!(
        "| {:<64} | {:>5} | {:>8} | {:>8} | {:>8} |",
        what,
        s.n,
        ms(s.p50),
        ms(s.p99),
        ms(s.max)
    );
}

fn print_one_header() {
    println!(
        "| {:<64} | {:>5} | {:>8} | {:>8} | {:>8} |",
        "", "n", "p50", "p99", "max"
    );
    println!(
        "|{}|{}:|{}:|{}:|{}:|",
        "-".repeat(66),
        "-".repeat(6),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(9)
    );
}

fn median(v: &mut [usize]) -> usize {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn main() {
    let n = env_usize("CLEARSTONE_BENCH_PEOPLE", 1_000_000);
    let per_kind = env_usize("CLEARSTONE_BENCH_QUERIES", 300);
    let tmp = tempfile::tempdir().unwrap();
    let root: PathBuf = std::env::var_os("CLEARSTONE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    println!(
        "{} people records, {per_kind} queries of each kind, {} cores",
        thousands(n as u64),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let e = setup(&root, n);
    let data = root.join("data");

    let records = read_records(&root);
    let common: Vec<String> = {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for r in &records {
            if !r.surname.is_empty() {
                *count.entry(r.surname.as_str()).or_default() += 1;
            }
        }
        let mut v: Vec<(&str, usize)> = count.into_iter().collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter()
            .take(10)
            .map(|(s, _)| s.to_lowercase())
            .collect()
    };

    // The limit: the index on its own, seeing every shape the engine wrote.
    let shapes = std::fs::read_to_string(data.join("index/shapes.tsv")).unwrap();
    let visible = Visible::new(shapes.lines().filter_map(|l| {
        l.split('\t')
            .next()
            .and_then(|h| u64::from_str_radix(h, 16).ok())
    }));
    let index = SearchIndex::open(&data.join("index/tantivy")).unwrap();
    let clusters = cluster_map(&data.join("clearstone.db"));
    println!(
        "index: {} documents in {} segments, {} shapes",
        thousands(index.doc_count().unwrap()),
        index.segment_count(),
        visible.len()
    );

    let named = |r: &Record| !r.given.is_empty() && !r.surname.is_empty();
    let mix_kinds: Vec<(&'static str, Vec<String>)> = vec![
        (
            "exact name",
            queries(&records, per_kind, 1, &|r, _| {
                named(r).then(|| format!("{} {}", r.given, r.surname))
            }),
        ),
        (
            "fuzzy name (surname one typo)",
            queries(&records, per_kind, 2, &|r, k| {
                if !named(r) {
                    return None;
                }
                typo(&r.surname, k).map(|s| format!("{} {s}", r.given))
            }),
        ),
        (
            "nickname",
            queries(&records, per_kind, 3, &|r, k| {
                if !named(r) {
                    return None;
                }
                let v = nickname::variants(&r.given);
                v.get(k % v.len().max(1))
                    .map(|nick| format!("{nick} {}", r.surname))
            }),
        ),
        (
            "phonetic surname",
            queries(&records, per_kind, 4, &|r, _| {
                if !named(r) {
                    return None;
                }
                sound_alike(&r.surname).map(|s| format!("{} {s}", r.given))
            }),
        ),
        (
            "identifier (id:NI number)",
            queries(&records, per_kind, 5, &|r, _| {
                (!r.ni.is_empty()).then(|| format!("id:{}", r.ni))
            }),
        ),
        (
            "surname born:range type:person",
            queries(&records, per_kind, 6, &|r, _| {
                let y = r.born?;
                (!r.surname.is_empty())
                    .then(|| format!("{} born:{}..{} type:person", r.surname, y - 5, y + 5))
            }),
        ),
        (
            "dataset:people + name",
            queries(&records, per_kind, 7, &|r, _| {
                named(r).then(|| format!("dataset:people {} {}", r.given, r.surname))
            }),
        ),
    ];
    let broad: Vec<(&'static str, Vec<String>)> = vec![(
        "common surname alone (not in mix)",
        (0..per_kind.min(50))
            .map(|k| common[k % common.len().max(1)].clone())
            .collect(),
    )];
    // Certain misses: no NI number starts QQ.
    let misses: Vec<String> = (0..per_kind).map(|k| format!("id:QQ{k:06}A")).collect();

    let ana = e.session(req("ana")).unwrap();
    // Warm-up: every query once on the index, a slice of each through the gate.
    let t = Instant::now();
    for (_, qs) in mix_kinds.iter().chain(&broad) {
        for q in qs {
            index
                .search_clustered(&Query::parse(q).unwrap(), &visible, PAGE, &clusters)
                .unwrap();
        }
        for q in qs.iter().take(30) {
            ana.search(q, PAGE).unwrap();
        }
    }
    println!("warm-up: {}", secs(t.elapsed()));

    let measured: Vec<Measured> = mix_kinds
        .iter()
        .map(|(kind, qs)| measure(kind, qs, &ana, &index, &visible, &clusters))
        .collect();
    let broad_measured: Vec<Measured> = broad
        .iter()
        .map(|(kind, qs)| measure(kind, qs, &ana, &index, &visible, &clusters))
        .collect();
    let miss = measure(
        "no hit (id: nobody has)",
        &misses,
        &ana,
        &index,
        &visible,
        &clusters,
    );

    // Where the gate's time goes, through what the session offers: a query
    // that does not parse costs its event alone (no visibility, no search).
    let mut event_only = Vec::with_capacity(per_kind);
    for k in 0..per_kind {
        let q = format!("name:\"unclosed {k}");
        let t = Instant::now();
        let r = ana.search(&q, PAGE);
        event_only.push(t.elapsed());
        assert!(matches!(r, Err(EngineError::InvalidInput(_))));
    }
    // A fresh session per search, as a stateless request would have.
    let mut open_only = Vec::new();
    let mut fresh = Vec::new();
    for (_, qs) in &mix_kinds {
        for q in qs.iter().take(per_kind / 3) {
            let t = Instant::now();
            let s = e.session(req("ana")).unwrap();
            let opened = t.elapsed();
            s.search(q, PAGE).unwrap();
            drop(s);
            fresh.push(t.elapsed());
            open_only.push(opened);
        }
    }
    // Signing the pending events: the log is locked meanwhile, so an event
    // appended then (and the search appending it) waits. The engine does it
    // on its own thread about once a second; here it is asked for.
    let mut signing = Vec::new();
    for k in 0..30 {
        for q in mix_kinds[k % mix_kinds.len()].1.iter().take(20) {
            ana.search(q, PAGE).unwrap();
        }
        let t = Instant::now();
        e.flush_log().unwrap();
        signing.push(t.elapsed());
    }
    let mut diffs: Vec<Duration> = Vec::new();
    for m in &measured {
        for (g, r) in m.gate.iter().zip(&m.raw) {
            diffs.push(g.saturating_sub(*r));
        }
    }

    println!();
    println!(
        "search, page of 20, one session for every search (times in ms; gate = Session::search, raw = SearchIndex::search on the same index):"
    );
    println!();
    print_header();
    let (mut all_g, mut all_r, mut all_t) = (Vec::new(), Vec::new(), 0u64);
    for m in &measured {
        print_row(m.kind, &m.gate, &m.raw, m.totals);
        all_g.extend_from_slice(&m.gate);
        all_r.extend_from_slice(&m.raw);
        all_t += m.totals;
    }
    print_row("all of the mix", &all_g, &all_r, all_t);
    for m in broad_measured.iter().chain([&miss]) {
        print_row(m.kind, &m.gate, &m.raw, m.totals);
    }
    println!();
    println!("where the gate's time goes (ms):");
    println!();
    print_one_header();
    print_one(
        "gate minus raw, same query, paired (all of the mix)",
        &diffs,
    );
    print_one(
        "a query that does not parse: its audit event alone",
        &event_only,
    );
    let miss_diffs: Vec<Duration> = miss
        .gate
        .iter()
        .zip(&miss.raw)
        .map(|(g, r)| g.saturating_sub(*r))
        .collect();
    print_one(
        "no hit: gate minus raw, paired (visibility, query text, event)",
        &miss_diffs,
    );
    print_one(
        "signing the events of 20 searches (the log is locked meanwhile)",
        &signing,
    );
    print_one("opening a session", &open_only);
    print_one("fresh session per search: open + search", &fresh);

    // Link analysis through the gate.
    println!();
    graph(&ana, &records);
    drop(ana);
    println!();
    println!("peak RSS of the graph questions: {}", peak_rss());
}

/// Which limits cut answers short, and how often: `12 (nodes_max)`.
fn cut_short(cut: &[Vec<String>]) -> String {
    let mut by: Vec<(String, usize)> = Vec::new();
    for names in cut {
        for n in names {
            match by.iter_mut().find(|(m, _)| m == n) {
                Some((_, c)) => *c += 1,
                None => by.push((n.clone(), 1)),
            }
        }
    }
    let cut_n = cut.iter().filter(|c| !c.is_empty()).count();
    if by.is_empty() {
        return "0".into();
    }
    let names: Vec<String> = by.iter().map(|(n, c)| format!("{n} {c}")).collect();
    format!("{cut_n} ({})", names.join(", "))
}

fn graph_row(what: &str, t: &[Duration], answer: &str, cut: &[Vec<String>]) {
    let st = stats(t);
    println!(
        "| {:<56} | {:>5} | {:>8} | {:>8} | {:>8} | {:>26} | {:>20} |",
        what,
        st.n,
        ms(st.p50),
        ms(st.p99),
        ms(st.max),
        answer,
        cut_short(cut)
    );
}

fn graph(s: &Session<'_>, records: &[Record]) {
    let sample = |k: usize, salt: u64| {
        &records[(mix(k as u64 ^ (salt << 40)) % records.len() as u64) as usize]
    };
    let limits = graph_limits();
    // The first question builds the graph from the index.
    let t = Instant::now();
    let mut first = None;
    for k in 0..100 {
        match s.graph_neighbours(&person_id(sample(k, 10))) {
            Ok(_) => {
                first = Some(t.elapsed());
                break;
            }
            Err(EngineError::NotFound(_)) => continue,
            Err(err) => {
                println!("graph: not measured: the engine's graph queries fail here ({err})");
                return;
            }
        }
    }
    let Some(build) = first else {
        println!("graph: not measured: no sampled record is a node");
        return;
    };
    println!(
        "graph built from the index by the first graph question: {} (peak RSS of the searches and the build: {})",
        secs(build),
        peak_rss()
    );
    reset_peak_rss();
    println!();
    println!("link analysis through the gate (ms; each answer is one logged event):");
    println!();
    println!(
        "| {:<56} | {:>5} | {:>8} | {:>8} | {:>8} | {:>26} | {:>20} |",
        "question", "n", "p50", "p99", "max", "answer (median)", "cut short"
    );
    println!(
        "|{}|{}:|{}:|{}:|{}:|{}:|{}:|",
        "-".repeat(58),
        "-".repeat(6),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(9),
        "-".repeat(27),
        "-".repeat(21)
    );

    let expand = |what: &str, ids: &dyn Fn(usize) -> String, hops: u32| {
        let (mut t, mut nodes, mut cut) = (Vec::new(), Vec::new(), Vec::new());
        let mut k = 0;
        while t.len() < GRAPH_QUERIES && k < GRAPH_QUERIES * 3 {
            let id = ids(k);
            k += 1;
            let start = Instant::now();
            match s.graph_expand(&id, hops, &[], None, &limits) {
                Ok(net) => {
                    t.push(start.elapsed());
                    nodes.push(net.nodes.len());
                    cut.push(net.truncated);
                }
                // A record whose date did not parse waits in quarantine.
                Err(EngineError::NotFound(_)) => {}
                Err(err) => panic!("{id}: {err}"),
            }
        }
        let answer = format!("{} nodes", thousands(median(&mut nodes) as u64));
        graph_row(what, &t, &answer, &cut);
    };
    expand(
        "expand 3 hops from a person",
        &|k| person_id(sample(k, 11)),
        3,
    );
    expand(
        "expand 3 hops from a home (reaches its town)",
        &|k| home_id(sample(k, 12)),
        3,
    );

    // People at one postcode are four references apart (person, home,
    // unit, home, person); random pairs mostly are not.
    let mut by_postcode: HashMap<&str, Vec<&Record>> = HashMap::new();
    for r in records {
        if !r.postcode.is_empty() {
            by_postcode.entry(r.postcode.as_str()).or_default().push(r);
        }
    }
    let paths = |what: &str, pair: &dyn Fn(usize) -> Option<(String, String)>| {
        let (mut t, mut found, mut cut) = (Vec::new(), Vec::new(), Vec::new());
        let mut k = 0;
        while t.len() < GRAPH_QUERIES && k < GRAPH_QUERIES * 5 {
            let p = pair(k);
            k += 1;
            let Some((a, b)) = p else { continue };
            let start = Instant::now();
            match s.graph_paths(&a, &b, 4) {
                Ok(c) => {
                    t.push(start.elapsed());
                    found.push(c.paths.len());
                    cut.push(c.truncated);
                }
                Err(EngineError::NotFound(_)) => {}
                Err(err) => panic!("{a} {b}: {err}"),
            }
        }
        let with = found.iter().filter(|f| **f > 0).count();
        let answer = format!(
            "{} paths, {with}/{} linked",
            median(&mut found),
            found.len()
        );
        graph_row(what, &t, &answer, &cut);
    };
    paths(
        "paths of at most 4 hops, two people at one postcode",
        &|k| {
            let a = sample(k, 13);
            let others = by_postcode.get(a.postcode.as_str())?;
            let b = others
                .iter()
                .filter(|o| o.person != a.person)
                .nth(k % others.len().max(1))
                .or_else(|| others.iter().find(|o| o.person != a.person))?;
            Some((person_id(a), person_id(b)))
        },
    );
    paths("paths of at most 4 hops, two random people", &|k| {
        Some((person_id(sample(k, 14)), person_id(sample(k, 15))))
    });
}
