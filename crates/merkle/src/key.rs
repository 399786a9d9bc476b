//! Signed-note keys: key IDs, verifier keys (`name+keyid+base64(type||pk)`)
//! and Ed25519 signer keys in the golang.org/x/mod/sumdb/note encoding
//! (`PRIVATE+KEY+name+keyid+base64(type||seed)`).
//!
//! Key generation is left to the caller (32 random bytes from the OS make a
//! seed), which keeps this crate free of I/O.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::cosignature;
use crate::note::NoteSignature;

/// The signature types this crate signs and verifies (signed-note type bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureType {
    /// `0x01`: Ed25519 over the note text, used by logs.
    Ed25519,
    /// `0x04`: timestamped Ed25519 witness cosignature (tlog-cosignature v1).
    CosignatureV1,
}

impl SignatureType {
    pub const fn byte(self) -> u8 {
        match self {
            SignatureType::Ed25519 => 0x01,
            SignatureType::CosignatureV1 => 0x04,
        }
    }

    pub const fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            0x01 => Some(SignatureType::Ed25519),
            0x04 => Some(SignatureType::CosignatureV1),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("verifier key `{key}` is not of the form name+keyid+base64key")]
    MalformedVerifierKey { key: String },
    #[error("signer key is not of the form PRIVATE+KEY+name+keyid+base64key")]
    MalformedSignerKey,
    #[error("key name `{name}` is empty or contains a space or `+`")]
    InvalidName { name: String },
    #[error("key type 0x{byte:02x} is not supported here")]
    UnsupportedType { byte: u8 },
    #[error("key material has {got} bytes, expected 32")]
    KeyLength { got: usize },
    #[error("key id {claimed:08x} does not match the key, which has id {computed:08x}")]
    KeyIdMismatch { claimed: u32, computed: u32 },
    #[error("public key is not a valid ed25519 point")]
    InvalidPublicKey,
}

/// `SHA-256(name || 0x0A || type || public key)[:4]` as a big-endian integer.
pub fn key_id(name: &str, sig_type: u8, public_key: &[u8]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', sig_type]);
    hasher.update(public_key);
    let digest: [u8; 32] = hasher.finalize().into();
    let [a, b, c, d, ..] = digest;
    u32::from_be_bytes([a, b, c, d])
}

/// Key names are non-empty and contain no Unicode space and no `+`
/// (signed-note; the same test as Go's `unicode.IsSpace`).
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

fn check_name(name: &str) -> Result<(), KeyError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(KeyError::InvalidName {
            name: name.to_owned(),
        })
    }
}

/// Parses the shared tail `name+keyid+base64(type||key)` of both key encodings.
/// `None` when the shape is wrong; names are checked here.
struct KeyParts {
    name: String,
    key_id: u32,
    sig_type: u8,
    key: Vec<u8>,
}

fn split_key_parts(text: &str) -> Option<KeyParts> {
    let (name, rest) = text.split_once('+')?;
    let (id_hex, key64) = rest.split_once('+')?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let key_id = u32::from_str_radix(id_hex, 16).ok()?;
    let raw = STANDARD.decode(key64).ok()?;
    let (&sig_type, key) = raw.split_first()?;
    Some(KeyParts {
        name: name.to_owned(),
        key_id,
        sig_type,
        key: key.to_vec(),
    })
}

fn key_bytes(key: &[u8]) -> Result<[u8; 32], KeyError> {
    <[u8; 32]>::try_from(key).map_err(|_| KeyError::KeyLength { got: key.len() })
}

/// A public key that verifies note signatures, with its name and key ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    sig_type: SignatureType,
    key: VerifyingKey,
}

