//! Every inclusion and consistency proof for trees of up to 300 leaves: built
//! from an in-memory tree, checked against the RFC 6962 recursive definitions
//! (the slow, obvious model), verified, and refused after any mutation.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_merkle::{
    Frontier, Hash, MemoryTree, consistency_proof, empty_root, inclusion_proof, leaf_hash,
    node_hash, root, tree_root, verify_consistency, verify_inclusion,
};

const SIZE_MAX: u64 = 300;

/// RFC 6962 §2.1: MTH, PATH and PROOF, straight from the definitions.
mod model {
    use super::*;

    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    pub fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => d[0],
            n => {
                let k = split(n);
                node_hash(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }

    pub fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
        if d.len() <= 1 {
            return Vec::new();
        }
        let k = split(d.len());
        if m < k {
            let mut p = path(m, &d[..k]);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = path(m - k, &d[k..]);
            p.push(mth(&d[..k]));
            p
        }
    }

    pub fn proof(m: usize, d: &[Hash]) -> Vec<Hash> {
        subproof(m, d, true)
    }

    fn subproof(m: usize, d: &[Hash], whole: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if whole { Vec::new() } else { vec![mth(d)] };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &d[..k], whole);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = subproof(m - k, &d[k..], false);
            p.push(mth(&d[..k]));
            p
        }
    }
}

fn leaves(n: u64) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut bytes = *hash.as_bytes();
    bytes[bit / 8] ^= 1 << (bit % 8);
    Hash::from_bytes(bytes)
}

/// Roots for every size 0..=SIZE_MAX, grown one leaf at a time.
fn roots(leaves: &[Hash]) -> Vec<Hash> {
    let mut frontier = Frontier::new();
    let mut out = vec![frontier.root()];
    for leaf in leaves {
        frontier.push(*leaf).unwrap();
        out.push(frontier.root());
    }
    out
}

/// Proofs with one hash dropped, for each hash, and with a hash added at
/// either end. These fail on length alone, so they are cheap to try.
fn resized(proof: &[Hash]) -> Vec<Vec<Hash>> {
    let mut out = Vec::new();
    for i in 0..proof.len() {
        let mut p = proof.to_vec();
        p.remove(i);
        out.push(p);
    }
    let extra = leaf_hash(b"extra");
    let mut p = proof.to_vec();
    p.push(extra);
    out.push(p);
    let mut p = proof.to_vec();
    p.insert(0, proof.first().copied().unwrap_or(extra));
    out.push(p);
    out
}

/// One single-bit flip per pair: `salt` picks the input (a proof hash, or one
/// of `others` such as the leaf or a root) and the bit, so that across all
/// pairs every position and every bit gets hit. A flip costs a whole
/// verification, and SHA-256 is slow in debug builds, hence one per pair.
fn flip_one(proof: &[Hash], others: &mut [Hash], salt: usize) -> Vec<Hash> {
    let mut proof = proof.to_vec();
    let bit = salt / 7 % 256;
    let i = salt % (proof.len() + others.len());
    match proof.get_mut(i) {
        Some(hash) => *hash = flip(hash, bit),
        None => {
            let other = &mut others[i - proof.len()];
            *other = flip(other, bit);
        }
    }
    proof
}

#[test]
fn memory_tree_roots_match_the_model() {
    let leaves = leaves(SIZE_MAX);
    let roots = roots(&leaves);
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    for n in 0..=SIZE_MAX as usize {
        let want = model::mth(&leaves[..n]);
        assert_eq!(roots[n], want, "frontier root at {n}");
        assert_eq!(root(&leaves[..n]), want, "root() at {n}");
        assert_eq!(
            tree_root(&tree, n as u64).unwrap(),
            want,
            "tree_root at {n}"
        );
        assert_eq!(
            MemoryTree::from_leaf_hashes(leaves[..n].iter().copied()).root(),
            want
        );
    }
}

#[test]
fn proofs_match_the_model() {
    let leaves = leaves(64);
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    for n in 1..=leaves.len() {
        for m in 0..n {
            assert_eq!(
                inclusion_proof(&tree, m as u64, n as u64).unwrap(),
                model::path(m, &leaves[..n]),
                "PATH({m}, {n})"
            );
            if m > 0 {
                assert_eq!(
                    consistency_proof(&tree, m as u64, n as u64).unwrap(),
                    model::proof(m, &leaves[..n]),
                    "PROOF({m}, {n})"
                );
            }
        }
    }
}

