use std::path::Path;

use clearstone_merkle::{CheckpointError, KeyError, NoteError, ReceiptError, TileError};
use thiserror::Error;

/// What a cosigning hook returns when it cannot get its cosignatures; the
/// checkpoint is then not published and the entries stay pending.
pub type CosignFailure = Box<dyn std::error::Error + Send + Sync>;

/// Every failure of the audit log. Each has a stable snake_case [`code`].
///
/// [`code`]: AuditError::code
#[derive(Debug, Error)]
pub enum AuditError {
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("`{path}` already holds an audit log")]
    AlreadyExists { path: String },
    #[error("no audit log at `{path}`: it has no checkpoint")]
    NotFound { path: String },
    #[error("key file `{path}` already exists; refusing to overwrite a signing key")]
    KeyExists { path: String },
    #[error("key file `{path}` has mode {mode:04o}, open to other users; make it 0600")]
    KeyPermissions { path: String, mode: u32 },
    #[error("key file `{path}`: {source}")]
    Key { path: String, source: KeyError },
    #[error("cannot generate a signing key: {reason}")]
    Random { reason: String },
    #[error("log origin `{origin}` is empty or contains a space, a control character or `+`")]
    InvalidOrigin { origin: String },
    #[error("audit log `{path}` is in use by another process")]
    Locked { path: String },
    #[error("checkpoint `{path}`: {source}")]
    Checkpoint {
        path: String,
        source: CheckpointError,
    },
    #[error("entry has {bytes} bytes, more than entry_bytes_max ({max})")]
    EntryTooLarge { bytes: usize, max: usize },
    #[error(
        "{count} entries ({bytes} bytes) wait to be integrated, the limit of pending_entries_max or pending_bytes_max; integrate first"
    )]
    PendingFull { count: usize, bytes: usize },
    #[error(
        "entry {index} is not integrated yet: the log has {size} integrated entries; integrate first"
    )]
    Pending { index: u64, size: u64 },
    #[error("no entry {index}: the log has {size} entries")]
    NoEntry { index: u64, size: u64 },
    #[error("old size {old_size} is larger than the log's size {size}")]
    SizeAhead { old_size: u64, size: u64 },
    #[error("`{path}` is corrupt: {reason}")]
    Corrupt { path: String, reason: String },
    #[error(
        "the tiles at size {size} hash to root `{found}`, but the signed checkpoint has `{signed}`"
    )]
    RootMismatch {
        size: u64,
        signed: String,
        found: String,
    },
    #[error(
        "refusing to sign size {new_size}: it is not consistent with the signed checkpoint at size {old_size}: {reason}"
    )]
    Inconsistent {
        old_size: u64,
        new_size: u64,
        reason: String,
    },
    #[error("staged checkpoint `{path}` at size {size} cannot be published: {reason}")]
    Staged {
        path: String,
        size: u64,
        reason: String,
    },
    #[error("cosigning failed: {0}")]
    Cosign(CosignFailure),
    #[error("cosignature lines do not make a valid note: {0}")]
    Cosignature(NoteError),
    #[error("receipt: {0}")]
    Receipt(#[from] ReceiptError),
    #[error("tile: {0}")]
    Tile(#[from] TileError),
    #[error("the log is full at 2^64 - 1 entries")]
    Full,
    #[error(
        "{pending} entries wait for cosignatures: this log publishes a checkpoint only with its witnesses' cosignatures"
    )]
    CosignRequired { pending: usize },
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::AlreadyExists { .. } => "already_exists",
            Self::NotFound { .. } => "not_found",
            Self::KeyExists { .. } => "key_exists",
            Self::KeyPermissions { .. } => "key_permissions",
            Self::Key { .. } => "key",
            Self::Random { .. } => "random",
            Self::InvalidOrigin { .. } => "invalid_origin",
            Self::Locked { .. } => "locked",
            Self::Checkpoint { .. } => "checkpoint",
            Self::EntryTooLarge { .. } => "entry_too_large",
            Self::PendingFull { .. } => "pending_full",
            Self::Pending { .. } => "pending",
            Self::NoEntry { .. } => "no_entry",
            Self::SizeAhead { .. } => "size_ahead",
            Self::Corrupt { .. } => "corrupt",
            Self::RootMismatch { .. } => "root_mismatch",
            Self::Inconsistent { .. } => "inconsistent",
            Self::Staged { .. } => "staged",
            Self::Cosign(_) => "cosign",
            Self::Cosignature(_) => "cosignature",
            Self::Receipt(_) => "receipt",
            Self::Tile(_) => "tile",
            Self::Full => "full",
            Self::CosignRequired { .. } => "cosign_required",
        }
    }

    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        AuditError::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn corrupt(path: impl Into<String>, reason: impl Into<String>) -> Self {
        AuditError::Corrupt {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = AuditError> = std::result::Result<T, E>;
