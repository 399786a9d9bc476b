//! C2SP tlog-tiles arithmetic: which tiles a tree of a given size has, their
//! paths, their byte encoding, and how a level's tiles hash into the next.
//!
//! Tile `n` at level `l` holds up to 256 hashes, hash `i` being
//! `MTH(D[(256n + i)·256^l : (256n + i + 1)·256^l])`. The rightmost tile of a
//! level is partial, of width `floor(size / 256^l) mod 256`, when that is not 0.

use std::fmt;

use thiserror::Error;

use crate::hash::{HASH_SIZE, Hash, root};

/// Hashes in a full tile.
pub const TILE_WIDTH: u16 = 256;
/// Tree levels one tile spans (256 = 2^8).
pub const TILE_HEIGHT: u8 = 8;
/// Highest tile level a path may name.
pub const TILE_LEVEL_MAX: u8 = 63;

const FULL: u64 = TILE_WIDTH as u64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TileError {
    #[error("tile level {level} is above 63")]
    InvalidLevel { level: u8 },
    #[error("tile width {width} is not between 1 and 256")]
    InvalidWidth { width: u16 },
    #[error("`{path}` is not a tile path")]
    InvalidPath { path: String },
    #[error("tile {tile} should have {want} bytes, got {got}")]
    WrongByteLength {
        tile: String,
        got: usize,
        want: usize,
    },
    #[error("{count} hashes do not make whole tiles of 256")]
    NotWholeTiles { count: usize },
}

/// One tile: `level`, `index` within the level, and `width` (256 when full).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    level: u8,
    index: u64,
    width: u16,
}

/// What a tile path names: Merkle tree hashes or the level-0 entry bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileKind {
    Hashes,
    Entries,
}

