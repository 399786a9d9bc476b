//! Disclosure (s.62 `disclose`) as one act: the bytes are written to a
//! temporary file, the event naming the recipient, the legal gateway, every
//! subject and the hash of those bytes is committed, and only then do the
//! bytes leave, by renaming the file into place or copying it to a stream.
//! A refused or failed disclosure leaves nothing behind and never touches an
//! existing file of the same name.

use std::collections::BTreeSet;
use std::io::{Seek, Write};
use std::path::Path;

use clearstone_store::Store;
use sha2::Digest;

use crate::{EngineError, Operation, Session};

/// Characters of a recipient's name; it is logged as given.
pub const RECIPIENT_CHARS_MAX: usize = 200;

/// Who receives a disclosure, and under which legal gateway.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disclosure<'a> {
    /// A named organisation or person, or `self, for analysis` for one's own
    /// file (which the policies may allow or refuse like any recipient).
    pub recipient: &'a str,
    /// The law that permits it; the purpose's legal basis when `None`.
    pub gateway: Option<&'a str>,
}

/// Where the disclosed bytes go once the event is committed.
pub enum Destination<'a> {
    /// A file: written beside it and renamed into place.
    File(&'a Path),
    /// A stream such as standard output: copied from a temporary file in the
    /// data directory.
    Stream(&'a mut (dyn Write + Send)),
}

/// What a writer disclosed: the records and canonical ids it named, how many
/// items it wrote, the outcome to log (counts), and the self-monitoring
/// concerns its records raise.
pub(crate) struct Disclosed {
    pub subjects: BTreeSet<String>,
    pub count: u64,
    pub outcome: String,
    pub concerns: Vec<(String, Vec<&'static str>)>,
}

/// Counts and hashes the bytes on their way to the temporary file.
struct Hashing<W> {
    inner: W,
    hash: sha2::Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let done = buf.get(..n).unwrap_or_default();
        self.hash.update(done);
        self.bytes += done.len() as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A `Write` the format writers can own while the spool stays here.
#[derive(Clone)]
struct Shared(std::sync::Arc<std::sync::Mutex<Hashing<std::io::BufWriter<std::fs::File>>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("the export spool lock was poisoned"))?
            .write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("the export spool lock was poisoned"))?
            .flush()
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EngineError + '_ {
    move |source| EngineError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Session<'_> {
    /// The recipient and gateway as they will be logged, or the refusal
    /// (itself logged, without the text refused).
    fn check_disclosure(&self, query: &str, d: &Disclosure<'_>) -> Result<String, EngineError> {
        let recipient = d.recipient.trim();
        let refusal = if recipient.is_empty() {
            Some(EngineError::RecipientRequired)
        } else if recipient.chars().count() > RECIPIENT_CHARS_MAX
            || recipient.chars().any(char::is_control)
        {
            Some(EngineError::InvalidInput(format!(
                "a recipient is a name of at most {RECIPIENT_CHARS_MAX} characters on one line (recipient_chars_max)"
            )))
        } else {
            None
        };
        let gateway = d
            .gateway
            .map(str::trim)
            .unwrap_or(self.purpose.legal_basis.trim());
        let refusal = refusal.or_else(|| {
            gateway.is_empty().then(|| {
                EngineError::InvalidInput(format!(
                    "a disclosure needs a legal gateway: purpose `{}` names no legal basis; give one with --gateway",
                    self.purpose.id
                ))
            })
        });
        if let Some(err) = refusal {
            self.record(Operation::Refused, query, &[], None, err.code())?;
            return Err(err);
        }
        // The gateway can be free text: the log keeps its hash.
        let gateway_ref = crate::session::text_ref(gateway);
        self.engine.store()?.put_text(&gateway_ref, gateway)?;
        Ok(gateway_ref)
    }

    /// Runs `write` into a temporary file, logs the disclosure (recipient,
    /// gateway, subjects, sha256 of the bytes), then delivers the bytes to
    /// `to`. `write` gates what it writes; the event is its only record, and
    /// a failure before it is logged as a failed disclosure.
    pub(crate) fn disclose(
        &self,
        query: &str,
        d: &Disclosure<'_>,
        to: Destination<'_>,
        write: impl FnOnce(Box<dyn Write + Send>) -> Result<Disclosed, EngineError>,
    ) -> Result<Disclosed, EngineError> {
        let gateway = self.check_disclosure(query, d)?;
        let query = format!("{query} under gateway {gateway}");
        let recipient = Some(d.recipient.trim());
        let dir = match &to {
            Destination::File(p) => p
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
            Destination::Stream(_) => self.engine.dir().to_path_buf(),
        };
        let checked = match &to {
            Destination::File(p) => writable_destination(p),
            Destination::Stream(_) => Ok(()),
        };
        if let Err(err) = checked {
            let outcome = format!("failed: {}", err.code());
            self.record(Operation::Disclose, &query, &[], recipient, &outcome)?;
            return Err(err);
        }
        let (spool, done, sha, bytes) = match spool_in(&dir, write) {
            Ok(spooled) => spooled,
            Err(err) => {
                let outcome = format!("failed: {}", err.code());
                self.record(Operation::Disclose, &query, &[], recipient, &outcome)?;
                return Err(err);
            }
        };
        let subjects: Vec<&str> = done.subjects.iter().map(String::as_str).collect();
        self.record_monitored(
            Operation::Disclose,
            &query,
            &subjects,
            recipient,
            &format!("{}; sent {bytes} bytes sha256:{sha}", done.outcome),
            &done.concerns,
        )?;
        match to {
            Destination::File(path) => {
                spool.persist(path).map_err(|e| EngineError::Io {
                    path: path.display().to_string(),
                    source: e.error,
                })?;
            }
            Destination::Stream(out) => {
                let mut f = spool.reopen().map_err(io(spool.path()))?;
                f.rewind().map_err(io(spool.path()))?;
                std::io::copy(&mut f, &mut *out)
                    .and_then(|_| out.flush())
                    .map_err(io(Path::new("standard output")))?;
            }
        }
        Ok(done)
    }
}

/// An export replaces a file of the user's own at its destination, never a
/// symbolic link (whose target may be anything) or a file another user owns
/// in a directory both may write to. The CLI asks the same of the other
/// files it writes (receipts, the overseer's query).
///
/// # Errors
/// [`EngineError::InvalidInput`] naming the path when it is a link, not a
/// file, or another user's; an I/O error when it cannot be examined.
pub fn writable_destination(path: &Path) -> Result<(), EngineError> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(path)(e)),
    };
    let shown = path.display();
    if meta.file_type().is_symlink() {
        return Err(EngineError::InvalidInput(format!(
            "`{shown}` is a symbolic link: an export is written to a file, never through a link"
        )));
    }
    if !meta.is_file() {
        return Err(EngineError::InvalidInput(format!(
            "`{shown}` is not a file: an export replaces only a file"
        )));
    }
    if meta.uid() != rustix::process::geteuid().as_raw() {
        return Err(EngineError::InvalidInput(format!(
            "`{shown}` belongs to another user: an export replaces only a file of one's own"
        )));
    }
    Ok(())
}

/// Runs `write` into a new temporary file in `dir` (removed when dropped),
/// returning it with what was written, its SHA-256 in hex and its size.
fn spool_in(
    dir: &Path,
    write: impl FnOnce(Box<dyn Write + Send>) -> Result<Disclosed, EngineError>,
) -> Result<(tempfile::NamedTempFile, Disclosed, String, u64), EngineError> {
    let spool = tempfile::Builder::new()
        .prefix(".clearstone-export-")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    let file = spool.reopen().map_err(io(spool.path()))?;
    let shared = Shared(std::sync::Arc::new(std::sync::Mutex::new(Hashing {
        inner: std::io::BufWriter::new(file),
        hash: sha2::Sha256::new(),
        bytes: 0,
    })));
    let done = write(Box::new(shared.clone()))?;
    shared.clone().flush().map_err(io(spool.path()))?;
    let h = shared
        .0
        .lock()
        .map_err(|_| EngineError::Internal("the export spool lock was poisoned".into()))?;
    let sha: String = h
        .hash
        .clone()
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let bytes = h.bytes;
    drop(h);
    Ok((spool, done, sha, bytes))
}
