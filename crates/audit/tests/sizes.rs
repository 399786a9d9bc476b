//! Every tree size across tile boundaries, integrated in random batches,
//! against the in-memory model tree: roots, tiles (fsck), bundles, proofs and
//! recovery on reopen.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_audit::AuditLog;
use clearstone_audit::merkle::{
    Hash, MemoryTree, empty_root, inclusion_proof, leaf_hash, verify_consistency, verify_inclusion,
};
use common::{Rng, check_dir, check_tree, entry, new_log, read_checkpoint};

/// Grows a log to `target` entries in batches of `1..=batch_max`, checking
/// everything after each integration; reopens the log now and then.
fn grow(seed: u64, target: u64, batch_max: u64) {
    let (t, mut log) = new_log();
    let vkey = log.verifier_key();
    let mut rng = Rng::new(seed);
    let mut model = MemoryTree::new();
    let (mut old_size, mut old_root): (u64, Hash) = (0, empty_root());
    while log.size() < target {
        let batch = rng.range(1, batch_max).min(target - log.size());
        for _ in 0..batch {
            let index = log.size() + log.pending() as u64;
            assert_eq!(log.append(&entry(index)).unwrap(), index);
            model.push(leaf_hash(&entry(index)));
        }
        let done = log.integrate().unwrap();
        let size = done.size;
        assert_eq!(size, model.size());
        assert_eq!(done.root, model.root(), "seed {seed}, size {size}");
        let checkpoint = read_checkpoint(&t.dir);
        assert_eq!((checkpoint.size(), *checkpoint.root()), (size, done.root));
        check_tree(&t.dir, &checkpoint).unwrap();

        if old_size > 0 {
            let proof = log.consistency_proof(old_size).unwrap();
            verify_consistency(old_size, size, &old_root, &done.root, &proof).unwrap();
        }
        let index = rng.range(0, size - 1);
        let proof = log.inclusion_proof(index).unwrap();
        assert_eq!(proof, inclusion_proof(&model, index, size).unwrap());
        verify_inclusion(&leaf_hash(&entry(index)), index, size, &proof, &done.root).unwrap();
        assert_eq!(log.entry(index).unwrap(), entry(index));

        if rng.range(0, 24) == 0 {
            drop(log);
            log = AuditLog::open(&t.dir, &t.key).unwrap();
            assert_eq!((log.size(), log.root()), (size, done.root));
            check_dir(&t.dir, &vkey).unwrap();
        }
        (old_size, old_root) = (size, done.root);
    }
    let all: Vec<_> = log
        .entries(0..target)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(all.len() as u64, target);
    assert!(all.iter().all(|(i, bytes)| *bytes == entry(*i)));
}

#[test]
fn every_size_to_600_one_at_a_time() {
    grow(1, 600, 1);
}

#[test]
fn sizes_to_600_in_small_random_batches() {
    grow(2, 600, 9);
    grow(3, 600, 70);
}

#[test]
fn sizes_to_600_in_large_random_batches() {
    grow(4, 600, 300);
    grow(5, 600, 600);
}

/// 70,000 entries reach tile level 2: 273 full level-0 tiles and `.p/112`,
/// one full level-1 tile and `.p/17`, and level 2 `.p/1` (the tlog-tiles
/// example).
#[test]
fn seventy_thousand_entries_reach_level_two() {
    let (t, mut log) = new_log();
    let mut model = MemoryTree::new();
    for (start, end) in [(0, 65_535), (65_535, 65_537), (65_537, 70_000)] {
        for index in start..end {
            log.append(&index.to_string().into_bytes()).unwrap();
            model.push(leaf_hash(index.to_string().as_bytes()));
        }
        assert_eq!(log.integrate().unwrap().root, model.root());
    }
    assert!(t.dir.join("tile/0/273.p/112").is_file());
    assert!(t.dir.join("tile/1/000").is_file());
    assert!(t.dir.join("tile/1/001.p/17").is_file());
    assert!(t.dir.join("tile/2/000.p/1").is_file());
    assert!(t.dir.join("tile/entries/273.p/112").is_file());
    check_dir(&t.dir, &log.verifier_key()).unwrap();
    let root = log.root();
    drop(log);
    let log = AuditLog::open(&t.dir, &t.key).unwrap();
    assert_eq!(log.root(), root);
    for index in [0, 65_535, 65_536, 69_999] {
        let proof = log.inclusion_proof(index).unwrap();
        assert_eq!(proof, inclusion_proof(&model, index, 70_000).unwrap());
    }
}
