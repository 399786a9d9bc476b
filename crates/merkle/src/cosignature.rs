//! tlog-cosignature v1 (signature type 0x04): a witness's timestamped Ed25519
//! signature over `cosignature/v1\ntime <ts>\n` followed by the checkpoint
//! body. The signature bytes are `u64be timestamp || ed25519[64]`.
//!
//! The signed message does not name the cosigner, so one key must serve one
//! cosigner only.

use thiserror::Error;

use crate::checkpoint::Checkpoint;
use crate::key::{KeyError, Keypair, SignatureType, VerifierKey};
use crate::note::NoteSignature;

/// Cosignature timestamps are POSIX seconds and must not exceed 2^63 - 1.
pub const TIMESTAMP_MAX: u64 = i64::MAX as u64;

const SIGNATURE_BYTES: usize = 8 + 64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CosignatureError {
    #[error("cosignature timestamp {timestamp} is above 2^63 - 1")]
    TimestampTooLarge { timestamp: u64 },
}

/// The message a v1 cosignature signs over the checkpoint `body` (the note
/// text, extension lines included).
pub fn message(timestamp: u64, body: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{body}").into_bytes()
}

/// Splits a cosignature into its timestamp and Ed25519 signature; `None`
/// unless it is exactly 72 bytes with a timestamp in range.
pub(crate) fn split(signature: &[u8]) -> Option<(u64, &[u8])> {
    if signature.len() != SIGNATURE_BYTES {
        return None;
    }
    let (time, ed25519) = signature.split_first_chunk::<8>()?;
    let timestamp = u64::from_be_bytes(*time);
    (timestamp <= TIMESTAMP_MAX).then_some((timestamp, ed25519))
}

/// A witness's cosigning key (type 0x04).
#[derive(Clone, Debug)]
pub struct CosignerKey(Keypair);

impl CosignerKey {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, KeyError> {
        Keypair::from_seed(name, SignatureType::CosignatureV1, seed).map(CosignerKey)
    }

    /// Parses `PRIVATE+KEY+name+keyid+base64(0x04||seed)`, the sumdb/note
    /// signer-key encoding with the cosignature type byte.
    pub fn parse(skey: &str) -> Result<Self, KeyError> {
        Keypair::parse(skey, SignatureType::CosignatureV1).map(CosignerKey)
    }

    /// The secret encoding [`CosignerKey::parse`] reads.
    pub fn to_secret_string(&self) -> String {
        self.0.encode()
    }

    pub fn name(&self) -> &str {
        self.0.name()
    }

    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    pub fn verifier_key(&self) -> VerifierKey {
        self.0.verifier_key()
    }

    /// Cosigns a checkpoint as of `timestamp` (POSIX seconds).
    pub fn cosign(
        &self,
        checkpoint: &Checkpoint,
        timestamp: u64,
    ) -> Result<NoteSignature, CosignatureError> {
        if timestamp > TIMESTAMP_MAX {
            return Err(CosignatureError::TimestampTooLarge { timestamp });
        }
        let signature = self.0.sign(&message(timestamp, &checkpoint.to_text()));
        let mut bytes = Vec::with_capacity(SIGNATURE_BYTES);
        bytes.extend_from_slice(&timestamp.to_be_bytes());
        bytes.extend_from_slice(&signature);
        Ok(NoteSignature::new_unchecked(
            self.name().to_owned(),
            self.key_id(),
            bytes,
        ))
    }
}
