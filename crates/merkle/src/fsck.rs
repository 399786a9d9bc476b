//! Re-deriving a tiled log from its leaves, as an overseer's fsck does: the
//! root is recomputed from the level-0 tiles, and every hash in every higher
//! tile must equal the root of the full tile below it. The caller compares the
//! returned root with the checkpoint's.

use thiserror::Error;

use crate::frontier::Frontier;
use crate::hash::{Hash, root};
use crate::tile::{TILE_WIDTH, Tile, tiles_for_size};

#[derive(Debug, Error)]
pub enum FsckError<E> {
    #[error("cannot read tile {tile}")]
    Read {
        tile: Tile,
        #[source]
        source: E,
    },
    #[error("tile {tile} holds {got} hashes")]
    WrongWidth { tile: Tile, got: usize },
    #[error("tile {tile} hash {position} does not match the tiles below it")]
    Mismatch { tile: Tile, position: usize },
    #[error("the tree is larger than 2^64 - 1 leaves")]
    TooLarge,
}

/// Reads every tile of the tree of `size` leaves, checks each level against
/// the one below and returns the root recomputed from the leaf hashes.
pub fn check_tiles<F, E>(size: u64, mut read_tile: F) -> Result<Hash, FsckError<E>>
where
    F: FnMut(&Tile) -> Result<Vec<Hash>, E>,
{
    let mut frontier = Frontier::new();
    // Roots of the full tiles of the level below, in order.
    let mut below: Vec<Hash> = Vec::new();
    let mut current_level = 0;
    let mut next: Vec<Hash> = Vec::new();
    for tile in tiles_for_size(size) {
        if tile.level() != current_level {
            current_level = tile.level();
            below = std::mem::take(&mut next);
        }
        let hashes = read_tile(&tile).map_err(|source| FsckError::Read { tile, source })?;
        if hashes.len() != usize::from(tile.width()) {
            return Err(FsckError::WrongWidth {
                tile,
                got: hashes.len(),
            });
        }
        if tile.level() == 0 {
            for hash in &hashes {
                frontier.push(*hash).map_err(|_| FsckError::TooLarge)?;
            }
        } else {
            let start = usize::try_from(tile.index())
                .ok()
                .and_then(|index| index.checked_mul(usize::from(TILE_WIDTH)));
            let expected = start.and_then(|start| below.get(start..start + hashes.len()));
            let mismatch = match expected {
                Some(expected) => hashes
                    .iter()
                    .zip(expected)
                    .position(|(got, want)| got != want),
                None => Some(0),
            };
            if let Some(position) = mismatch {
                return Err(FsckError::Mismatch { tile, position });
            }
        }
        if tile.is_full() {
            next.push(root(&hashes));
        }
    }
    Ok(frontier.root())
}
