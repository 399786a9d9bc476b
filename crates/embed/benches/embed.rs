//! The sentence-embedding model's throughput one sentence at a time, in
//! batches on one thread and in batches on every core, and the exact
//! scan a semantic search makes over the vectors of tens of thousands of
//! notes. Needs the `semantic` feature and the weights in
//! `CLEARSTONE_EMBED_MODEL`:
//!
//! ```text
//! CLEARSTONE_EMBED_MODEL=DIR cargo bench -p clearstone-embed --features semantic --bench embed
//! ```
//!
//! Times are reported on the CPU and on the wall, as the machine may be shared.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Instant;

use clearstone_embed::{Embedder, dot};

const SENTENCES: usize = 300;
/// A county's notes, about six sentences each.
const PASSAGES: usize = 180_000;
const QUERIES: usize = 5;

/// Time this thread has run on a CPU, from Linux's schedstat.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Time the whole process has run on the CPUs, from Linux's stat (in
/// clock ticks, a hundredth of a second), for work spread over threads.
fn process_cpu_s() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = s.rsplit_once(')')?.1;
    let mut f = after.split_whitespace().skip(11);
    let user: u64 = f.next()?.parse().ok()?;
    let system: u64 = f.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

fn timed_all<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (wall, cpu) = (Instant::now(), process_cpu_s());
    let out = f();
    let wall = wall.elapsed().as_secs_f64();
    let cpu = match (cpu, process_cpu_s()) {
        (Some(a), Some(b)) => b - a,
        _ => wall,
    };
    (out, cpu, wall)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (wall, cpu) = (Instant::now(), cpu_ns());
    let out = f();
    let wall = wall.elapsed().as_secs_f64();
    let cpu = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) => b.saturating_sub(a) as f64 / 1e9,
        _ => wall,
    };
    (out, cpu, wall)
}

/// Case-note sentences of the usual lengths, varied so none repeats.
fn sentence(i: usize) -> String {
    const PARTS: &[&str] = &[
        "Home visit completed; Mum was welcoming and the children were seen",
        "The school reported that attendance has dropped this term",
        "Agreed to refer the family to the food bank and to a debt advice service",
        "Strategy discussion held with police, health and education",
        "Dad did not attend the review meeting and gave no reason",
        "Neighbours have reported shouting at the address late at night",
    ];
    let p = PARTS.get(i % PARTS.len()).copied().unwrap_or_default();
    format!("{p} (visit {i}).")
}

fn main() {
    let model = match Embedder::from_env() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("embed bench skipped: {e}");
            return;
        }
    };
    let texts: Vec<String> = (0..SENTENCES).map(sentence).collect();
    let tokens: usize = texts
        .iter()
        .map(|t| model.tokenizer().encode(t).len())
        .sum();
    let each = tokens as f64 / SENTENCES as f64;
    let (_, cpu, wall) = timed(|| texts.iter().map(|t| model.embed(t)).collect::<Vec<_>>());
    println!(
        "embedding one at a time: {SENTENCES} sentences ({each:.1} tokens each) in {cpu:.2} s on the CPU ({wall:.2} s wall): {:.0} sentences/s",
        SENTENCES as f64 / cpu
    );
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (_, cpu, wall) = timed_all(|| one.install(|| model.embed_batch(&refs)));
    println!(
        "embedding in batches on one thread: {SENTENCES} sentences in {cpu:.2} s on the CPU ({wall:.2} s wall): {:.0} sentences/s of CPU",
        SENTENCES as f64 / cpu
    );
    let threads = rayon::current_num_threads();
    let (vectors, cpu, wall) = timed_all(|| model.embed_batch(&refs));
    println!(
        "embedding in batches on {threads} threads: {SENTENCES} sentences in {cpu:.2} s on the CPU ({wall:.2} s wall): {:.0} sentences/s on the wall",
        SENTENCES as f64 / wall
    );
    // The scan: every passage's cosine with the query, then the order.
    let dim = model.dim();
    let stored: Vec<Vec<f32>> = (0..PASSAGES)
        .map(|i| {
            vectors
                .get(i % vectors.len())
                .cloned()
                .unwrap_or_else(|| vec![0.0; dim])
        })
        .collect();
    let (_, cpu, wall) = timed(|| {
        for q in vectors.iter().take(QUERIES) {
            let mut order: Vec<(f32, usize)> = stored
                .iter()
                .enumerate()
                .map(|(i, v)| (dot(q, v), i))
                .collect();
            order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            std::hint::black_box(order.first().copied());
        }
    });
    println!(
        "exact scan of {PASSAGES} passages of {dim} dimensions: {:.1} ms a query on the CPU ({:.1} ms wall)",
        cpu * 1000.0 / QUERIES as f64,
        wall * 1000.0 / QUERIES as f64
    );
}
