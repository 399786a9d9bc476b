//! The log's Ed25519 signing key on disk, in the golang sumdb/note encoding
//! (`PRIVATE+KEY+name+keyid+base64`), mode 0600 and never overwritten.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use clearstone_merkle::SignerKey;

use crate::durable::sync_dir;
use crate::error::{AuditError, Result};

/// A new key named `origin` (C2SP: the key name should equal the origin),
/// from 32 bytes of OS randomness.
pub(crate) fn generate(origin: &str) -> Result<SignerKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| AuditError::Random {
        reason: e.to_string(),
    })?;
    let key = SignerKey::from_seed(origin, &seed).map_err(|_| AuditError::InvalidOrigin {
        origin: origin.to_owned(),
    });
    seed.fill(0);
    key
}

/// Writes a new key file; an existing one is an error, because replacing a
/// log's key would orphan every checkpoint it signed.
pub(crate) fn write(path: &Path, key: &SignerKey) -> Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|e| AuditError::io("create", parent, e))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => AuditError::KeyExists {
                path: path.display().to_string(),
            },
            _ => AuditError::io("create", path, e),
        })?;
    file.write_all(format!("{}\n", key.to_secret_string()).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| AuditError::io("write", path, e))?;
    if let Some(parent) = parent {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Reads a key file, refusing one that other users can read or write (as ssh
/// does): whoever holds the key can sign checkpoints for the log.
pub(crate) fn read(path: &Path) -> Result<SignerKey> {
    let meta = fs::metadata(path).map_err(|e| AuditError::io("read", path, e))?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(AuditError::KeyPermissions {
            path: path.display().to_string(),
            mode,
        });
    }
    let text = fs::read_to_string(path).map_err(|e| AuditError::io("read", path, e))?;
    SignerKey::parse(text.trim()).map_err(|source| AuditError::Key {
        path: path.display().to_string(),
        source,
    })
}
