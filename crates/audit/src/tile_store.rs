//! Reading tiles and bundles back from disk, with a cache of each tile's inner
//! tree so that proofs cost a few lookups instead of rehashing up to 255
//! hashes per tile on every request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use clearstone_merkle::bundle::decode_bundle;
use clearstone_merkle::tile::{TILE_HEIGHT, TILE_WIDTH};
use clearstone_merkle::{Hash, HashReader, Tile, leaf_hash};

use crate::error::{AuditError, Result};
use crate::fast_hash::node_hash;

/// Tiles whose inner trees are cached: 16 KiB each, so 16 MiB in all.
pub const TILE_CACHE_TILES_MAX: usize = 1024;

const FULL: u64 = TILE_WIDTH as u64;

/// Every complete subtree inside one tile: `levels[0]` holds the tile's
/// hashes and `levels[k]` the roots of its aligned runs of `2^k` of them.
#[derive(Debug)]
pub(crate) struct TileTree {
    levels: Vec<Vec<Hash>>,
}

impl TileTree {
    pub(crate) fn new(hashes: Vec<Hash>) -> Self {
        let mut levels = vec![hashes];
        while let Some(below) = levels.last().filter(|l| l.len() >= 2) {
            let above = below
                .chunks_exact(2)
                .filter_map(|pair| match pair {
                    [left, right] => Some(node_hash(left, right)),
                    _ => None,
                })
                .collect();
            levels.push(above);
        }
        TileTree { levels }
    }

    pub(crate) fn hashes(&self) -> &[Hash] {
        self.levels.first().map(Vec::as_slice).unwrap_or_default()
    }

    /// The root of a full tile: the one hash of its subtree in the level above.
    pub(crate) fn root(&self) -> Option<Hash> {
        (self.hashes().len() == usize::from(TILE_WIDTH))
            .then(|| self.levels.get(usize::from(TILE_HEIGHT))?.first().copied())
            .flatten()
    }

    /// The subtree of `2^height` hashes starting at hash `offset << height`.
    fn node(&self, height: u8, offset: u64) -> Option<Hash> {
        let level = self.levels.get(usize::from(height))?;
        level.get(usize::try_from(offset).ok()?).copied()
    }
}

struct Cached {
    tree: Arc<TileTree>,
    used: u64,
}

#[derive(Default)]
struct TileCache {
    tiles: HashMap<Tile, Cached>,
    clock: u64,
}

impl TileCache {
    fn get(&mut self, tile: &Tile) -> Option<Arc<TileTree>> {
        self.clock += 1;
        let clock = self.clock;
        self.tiles.get_mut(tile).map(|cached| {
            cached.used = clock;
            Arc::clone(&cached.tree)
        })
    }

    /// Inserts, evicting the least recently used half when full: one sort per
    /// `TILE_CACHE_TILES_MAX / 2` misses keeps eviction cheap.
    fn insert(&mut self, tile: Tile, tree: Arc<TileTree>) {
        if self.tiles.len() >= TILE_CACHE_TILES_MAX {
            let mut uses: Vec<u64> = self.tiles.values().map(|c| c.used).collect();
            uses.sort_unstable();
            let cutoff = uses.get(uses.len() / 2).copied().unwrap_or(u64::MAX);
            self.tiles.retain(|_, cached| cached.used > cutoff);
        }
        self.clock += 1;
        let used = self.clock;
        self.tiles.insert(tile, Cached { tree, used });
    }
}

/// The tiles and bundles under a log directory. Only tiles within a signed
/// checkpoint, or written by an integration that went on to be signed, enter
/// the cache: those paths are immutable from then on.
pub(crate) struct TileStore {
    root: PathBuf,
    cache: Mutex<TileCache>,
}

