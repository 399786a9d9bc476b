//! tlog-tiles entry bundles: the entries behind one level-0 tile, each as a
//! big-endian uint16 length followed by the entry bytes.

use thiserror::Error;

use crate::hash::{Hash, leaf_hash};

/// The uint16 length prefix caps each entry at 65535 bytes.
pub const ENTRY_BYTES_MAX: usize = u16::MAX as usize;
/// A bundle holds the entries of one tile.
pub const BUNDLE_ENTRIES_MAX: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BundleError {
    #[error("entry {index} has {bytes} bytes, more than the bundle limit of 65535")]
    EntryTooLarge { index: usize, bytes: usize },
    #[error("a bundle holds 1 to 256 entries, got {count}")]
    WrongEntryCount { count: usize },
    #[error("bundle ends inside the entry that starts at byte {offset}")]
    Truncated { offset: usize },
}

/// Encodes entries into one bundle.
pub fn encode_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, BundleError> {
    if entries.is_empty() || entries.len() > BUNDLE_ENTRIES_MAX {
        return Err(BundleError::WrongEntryCount {
            count: entries.len(),
        });
    }
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.as_ref().len() + 2).sum());
    for (index, entry) in entries.iter().enumerate() {
        let entry = entry.as_ref();
        let len = u16::try_from(entry.len()).map_err(|_| BundleError::EntryTooLarge {
            index,
            bytes: entry.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Splits a bundle into its entries.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, BundleError> {
    let mut entries = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        if entries.len() == BUNDLE_ENTRIES_MAX {
            return Err(BundleError::WrongEntryCount {
                count: entries.len() + 1,
            });
        }
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or(BundleError::Truncated { offset })?;
        let (entry, tail) = tail
            .split_at_checked(usize::from(u16::from_be_bytes(*len)))
            .ok_or(BundleError::Truncated { offset })?;
        entries.push(entry);
        rest = tail;
    }
    if entries.is_empty() {
        return Err(BundleError::WrongEntryCount { count: 0 });
    }
    Ok(entries)
}

/// The leaf hashes of a bundle's entries: what its level-0 tile must hold.
pub fn bundle_leaf_hashes(bytes: &[u8]) -> Result<Vec<Hash>, BundleError> {
    Ok(decode_bundle(bytes)?.into_iter().map(leaf_hash).collect())
}
