//! The right edge of the tree, kept in memory: the frontier (one hash per set
//! bit of the size), the hashes of the partial tile at each level and the
//! entries of the partial bundle. That is all an append needs; everything to
//! its left is in immutable full tiles on disk.

use std::collections::HashMap;
use std::sync::Arc;

use clearstone_merkle::bundle::encode_bundle;
use clearstone_merkle::tile::{TILE_HEIGHT, TILE_WIDTH, hashes_to_bytes};
use clearstone_merkle::{Frontier, Hash, Tile, leaf_hash};

use crate::error::{AuditError, Result};
use crate::tile_store::TileTree;

const FULL: usize = TILE_WIDTH as usize;

#[derive(Clone, Debug, Default)]
pub(crate) struct Edge {
    pub(crate) frontier: Frontier,
    /// `partial[l]`: the hashes of the rightmost, partial tile at tile level
    /// `l`, that is `(size >> 8l) mod 256` of them (empty when that is 0).
    pub(crate) partial: Vec<Vec<Hash>>,
    /// The entries of the partial bundle, `size mod 256` of them.
    pub(crate) bundle: Vec<Vec<u8>>,
}

/// What integrating a run of entries produces: the new edge, the files to
/// write (relative path, bytes) and the inner trees of the tiles written.
pub(crate) struct Batch {
    pub(crate) edge: Edge,
    pub(crate) files: Vec<(String, Vec<u8>)>,
    pub(crate) trees: HashMap<Tile, Arc<TileTree>>,
}

impl Edge {
    pub(crate) fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Appends `entries` to a copy of the edge. The edge itself is untouched,
    /// so a failed write or check leaves the log as it was.
    pub(crate) fn extend(&self, entries: &[Vec<u8>]) -> Result<Batch> {
        let mut frontier = self.frontier.clone();
        let mut partial = self.partial.clone();
        let mut touched = vec![false; partial.len()];
        let mut bundle: Vec<&[u8]> = self.bundle.iter().map(Vec::as_slice).collect();
        let mut files = Vec::new();
        let mut trees = HashMap::new();

        for entry in entries {
            let leaf = leaf_hash(entry);
            frontier.push(leaf).map_err(|_| AuditError::Full)?;
            bundle.push(entry);
            let size = frontier.size();
            // A hash completing a tile carries that tile's root up a level.
            let mut carry = Some(leaf);
            let mut level: u8 = 0;
            while let Some(hash) = carry.take() {
                let slot = usize::from(level);
                if partial.len() <= slot {
                    partial.resize_with(slot + 1, Vec::new);
                    touched.resize(slot + 1, false);
                }
                let (Some(hashes), Some(flag)) = (partial.get_mut(slot), touched.get_mut(slot))
                else {
                    break;
                };
                hashes.push(hash);
                *flag = true;
                if hashes.len() < FULL {
                    break;
                }
                let hashes = std::mem::take(hashes);
                let index = hashes_at(size, level + 1)
                    .checked_sub(1)
                    .ok_or(AuditError::Full)?;
                let tile = Tile::new(level, index, TILE_WIDTH)?;
                files.push((tile.path(), hashes_to_bytes(&hashes)));
                if let Some(path) = tile.bundle_path() {
                    files.push((path, encode_bundle(&bundle).map_err(bundle_error)?));
                    bundle.clear();
                }
                let tree = TileTree::new(hashes);
                carry = tree.root();
                trees.insert(tile, Arc::new(tree));
                level += 1;
            }
        }

        let size = frontier.size();
        for ((level, hashes), touched) in (0u8..).zip(&partial).zip(&touched) {
            if !touched || hashes.is_empty() {
                continue;
            }
            let width = u16::try_from(hashes.len()).map_err(|_| AuditError::Full)?;
            let tile = Tile::new(level, hashes_at(size, level) / FULL as u64, width)?;
            files.push((tile.path(), hashes_to_bytes(hashes)));
            if let Some(path) = tile.bundle_path() {
                files.push((path, encode_bundle(&bundle).map_err(bundle_error)?));
            }
            trees.insert(tile, Arc::new(TileTree::new(hashes.clone())));
        }

        let bundle = bundle.into_iter().map(<[u8]>::to_vec).collect();
        Ok(Batch {
            edge: Edge {
                frontier,
                partial,
                bundle,
            },
            files,
            trees,
        })
    }
}

/// Hashes at tile level `level` in a tree of `size` leaves.
pub(crate) fn hashes_at(size: u64, level: u8) -> u64 {
    size.checked_shr(u32::from(level) * u32::from(TILE_HEIGHT))
        .unwrap_or(0)
}

// `append` refuses entries over the limit, so this only reports a bug.
fn bundle_error(e: clearstone_merkle::bundle::BundleError) -> AuditError {
    AuditError::corrupt("tile/entries", e.to_string())
}
