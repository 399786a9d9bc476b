//! Reading integrated entries back from their bundles. Each bundle is checked
//! against its level-0 tile as it is read, so an edited bundle is reported
//! rather than returned.

use std::ops::Range;

use clearstone_merkle::Tile;
use clearstone_merkle::tile::TILE_WIDTH;

use crate::error::{AuditError, Result};
use crate::log::AuditLog;
use crate::tile_store::tile_at;

const FULL: u64 = TILE_WIDTH as u64;

impl AuditLog {
    /// The bytes of integrated entry `index`.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>> {
        self.check_index(index)?;
        let offset = (index % FULL) as usize;
        let tile = tile_at(self.size(), 0, index - index % FULL)?;
        let entry = if is_edge(&tile, self.size()) {
            self.edge.bundle.get(offset).cloned()
        } else {
            self.store.bundle(&tile)?.into_iter().nth(offset)
        };
        entry.ok_or_else(|| missing(index))
    }

    /// The integrated entries in `range`, in order, as `(index, bytes)`,
    /// reading each bundle once.
    pub fn entries(&self, range: Range<u64>) -> Result<Entries<'_>> {
        if range.end > range.start {
            self.check_index(range.end - 1)?;
        }
        Ok(Entries {
            log: self,
            next: range.start,
            end: range.end,
            bundle: None,
        })
    }

    /// The entries of bundle `bundle_index` in the current tree; the partial
    /// bundle comes from memory.
    fn bundle(&self, bundle_index: u64) -> Result<Vec<Vec<u8>>> {
        let tile = tile_at(self.size(), 0, bundle_index * FULL)?;
        if is_edge(&tile, self.size()) {
            return Ok(self.edge.bundle.clone());
        }
        self.store.bundle(&tile)
    }
}

fn is_edge(tile: &Tile, size: u64) -> bool {
    !tile.is_full() && tile.index() == size / FULL
}

fn missing(index: u64) -> AuditError {
    AuditError::corrupt("tile/entries", format!("no entry {index} in its bundle"))
}

/// Iterator from [`AuditLog::entries`]. After an error it ends.
pub struct Entries<'a> {
    log: &'a AuditLog,
    next: u64,
    end: u64,
    bundle: Option<(u64, Vec<Vec<u8>>)>,
}

impl Iterator for Entries<'_> {
    type Item = Result<(u64, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let index = self.next;
        let bundle_index = index / FULL;
        if self.bundle.as_ref().is_none_or(|(i, _)| *i != bundle_index) {
            match self.log.bundle(bundle_index) {
                Ok(entries) => self.bundle = Some((bundle_index, entries)),
                Err(e) => {
                    self.next = self.end;
                    return Some(Err(e));
                }
            }
        }
        let entry = self
            .bundle
            .as_mut()
            .and_then(|(_, entries)| entries.get_mut((index % FULL) as usize))
            .map(std::mem::take);
        self.next += 1;
        Some(entry.map(|bytes| (index, bytes)).ok_or_else(|| {
            self.next = self.end;
            missing(index)
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end.saturating_sub(self.next)).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}
