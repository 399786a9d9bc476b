//! A witness (C2SP tlog-witness): an independent party that cosigns a log's
//! checkpoint only after checking that it extends the last one it cosigned,
//! so a log cannot show one history to some and another to others without
//! being caught. It holds checkpoints only, never personal data.
//!
//! `add-checkpoint` answers with the spec's status codes: 200 with a
//! cosignature, 400 malformed or old size above the new one, 403 bad log
//! signature, 404 unknown log, 409 old size is not the stored one (the body
//! says which), 422 bad consistency proof or the same size with another root.

mod client;
mod http;
mod state;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clearstone_merkle::{
    Checkpoint, CosignerKey, Hash, Note, VerifierKey, verify_consistency,
    verify_consistency_allowing_empty,
};

pub use client::{WitnessClient, add_checkpoint};
pub use http::serve;

/// Proof lines an `add-checkpoint` body may carry (the spec's limit).
pub const PROOF_LINES_MAX: usize = 63;

/// Largest request body accepted: a checkpoint note and a proof are a few KiB.
pub const REQUEST_BYTES_MAX: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("cannot use `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Key(String),
    #[error("{0}")]
    Config(String),
}

/// One response: status, content type, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: impl Into<String>) -> Self {
        let mut b = body.into();
        if !b.ends_with('\n') {
            b.push('\n');
        }
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: b.into_bytes(),
        }
    }
}

pub struct Witness {
    dir: PathBuf,
    key: CosignerKey,
    logs: BTreeMap<String, VerifierKey>,
    /// Check and persist are one step: two requests for one log never interleave.
    lock: Mutex<()>,
}

impl Witness {
    /// Opens (creating if needed) a witness directory: `witness.key` (0600),
    /// `logs` (one `log <vkey>` line per log it witnesses) and `state/`.
    pub fn open(dir: &Path, name: &str) -> Result<Self, WitnessError> {
        let key = state::load_or_create_key(dir, name)?;
        let logs = state::read_logs(dir)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            key,
            logs,
            lock: Mutex::new(()),
        })
    }

    /// Adds a log (by its verifier key) to the ones this witness cosigns.
    pub fn add_log(&mut self, vkey: &str) -> Result<(), WitnessError> {
        let k =
            VerifierKey::parse(vkey).map_err(|e| WitnessError::Key(format!("`{vkey}`: {e}")))?;
        self.logs.insert(k.name().to_string(), k);
        state::write_logs(&self.dir, &self.logs)
    }

    pub fn verifier_key(&self) -> String {
        self.key.verifier_key().to_string()
    }

    /// Handles a `POST /add-checkpoint` body at time `now` (POSIX seconds).
    pub fn add_checkpoint(&self, body: &[u8], now: u64) -> Response {
        let Ok(_guard) = self.lock.lock() else {
            return Response::text(500, "internal error");
        };
        let req = match parse_request(body) {
            Ok(r) => r,
            Err(why) => return Response::text(400, why),
        };
        let Ok(note) = Note::parse(req.note) else {
            return Response::text(400, "the checkpoint is not a signed note");
        };
        let Ok(claimed) = Checkpoint::parse(note.text()) else {
            return Response::text(400, "the note is not a checkpoint");
        };
        let origin = claimed.origin().to_string();
        let Some(log_key) = self.logs.get(&origin) else {
            return Response::text(404, format!("unknown log `{origin}`"));
        };
        let Ok(opened) = Checkpoint::open_note(note, &origin, log_key, &[]) else {
            return Response::text(403, "the log's signature does not verify");
        };
        let new = opened.checkpoint;
        if req.old > new.size() {
            return Response::text(
                400,
                format!(
                    "old size {} is above the checkpoint's {}",
                    req.old,
                    new.size()
                ),
            );
        }
        let stored = match state::read_latest(&self.dir, &origin) {
            Ok(s) => s,
            Err(e) => return Response::text(500, format!("internal error: {e}")),
        };
        let (stored_size, stored_root) =
            stored.map_or((0, Hash::from_bytes([0; 32])), |c| (c.size(), *c.root()));
        if req.old != stored_size {
            return Response {
                status: 409,
                content_type: "text/x.tlog.size",
                body: format!("{stored_size}\n").into_bytes(),
            };
        }
        let consistent = if req.old == new.size() {
            req.proof.is_empty() && (req.old == 0 || stored_root == *new.root())
        } else if req.old == 0 {
            verify_consistency_allowing_empty(0, new.size(), &stored_root, new.root(), &req.proof)
                .is_ok()
        } else {
            verify_consistency(req.old, new.size(), &stored_root, new.root(), &req.proof).is_ok()
        };
        if !consistent {
            return Response::text(
                422,
                "the checkpoint is not consistent with the one this witness cosigned before",
            );
        }
        if let Err(e) = state::write_latest(&self.dir, &origin, &new) {
            return Response::text(500, format!("internal error: {e}"));
        }
        match self.key.cosign(&new, now) {
            Ok(sig) => Response {
                status: 200,
                content_type: "text/plain; charset=utf-8",
                body: format!("{sig}\n").into_bytes(),
            },
            Err(e) => Response::text(500, format!("internal error: {e}")),
        }
    }
}

struct Request<'a> {
    old: u64,
    proof: Vec<Hash>,
    note: &'a [u8],
}

/// `old N\n`, up to 63 base64 proof lines, an empty line, then the note.
fn parse_request(body: &[u8]) -> Result<Request<'_>, String> {
    if body.len() > REQUEST_BYTES_MAX {
        return Err(format!(
            "request of {} bytes exceeds request_bytes_max ({REQUEST_BYTES_MAX})",
            body.len()
        ));
    }
    let mut rest = body;
    let mut next_line = || -> Result<&[u8], String> {
        let at = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("truncated request")?;
        let (line, tail) = rest.split_at(at);
        rest = tail.get(1..).unwrap_or_default();
        Ok(line)
    };
    let first = std::str::from_utf8(next_line()?).map_err(|_| "the first line is not UTF-8")?;
    let old = first
        .strip_prefix("old ")
        .filter(|n| {
            !n.is_empty()
                && (n == &"0" || !n.starts_with('0'))
                && n.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| format!("the first line must be `old <size>`, not `{first}`"))?;
    let mut proof = Vec::new();
    loop {
        let line = next_line()?;
        if line.is_empty() {
            break;
        }
        if proof.len() == PROOF_LINES_MAX {
            return Err(format!("more than {PROOF_LINES_MAX} proof lines"));
        }
        let text = std::str::from_utf8(line).map_err(|_| "a proof line is not UTF-8")?;
        proof.push(Hash::from_base64(text).map_err(|_| format!("`{text}` is not a base64 hash"))?);
    }
    Ok(Request {
        old,
        proof,
        note: rest,
    })
}

/// The request body the log sends.
pub fn request_body(old: u64, proof: &[Hash], note: &str) -> Vec<u8> {
    let mut s = format!("old {old}\n");
    for h in proof {
        s.push_str(&h.to_base64());
        s.push('\n');
    }
    s.push('\n');
    s.push_str(note);
    s.into_bytes()
}
