//! The audit log on disk: an append-only RFC 6962 Merkle tree in the C2SP
//! tlog-tiles layout with signed checkpoints, so that an overseer holding
//! only the log's verifier key can prove that no event was removed, altered
//! or reordered (DESIGN.md, principle 7).
//!
//! Layout of a log directory (`<data-dir>/audit/`):
//!
//! ```text
//! checkpoint                    signed note: origin, size, base64 root (C2SP tlog-checkpoint)
//! tile/<L>/<N>[.p/<W>]          hash tiles, N in x-prefixed 3-digit groups
//! tile/entries/<N>[.p/<W>]      entry bundles: uint16be length + bytes, 256 per full bundle
//! checkpoint.staged             only while witnesses cosign (see `integrate_with`)
//! tmp/                          files being written; emptied on open
//! lock                          held by the one process that has the log open
//! ```
//!
//! The signing key lives elsewhere (a path the caller chooses), mode 0600, in
//! the golang sumdb/note encoding.
//!
//! Writes go through `tmp/`, fsync, rename and a directory fsync; tiles and
//! bundles are durable before the checkpoint that covers them is replaced, so
//! after a crash at any point the recomputed root equals the last signed
//! checkpoint. Files beyond that checkpoint are ignored and later overwritten.

mod cosign;
mod durable;
mod edge;
mod entries;
mod error;
mod fast_hash;
mod key_file;
mod log;
mod recover;
mod tile_store;

pub use cosign::StagedCheckpoint;
pub use entries::Entries;
pub use error::{AuditError, CosignFailure, Result};
pub use log::{
    AuditLog, BatchPolicy, ENTRY_BYTES_MAX, Integrated, PENDING_BYTES_MAX, PENDING_ENTRIES_MAX,
};
pub use tile_store::TILE_CACHE_TILES_MAX;

/// The Merkle crate this log is built on, for callers that verify.
pub use clearstone_merkle as merkle;