impl TileStore {
    pub(crate) fn new(root: &Path) -> Self {
        TileStore {
            root: root.to_owned(),
            cache: Mutex::new(TileCache::default()),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, TileCache> {
        // The cache holds no invariant a panic could break halfway.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn insert(&self, tile: Tile, tree: Arc<TileTree>) {
        self.cache().insert(tile, tree);
    }

    pub(crate) fn tree(&self, tile: &Tile) -> Result<Arc<TileTree>> {
        if let Some(tree) = self.cache().get(tile) {
            return Ok(tree);
        }
        let path = self.root.join(tile.path());
        let bytes = std::fs::read(&path).map_err(|e| AuditError::io("read tile", &path, e))?;
        let hashes = tile
            .hashes_from_bytes(&bytes)
            .map_err(|e| AuditError::corrupt(tile.path(), e.to_string()))?;
        let tree = Arc::new(TileTree::new(hashes));
        self.insert(*tile, Arc::clone(&tree));
        Ok(tree)
    }

    /// The entries of the bundle behind level-0 tile `tile`, each checked
    /// against the tile's leaf hash so that an edited bundle is never served.
    pub(crate) fn bundle(&self, tile: &Tile) -> Result<Vec<Vec<u8>>> {
        let name = tile.bundle_path().unwrap_or_default();
        let path = self.root.join(&name);
        let bytes = std::fs::read(&path).map_err(|e| AuditError::io("read bundle", &path, e))?;
        let entries =
            decode_bundle(&bytes).map_err(|e| AuditError::corrupt(&name, e.to_string()))?;
        let tree = self.tree(tile)?;
        check_bundle(tile, &entries, tree.hashes())?;
        Ok(entries.into_iter().map(<[u8]>::to_vec).collect())
    }
}

/// Checks that a bundle's entries hash to the leaf hashes of its tile.
pub(crate) fn check_bundle<E: AsRef<[u8]>>(
    tile: &Tile,
    entries: &[E],
    leaves: &[Hash],
) -> Result<()> {
    let name = tile.bundle_path().unwrap_or_default();
    if entries.len() != leaves.len() {
        return Err(AuditError::corrupt(
            name,
            format!(
                "it holds {} entries, tile `{}` has {}",
                entries.len(),
                tile.path(),
                leaves.len()
            ),
        ));
    }
    let first = tile.index() * FULL;
    for (offset, (entry, leaf)) in (0u64..).zip(entries.iter().zip(leaves)) {
        let found = leaf_hash(entry.as_ref());
        if found != *leaf {
            return Err(AuditError::corrupt(
                name,
                format!(
                    "entry {} hashes to `{}`, but tile `{}` holds `{}`",
                    first + offset,
                    found.to_base64(),
                    tile.path(),
                    leaf.to_base64()
                ),
            ));
        }
    }
    Ok(())
}

/// The tile at `tile_level` holding hash `first` of that level, in the tree
/// of `size` leaves: full if the tree covers all of it, else partial.
pub(crate) fn tile_at(size: u64, tile_level: u8, first: u64) -> Result<Tile> {
    let available = size
        .checked_shr(u32::from(tile_level) * u32::from(TILE_HEIGHT))
        .unwrap_or(0);
    let index = first / FULL;
    let width = if index < available / FULL {
        TILE_WIDTH
    } else {
        (available % FULL) as u16
    };
    Ok(Tile::new(tile_level, index, width)?)
}

/// Complete-subtree hashes of the tree of `size` leaves, read from tiles:
/// first from `overlay` (tiles an integration has just written), then from
/// the cache or disk.
pub(crate) struct SizedReader<'a> {
    store: &'a TileStore,
    size: u64,
    overlay: Option<&'a HashMap<Tile, Arc<TileTree>>>,
}

impl<'a> SizedReader<'a> {
    pub(crate) fn new(
        store: &'a TileStore,
        size: u64,
        overlay: Option<&'a HashMap<Tile, Arc<TileTree>>>,
    ) -> Self {
        SizedReader {
            store,
            size,
            overlay,
        }
    }
}

impl HashReader for SizedReader<'_> {
    type Error = AuditError;

    fn read_node(&self, level: u8, index: u64) -> Result<Hash> {
        let missing = || {
            AuditError::corrupt(
                "tile",
                format!(
                    "no subtree at level {level}, index {index} in a tree of size {}",
                    self.size
                ),
            )
        };
        let tile_level = level / TILE_HEIGHT;
        let height = level % TILE_HEIGHT;
        let first = index.checked_shl(u32::from(height)).ok_or_else(missing)?;
        let available = self
            .size
            .checked_shr(u32::from(tile_level) * u32::from(TILE_HEIGHT))
            .unwrap_or(0);
        if first
            .checked_add(1 << height)
            .is_none_or(|end| end > available)
        {
            return Err(missing());
        }
        let tile = tile_at(self.size, tile_level, first)?;
        let tree = match self.overlay.and_then(|o| o.get(&tile)) {
            Some(tree) => Arc::clone(tree),
            None => self.store.tree(&tile)?,
        };
        tree.node(height, (first % FULL) >> height)
            .ok_or_else(missing)
    }
}
