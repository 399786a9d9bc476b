//! Checking inclusion and consistency proofs (RFC 9162 §2.1.3.2, §2.1.4.2)
//! with the stricter rules of transparency-dev `proof/verify.go`: the proof
//! must have exactly the length the sizes imply, equal sizes need an empty
//! proof and equal roots, and an empty old tree is refused unless the caller
//! opts in. Hashes are [`Hash`] values, so every one is 32 bytes by type.
//!
//! A proof does not bind the tree size: the size must come from a signed
//! checkpoint, never from the party that sent the proof.

use thiserror::Error;

use crate::hash::{Hash, node_hash};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("new tree size {size2} is smaller than old tree size {size1}")]
    SizesOutOfOrder { size1: u64, size2: u64 },
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyOldTree,
    #[error("proof has {got} hashes, expected {want}")]
    WrongProofLength { got: usize, want: usize },
    #[error("the proof does not lead to the old root")]
    OldRootMismatch,
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
}

/// Checks that `leaf` is the leaf hash at `index` in the tree of `size` leaves
/// whose root is `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    let (inner, border) = decompose(index, size);
    let (inner_part, border_part) = split_proof(proof, inner, border)?;
    let computed = chain_border(chain_inner(*leaf, inner_part, index), border_part);
    if computed == *root {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch)
    }
}

/// Checks that the tree of `size1` leaves with root `root1` is a prefix of the
/// tree of `size2` leaves with root `root2`. `size1 == 0` is an error, even
/// with `size2 == 0`: use [`verify_consistency_allowing_empty`] where an empty
/// old tree is legitimate.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    proof: &[Hash],
) -> Result<(), VerifyError> {
    if size2 < size1 {
        return Err(VerifyError::SizesOutOfOrder { size1, size2 });
    }
    // Before the equal-size case, so that 0 -> 0 is refused too.
    if size1 == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(VerifyError::WrongProofLength {
                got: proof.len(),
                want: 0,
            });
        }
        return if root1 == root2 {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        };
    }

    // The proof is the tail of the audit path of leaf size1 - 1 in the new
    // tree, starting at the level where the old tree's last perfect subtree
    // ends; below that level both trees agree and nothing is needed.
    let (inner, border) = decompose(size1 - 1, size2);
    let shift = size1.trailing_zeros();
    let inner = inner.saturating_sub(shift as usize);
    // When size1 is that very perfect subtree the verifier knows its hash
    // (root1); otherwise the proof starts with it.
    let (seed, rest) = if size1 == 1 << shift {
        (*root1, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => {
                return Err(VerifyError::WrongProofLength {
                    got: 0,
                    want: 1 + inner + border,
                });
            }
        }
    };
    let (inner_part, border_part) =
        split_proof(rest, inner, border).map_err(|_| VerifyError::WrongProofLength {
            got: proof.len(),
            want: proof.len() - rest.len() + inner + border,
        })?;

    let mask = (size1 - 1) >> shift;
    let old = chain_border(chain_inner_right(seed, inner_part, mask), border_part);
    if old != *root1 {
        return Err(VerifyError::OldRootMismatch);
    }
    let new = chain_border(chain_inner(seed, inner_part, mask), border_part);
    if new == *root2 {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch)
    }
}

/// Like [`verify_consistency`], but an empty old tree is consistent with any
/// tree given an empty proof: the C2SP witness's `old 0` request. `root1` is
/// then only compared when both sizes are zero.
pub fn verify_consistency_allowing_empty(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    proof: &[Hash],
) -> Result<(), VerifyError> {
    if size1 != 0 {
        return verify_consistency(size1, size2, root1, root2, proof);
    }
    if !proof.is_empty() {
        return Err(VerifyError::WrongProofLength {
            got: proof.len(),
            want: 0,
        });
    }
    if size2 == 0 && root1 != root2 {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Splits the audit path of `index` in a tree of `size` leaves into the part
/// below the level where the paths to `index` and `size - 1` meet (`inner`)
/// and the left siblings above it along the right border (`border`).
fn decompose(index: u64, size: u64) -> (usize, usize) {
    let inner = u64::BITS - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner as usize, border as usize)
}

fn split_proof(
    proof: &[Hash],
    inner: usize,
    border: usize,
) -> Result<(&[Hash], &[Hash]), VerifyError> {
    let want = inner + border;
    if proof.len() != want {
        return Err(VerifyError::WrongProofLength {
            got: proof.len(),
            want,
        });
    }
    proof
        .split_at_checked(inner)
        .ok_or(VerifyError::WrongProofLength {
            got: proof.len(),
            want,
        })
}

/// Hashes up from `seed` at position `index` through siblings on both sides.
fn chain_inner(seed: Hash, proof: &[Hash], index: u64) -> Hash {
    proof
        .iter()
        .enumerate()
        .fold(seed, |acc, (level, sibling)| {
            if (index >> level) & 1 == 0 {
                node_hash(&acc, sibling)
            } else {
                node_hash(sibling, &acc)
            }
        })
}

/// Like [`chain_inner`] but skipping right siblings: those lie beyond the old
/// tree, so what comes out is the old version of the subtree.
fn chain_inner_right(seed: Hash, proof: &[Hash], index: u64) -> Hash {
    proof
        .iter()
        .enumerate()
        .fold(seed, |acc, (level, sibling)| {
            if (index >> level) & 1 == 1 {
                node_hash(sibling, &acc)
            } else {
                acc
            }
        })
}

/// Above the inner part every sibling is a left one on the right border.
fn chain_border(seed: Hash, proof: &[Hash]) -> Hash {
    proof
        .iter()
        .fold(seed, |acc, sibling| node_hash(sibling, &acc))
}
