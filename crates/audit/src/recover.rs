//! Opening a log after a clean stop or a crash. The signed checkpoint is the
//! truth: the edge is rebuilt from the tiles at exactly its size, and tiles a
//! crashed integration wrote beyond it are ignored (the next integration
//! overwrites them). A checkpoint staged for cosigning but never published
//! was already shown to witnesses, so it is published rather than dropped.

use std::path::Path;

use clearstone_merkle::tile::TILE_WIDTH;
use clearstone_merkle::{
    Checkpoint, Frontier, Hash, HashReader, Note, ProveError, Tile, VerifierKey, consistency_proof,
    verify_consistency,
};

use crate::durable::DurableWriter;
use crate::edge::{Edge, hashes_at};
use crate::error::{AuditError, Result};
use crate::tile_store::{SizedReader, TileStore};

pub(crate) const CHECKPOINT_FILE: &str = "checkpoint";
pub(crate) const STAGED_FILE: &str = "checkpoint.staged";

/// Reads a checkpoint and checks that the log key signed it.
pub(crate) fn load_checkpoint(path: &Path, key: &VerifierKey) -> Result<(Checkpoint, Note)> {
    let bytes = std::fs::read(path).map_err(|e| AuditError::io("read", path, e))?;
    let err = |source| AuditError::Checkpoint {
        path: path.display().to_string(),
        source,
    };
    let note = Note::parse(&bytes).map_err(|e| err(e.into()))?;
    let origin = Checkpoint::parse(note.text()).map_err(err)?;
    let opened = Checkpoint::open_note(note, origin.origin(), key, &[]).map_err(err)?;
    Ok((opened.checkpoint, opened.note))
}

/// Rebuilds the edge of the tree of `size` leaves from its tiles and checks
/// that they hash to the signed `root`.
pub(crate) fn rebuild_edge(store: &TileStore, size: u64, root: &Hash) -> Result<Edge> {
    let reader = SizedReader::new(store, size, None);
    // The frontier is the compact range [0, size): one perfect subtree per
    // set bit, largest first.
    let mut hashes = Vec::new();
    let mut start = 0u64;
    for level in (0..u64::BITS as u8).rev() {
        if size >> level & 1 == 1 {
            hashes.push(reader.read_node(level, start >> level)?);
            start += 1 << level;
        }
    }
    let frontier = Frontier::from_parts(size, hashes)
        .map_err(|e| AuditError::corrupt("tile", e.to_string()))?;
    let found = frontier.root();
    if found != *root {
        return Err(AuditError::RootMismatch {
            size,
            signed: root.to_base64(),
            found: found.to_base64(),
        });
    }

    let full = u64::from(TILE_WIDTH);
    let mut partial = Vec::new();
    for level in 0u8.. {
        let count = hashes_at(size, level);
        if count == 0 {
            break;
        }
        let width = (count % full) as u16;
        partial.push(if width == 0 {
            Vec::new()
        } else {
            store
                .tree(&Tile::new(level, count / full, width)?)?
                .hashes()
                .to_vec()
        });
    }

    let width = (size % full) as u16;
    // Checked against the level-0 partial tile as it is read.
    let bundle = if width == 0 {
        Vec::new()
    } else {
        store.bundle(&Tile::new(0, size / full, width)?)?
    };
    Ok(Edge {
        frontier,
        partial,
        bundle,
    })
}

/// Checks, from the tiles as they are on disk, that the tree of `new_size`
/// leaves hashes to `new_root` and contains the signed tree `old_size/old_root`.
pub(crate) fn check_consistency<R: HashReader<Error = AuditError>>(
    reader: &R,
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
) -> Result<()> {
    let inconsistent = |reason: String| AuditError::Inconsistent {
        old_size,
        new_size,
        reason,
    };
    let tiles_root = clearstone_merkle::tree_root(reader, new_size).map_err(prove_error)?;
    if tiles_root != *new_root {
        return Err(inconsistent(format!(
            "the tiles hash to `{}`, the frontier to `{}`",
            tiles_root.to_base64(),
            new_root.to_base64()
        )));
    }
    if old_size == 0 {
        return if *old_root == clearstone_merkle::empty_root() {
            Ok(())
        } else {
            Err(inconsistent(
                "the empty tree has a non-empty root".to_owned(),
            ))
        };
    }
    let proof = consistency_proof(reader, old_size, new_size).map_err(prove_error)?;
    verify_consistency(old_size, new_size, old_root, new_root, &proof)
        .map_err(|e| inconsistent(e.to_string()))
}

pub(crate) fn prove_error(e: ProveError<AuditError>) -> AuditError {
    match e {
        ProveError::Read { source, .. } => source,
        ProveError::IndexOutOfRange { index, size } => AuditError::NoEntry { index, size },
        ProveError::SizesOutOfOrder { size1, size2 } => AuditError::SizeAhead {
            old_size: size1,
            size: size2,
        },
    }
}

/// Publishes a checkpoint that was staged for cosigning before a crash, if it
/// is ahead of the published one and its tiles are intact; drops it if not
/// ahead. Returns the checkpoint now published, if it changed.
pub(crate) fn recover_staged(
    dir: &Path,
    store: &TileStore,
    writer: &mut DurableWriter,
    key: &VerifierKey,
    published: &Checkpoint,
) -> Result<Option<(Checkpoint, Note)>> {
    let path = dir.join(STAGED_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let staged_error = |size: u64, reason: String| AuditError::Staged {
        path: path.display().to_string(),
        size,
        reason,
    };
    let (staged, note) = load_checkpoint(&path, key).map_err(|e| staged_error(0, e.to_string()))?;
    if staged.origin() != published.origin() {
        return Err(staged_error(
            staged.size(),
            format!("its origin is `{}`", staged.origin()),
        ));
    }
    let adopted = if staged.size() > published.size() {
        let reader = SizedReader::new(store, staged.size(), None);
        check_consistency(
            &reader,
            published.size(),
            published.root(),
            staged.size(),
            staged.root(),
        )
        .map_err(|e| staged_error(staged.size(), e.to_string()))?;
        writer.write_files([(CHECKPOINT_FILE, note.to_string().as_bytes())])?;
        Some((staged, note))
    } else if staged.size() == published.size() && staged.root() != published.root() {
        return Err(staged_error(
            staged.size(),
            "it has another root than the published checkpoint of the same size".to_owned(),
        ));
    } else {
        None
    };
    writer.remove(STAGED_FILE)?;
    Ok(adopted)
}
