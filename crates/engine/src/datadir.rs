//! The data directory: `clearstone.db`, the deployment's `ontology.toml`,
//! `keys/` and `quarantine/` (see DESIGN.md, "On disk"). It holds personal
//! data in every file, so it is its owner's alone: the directory 0700 and
//! every file 0600 (`docs/storage.md`, "Permissions").

use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use crate::EngineError;

pub(crate) const DB_FILE: &str = "clearstone.db";
pub(crate) const ONTOLOGY_FILE: &str = "ontology.toml";
pub(crate) const SUBJECT_KEY_FILE: &str = "keys/subject.key";
pub(crate) const POLICY_FILE: &str = "policy.cedar";
pub(crate) const AUDIT_DIR: &str = "audit";
pub(crate) const LOG_KEY_FILE: &str = "keys/log.key";

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
    move |source| EngineError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn create(
    dir: &Path,
    ontology_text: &str,
    policy_text: &str,
) -> Result<(), EngineError> {
    if dir.join(ONTOLOGY_FILE).exists() || dir.join(DB_FILE).exists() {
        return Err(EngineError::AlreadyInitialised(dir.display().to_string()));
    }
    restrict_umask();
    create_private_dir(dir)?;
    // A directory made beforehand (`mkdir`) is taken over while it is still
    // empty; one that already holds files is refused before anything is
    // written, rather than left half made.
    if is_empty(dir)? {
        set_owner_only(dir)?;
    } else {
        check_owner_only(dir, SharedDir::Refuse)?;
    }
    for sub in ["keys", "quarantine"] {
        create_private_dir(&dir.join(sub))?;
    }
    write_private(&dir.join(POLICY_FILE), policy_text.as_bytes())?;
    write_private(&dir.join(ONTOLOGY_FILE), ontology_text.as_bytes())?;
    let key_path = dir.join(SUBJECT_KEY_FILE);
    write_secret(&key_path, &random_key()?)?;
    Ok(())
}

pub(crate) fn require(dir: &Path) -> Result<PathBuf, EngineError> {
    // `init` writes the ontology last but one and the key last: a directory
    // with both is initialised (the database file is created on first open).
    let db = dir.join(DB_FILE);
    if !dir.join(ONTOLOGY_FILE).exists() || !dir.join(SUBJECT_KEY_FILE).exists() {
        return Err(EngineError::NotInitialised(dir.display().to_string()));
    }
    Ok(db)
}

/// Whether `open` accepts a data directory that other users can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SharedDir {
    /// Refuse it, naming the path, its mode and the fix (the default).
    #[default]
    Refuse,
    /// Open it anyway (`--allow-shared-permissions`); files created from
    /// then on are still the owner's alone.
    Allow,
}

/// Refuses a data directory with any group or other permission bit: every
/// file in it holds personal data, and a directory others can enter exposes
/// them to whatever mode each file happens to have.
pub(crate) fn check_owner_only(dir: &Path, shared: SharedDir) -> Result<(), EngineError> {
    let mode = std::fs::metadata(dir)
        .map_err(io(dir))?
        .permissions()
        .mode()
        & 0o7777;
    if mode & 0o077 != 0 && shared == SharedDir::Refuse {
        return Err(EngineError::SharedPermissions {
            path: dir.display().to_string(),
            mode: format!("{mode:04o}"),
        });
    }
    Ok(())
}

/// Narrows the process's file-creation mask to the owner. The SQLite files
/// (database, WAL, shared memory), the index's segments and every file the
/// callers write after opening (exports, receipts) are created by code that
/// takes its mode from the mask, so this is the one place that covers them.
pub(crate) fn restrict_umask() {
    use rustix::fs::Mode;
    let others = Mode::RWXG | Mode::RWXO;
    let old = rustix::process::umask(others);
    rustix::process::umask(old | others);
}

/// Creates a directory (and missing parents) readable by its owner only.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), EngineError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true).mode(0o700);
    b.create(dir).map_err(io(dir))
}

fn set_owner_only(dir: &Path) -> Result<(), EngineError> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io(dir))
}

fn is_empty(dir: &Path) -> Result<bool, EngineError> {
    Ok(std::fs::read_dir(dir).map_err(io(dir))?.next().is_none())
}

/// Writes a file readable by its owner only, replacing what was there. The
/// mode applies when the file is created; a file that existed keeps its own.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true).mode(0o600);
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))
}

/// 32 bytes from the operating system's generator.
pub(crate) fn random_key() -> Result<[u8; 32], EngineError> {
    use std::io::Read;
    let mut key = [0u8; 32];
    let path = Path::new("/dev/urandom");
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(io(path))?;
    Ok(key)
}

/// Writes a key readable by its owner only.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true).mode(0o600);
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

pub(crate) fn read_key(dir: &Path) -> Result<Vec<u8>, EngineError> {
    let p = dir.join(SUBJECT_KEY_FILE);
    std::fs::read(&p).map_err(io(&p))
}
