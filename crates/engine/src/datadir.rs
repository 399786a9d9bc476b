//! The data directory: `clearstone.db`, the deployment's `ontology.toml`,
//! `keys/` and `quarantine/` (see DESIGN.md, "On disk").

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
    for sub in ["keys", "quarantine"] {
        let p = dir.join(sub);
        std::fs::create_dir_all(&p).map_err(io(&p))?;
    }
    let policy = dir.join(POLICY_FILE);
    std::fs::write(&policy, policy_text).map_err(io(&policy))?;
    let onto = dir.join(ONTOLOGY_FILE);
    std::fs::write(&onto, ontology_text).map_err(io(&onto))?;
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
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts.open(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

pub(crate) fn read_key(dir: &Path) -> Result<Vec<u8>, EngineError> {
    let p = dir.join(SUBJECT_KEY_FILE);
    std::fs::read(&p).map_err(io(&p))
}
