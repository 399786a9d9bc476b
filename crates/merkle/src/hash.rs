//! RFC 6962 tree hashing: SHA-256 with a one-byte prefix that keeps leaves and
//! interior nodes apart, so no leaf can be passed off as a subtree.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use thiserror::Error;

/// Bytes in every tree hash (SHA-256).
pub const HASH_SIZE: usize = 32;

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// A 32-byte tree hash. Equality is constant-time, because roots and proof
/// hashes are compared against values an attacker may choose.
#[derive(Clone, Copy)]
pub struct Hash([u8; HASH_SIZE]);

/// A hash given in text or bytes that is not a 32-byte SHA-256 value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HashError {
    #[error("hash has {got} bytes, expected 32")]
    Length { got: usize },
    #[error("hash `{text}` is not canonical base64")]
    Base64 { text: String },
    #[error("hash `{text}` is not 64 lowercase hex digits")]
    Hex { text: String },
}

impl Hash {
    pub const fn from_bytes(bytes: [u8; HASH_SIZE]) -> Self {
        Hash(bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, HashError> {
        <[u8; HASH_SIZE]>::try_from(bytes)
            .map(Hash)
            .map_err(|_| HashError::Length { got: bytes.len() })
    }

    pub const fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// Parses standard padded base64, the encoding of checkpoints and proofs.
    pub fn from_base64(text: &str) -> Result<Self, HashError> {
        let bytes = STANDARD.decode(text).map_err(|_| HashError::Base64 {
            text: text.to_owned(),
        })?;
        Self::from_slice(&bytes)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub fn from_hex(text: &str) -> Result<Self, HashError> {
        let err = || HashError::Hex {
            text: text.to_owned(),
        };
        if text.len() != 2 * HASH_SIZE {
            return Err(err());
        }
        let mut out = [0u8; HASH_SIZE];
        for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            let digits = std::str::from_utf8(pair).map_err(|_| err())?;
            if digits.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(err());
            }
            *byte = u8::from_str_radix(digits, 16).map_err(|_| err())?;
        }
        Ok(Hash(out))
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl PartialEq for Hash {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Hash {}

impl std::hash::Hash for Hash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl From<[u8; HASH_SIZE]> for Hash {
    fn from(bytes: [u8; HASH_SIZE]) -> Self {
        Hash(bytes)
    }
}

impl TryFrom<&[u8]> for Hash {
    type Error = HashError;

    fn try_from(bytes: &[u8]) -> Result<Self, HashError> {
        Self::from_slice(bytes)
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn finish(hasher: Sha256) -> Hash {
    Hash(hasher.finalize().into())
}

/// `SHA-256(0x00 || data)`: the hash of one log entry.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    finish(hasher)
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left.0);
    hasher.update(right.0);
    finish(hasher)
}

/// `SHA-256("")`: the root of the empty tree.
pub fn empty_root() -> Hash {
    finish(Sha256::new())
}

/// The root of the tree whose leaves have the given leaf hashes.
///
/// Also the hash of a run of subtree hashes, such as a full tile: a single hash
/// is its own root. Pairs are joined level by level and an odd last node is
/// carried up unchanged, which builds exactly the RFC 6962 left-balanced tree.
pub fn root(leaf_hashes: &[Hash]) -> Hash {
    let mut level: Vec<Hash> = leaf_hashes.to_vec();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .filter_map(|pair| pair.iter().copied().reduce(|l, r| node_hash(&l, &r)))
            .collect();
    }
    level.first().copied().unwrap_or_else(empty_root)
}

/// Folds the roots of a compact range, given smallest (rightmost) first, into
/// the root of the whole range; `None` if there are none.
pub(crate) fn fold_right<'a>(rightmost_first: impl Iterator<Item = &'a Hash>) -> Option<Hash> {
    rightmost_first.fold(None, |acc, left| {
        Some(match acc {
            None => *left,
            Some(right) => node_hash(left, &right),
        })
    })
}