#[test]
fn every_inclusion_proof_verifies_and_no_mutation_does() {
    let leaves = leaves(SIZE_MAX);
    let roots = roots(&leaves);
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    let mut refused = 0usize;
    for n in 1..=SIZE_MAX {
        let root = &roots[n as usize];
        for m in 0..n {
            let leaf = &leaves[m as usize];
            let proof = inclusion_proof(&tree, m, n).unwrap();
            assert_eq!(
                verify_inclusion(leaf, m, n, &proof, root),
                Ok(()),
                "({m}, {n})"
            );

            let mut must_fail = |ok: bool, what: &str| {
                assert!(!ok, "inclusion ({m}, {n}) accepted {what}");
                refused += 1;
            };
            for bad in resized(&proof) {
                must_fail(
                    verify_inclusion(leaf, m, n, &bad, root).is_ok(),
                    "a resized proof",
                );
            }
            let mut inputs = [*leaf, *root];
            let bad = flip_one(&proof, &mut inputs, (m * 7 + n * 13) as usize);
            let [bad_leaf, bad_root] = inputs;
            must_fail(
                verify_inclusion(&bad_leaf, m, n, &bad, &bad_root).is_ok(),
                "a flipped bit",
            );
            if m > 0 {
                must_fail(
                    verify_inclusion(leaf, m - 1, n, &proof, root).is_ok(),
                    "index - 1",
                );
            }
            must_fail(
                verify_inclusion(leaf, m + 1, n, &proof, root).is_ok(),
                "index + 1",
            );
            // A proof does not bind the size, the checkpoint does: so a
            // changed size comes with that size's real root.
            if n - 1 > m {
                let r = &roots[n as usize - 1];
                must_fail(
                    verify_inclusion(leaf, m, n - 1, &proof, r).is_ok(),
                    "size - 1",
                );
            }
            if n < SIZE_MAX {
                let r = &roots[n as usize + 1];
                must_fail(
                    verify_inclusion(leaf, m, n + 1, &proof, r).is_ok(),
                    "size + 1",
                );
            }
        }
    }
    assert!(refused > 400_000, "only {refused} mutations tried");
}

#[test]
fn every_consistency_proof_verifies_and_no_mutation_does() {
    let leaves = leaves(SIZE_MAX);
    let roots = roots(&leaves);
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    let mut refused = 0usize;
    for n in 1..=SIZE_MAX {
        let r2 = &roots[n as usize];
        for m in 1..n {
            let r1 = &roots[m as usize];
            let proof = consistency_proof(&tree, m, n).unwrap();
            assert_eq!(
                verify_consistency(m, n, r1, r2, &proof),
                Ok(()),
                "({m}, {n})"
            );
            if m % 16 == 1 {
                assert!(
                    verify_consistency(m, n, r2, r1, &proof).is_err(),
                    "swapped roots"
                );
            }

            let mut must_fail = |ok: bool, what: &str| {
                assert!(!ok, "consistency ({m}, {n}) accepted {what}");
                refused += 1;
            };
            for bad in resized(&proof) {
                must_fail(
                    verify_consistency(m, n, r1, r2, &bad).is_ok(),
                    "a resized proof",
                );
            }
            let mut inputs = [*r1, *r2];
            let bad = flip_one(&proof, &mut inputs, (m * 11 + n * 5) as usize);
            let [bad1, bad2] = inputs;
            must_fail(
                verify_consistency(m, n, &bad1, &bad2, &bad).is_ok(),
                "a flipped bit",
            );
            let (m1, n1) = (m as usize, n as usize);
            must_fail(
                verify_consistency(m - 1, n, &roots[m1 - 1], r2, &proof).is_ok(),
                "size1 - 1",
            );
            must_fail(
                verify_consistency(m + 1, n, &roots[m1 + 1], r2, &proof).is_ok(),
                "size1 + 1",
            );
            if n - 1 > m {
                must_fail(
                    verify_consistency(m, n - 1, r1, &roots[n1 - 1], &proof).is_ok(),
                    "size2 - 1",
                );
            }
            if n < SIZE_MAX {
                must_fail(
                    verify_consistency(m, n + 1, r1, &roots[n1 + 1], &proof).is_ok(),
                    "size2 + 1",
                );
            }
        }
    }
    assert!(refused > 400_000, "only {refused} mutations tried");
}

