//! A tree held in memory with every complete subtree hash, about two hashes
//! per leaf. It serves proofs for any size up to its own, which makes it the
//! model the tile store is tested against, and a ready source for tools.

use thiserror::Error;

use crate::hash::{Hash, empty_root, fold_right, node_hash};
use crate::prove::HashReader;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryTree {
    /// `levels[l][i]` is the hash of the perfect subtree at level `l`, index `i`.
    levels: Vec<Vec<Hash>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the tree has no complete subtree at level {level}, index {index}")]
pub struct NodeMissing {
    pub level: u8,
    pub index: u64,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_leaf_hashes(leaves: impl IntoIterator<Item = Hash>) -> Self {
        let mut tree = Self::new();
        leaves.into_iter().for_each(|leaf| tree.push(leaf));
        tree
    }

    pub fn size(&self) -> u64 {
        self.leaf_hashes().len() as u64
    }

    pub fn leaf_hashes(&self) -> &[Hash] {
        self.levels.first().map(Vec::as_slice).unwrap_or_default()
    }

    /// Appends a leaf hash and every subtree it completes.
    pub fn push(&mut self, leaf: Hash) {
        let mut carry = leaf;
        for depth in 0.. {
            if self.levels.len() <= depth {
                self.levels.push(Vec::new());
            }
            let Some(level) = self.levels.get_mut(depth) else {
                break;
            };
            level.push(carry);
            let len = level.len();
            let pair = len
                .checked_sub(2)
                .filter(|_| len % 2 == 0)
                .and_then(|start| level.get(start..));
            match pair {
                Some([left, right]) => carry = node_hash(left, right),
                _ => break,
            }
        }
    }

    /// The root at the current size: the last node of every level with an odd
    /// count is one perfect subtree of the compact range.
    pub fn root(&self) -> Hash {
        let rightmost_first = self
            .levels
            .iter()
            .filter(|level| level.len() % 2 == 1)
            .filter_map(|level| level.last());
        fold_right(rightmost_first).unwrap_or_else(empty_root)
    }
}

impl HashReader for MemoryTree {
    type Error = NodeMissing;

    fn read_node(&self, level: u8, index: u64) -> Result<Hash, NodeMissing> {
        self.levels
            .get(usize::from(level))
            .and_then(|hashes| hashes.get(usize::try_from(index).ok()?))
            .copied()
            .ok_or(NodeMissing { level, index })
    }
}
