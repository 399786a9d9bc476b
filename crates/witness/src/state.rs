//! The witness's files: its key, the logs it witnesses, and per log the last
//! checkpoint it cosigned. Writes go to a temporary file that is synced and
//! renamed, so a crash leaves the old state or the new, never a torn one.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use clearstone_merkle::{Checkpoint, CosignerKey, VerifierKey};

use crate::WitnessError;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WitnessError + '_ {
    move |source| WitnessError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), WitnessError> {
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, mode);
        let mut f = opts.open(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)
            .and_then(|d| d.sync_all())
            .map_err(io(parent))?;
    }
    Ok(())
}

pub(crate) fn load_or_create_key(dir: &Path, name: &str) -> Result<CosignerKey, WitnessError> {
    std::fs::create_dir_all(dir.join("state")).map_err(io(dir))?;
    let path = dir.join("witness.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        return CosignerKey::parse(text.trim())
            .map_err(|e| WitnessError::Key(format!("`{}`: {e}", path.display())));
    }
    let mut seed = [0u8; 32];
    let urandom = Path::new("/dev/urandom");
    std::fs::File::open(urandom)
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(io(urandom))?;
    let key = CosignerKey::from_seed(name, &seed)
        .map_err(|e| WitnessError::Key(format!("witness name `{name}`: {e}")))?;
    write_atomic(
        &path,
        format!("{}\n", key.to_secret_string()).as_bytes(),
        0o600,
    )?;
    Ok(key)
}

/// `logs`: one `log <vkey>` line per log, as in C2SP tlog-policy.
pub(crate) fn read_logs(dir: &Path) -> Result<BTreeMap<String, VerifierKey>, WitnessError> {
    let path = dir.join("logs");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(&path)(e)),
    };
    let mut logs = BTreeMap::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let vkey = line.strip_prefix("log ").ok_or_else(|| {
            WitnessError::Config(format!(
                "`{}` line {}: expected `log <vkey>`",
                path.display(),
                n + 1
            ))
        })?;
        let k = VerifierKey::parse(vkey.trim()).map_err(|e| {
            WitnessError::Config(format!("`{}` line {}: {e}", path.display(), n + 1))
        })?;
        logs.insert(k.name().to_string(), k);
    }
    Ok(logs)
}

pub(crate) fn write_logs(
    dir: &Path,
    logs: &BTreeMap<String, VerifierKey>,
) -> Result<(), WitnessError> {
    let text: String = logs.values().map(|k| format!("log {k}\n")).collect();
    write_atomic(&dir.join("logs"), text.as_bytes(), 0o644)
}

fn state_path(dir: &Path, origin: &str) -> std::path::PathBuf {
    let hex: String = origin.bytes().map(|b| format!("{b:02x}")).collect();
    dir.join("state").join(hex)
}

pub(crate) fn read_latest(dir: &Path, origin: &str) -> Result<Option<Checkpoint>, WitnessError> {
    let path = state_path(dir, origin);
    match std::fs::read_to_string(&path) {
        Ok(text) => Checkpoint::parse(&text)
            .map(Some)
            .map_err(|e| WitnessError::Config(format!("`{}`: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path)(e)),
    }
}

pub(crate) fn write_latest(dir: &Path, origin: &str, cp: &Checkpoint) -> Result<(), WitnessError> {
    write_atomic(&state_path(dir, origin), cp.to_text().as_bytes(), 0o644)
}
