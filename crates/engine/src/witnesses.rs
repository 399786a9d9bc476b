//! Witnesses the log must convince before it publishes a checkpoint. The
//! data directory's `witnesses` file lists them:
//!
//! ```text
//! witness http://10.0.4.2:7380 witness.northshire-pcp/w1+1a2b3c4d+AbCd...
//! witness http://10.0.9.7:7380 ico.witness/w2+5e6f7a8b+EfGh...
//! quorum 2
//! ```
//!
//! Without the file, checkpoints are signed by the log alone.

use std::path::Path;
use std::sync::Mutex;

use clearstone_audit::merkle::VerifierKey;
use clearstone_audit::{AuditLog, CosignFailure, Integrated};
use clearstone_witness::WitnessClient;

use crate::EngineError;

pub(crate) const WITNESSES_FILE: &str = "witnesses";

#[derive(Default)]
pub(crate) struct Witnesses {
    clients: Mutex<Vec<WitnessClient>>,
    quorum: usize,
}

impl Witnesses {
    pub(crate) fn load(dir: &Path) -> Result<Self, EngineError> {
        let path = dir.join(WITNESSES_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(EngineError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let bad = |n: usize, why: String| {
            EngineError::InvalidInput(format!("`{}` line {n}: {why}", path.display()))
        };
        let mut clients = Vec::new();
        let mut quorum = None;
        for (i, line) in text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                ["witness", url, key] => clients.push(WitnessClient {
                    url: (*url).to_string(),
                    key: VerifierKey::parse(key).map_err(|e| bad(i, e.to_string()))?,
                    last_size: 0,
                }),
                ["quorum", n] => {
                    quorum = Some(
                        n.parse::<usize>()
                            .map_err(|_| bad(i, format!("`{n}` is not a number")))?,
                    )
                }
                _ => {
                    return Err(bad(
                        i,
                        "expected `witness <url> <vkey>` or `quorum <n>`".into(),
                    ));
                }
            }
        }
        let quorum = quorum.unwrap_or(clients.len());
        if quorum > clients.len() {
            return Err(EngineError::InvalidInput(format!(
                "`{}`: quorum {quorum} with {} witnesses",
                path.display(),
                clients.len()
            )));
        }
        Ok(Self {
            clients: Mutex::new(clients),
            quorum,
        })
    }

    /// Each witness's verifier key (`name+keyid+key`), in the file's order.
    pub(crate) fn keys(&self) -> Result<Vec<String>, EngineError> {
        let clients = self
            .clients
            .lock()
            .map_err(|_| EngineError::Internal("witness list lock poisoned".into()))?;
        Ok(clients.iter().map(|c| c.key.to_string()).collect())
    }

    /// Whether checkpoints need cosignatures: then an act is complete only
    /// once a checkpoint covering its event is witnessed.
    pub(crate) fn required(&self) -> bool {
        self.quorum > 0
    }

    /// Integrates pending entries; with witnesses, publishes only once a
    /// quorum of them has cosigned. On failure the entries stay pending.
    pub(crate) fn integrate(&self, log: &mut AuditLog) -> Result<Integrated, EngineError> {
        if self.quorum == 0 {
            return Ok(log.integrate()?);
        }
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| EngineError::Internal("witness list lock poisoned".into()))?;
        let quorum = self.quorum;
        Ok(log.integrate_with(|staged| {
            let note = staged.note();
            let size = staged.checkpoint().size();
            let mut lines = Vec::new();
            let mut failures = Vec::new();
            for c in clients.iter_mut() {
                match c.cosign(&note, size, &|old| {
                    staged.consistency_proof(old).map_err(|e| e.to_string())
                }) {
                    Ok(line) => lines.push(line),
                    Err(e) => failures.push(e),
                }
            }
            if lines.len() < quorum {
                let why = format!(
                    "{} of {quorum} witness cosignatures: {}",
                    lines.len(),
                    failures.join("; ")
                );
                return Err(CosignFailure::from(why));
            }
            Ok(lines)
        })?)
    }
}

impl crate::Engine {
    /// The witnesses' verifier keys, for overseers to check each one's
    /// cosignature on the current checkpoint; empty when checkpoints are
    /// signed by the log alone. Public keys, no personal data.
    pub fn witness_keys(&self) -> Result<Vec<String>, EngineError> {
        self.witnesses.keys()
    }
}
