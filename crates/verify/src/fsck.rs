//! Recomputing the whole tree from the entry bundles: every entry's leaf hash
//! must equal its level-0 tile, every higher tile must hash from the tiles
//! below, and the root must be the signed one.

use clearstone_merkle::bundle::decode_bundle;
use clearstone_merkle::fsck::{FsckError, check_tiles};
use clearstone_merkle::tile::TILE_WIDTH;
use clearstone_merkle::{Checkpoint, Hash, Tile, leaf_hash};

use crate::outcome::{Failure, failed};
use crate::source::LogSource;

pub struct Counts {
    pub entries: u64,
    pub bundles: u64,
    pub tiles: u64,
}

/// Tiles are fetched one at a time and not cached, so memory stays small
/// for a log of any size.
pub fn fsck(source: &LogSource, checkpoint: &Checkpoint) -> Result<Counts, Failure> {
    let size = checkpoint.size();
    let mut counts = Counts {
        entries: 0,
        bundles: 0,
        tiles: 0,
    };
    let root = check_tiles(size, |tile: &Tile| -> Result<Vec<Hash>, String> {
        let hashes = source.tile(tile)?;
        counts.tiles += 1;
        if tile.level() == 0 {
            check_bundle(source, tile, &hashes)?;
            counts.bundles += 1;
            counts.entries += hashes.len() as u64;
        }
        Ok(hashes)
    })
    .map_err(|e| failed(format!("fsck: {}", message(e))))?;
    if root != *checkpoint.root() {
        return Err(failed(format!(
            "fsck: the entries recompute to root `{}` at size {size}, but the checkpoint signs `{}`",
            root.to_base64(),
            checkpoint.root().to_base64()
        )));
    }
    Ok(counts)
}

fn check_bundle(source: &LogSource, tile: &Tile, hashes: &[Hash]) -> Result<(), String> {
    let path = tile.bundle_path().unwrap_or_default();
    let bytes = source.bundle(tile)?;
    let entries = decode_bundle(&bytes).map_err(|e| format!("bundle `{path}`: {e}"))?;
    if entries.len() != hashes.len() {
        return Err(format!(
            "bundle `{path}` holds {} entries, tile `{}` has {} hashes",
            entries.len(),
            tile.path(),
            hashes.len()
        ));
    }
    let first = tile.index() * u64::from(TILE_WIDTH);
    for (index, (entry, hash)) in (first..).zip(entries.iter().zip(hashes)) {
        let leaf = leaf_hash(entry);
        if leaf != *hash {
            return Err(format!(
                "entry {index}: its bytes in bundle `{path}` hash to `{}`, but tile `{}` holds `{}`",
                leaf.to_base64(),
                tile.path(),
                hash.to_base64()
            ));
        }
    }
    Ok(())
}

fn message(e: FsckError<String>) -> String {
    match e {
        FsckError::Read { source, .. } => source,
        FsckError::WrongWidth { tile, got } => format!(
            "tile `{}` holds {got} hashes, expected {}",
            tile.path(),
            tile.width()
        ),
        FsckError::Mismatch { tile, position } => {
            let below = tile
                .index()
                .checked_mul(u64::from(TILE_WIDTH))
                .and_then(|i| i.checked_add(position as u64))
                .and_then(|i| Tile::new(tile.level().saturating_sub(1), i, TILE_WIDTH).ok())
                .map(|t| format!("the root of tile `{}` below it", t.path()))
                .unwrap_or_else(|| "the tiles below it".to_owned());
            format!("tile `{}` hash {position} is not {below}", tile.path())
        }
        other => other.to_string(),
    }
}
