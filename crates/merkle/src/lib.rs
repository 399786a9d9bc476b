//! Merkle trees, proofs, tiles and signed notes for the clearstone audit log.
//!
//! The audit log is an append-only Merkle tree hashed as in RFC 6962 / RFC 9162
//! (SHA-256, leaf prefix `0x00`, node prefix `0x01`). Its tree heads are C2SP
//! checkpoints in signed notes, witnesses add `cosignature/v1` signatures, and
//! the tree is published as C2SP tlog-tiles. Everything here is pure: no file
//! or network I/O, so an overseer's verifier can depend on this crate alone.
//!
//! Map:
//! - [`hash`]: tree hashing and the [`Hash`] type (constant-time equality).
//! - [`frontier`]: the O(log n) compact range that appends leaves and yields roots.
//! - [`memory`]: an in-memory tree that keeps every complete subtree.
//! - [`prove`] and [`verify`]: inclusion and consistency proofs.
//! - [`key`], [`note`], [`checkpoint`], [`cosignature`], [`receipt`]: the C2SP
//!   signed-note family.
//! - [`tile`], [`tile_reader`], [`bundle`], [`fsck`]: tlog-tiles arithmetic.

pub mod bundle;
pub mod checkpoint;
pub mod cosignature;
pub mod frontier;
pub mod fsck;
pub mod hash;
pub mod key;
pub mod memory;
pub mod note;
pub mod prove;
pub mod receipt;
pub mod tile;
pub mod tile_reader;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, OpenedCheckpoint};
pub use cosignature::{CosignatureError, CosignerKey};
pub use frontier::{Frontier, FrontierError};
pub use hash::{HASH_SIZE, Hash, HashError, empty_root, leaf_hash, node_hash, root};
pub use key::{KeyError, SignatureType, SignerKey, VerifierKey, key_id};
pub use memory::MemoryTree;
pub use note::{Note, NoteError, NoteSignature, VerifiedSignature};
pub use prove::{HashReader, ProveError, consistency_proof, inclusion_proof, tree_root};
pub use receipt::{Receipt, ReceiptError, VerifiedReceipt};
pub use tile::{Tile, TileError, TileKind};
pub use tile_reader::{TileHashReader, TileReadError};
pub use verify::{
    VerifyError, verify_consistency, verify_consistency_allowing_empty, verify_inclusion,
};
