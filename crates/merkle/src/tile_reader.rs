//! Reading complete-subtree hashes out of tiles, so proofs can be built from
//! a tile store. Node `(level, index)` lives in tile level `level / 8`, where
//! it is the root of `2^(level % 8)` consecutive tile hashes.

use thiserror::Error;

use crate::hash::{Hash, root};
use crate::prove::HashReader;
use crate::tile::{TILE_HEIGHT, TILE_WIDTH, Tile};

#[derive(Debug, Error)]
pub enum TileReadError<E> {
    #[error("no complete subtree at level {level}, index {index} in a tree of size {size}")]
    OutOfRange { level: u8, index: u64, size: u64 },
    #[error("tile {tile} holds {got} hashes")]
    WrongWidth { tile: Tile, got: usize },
    #[error("cannot read tile {tile}")]
    Read {
        tile: Tile,
        #[source]
        source: E,
    },
}

/// A [`HashReader`] over the tiles of the tree of `size` leaves, fetched by
/// `read_tile`. It asks for the partial tile a checkpoint of that size
/// implies, never a wider one. Caching is up to `read_tile`.
pub struct TileHashReader<F> {
    size: u64,
    read_tile: F,
}

impl<F, E> TileHashReader<F>
where
    F: Fn(&Tile) -> Result<Vec<Hash>, E>,
{
    pub fn new(size: u64, read_tile: F) -> Self {
        TileHashReader { size, read_tile }
    }

    pub fn size(&self) -> u64 {
        self.size
    }
}

impl<F, E> HashReader for TileHashReader<F>
where
    F: Fn(&Tile) -> Result<Vec<Hash>, E>,
{
    type Error = TileReadError<E>;

    fn read_node(&self, level: u8, index: u64) -> Result<Hash, Self::Error> {
        let out_of_range = || TileReadError::OutOfRange {
            level,
            index,
            size: self.size,
        };
        let tile_level = level / TILE_HEIGHT;
        let span_log = u32::from(level % TILE_HEIGHT);
        let span = 1u64 << span_log;
        let first = index.checked_mul(span).ok_or_else(out_of_range)?;
        let available = self
            .size
            .checked_shr(u32::from(tile_level) * u32::from(TILE_HEIGHT))
            .unwrap_or(0);
        if first.checked_add(span).is_none_or(|end| end > available) {
            return Err(out_of_range());
        }
        let full = u64::from(TILE_WIDTH);
        let tile_index = first / full;
        let width = if tile_index < available / full {
            TILE_WIDTH
        } else {
            (available % full) as u16
        };
        let tile = Tile::new(tile_level, tile_index, width).map_err(|_| out_of_range())?;
        let hashes =
            (self.read_tile)(&tile).map_err(|source| TileReadError::Read { tile, source })?;
        if hashes.len() != usize::from(width) {
            return Err(TileReadError::WrongWidth {
                tile,
                got: hashes.len(),
            });
        }
        // Both bounds lie within the width checked above.
        let offset = (first % full) as usize;
        hashes
            .get(offset..offset + span as usize)
            .map(root)
            .ok_or_else(out_of_range)
    }
}
