//! The verifier's memory between runs: the last checkpoint it accepted (the
//! signed note, verbatim), and the evidence file that fork reports are
//! appended to.

use std::io::Write as _;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use clearstone_merkle::note::NOTE_BYTES_MAX;
use clearstone_merkle::{Checkpoint, OpenedCheckpoint};

use crate::args::Args;
use crate::checkpoints::Fork;
use crate::outcome::{Failure, usage};

/// The checkpoint accepted last time, if any. It must verify with this
/// log's key: a state file from another log is a usage error, not a fork.
pub fn load(path: &Path, args: &Args) -> Result<Option<OpenedCheckpoint>, Failure> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(usage(format!(
                "cannot read state `{}`: {e}",
                path.display()
            )));
        }
    };
    if bytes.len() > NOTE_BYTES_MAX {
        return Err(usage(format!(
            "state `{}` is too large to be a checkpoint",
            path.display()
        )));
    }
    Checkpoint::open(&bytes, &args.origin, &args.key, &[])
        .map(Some)
        .map_err(|e| {
            usage(format!(
                "state `{}` does not hold a checkpoint of this log ({e}); give another --state",
                path.display()
            ))
        })
}

/// Replaces the state atomically, so that a crash never leaves it half written.
pub fn save(path: &Path, note: &str) -> Result<(), Failure> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(note.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| usage(format!("cannot write state `{}`: {e}", path.display())))
}

/// Appends a fork report: both signed notes verbatim, and the proof from
/// the tiles when there is one, so a third party can check it.
pub fn write_evidence(
    path: &Path,
    args: &Args,
    source: &str,
    earlier: &OpenedCheckpoint,
    now: &OpenedCheckpoint,
    fork: &Fork,
) -> Result<(), String> {
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut text = format!(
        "clearstone-verify fork evidence\n\
         recorded: unix time {time}\n\
         origin: {}\n\
         log key: {}\n\
         source: {source}\n\
         reason: {}\n\n\
         checkpoint accepted earlier (size {}):\n{}\n\
         checkpoint served now (size {}):\n{}\n",
        args.origin,
        args.key,
        fork.reason,
        earlier.checkpoint.size(),
        earlier.note,
        now.checkpoint.size(),
        now.note,
    );
    if let Some((from, to, proof, root)) = &fork.proof {
        text.push_str(&format!(
            "consistency proof from size {from} to size {to}, read from the log's tiles; \
             it proves root {} at size {from}:\n",
            root.to_base64()
        ));
        for hash in proof {
            text.push_str(&hash.to_base64());
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str("----\n");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot write evidence `{}`: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write evidence `{}`: {e}", path.display()))
}
