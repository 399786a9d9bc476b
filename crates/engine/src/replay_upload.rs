//! Replaying quarantine from a corrected file sent over the web: the bytes
//! are written to a file of the data directory's own (its owner's alone),
//! replayed as `clearstone quarantine replay --from FILE` does, and removed.

use std::io::Write;

use crate::ingest::ReplaySummary;
use crate::{EngineError, Operation, Session};

/// The largest corrected file accepted from the web.
pub const REPLAY_UPLOAD_BYTES_MAX: usize = 16 * 1024 * 1024;

/// The extension the file keeps, so a compressed export is read as one:
/// letters and digits only, never a path.
fn extension(name: &str) -> String {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!(".{}", ext.to_ascii_lowercase())
    } else {
        String::new()
    }
}

impl Session<'_> {
    /// Replays the quarantined rows of `dataset` (all the session may load
    /// when `None`) from a corrected export's bytes; `name` is the file's
    /// name as uploaded, whose extension says how it is compressed. One
    /// event, whatever the outcome.
    pub fn replay_quarantine_upload(
        &self,
        dataset: Option<&str>,
        name: &str,
        bytes: &[u8],
    ) -> Result<ReplaySummary, EngineError> {
        let what = "replay quarantine from a corrected file";
        self.logged(Operation::Collect, what, &[], || {
            if bytes.is_empty() {
                return Err(EngineError::InvalidInput(
                    "choose the corrected file: the one sent is empty".into(),
                ));
            }
            if bytes.len() > REPLAY_UPLOAD_BYTES_MAX {
                return Err(EngineError::InvalidInput(format!(
                    "the file is over {REPLAY_UPLOAD_BYTES_MAX} bytes (replay_upload_bytes_max)"
                )));
            }
            let dir = self.engine.dir().join("quarantine");
            let io = |source| EngineError::Io {
                path: dir.display().to_string(),
                source,
            };
            let mut file = tempfile::Builder::new()
                .prefix("upload-")
                .suffix(&extension(name))
                .tempfile_in(&dir)
                .map_err(io)?;
            file.write_all(bytes).map_err(io)?;
            file.flush().map_err(io)?;
            // The file is removed when `file` goes, whatever the replay did.
            self.replay_quarantine_from(dataset, file.path())
        })
    }
}
