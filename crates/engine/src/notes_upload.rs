//! A recording that arrives as bytes (the web application's upload) rather
//! than as a file the caller names: it is put in the data directory, owner
//! only, for the transcriber to read, and removed once transcribed, as the
//! transcription keeps its own copy named by its hash.

use clearstone_notes::Transcriber;

use crate::notes_write::{AUDIO_DIR, NewNote, Transcribed, set_mode};
use crate::{EngineError, Session};

/// The extension of an uploaded file's name when it is a plain one, so the
/// transcriber can tell the format; else `audio`.
fn extension(file_name: &str) -> &str {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("audio")
}

impl Session<'_> {
    /// [`Session::transcribe`] for a recording held in memory: one event.
    pub fn transcribe_upload(
        &self,
        file_name: &str,
        bytes: &[u8],
        consent: &str,
        attach: &NewNote,
        transcriber: &dyn Transcriber,
    ) -> Result<Transcribed, EngineError> {
        if bytes.is_empty() {
            // Nothing to transcribe: refused all the same as one event.
            return self.transcribe(std::path::Path::new(""), consent, attach, transcriber);
        }
        let dir = self.engine.dir().join(AUDIO_DIR);
        let io = |path: &std::path::Path, source| EngineError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        set_mode(&dir, 0o700)?;
        let token: String = crate::datadir::random_key()?
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = dir.join(format!(".upload-{token}.{}", extension(file_name)));
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| io(&path, e))?;
            f.write_all(bytes).map_err(|e| io(&path, e))?;
        }
        let out = self.transcribe(&path, consent, attach, transcriber);
        // The transcription kept its own copy; this one goes whatever happened.
        let _ = std::fs::remove_file(&path);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::extension;

    #[test]
    fn only_a_plain_extension_is_kept() {
        assert_eq!(extension("visit.wav"), "wav");
        assert_eq!(extension("visit.tar.m4a"), "m4a");
        assert_eq!(extension("visit"), "audio");
        assert_eq!(extension("x./../../etc"), "audio");
    }
}
