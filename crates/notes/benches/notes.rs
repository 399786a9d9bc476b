//! Case notes on one core: extraction throughput (notes/s and MB/s) over
//! generated notes, a 200-note chronology's and summary's latency, and the
//! citation gate's rejection rate per kind of planted fault and pass rate
//! for faithful paraphrases; and WordNet's load time and memory.
//!
//! cargo bench -p clearstone-notes --bench notes
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use clearstone_notes::{
    EntityDetector, ExtractiveSummariser, RuleDetector, Summariser, chronology, citation_gate,
    special_spans,
};
use support::gate_corpus::{self, Kind};
use support::notes_corpus::case;

const CASES: u64 = 3_000;
const NOTES_PER_CASE: usize = 10;
const CHRONOLOGY_NOTES: usize = 200;
const ROUNDS: u32 = 20;
const GATE_PER_KIND: usize = 500;

/// Time this thread has run on a CPU, from Linux's schedstat: the machine
/// is shared, and wall time would count the time others held the core.
/// Falls back to wall time elsewhere.
struct Clock {
    wall: Instant,
    cpu_ns: Option<u64>,
}

fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu_ns: cpu_ns(),
        }
    }

    /// Seconds on the CPU (or of wall time), and of wall time.
    fn secs(&self) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        match (self.cpu_ns, cpu_ns()) {
            (Some(a), Some(b)) => (b.saturating_sub(a) as f64 / 1e9, wall),
            _ => (wall, wall),
        }
    }
}

/// This process's resident memory, from Linux's /proc (0 elsewhere).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    // WordNet is read once, on the first word the gate or the summariser
    // reads through it; load it first so its cost is measured alone and
    // the gate's time below is per sentence only.
    let rss = rss_kib();
    let start = Clock::start();
    let wordnet = clearstone_notes::wordnet::status();
    let (secs, wall) = start.secs();
    println!(
        "wordnet: {wordnet:?}, loaded in {:.0} ms on the CPU ({:.0} ms wall), {} MiB resident",
        secs * 1e3,
        wall * 1e3,
        rss_kib().saturating_sub(rss) / 1024
    );

    let cases: Vec<_> = (0..CASES).map(|s| case(s, NOTES_PER_CASE)).collect();
    let notes: usize = cases.iter().map(|c| c.notes.len()).sum();
    let bytes: usize = cases
        .iter()
        .flat_map(|c| &c.notes)
        .map(|(n, _)| n.text.len())
        .sum();
    let detector = RuleDetector::new();

    let start = Clock::start();
    let mut mentions = 0;
    for c in &cases {
        for (note, _) in &c.notes {
            mentions += black_box(detector.detect(note, &c.known)).len();
        }
    }
    let (secs, wall) = start.secs();
    println!(
        "extraction: {notes} notes, {:.1} MB, {mentions} mentions in {secs:.2} s on the CPU ({wall:.2} s wall): {:.0} notes/s, {:.2} MB/s",
        bytes as f64 / 1e6,
        notes as f64 / secs,
        bytes as f64 / 1e6 / secs
    );

    let start = Clock::start();
    let mut spans = 0;
    for c in &cases {
        for (note, _) in &c.notes {
            spans += black_box(special_spans(note)).len();
        }
    }
    let (secs, wall) = start.secs();
    println!(
        "special-category spans: {spans} in {secs:.2} s on the CPU ({wall:.2} s wall): {:.0} notes/s, {:.2} MB/s",
        notes as f64 / secs,
        bytes as f64 / 1e6 / secs
    );

    let child = case(7, CHRONOLOGY_NOTES);
    let child_notes: Vec<_> = child.notes.iter().map(|(n, _)| n.clone()).collect();
    let start = Clock::start();
    let mut entries = 0;
    for _ in 0..ROUNDS {
        entries = black_box(chronology(&child_notes, &child.known)).len();
    }
    let (secs, wall) = start.secs();
    println!(
        "chronology of {CHRONOLOGY_NOTES} notes: {entries} entries in {:.1} ms on the CPU ({:.1} ms wall)",
        secs * 1e3 / f64::from(ROUNDS),
        wall * 1e3 / f64::from(ROUNDS)
    );

    let start = Clock::start();
    for _ in 0..ROUNDS {
        black_box(ExtractiveSummariser.summarise(&child_notes, 10).unwrap());
    }
    let (secs, wall) = start.secs();
    println!(
        "extractive summary of {CHRONOLOGY_NOTES} notes, 10 sentences: {:.1} ms on the CPU ({:.1} ms wall)",
        secs * 1e3 / f64::from(ROUNDS),
        wall * 1e3 / f64::from(ROUNDS)
    );

    let mut rates: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    let start = Clock::start();
    let corpus = gate_corpus::corpus(2026, GATE_PER_KIND);
    for c in &corpus {
        let cited: Vec<&str> = c.cited.iter().map(String::as_str).collect();
        let supported = citation_gate(&c.sentence, &cited).is_supported();
        let right = (c.kind == Kind::Faithful) == supported;
        let e = rates.entry(c.kind).or_default();
        e.0 += usize::from(right);
        e.1 += 1;
    }
    let us = start.secs().0 * 1e6 / corpus.len() as f64;
    println!("citation gate ({us:.0} µs a sentence):");
    for (kind, (right, total)) in rates {
        let what = if kind == Kind::Faithful {
            "passed"
        } else {
            "rejected"
        };
        println!(
            "  {kind:?}: {what} {right}/{total} = {:.1}%",
            100.0 * right as f64 / total as f64
        );
    }
}
