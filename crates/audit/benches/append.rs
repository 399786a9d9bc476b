//! Durable appends per second, integrate latency and inclusion proofs at 10M
//! entries, timed with std::time. Run with `cargo bench -p clearstone-audit`.
//! `CLEARSTONE_BENCH_LEAVES` sets the size of the proof log (default 10M) and
//! `CLEARSTONE_BENCH_DIR` where logs are written (default the temp dir, which
//! must be on a real disk for the fsync numbers to mean anything). Under
//! `cargo test --benches` it only prints a note.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clearstone_audit::merkle::{Receipt, VerifierKey, leaf_hash, verify_inclusion};
use clearstone_audit::{AuditLog, BatchPolicy};

const ORIGIN: &str = "bench.clearstone/audit";
/// How long the throughput runs last.
const RUN: Duration = Duration::from_secs(5);
/// Building the proof log stops here and measures at the size reached.
const BUILD_BUDGET: Duration = Duration::from_secs(240);
const PROOF_SAMPLES: u64 = 20_000;

/// An event-sized entry (a canonical s.62 event is a few hundred bytes).
fn event(index: u64) -> Vec<u8> {
    let mut bytes = format!(
        "{{\"v\":1,\"seq\":{index},\"at\":\"2026-11-05T10:00:00Z\",\"principal\":\"pc-4471\",\
         \"purpose\":\"investigation\",\"op\":\"read\",\"subject\":\"hmac:"
    )
    .into_bytes();
    bytes.extend(
        format!(
            "{:064x}",
            u128::from(index).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        )
        .bytes(),
    );
    bytes.extend_from_slice(b"\",\"justification\":\"sha256:");
    bytes.extend(format!("{:064x}", index).bytes());
    bytes.extend_from_slice(b"\"}");
    bytes
}

fn sample(i: u64, size: u64) -> u64 {
    i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % size
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn per(elapsed: Duration, count: u64) -> String {
    format!(
        "{:.2} µs",
        elapsed.as_secs_f64() * 1e6 / count.max(1) as f64
    )
}

fn fresh(base: &Path, name: &str) -> (PathBuf, AuditLog) {
    let root = base.join(name);
    let _ = std::fs::remove_dir_all(&root);
    let log = AuditLog::create(&root.join("audit"), &root.join("log.key"), ORIGIN).unwrap();
    (root, log)
}

/// Appends for `RUN`, integrating as the policy says; every entry counted is
/// durable (integrated and signed) when the clock stops.
fn throughput(base: &Path, name: &str, policy: BatchPolicy) {
    let (root, mut log) = fresh(base, name);
    log.set_batch_policy(policy);
    let mut latencies = Vec::new();
    let start = Instant::now();
    let mut index = 0u64;
    while start.elapsed() < RUN {
        log.append(&event(index)).unwrap();
        index += 1;
        if log.integrate_due() {
            let t = Instant::now();
            log.integrate().unwrap();
            latencies.push(t.elapsed());
        }
    }
    let t = Instant::now();
    log.integrate().unwrap();
    latencies.push(t.elapsed());
    let elapsed = start.elapsed();
    assert_eq!(log.size(), index);
    latencies.sort();
    println!(
        "{name:<28} {:>9.0} durable appends/s  ({index} entries of ~{} B in {elapsed:.2?}, {} integrations)",
        index as f64 / elapsed.as_secs_f64(),
        event(index).len(),
        latencies.len()
    );
    println!(
        "{:<28} integrate p50 {:.2?}  p99 {:.2?}  max {:.2?}",
        "",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
    drop(log);
    std::fs::remove_dir_all(root).unwrap();
}

fn proofs(base: &Path, target: u64) {
    let (root, mut log) = fresh(base, "proofs");
    log.set_batch_policy(BatchPolicy {
        entries: 65_536,
        age: Duration::from_secs(3600),
    });
    let start = Instant::now();
    let mut index = 0u64;
    while index < target && start.elapsed() < BUILD_BUDGET {
        log.append(&index.to_be_bytes()).unwrap();
        index += 1;
        log.maybe_integrate().unwrap();
    }
    log.integrate().unwrap();
    let size = log.size();
    let built = start.elapsed();
    if size < target {
        println!("proof log: stopped at {size} of {target} entries after {built:.2?} (budget)");
    }
    println!(
        "proof log: {size} entries of 8 B built in {built:.2?} ({:.0} appends/s, 65536 per integration)",
        size as f64 / built.as_secs_f64()
    );
    let key = VerifierKey::parse(&log.verifier_key()).unwrap();
    let tree_root = log.root();

    // Reopen so the tile cache starts cold, as it would for an overseer's
    // request after a restart.
    drop(log);
    let t = Instant::now();
    let log = AuditLog::open(&root.join("audit"), &root.join("log.key")).unwrap();
    println!("open (recover edge)         {:.2?}", t.elapsed());

    let t = Instant::now();
    let proofs: Vec<(u64, Vec<_>)> = (0..PROOF_SAMPLES)
        .map(|i| {
            let index = sample(i, size);
            (index, log.inclusion_proof(index).unwrap())
        })
        .collect();
    println!(
        "inclusion prove (random)    {} per proof ({} hashes; cache of {} tiles, mostly missing)",
        per(t.elapsed(), PROOF_SAMPLES),
        proofs[0].1.len(),
        clearstone_audit::TILE_CACHE_TILES_MAX
    );

    let t = Instant::now();
    for i in 0..PROOF_SAMPLES {
        black_box(log.inclusion_proof(size - 1 - (i % 512)).unwrap());
    }
    println!(
        "inclusion prove (recent)    {} per proof (the last 512 entries, cached)",
        per(t.elapsed(), PROOF_SAMPLES)
    );

    let t = Instant::now();
    for (index, proof) in &proofs {
        let leaf = leaf_hash(&index.to_be_bytes());
        verify_inclusion(&leaf, *index, size, proof, &tree_root).unwrap();
    }
    println!(
        "inclusion verify            {} per proof",
        per(t.elapsed(), PROOF_SAMPLES)
    );

    let receipts = 2_000;
    let t = Instant::now();
    let texts: Vec<(u64, String)> = (0..receipts)
        .map(|i| {
            let index = sample(i + PROOF_SAMPLES, size);
            (index, log.receipt(index).unwrap())
        })
        .collect();
    println!(
        "receipt make                {} per receipt",
        per(t.elapsed(), receipts)
    );
    let t = Instant::now();
    for (index, text) in &texts {
        let receipt = Receipt::parse(text.as_bytes()).unwrap();
        let leaf = leaf_hash(&index.to_be_bytes());
        receipt.verify(&leaf, ORIGIN, &key, &[]).unwrap();
    }
    println!(
        "receipt verify              {} per receipt (parse, Ed25519 checkpoint signature, proof)",
        per(t.elapsed(), receipts)
    );
    drop(log);
    std::fs::remove_dir_all(root).unwrap();
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("append bench: skipped outside `cargo bench`");
        return;
    }
    let base = std::env::var_os("CLEARSTONE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("clearstone-audit-bench-{}", std::process::id()));
    std::fs::create_dir_all(&base).unwrap();
    let target: u64 = std::env::var("CLEARSTONE_BENCH_LEAVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);

    throughput(&base, "batch 1024 or 1 s", BatchPolicy::default());
    throughput(
        &base,
        "integrate every append",
        BatchPolicy {
            entries: 1,
            age: Duration::ZERO,
        },
    );
    proofs(&base, target);
    std::fs::remove_dir_all(&base).unwrap();
}