impl Tile {
    pub fn new(level: u8, index: u64, width: u16) -> Result<Self, TileError> {
        if level > TILE_LEVEL_MAX {
            return Err(TileError::InvalidLevel { level });
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(TileError::InvalidWidth { width });
        }
        Ok(Tile {
            level,
            index,
            width,
        })
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// `tile/<L>/<N>[.p/<W>]`, relative to the log's prefix.
    pub fn path(&self) -> String {
        format!("tile/{}/{}", self.level, self.index_and_width())
    }

    /// `tile/entries/<N>[.p/<W>]`: the entry bundle behind a level-0 tile.
    pub fn bundle_path(&self) -> Option<String> {
        (self.level == 0).then(|| format!("tile/entries/{}", self.index_and_width()))
    }

    fn index_and_width(&self) -> String {
        let index = encode_index(self.index);
        if self.is_full() {
            index
        } else {
            format!("{index}.p/{}", self.width)
        }
    }

    /// Parses a path made by [`Tile::path`] or [`Tile::bundle_path`]; only
    /// the canonical spelling is accepted. Entry bundles come back as level 0.
    pub fn parse_path(path: &str) -> Result<(Tile, TileKind), TileError> {
        let invalid = || TileError::InvalidPath {
            path: path.to_owned(),
        };
        let rest = path.strip_prefix("tile/").ok_or_else(invalid)?;
        let (level_text, rest) = rest.split_once('/').ok_or_else(invalid)?;
        let (level, kind) = if level_text == "entries" {
            (0, TileKind::Entries)
        } else {
            let level = parse_small(level_text, u64::from(TILE_LEVEL_MAX)).ok_or_else(invalid)?;
            (
                u8::try_from(level).map_err(|_| invalid())?,
                TileKind::Hashes,
            )
        };
        let (index_text, width) = match rest.split_once(".p/") {
            Some((index_text, width_text)) => {
                let width = parse_small(width_text, FULL - 1).ok_or_else(invalid)?;
                (index_text, u16::try_from(width).map_err(|_| invalid())?)
            }
            None => (rest, TILE_WIDTH),
        };
        let index = decode_index(index_text).ok_or_else(invalid)?;
        let tile = Tile::new(level, index, width).map_err(|_| invalid())?;
        Ok((tile, kind))
    }

    /// The number of bytes of this tile: 32 per hash.
    pub fn byte_len(&self) -> usize {
        usize::from(self.width) * HASH_SIZE
    }

    /// Splits tile bytes into hashes; the length must match the width exactly.
    pub fn hashes_from_bytes(&self, bytes: &[u8]) -> Result<Vec<Hash>, TileError> {
        if bytes.len() != self.byte_len() {
            return Err(TileError::WrongByteLength {
                tile: self.path(),
                got: bytes.len(),
                want: self.byte_len(),
            });
        }
        Ok(bytes
            .chunks_exact(HASH_SIZE)
            .filter_map(|chunk| Hash::from_slice(chunk).ok())
            .collect())
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// Concatenates hashes into tile bytes.
pub fn hashes_to_bytes(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|hash| *hash.as_bytes()).collect()
}

/// `N` as zero-padded 3-digit path elements, all but the last prefixed with
/// `x`: 1234067 becomes `x001/x234/067`.
pub fn encode_index(index: u64) -> String {
    let mut groups = vec![format!("{:03}", index % 1000)];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

fn decode_index(text: &str) -> Option<u64> {
    let mut groups = text.split('/').peekable();
    let mut index: u64 = 0;
    while let Some(group) = groups.next() {
        let digits = if groups.peek().is_some() {
            group.strip_prefix('x')?
        } else {
            group
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: u64 = digits.parse().ok()?;
        index = index.checked_mul(1000)?.checked_add(value)?;
    }
    // Rejects redundant leading groups such as `x000/001`.
    (encode_index(index) == text).then_some(index)
}

/// A decimal with no leading zeros, at most `max`.
fn parse_small(text: &str, max: u64) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    let value: u64 = text.parse().ok().filter(|_| canonical)?;
    (value <= max).then_some(value)
}

/// Hashes at tile level `level` in a tree of `size` leaves: `floor(size / 256^level)`.
fn hashes_at_level(size: u64, level: u8) -> u64 {
    size.checked_shr(u32::from(level) * u32::from(TILE_HEIGHT))
        .unwrap_or(0)
}

/// The tiles of one level for `count` hashes: the full ones from `first_full`
/// on, then the partial one if `count` is not a multiple of 256.
fn level_tiles(level: u8, first_full: u64, count: u64) -> impl Iterator<Item = Tile> {
    let full = count / FULL;
    let partial = (count % FULL) as u16;
    (first_full..full)
        .map(move |index| Tile {
            level,
            index,
            width: TILE_WIDTH,
        })
        .chain((partial > 0).then_some(Tile {
            level,
            index: full,
            width: partial,
        }))
}

/// Every tile of the tree of `size` leaves, level 0 first, left to right.
/// Size 256 gives one full level-0 tile and a level-1 tile of width 1.
pub fn tiles_for_size(size: u64) -> impl Iterator<Item = Tile> {
    (0..TILE_HEIGHT)
        .map(move |level| (level, hashes_at_level(size, level)))
        .take_while(|&(_, count)| count > 0)
        .flat_map(|(level, count)| level_tiles(level, 0, count))
}

/// The tiles a log writes when it grows from `old_size` to `new_size`: new
/// full tiles and the new partial tiles. Empty when `new_size <= old_size`.
pub fn tiles_added(old_size: u64, new_size: u64) -> impl Iterator<Item = Tile> {
    (0..TILE_HEIGHT)
        .map(move |level| {
            (
                level,
                hashes_at_level(old_size, level),
                hashes_at_level(new_size, level),
            )
        })
        .take_while(|&(_, _, new)| new > 0)
        .filter(|&(_, old, new)| new > old)
        .flat_map(|(level, old, new)| level_tiles(level, old / FULL, new))
}

/// The level above from whole tiles of one level: each run of 256 hashes
/// becomes the one hash of its subtree.
pub fn parent_hashes(hashes: &[Hash]) -> Result<Vec<Hash>, TileError> {
    if !hashes.len().is_multiple_of(usize::from(TILE_WIDTH)) {
        return Err(TileError::NotWholeTiles {
            count: hashes.len(),
        });
    }
    Ok(hashes
        .chunks_exact(usize::from(TILE_WIDTH))
        .map(root)
        .collect())
}
