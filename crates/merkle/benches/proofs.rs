//! Proof generation and verification at 10M leaves, timed with std::time.
//! Run with `cargo bench -p clearstone-merkle`; set `CLEARSTONE_BENCH_LEAVES`
//! for another size. Under `cargo test --benches` it only prints a note,
//! because a debug build would take minutes.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use clearstone_merkle::tile::tiles_for_size;
use clearstone_merkle::{
    Frontier, Hash, HashReader, MemoryTree, Tile, TileHashReader, consistency_proof,
    inclusion_proof, leaf_hash, verify_consistency, verify_inclusion,
};

const SAMPLES: u64 = 100_000;

fn per(elapsed: Duration, count: u64) -> String {
    format!("{:>8.2} µs", elapsed.as_secs_f64() * 1e6 / count as f64)
}

/// Deterministic, spread-out sample indices below `size`.
fn sample(i: u64, size: u64) -> u64 {
    i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % size
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("proofs bench: skipped outside `cargo bench`");
        return;
    }
    let size: u64 = std::env::var("CLEARSTONE_BENCH_LEAVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    println!("tree of {size} leaves, {SAMPLES} samples per line");

    let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_le_bytes())).collect();

    let start = Instant::now();
    let mut frontier = Frontier::new();
    for leaf in &leaves {
        frontier.push(*leaf).unwrap();
    }
    let root = frontier.root();
    let elapsed = start.elapsed();
    println!(
        "frontier append     {} per leaf ({:.2?} total, {} hashes kept)",
        per(elapsed, size),
        elapsed,
        frontier.hashes().len()
    );

    let start = Instant::now();
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    let elapsed = start.elapsed();
    println!(
        "memory tree         {} per leaf ({:.2?} total)",
        per(elapsed, size),
        elapsed
    );
    assert_eq!(tree.root(), root);

    let start = Instant::now();
    let proofs: Vec<(u64, Vec<Hash>)> = (0..SAMPLES)
        .map(|i| {
            let index = sample(i, size);
            (index, inclusion_proof(&tree, index, size).unwrap())
        })
        .collect();
    println!(
        "inclusion prove     {} per proof (memory tree)",
        per(start.elapsed(), SAMPLES)
    );

    let start = Instant::now();
    for (index, proof) in &proofs {
        let leaf = &leaves[*index as usize];
        verify_inclusion(leaf, *index, size, proof, &root).unwrap();
    }
    println!(
        "inclusion verify    {} per proof ({} hashes)",
        per(start.elapsed(), SAMPLES),
        proofs[0].1.len()
    );

    // The tile store's path: every node read fetches a tile and rehashes up
    // to 128 of its hashes; no cache.
    let read_tile = |t: &Tile| {
        (0..u64::from(t.width()))
            .map(|j| tree.read_node(8 * t.level(), 256 * t.index() + j))
            .collect::<Result<Vec<_>, _>>()
    };
    let tiles = TileHashReader::new(size, read_tile);
    let start = Instant::now();
    for i in 0..SAMPLES / 10 {
        let index = sample(i, size);
        black_box(inclusion_proof(&tiles, index, size).unwrap());
    }
    println!(
        "inclusion prove     {} per proof (tiles, uncached)",
        per(start.elapsed(), SAMPLES / 10)
    );

    let start = Instant::now();
    let cproofs: Vec<(u64, Vec<Hash>)> = (0..SAMPLES)
        .map(|i| {
            let old = 1 + sample(i, size - 1);
            (old, consistency_proof(&tree, old, size).unwrap())
        })
        .collect();
    println!(
        "consistency prove   {} per proof (memory tree)",
        per(start.elapsed(), SAMPLES)
    );

    let old_roots: Vec<Hash> = cproofs
        .iter()
        .take(1000)
        .map(|(old, _)| clearstone_merkle::tree_root(&tree, *old).unwrap())
        .collect();
    let start = Instant::now();
    for ((old, proof), old_root) in cproofs.iter().zip(&old_roots) {
        verify_consistency(*old, size, old_root, &root, proof).unwrap();
    }
    println!(
        "consistency verify  {} per proof",
        per(start.elapsed(), old_roots.len() as u64)
    );
    println!("tiles at this size  {}", tiles_for_size(size).count());
}