#[test]
fn every_bit_of_small_proofs_matters() {
    let leaves = leaves(9);
    let roots = roots(&leaves);
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    for n in 2..=9u64 {
        for m in 1..n {
            let proof = inclusion_proof(&tree, m, n).unwrap();
            let cproof = consistency_proof(&tree, m, n).unwrap();
            for i in 0..proof.len() {
                for bit in 0..256 {
                    let mut bad = proof.clone();
                    bad[i] = flip(&bad[i], bit);
                    let leaf = &leaves[m as usize];
                    assert!(verify_inclusion(leaf, m, n, &bad, &roots[n as usize]).is_err());
                }
            }
            for i in 0..cproof.len() {
                for bit in 0..256 {
                    let mut bad = cproof.clone();
                    bad[i] = flip(&bad[i], bit);
                    let (r1, r2) = (&roots[m as usize], &roots[n as usize]);
                    assert!(verify_consistency(m, n, r1, r2, &bad).is_err());
                }
            }
        }
    }
}

#[test]
fn frontier_round_trips_through_its_parts() {
    let leaves = leaves(70);
    let mut frontier = Frontier::new();
    for (i, leaf) in leaves.iter().enumerate() {
        frontier.push(*leaf).unwrap();
        let restored = Frontier::from_parts(frontier.size(), frontier.hashes().to_vec()).unwrap();
        assert_eq!(restored, frontier);
        assert_eq!(
            frontier.hashes().len(),
            (i as u64 + 1).count_ones() as usize
        );
    }
    assert!(Frontier::from_parts(3, vec![leaves[0]]).is_err());
    assert!(Frontier::from_parts(0, vec![leaves[0]]).is_err());
}

#[test]
fn proof_requests_out_of_range_are_errors() {
    let tree = MemoryTree::from_leaf_hashes(leaves(10));
    assert!(inclusion_proof(&tree, 10, 10).is_err());
    assert!(inclusion_proof(&tree, 0, 0).is_err());
    assert!(consistency_proof(&tree, 5, 4).is_err());
    // Past the end of what the reader holds: a read error, not a wrong proof.
    assert!(inclusion_proof(&tree, 3, 11).is_err());
    assert!(consistency_proof(&tree, 3, 12).is_err());
    assert_eq!(consistency_proof(&tree, 0, 10).unwrap(), Vec::<Hash>::new());
    assert_eq!(
        consistency_proof(&tree, 10, 10).unwrap(),
        Vec::<Hash>::new()
    );
}

#[test]
fn a_closure_is_a_hash_reader() {
    let tree = MemoryTree::from_leaf_hashes(leaves(37));
    let reads = std::cell::Cell::new(0);
    let reader = |level: u8, index: u64| {
        reads.set(reads.get() + 1);
        clearstone_merkle::HashReader::read_node(&tree, level, index)
    };
    assert_eq!(
        inclusion_proof(&reader, 17, 37).unwrap(),
        inclusion_proof(&tree, 17, 37).unwrap()
    );
    // O(log n) reads: 6 levels, plus the right-edge pieces of one sibling.
    assert!(reads.get() <= 9, "{} reads", reads.get());
}

/// What the on-disk store will do: its own type implementing the trait, with
/// its own error, next to the blanket implementation for closures.
#[test]
fn a_store_type_is_a_hash_reader() {
    struct Levels(Vec<Vec<Hash>>);

    #[derive(Debug)]
    struct Missing;

    impl clearstone_merkle::HashReader for Levels {
        type Error = Missing;

        fn read_node(&self, level: u8, index: u64) -> Result<Hash, Missing> {
            self.0
                .get(usize::from(level))
                .and_then(|l| l.get(index as usize))
                .copied()
                .ok_or(Missing)
        }
    }

    let leaves = leaves(5);
    let mut levels = vec![leaves.clone()];
    while levels.last().unwrap().len() > 1 {
        let next = levels
            .last()
            .unwrap()
            .chunks_exact(2)
            .map(|p| node_hash(&p[0], &p[1]))
            .collect();
        levels.push(next);
    }
    let store = Levels(levels);
    assert_eq!(tree_root(&store, 5).unwrap(), model::mth(&leaves));
    assert_eq!(
        inclusion_proof(&store, 4, 5).unwrap(),
        model::path(4, &leaves)
    );
    // Leaves 4..6 are not all there: the pair (4, 5) is missing at level 1.
    assert!(matches!(
        inclusion_proof(&store, 0, 6),
        Err(clearstone_merkle::ProveError::Read {
            level: 1,
            index: 2,
            ..
        })
    ));
}
