//! Build time and query latency at scale. Prints numbers, asserts nothing.
//!
//! `cargo bench -p clearstone-search` indexes 1,000,000 demo people records
//! (`SEARCH_BENCH_DOCS` to change it) in a temporary directory and times
//! exact, fuzzy, filtered, identifier and broad queries. Latency is wall
//! time; the mean time on the CPU (where the system reports it) is what a
//! query costs when the machine is not busy with anything else.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../tests/common/people.rs"]
mod people;

use std::time::{Duration, Instant};

use clearstone_search::{Page, Query, SearchIndex, Visible};

const SHAPES: u64 = 8;
const DATASETS: &[&str] = &["hr", "psd", "council", "nhs"];

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn main() {
    let n: usize = std::env::var("SEARCH_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            20_000
        } else {
            1_000_000
        });
    let per_kind: usize = std::env::var("SEARCH_BENCH_QUERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let tmp = tempfile::tempdir().unwrap();
    // SEARCH_BENCH_DIR keeps the index between runs, to time queries alone.
    let kept = std::env::var_os("SEARCH_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| tmp.path().join("index"));

    let t = Instant::now();
    let records = people::generate(7, n, &tmp.path().join("people"));
    println!("generated {} records in {:.1?}", records.len(), t.elapsed());

    let index = SearchIndex::open(&dir).unwrap();
    if index.doc_count().unwrap() as usize != n {
        let t = Instant::now();
        let mut w = index.writer().unwrap();
        w.delete_all().unwrap();
        for (i, r) in records.iter().enumerate() {
            let h = mix(i as u64);
            let shape = 1 + h % SHAPES;
            let dataset = DATASETS[(h >> 8) as usize % DATASETS.len()];
            w.add(&people::doc(r, true, shape, dataset)).unwrap();
        }
        let added = t.elapsed();
        w.commit().unwrap();
        let built = t.elapsed();
        println!(
            "indexed {n} documents in {built:.1?} ({added:.1?} adding, {:.1?} committing and merging): {:.0} documents/s",
            built - added,
            n as f64 / built.as_secs_f64()
        );
    }
    println!(
        "{} documents in {} segments",
        index.doc_count().unwrap(),
        index.segment_count()
    );

    // Six of eight shapes visible: the per-document visibility check runs.
    let visible = Visible::new((1..=SHAPES).filter(|s| *s != 3 && *s != 6));
    let sample = |k: usize, salt: u64| &records[(mix(k as u64 ^ salt) % n as u64) as usize];
    let kinds: Vec<(&str, Vec<String>)> = vec![
        (
            "exact name",
            (0..per_kind)
                .map(|k| {
                    let r = sample(k, 1);
                    format!("{} {}", r.given, r.surname)
                })
                .collect(),
        ),
        (
            "fuzzy name",
            (0..per_kind)
                .map(|k| {
                    let r = sample(k, 2);
                    format!("{} {}", r.given, typo(&r.surname, k))
                })
                .collect(),
        ),
        (
            "filtered",
            (0..per_kind)
                .map(|k| {
                    let r = sample(k, 3);
                    let year: i32 = r.dob.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1980);
                    format!(
                        "{} type:person dataset:{} born:{}..{}",
                        r.surname,
                        DATASETS[k % DATASETS.len()],
                        year - 5,
                        year + 5
                    )
                })
                .collect(),
        ),
        (
            "identifier",
            (0..per_kind)
                .map(|k| {
                    let r = sample(k, 4);
                    if k % 2 == 0 && !r.ni.is_empty() {
                        format!("id:{}", r.ni)
                    } else {
                        format!("postcode:\"{}\"", r.postcode)
                    }
                })
                .filter(|q| !q.ends_with(":\"\"") && !q.ends_with(':'))
                .collect(),
        ),
        (
            "broad filter",
            (0..per_kind / 25)
                .map(|k| format!("type:person dataset:{}", DATASETS[k % DATASETS.len()]))
                .collect(),
        ),
        (
            "common surname",
            [
                "smith", "jones", "williams", "brown", "taylor", "patel", "khan", "davies",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
    ];
    // SEARCH_BENCH_KINDS=identifier,filtered runs some kinds only.
    let only = std::env::var("SEARCH_BENCH_KINDS").ok();
    for (kind, queries) in &kinds {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|k| kind.starts_with(k)))
        {
            continue;
        }
        let parsed: Vec<Query> = queries
            .iter()
            .filter_map(|q| Query::parse(q).ok())
            .collect();
        let mut times: Vec<Duration> = Vec::with_capacity(parsed.len());
        let mut totals = 0u64;
        let cpu_before = thread_cpu();
        for q in &parsed {
            let t = Instant::now();
            let r = index.search(q, &visible, Page::first(20)).unwrap();
            times.push(t.elapsed());
            totals += r.total;
        }
        let cpu = thread_cpu()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before) / times.len().max(1) as u32);
        times.sort();
        let at = |p: f64| {
            times
                .get(((times.len() as f64 * p) as usize).min(times.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
        println!(
            "{kind:>15}: {} queries, p50 {:.2?}, p99 {:.2?}, max {:.2?}, mean {:.2?} (on the CPU {}), mean total {:.0}",
            times.len(),
            at(0.50),
            at(0.99),
            times.last().copied().unwrap_or_default(),
            mean,
            cpu.map_or("unknown".into(), |c| format!("{c:.2?}")),
            totals as f64 / times.len().max(1) as f64
        );
    }

    let targets: Vec<Vec<String>> = (0..200)
        .map(|k| vec![format!("addr:{}", sample(k, 5).postcode)])
        .collect();
    let t = Instant::now();
    let mut found = 0;
    for tg in &targets {
        found += index.referrers(tg, &visible, 1000).unwrap().len();
    }
    println!(
        "referrers: {} lookups in {:.1?} ({:.2?} each), {found} found",
        targets.len(),
        t.elapsed(),
        t.elapsed() / targets.len() as u32
    );

    let t = Instant::now();
    let mut docs = 0u64;
    let mut refs = 0usize;
    index
        .scan(&mut |d| {
            docs += 1;
            refs += d.refs.len();
        })
        .unwrap();
    println!("scan: {docs} documents, {refs} refs in {:.1?}", t.elapsed());
}

/// Time this thread has spent on a CPU, in clock ticks (so only a mean over
/// many queries means anything): on a busy machine, wall time also counts
/// waiting for a CPU.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which is in brackets and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // The kernel reports these in USER_HZ, 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// One letter changed, where a fuzzy match of one or two edits still finds it.
fn typo(s: &str, k: usize) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    if cs.len() >= 4 {
        let i = 1 + k % (cs.len() - 2);
        cs[i] = if cs[i] == 'e' { 'a' } else { 'e' };
    }
    cs.into_iter().collect()
}
