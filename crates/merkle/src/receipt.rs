//! C2SP tlog-proof v1 receipts: an offline-verifiable proof that an entry is
//! in the log, made of an index, an inclusion proof and the signed (and
//! possibly cosigned) checkpoint, verbatim:
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! [extra <base64>]
//! index <N>
//! <base64 hash, leaf's sibling first>...
//!
//! <signed checkpoint>
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use thiserror::Error;

use crate::checkpoint::{Checkpoint, CheckpointError, parse_decimal};
use crate::hash::Hash;
use crate::key::VerifierKey;
use crate::note::{NOTE_BYTES_MAX, Note, NoteError, VerifiedSignature};
use crate::verify::{VerifyError, verify_inclusion};

pub const RECEIPT_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Most proof lines: an inclusion proof in a tree of up to 2^64 leaves.
pub const PROOF_HASHES_MAX: usize = 64;

/// Largest receipt accepted: a maximal checkpoint note plus room for the
/// header, the proof and extra data.
pub const RECEIPT_BYTES_MAX: usize = 2 * NOTE_BYTES_MAX;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReceiptError {
    #[error("receipt has {bytes} bytes, more than the limit of {max}")]
    TooLarge { bytes: usize, max: usize },
    #[error("receipt does not start with `c2sp.org/tlog-proof@v1`")]
    MissingHeader,
    #[error("receipt extra data is not base64")]
    InvalidExtra,
    #[error("receipt line `{line}` is not `index <N>` with no leading zeros")]
    InvalidIndex { line: String },
    #[error("receipt proof line {number} is not the base64 of 32 bytes")]
    InvalidProofHash { number: usize },
    #[error("receipt has more than {max} proof lines")]
    TooManyProofHashes { max: usize },
    #[error("receipt has no blank line before the checkpoint")]
    MissingCheckpoint,
    #[error("receipt checkpoint: {0}")]
    Note(#[from] NoteError),
    #[error("receipt checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("receipt inclusion proof: {0}")]
    Inclusion(#[from] VerifyError),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    extra: Option<Vec<u8>>,
    index: u64,
    proof: Vec<Hash>,
    checkpoint: Note,
}

/// What a receipt proves once verified. `extra` is not authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub index: u64,
    pub checkpoint: Checkpoint,
    pub signatures: Vec<VerifiedSignature>,
    pub extra: Option<Vec<u8>>,
}

impl Receipt {
    pub fn new(index: u64, proof: Vec<Hash>, checkpoint: Note) -> Result<Self, ReceiptError> {
        if proof.len() > PROOF_HASHES_MAX {
            return Err(ReceiptError::TooManyProofHashes {
                max: PROOF_HASHES_MAX,
            });
        }
        Ok(Receipt {
            extra: None,
            index,
            proof,
            checkpoint,
        })
    }

    /// Attaches opaque, unauthenticated application data.
    pub fn with_extra(mut self, extra: Vec<u8>) -> Self {
        self.extra = Some(extra);
        self
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, ReceiptError> {
        if bytes.len() > RECEIPT_BYTES_MAX {
            return Err(ReceiptError::TooLarge {
                bytes: bytes.len(),
                max: RECEIPT_BYTES_MAX,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or(ReceiptError::MissingCheckpoint)?;
        let mut lines = head.split('\n');
        if lines.next() != Some(RECEIPT_HEADER) {
            return Err(ReceiptError::MissingHeader);
        }
        let mut line = lines.next().unwrap_or_default();
        let mut extra = None;
        if let Some(encoded) = line.strip_prefix("extra ") {
            extra = Some(
                STANDARD
                    .decode(encoded)
                    .map_err(|_| ReceiptError::InvalidExtra)?,
            );
            line = lines.next().unwrap_or_default();
        }
        let index = line
            .strip_prefix("index ")
            .and_then(parse_decimal)
            .ok_or_else(|| ReceiptError::InvalidIndex {
                line: line.to_owned(),
            })?;
        let mut proof = Vec::new();
        for (number, line) in (1..).zip(lines) {
            if proof.len() == PROOF_HASHES_MAX {
                return Err(ReceiptError::TooManyProofHashes {
                    max: PROOF_HASHES_MAX,
                });
            }
            proof.push(
                Hash::from_base64(line).map_err(|_| ReceiptError::InvalidProofHash { number })?,
            );
        }
        let checkpoint = Note::parse(checkpoint.as_bytes())?;
        Ok(Receipt {
            extra,
            index,
            proof,
            checkpoint,
        })
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn proof(&self) -> &[Hash] {
        &self.proof
    }

    pub fn checkpoint(&self) -> &Note {
        &self.checkpoint
    }

    pub fn extra(&self) -> Option<&[u8]> {
        self.extra.as_deref()
    }

    /// Verifies that `leaf` (the entry's leaf hash) is at the receipt's index
    /// in a checkpoint of `origin` signed by `log_key`. Cosignatures by
    /// `witness_keys` are verified where present and returned; deciding how
    /// many are enough is the caller's policy.
    pub fn verify(
        &self,
        leaf: &Hash,
        origin: &str,
        log_key: &VerifierKey,
        witness_keys: &[VerifierKey],
    ) -> Result<VerifiedReceipt, ReceiptError> {
        let opened = Checkpoint::open_note(self.checkpoint.clone(), origin, log_key, witness_keys)?;
        let checkpoint = opened.checkpoint;
        verify_inclusion(
            leaf,
            self.index,
            checkpoint.size(),
            &self.proof,
            checkpoint.root(),
        )?;
        Ok(VerifiedReceipt {
            index: self.index,
            checkpoint,
            signatures: opened.signatures,
            extra: self.extra.clone(),
        })
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{RECEIPT_HEADER}")?;
        if let Some(extra) = &self.extra {
            writeln!(f, "extra {}", STANDARD.encode(extra))?;
        }
        writeln!(f, "index {}", self.index)?;
        for hash in &self.proof {
            writeln!(f, "{}", hash.to_base64())?;
        }
        writeln!(f)?;
        write!(f, "{}", self.checkpoint)
    }
}