impl VerifierKey {
    pub fn new(
        name: &str,
        sig_type: SignatureType,
        public_key: &[u8; 32],
    ) -> Result<Self, KeyError> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| KeyError::InvalidPublicKey)?;
        Ok(VerifierKey {
            name: name.to_owned(),
            key_id: key_id(name, sig_type.byte(), public_key),
            sig_type,
            key,
        })
    }

    /// Parses `name+keyid+base64(type||pk)`; the key ID must match the key.
    pub fn parse(vkey: &str) -> Result<Self, KeyError> {
        let parts = split_key_parts(vkey).ok_or_else(|| KeyError::MalformedVerifierKey {
            key: vkey.to_owned(),
        })?;
        let sig_type =
            SignatureType::from_byte(parts.sig_type).ok_or(KeyError::UnsupportedType {
                byte: parts.sig_type,
            })?;
        let public_key = key_bytes(&parts.key)?;
        let key = Self::new(&parts.name, sig_type, &public_key)?;
        if key.key_id != parts.key_id {
            return Err(KeyError::KeyIdMismatch {
                claimed: parts.key_id,
                computed: key.key_id,
            });
        }
        Ok(key)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn sig_type(&self) -> SignatureType {
        self.sig_type
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Checks a signature (the bytes after the key ID) over the note text.
    /// Returns the cosignature timestamp for type 0x04, `None` for Ed25519,
    /// and `Err(())` when the signature does not verify.
    pub(crate) fn check(&self, text: &str, signature: &[u8]) -> Result<Option<u64>, ()> {
        match self.sig_type {
            SignatureType::Ed25519 => {
                self.check_ed25519(text.as_bytes(), signature)?;
                Ok(None)
            }
            SignatureType::CosignatureV1 => {
                let (timestamp, signature) = cosignature::split(signature).ok_or(())?;
                let message = cosignature::message(timestamp, text);
                self.check_ed25519(&message, signature)?;
                Ok(Some(timestamp))
            }
        }
    }

    // verify_strict also refuses small-order keys and non-canonical points;
    // every signature an honest RFC 8032 signer makes still passes.
    fn check_ed25519(&self, message: &[u8], signature: &[u8]) -> Result<(), ()> {
        let signature = Signature::from_slice(signature).map_err(|_| ())?;
        self.key.verify_strict(message, &signature).map_err(|_| ())
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut material = vec![self.sig_type.byte()];
        material.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(material)
        )
    }
}

impl FromStr for VerifierKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, KeyError> {
        Self::parse(s)
    }
}

/// An Ed25519 private key with its name, for one signature type. Shared by
/// [`SignerKey`] and [`crate::CosignerKey`], which differ only in type byte.
#[derive(Clone)]
pub(crate) struct Keypair {
    name: String,
    key_id: u32,
    sig_type: SignatureType,
    signing: SigningKey,
}

impl Keypair {
    pub(crate) fn from_seed(
        name: &str,
        sig_type: SignatureType,
        seed: &[u8; 32],
    ) -> Result<Self, KeyError> {
        check_name(name)?;
        let signing = SigningKey::from_bytes(seed);
        let public = signing.verifying_key().to_bytes();
        Ok(Keypair {
            name: name.to_owned(),
            key_id: key_id(name, sig_type.byte(), &public),
            sig_type,
            signing,
        })
    }

    /// Parses `PRIVATE+KEY+name+keyid+base64(type||seed)`. The key ID names the
    /// public key, so it is checked after deriving that from the seed.
    pub(crate) fn parse(skey: &str, sig_type: SignatureType) -> Result<Self, KeyError> {
        let parts = skey
            .strip_prefix("PRIVATE+KEY+")
            .and_then(split_key_parts)
            .ok_or(KeyError::MalformedSignerKey)?;
        if parts.sig_type != sig_type.byte() {
            return Err(KeyError::UnsupportedType {
                byte: parts.sig_type,
            });
        }
        let seed = key_bytes(&parts.key)?;
        let pair = Self::from_seed(&parts.name, sig_type, &seed)?;
        if pair.key_id != parts.key_id {
            return Err(KeyError::KeyIdMismatch {
                claimed: parts.key_id,
                computed: pair.key_id,
            });
        }
        Ok(pair)
    }

    pub(crate) fn encode(&self) -> String {
        let mut material = vec![self.sig_type.byte()];
        material.extend_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(material)
        )
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn key_id(&self) -> u32 {
        self.key_id
    }

    pub(crate) fn verifier_key(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key_id: self.key_id,
            sig_type: self.sig_type,
            key: self.signing.verifying_key(),
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the seed.
        write!(f, "{}+{:08x} (private)", self.name, self.key_id)
    }
}

/// A log's Ed25519 note signing key (type 0x01).
#[derive(Clone, Debug)]
pub struct SignerKey(Keypair);

impl SignerKey {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, KeyError> {
        Keypair::from_seed(name, SignatureType::Ed25519, seed).map(SignerKey)
    }

    /// Parses a golang sumdb/note signer key, `PRIVATE+KEY+name+keyid+base64(0x01||seed)`.
    pub fn parse(skey: &str) -> Result<Self, KeyError> {
        Keypair::parse(skey, SignatureType::Ed25519).map(SignerKey)
    }

    /// The secret encoding [`SignerKey::parse`] reads. Not `Display`, so that
    /// the key cannot reach a log line through `{}`.
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

    /// Signs note text (which must end in a newline, see [`crate::Note::new`]).
    pub fn sign(&self, text: &str) -> NoteSignature {
        NoteSignature::new_unchecked(
            self.name().to_owned(),
            self.key_id(),
            self.0.sign(text.as_bytes()).to_vec(),
        )
    }
}
