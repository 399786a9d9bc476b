//! The compact range `[0, size)`: one hash per set bit of the tree size, the
//! roots of the perfect subtrees the tree splits into. Appending a leaf and
//! computing the root both touch only these O(log n) hashes, so the log can
//! keep its tree head in memory and persist it as a handful of hashes.

use thiserror::Error;

use crate::hash::{Hash, empty_root, fold_right, node_hash};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Largest (leftmost) subtree first; `hashes.len() == size.count_ones()`.
    hashes: Vec<Hash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrontierError {
    #[error("a tree of size {size} has {want} frontier hashes, got {got}")]
    WrongHashCount { size: u64, want: u32, got: usize },
    #[error("the tree is full at size {size}")]
    Full { size: u64 },
}

impl Frontier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores a frontier saved with [`Frontier::size`] and [`Frontier::hashes`].
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Result<Self, FrontierError> {
        let want = size.count_ones();
        if usize::try_from(want).ok() != Some(hashes.len()) {
            return Err(FrontierError::WrongHashCount {
                size,
                want,
                got: hashes.len(),
            });
        }
        Ok(Frontier { size, hashes })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree roots, largest (leftmost) first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends one leaf hash. Each trailing one bit of the old size is a pair of
    /// equal-height subtrees that now merge, exactly like a binary carry.
    pub fn push(&mut self, leaf: Hash) -> Result<(), FrontierError> {
        let new_size = self
            .size
            .checked_add(1)
            .ok_or(FrontierError::Full { size: self.size })?;
        let mut carry = leaf;
        let mut bits = self.size;
        while bits & 1 == 1 {
            // from_parts and push keep one hash per set bit, so this never runs dry.
            let Some(left) = self.hashes.pop() else { break };
            carry = node_hash(&left, &carry);
            bits >>= 1;
        }
        self.hashes.push(carry);
        self.size = new_size;
        Ok(())
    }

    /// The tree root at the current size (`SHA-256("")` when empty).
    pub fn root(&self) -> Hash {
        fold_right(self.hashes.iter().rev()).unwrap_or_else(empty_root)
    }
}
