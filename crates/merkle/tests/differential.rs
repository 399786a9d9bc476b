//! Differential test against ct-merkle 0.3, an independent RFC 6962
//! implementation: same roots at every size, same proofs, and each side's
//! proofs verify under the other's verifier.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_merkle::{
    Hash, MemoryTree, consistency_proof, inclusion_proof, leaf_hash, verify_consistency,
    verify_inclusion,
};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use sha2::Sha256;

/// splitmix64: seeded, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self) -> Vec<u8> {
        let len = self.below(40) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn ours(digest: &ct_merkle::digest::Output<Sha256>) -> Hash {
    Hash::from_slice(digest.as_slice()).unwrap()
}

fn theirs(hash: &Hash) -> ct_merkle::digest::Output<Sha256> {
    ct_merkle::digest::Output::<Sha256>::try_from(hash.as_bytes().as_slice()).unwrap()
}

fn proof_hashes(bytes: &[u8]) -> Vec<Hash> {
    bytes
        .chunks(32)
        .map(|c| Hash::from_slice(c).unwrap())
        .collect()
}

#[test]
fn same_roots_and_proofs_as_ct_merkle() {
    let mut rng = Rng(0x636c_6561_7273_746f);
    let mut checked = 0;
    for _ in 0..12 {
        let size = 1 + rng.below(700);
        let values: Vec<Vec<u8>> = (0..size).map(|_| rng.bytes()).collect();
        let mut their_tree = MemoryBackedTree::<Sha256, Vec<u8>>::new();
        let mut our_tree = MemoryTree::new();
        let mut roots = vec![our_tree.root()];
        for value in &values {
            their_tree.push(value.clone());
            our_tree.push(leaf_hash(value));
            let root = our_tree.root();
            assert_eq!(
                root,
                ours(their_tree.root().as_bytes()),
                "root at {}",
                our_tree.size()
            );
            roots.push(root);
        }
        let their_root = their_tree.root();
        let root = our_tree.root();

        for _ in 0..20 {
            let idx = rng.below(size);
            let value = &values[idx as usize];
            let our_proof = inclusion_proof(&our_tree, idx, size).unwrap();
            let their_proof = their_tree.prove_inclusion(idx as usize);
            assert_eq!(
                our_proof,
                proof_hashes(their_proof.as_bytes()),
                "PATH({idx}, {size})"
            );
            // Theirs under ours, ours under theirs.
            let leaf = leaf_hash(value);
            verify_inclusion(
                &leaf,
                idx,
                size,
                &proof_hashes(their_proof.as_bytes()),
                &root,
            )
            .unwrap();
            let converted: Vec<_> = our_proof.iter().map(theirs).collect();
            their_root
                .verify_inclusion(
                    value,
                    idx,
                    &InclusionProof::<Sha256>::from_digests(&converted),
                )
                .unwrap();
            checked += 1;

            let old = 1 + rng.below(size);
            let our_proof = consistency_proof(&our_tree, old, size).unwrap();
            let their_proof = their_tree.prove_consistency((size - old) as usize);
            assert_eq!(
                our_proof,
                proof_hashes(their_proof.as_bytes()),
                "PROOF({old}, {size})"
            );
            let old_root = roots[old as usize];
            verify_consistency(
                old,
                size,
                &old_root,
                &root,
                &proof_hashes(their_proof.as_bytes()),
            )
            .unwrap();
            let converted: Vec<_> = our_proof.iter().map(theirs).collect();
            their_root
                .verify_consistency(
                    &RootHash::<Sha256>::new(theirs(&old_root), old),
                    &ConsistencyProof::<Sha256>::from_digests(&converted),
                )
                .unwrap();
            checked += 1;
        }
    }
    assert_eq!(checked, 12 * 20 * 2);
}
