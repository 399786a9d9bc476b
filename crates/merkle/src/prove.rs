//! Building inclusion and consistency proofs (RFC 9162 §2.1.3.1, §2.1.4.1)
//! from any store of complete-subtree hashes.
//!
//! A proof needs O(log n) subtree hashes. Every subtree in the RFC recursion
//! is either perfect (one read) or runs along the right edge of the tree, and
//! only the edge ones are split into perfect pieces and rehashed here.

use thiserror::Error;

use crate::hash::{Hash, empty_root, fold_right};

/// A source of complete-subtree hashes: an in-memory tree, tiles on disk, or a
/// closure `Fn(level, index) -> Result<Hash, E>`.
pub trait HashReader {
    type Error;

    /// The hash of the perfect subtree at `level` (0 = leaf hashes) covering the
    /// leaves `[index << level, (index + 1) << level)`.
    fn read_node(&self, level: u8, index: u64) -> Result<Hash, Self::Error>;
}

impl<F, E> HashReader for F
where
    F: Fn(u8, u64) -> Result<Hash, E>,
{
    type Error = E;

    fn read_node(&self, level: u8, index: u64) -> Result<Hash, E> {
        self(level, index)
    }
}

#[derive(Debug, Error)]
pub enum ProveError<E> {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old tree size {size1} is larger than new tree size {size2}")]
    SizesOutOfOrder { size1: u64, size2: u64 },
    #[error("cannot read the subtree hash at level {level}, index {index}")]
    Read {
        level: u8,
        index: u64,
        #[source]
        source: E,
    },
}

/// The audit path for leaf `index` in the tree of `size` leaves, leaf to root.
pub fn inclusion_proof<R: HashReader + ?Sized>(
    reader: &R,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, ProveError<R::Error>> {
    if index >= size {
        return Err(ProveError::IndexOutOfRange { index, size });
    }
    // Walk down from the root, taking the sibling of the half holding the leaf.
    let (mut lo, mut hi) = (0, size);
    let mut top_down = Vec::new();
    while hi - lo > 1 {
        let mid = lo + split_point(hi - lo);
        if index < mid {
            top_down.push(range_root(reader, mid, hi)?);
            hi = mid;
        } else {
            top_down.push(range_root(reader, lo, mid)?);
            lo = mid;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// The consistency proof from the tree of `size1` leaves to the tree of `size2`.
///
/// Equal sizes give an empty proof, and so does `size1 == 0`: the C2SP witness
/// protocol sends `old 0` with no proof lines. Verifiers reject that case
/// unless they opt in with [`crate::verify_consistency_allowing_empty`].
pub fn consistency_proof<R: HashReader + ?Sized>(
    reader: &R,
    size1: u64,
    size2: u64,
) -> Result<Vec<Hash>, ProveError<R::Error>> {
    if size1 > size2 {
        return Err(ProveError::SizesOutOfOrder { size1, size2 });
    }
    if size1 == 0 || size1 == size2 {
        return Ok(Vec::new());
    }
    // SUBPROOF(size1, D[lo:hi], whole) unrolled; `whole` stays true while the
    // old tree is a left part of the current range, in which case the verifier
    // already knows its root and it is left out.
    let (mut lo, mut hi) = (0, size2);
    let mut whole = true;
    let mut top_down = Vec::new();
    while size1 < hi {
        let mid = lo + split_point(hi - lo);
        if size1 <= mid {
            top_down.push(range_root(reader, mid, hi)?);
            hi = mid;
        } else {
            top_down.push(range_root(reader, lo, mid)?);
            lo = mid;
            whole = false;
        }
    }
    if !whole {
        top_down.push(range_root(reader, lo, hi)?);
    }
    top_down.reverse();
    Ok(top_down)
}

/// The root of the tree of `size` leaves, read from complete subtrees.
pub fn tree_root<R: HashReader + ?Sized>(
    reader: &R,
    size: u64,
) -> Result<Hash, ProveError<R::Error>> {
    if size == 0 {
        return Ok(empty_root());
    }
    range_root(reader, 0, size)
}

/// The largest power of two below `n` (n >= 2): where RFC 6962 splits `n` leaves.
fn split_point(n: u64) -> u64 {
    1 << (u64::BITS - 1 - (n - 1).leading_zeros())
}

/// `MTH(D[lo:hi])` for a range the RFC recursion produces, that is one whose
/// start is a multiple of a power of two at least `hi - lo`. Such a range is a
/// run of perfect subtrees, largest first, folded from the right.
fn range_root<R: HashReader + ?Sized>(
    reader: &R,
    lo: u64,
    hi: u64,
) -> Result<Hash, ProveError<R::Error>> {
    let mut pieces = Vec::new();
    let mut start = lo;
    while start < hi {
        let remaining = hi - start;
        let level = start
            .trailing_zeros()
            .min(u64::BITS - 1 - remaining.leading_zeros());
        let index = start >> level;
        // At most 63: `remaining` is at least 1.
        let level = level as u8;
        let hash = reader
            .read_node(level, index)
            .map_err(|source| ProveError::Read {
                level,
                index,
                source,
            })?;
        pieces.push(hash);
        start += 1 << level;
    }
    Ok(fold_right(pieces.iter().rev()).unwrap_or_else(empty_root))
}
