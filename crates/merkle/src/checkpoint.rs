//! C2SP tlog-checkpoint v1: the note text `<origin>\n<size>\n<base64 root>\n`
//! with optional non-empty extension lines, signed by the log.

use std::fmt;

use thiserror::Error;

use crate::hash::Hash;
use crate::key::{SignerKey, VerifierKey};
use crate::note::{Note, NoteError, VerifiedSignature};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckpointError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("checkpoint text must end with a newline and hold no control characters")]
    MalformedText,
    #[error("checkpoint has no {line} line")]
    MissingLine { line: &'static str },
    #[error("checkpoint origin is empty")]
    EmptyOrigin,
    #[error("checkpoint size `{text}` is not a decimal number without leading zeros")]
    InvalidSize { text: String },
    #[error("checkpoint root `{text}` is not the base64 of 32 bytes")]
    InvalidRoot { text: String },
    #[error("checkpoint extension lines must be non-empty and hold no control characters")]
    InvalidExtension,
    #[error("checkpoint origin is `{found}`, expected `{expected}`")]
    OriginMismatch { expected: String, found: String },
    #[error("checkpoint carries no valid signature by the log key `{name}+{key_id:08x}`")]
    MissingLogSignature { name: String, key_id: u32 },
}

/// A checkpoint whose log signature verified, with every verified signature
/// (the log's and any known witnesses' cosignatures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: Note,
    pub signatures: Vec<VerifiedSignature>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        if !is_plain_line(origin) {
            return Err(CheckpointError::MalformedText);
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds extension lines (NOT RECOMMENDED by the spec: monitors cannot audit them).
    pub fn with_extensions(mut self, lines: Vec<String>) -> Result<Self, CheckpointError> {
        if lines
            .iter()
            .any(|line| line.is_empty() || !is_plain_line(line))
        {
            return Err(CheckpointError::InvalidExtension);
        }
        self.extensions = lines;
        Ok(self)
    }

    /// Parses checkpoint note text (the part a signature covers).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text
            .strip_suffix('\n')
            .filter(|body| body.bytes().all(|b| b >= 0x20 || b == b'\n'))
            .ok_or(CheckpointError::MalformedText)?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|line| !line.is_empty())
            .ok_or(CheckpointError::EmptyOrigin)?;
        let size_text = lines
            .next()
            .ok_or(CheckpointError::MissingLine { line: "size" })?;
        let root_text = lines
            .next()
            .ok_or(CheckpointError::MissingLine { line: "root" })?;
        let size = parse_decimal(size_text).ok_or_else(|| CheckpointError::InvalidSize {
            text: size_text.to_owned(),
        })?;
        let root = Hash::from_base64(root_text).map_err(|_| CheckpointError::InvalidRoot {
            text: root_text.to_owned(),
        })?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        Checkpoint::new(origin, size, root)?.with_extensions(extensions)
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn root(&self) -> &Hash {
        &self.root
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text: what the log signs and witnesses cosign.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// A note holding this checkpoint, signed by the log.
    pub fn sign(&self, key: &SignerKey) -> Result<Note, CheckpointError> {
        let mut note = Note::new(self.to_text())?;
        note.sign(key)?;
        Ok(note)
    }

    /// Parses a signed checkpoint, verifies it and checks its origin. The log's
    /// signature must verify; witness keys are optional extra known keys whose
    /// cosignatures, where present, must verify too.
    pub fn open(
        msg: &[u8],
        origin: &str,
        log_key: &VerifierKey,
        witness_keys: &[VerifierKey],
    ) -> Result<OpenedCheckpoint, CheckpointError> {
        Self::open_note(Note::parse(msg)?, origin, log_key, witness_keys)
    }

    /// [`Checkpoint::open`] for a note already parsed.
    pub fn open_note(
        note: Note,
        origin: &str,
        log_key: &VerifierKey,
        witness_keys: &[VerifierKey],
    ) -> Result<OpenedCheckpoint, CheckpointError> {
        let mut known = Vec::with_capacity(witness_keys.len() + 1);
        known.push(log_key.clone());
        known.extend_from_slice(witness_keys);
        // Signatures first: the text means nothing until a trusted key vouches for it.
        let signatures = note.verify(&known)?;
        let by_log = signatures
            .iter()
            .any(|sig| sig.name == log_key.name() && sig.key_id == log_key.key_id());
        if !by_log {
            return Err(CheckpointError::MissingLogSignature {
                name: log_key.name().to_owned(),
                key_id: log_key.key_id(),
            });
        }
        let checkpoint = Checkpoint::parse(note.text())?;
        if checkpoint.origin != origin {
            return Err(CheckpointError::OriginMismatch {
                expected: origin.to_owned(),
                found: checkpoint.origin,
            });
        }
        Ok(OpenedCheckpoint {
            checkpoint,
            note,
            signatures,
        })
    }
}

impl fmt::Display for Checkpoint {
    /// The note text, final newline included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        )?;
        self.extensions
            .iter()
            .try_for_each(|line| writeln!(f, "{line}"))
    }
}

fn is_plain_line(line: &str) -> bool {
    line.bytes().all(|b| b >= 0x20)
}

/// ASCII decimal with no leading zeros (except `0` itself), fitting in u64.
/// Shared by checkpoints and receipts.
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}
