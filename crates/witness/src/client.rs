//! The log's side: send a staged checkpoint to a witness and check the
//! cosignature it returns. Plain HTTP/1.1 over std; `https` is not supported
//! (run witnesses on a private network or behind a TLS proxy).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use clearstone_merkle::{Hash, Note, VerifierKey};

use crate::request_body;

/// How long the log waits for a witness before counting it as absent.
const WITNESS_TIMEOUT: Duration = Duration::from_secs(5);

/// Posts an `add-checkpoint` request; returns the status and body.
pub fn add_checkpoint(url: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("`{url}`: only http:// witnesses are supported"))?;
    let (host, prefix) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let addr = host
        .to_socket_addrs()
        .map_err(|e| format!("`{host}`: {e}"))?
        .next()
        .ok_or_else(|| format!("`{host}` has no address"))?;
    let mut s =
        TcpStream::connect_timeout(&addr, WITNESS_TIMEOUT).map_err(|e| format!("`{url}`: {e}"))?;
    s.set_read_timeout(Some(WITNESS_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let path = if prefix.is_empty() {
        "/add-checkpoint".to_string()
    } else {
        format!("/{}/add-checkpoint", prefix.trim_end_matches('/'))
    };
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .and_then(|()| s.write_all(body))
    .map_err(|e| format!("`{url}`: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)
        .map_err(|e| format!("`{url}`: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("`{url}`: malformed response"))?;
    let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default()).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| format!("`{url}`: no status"))?;
    Ok((status, raw.get(split + 4..).unwrap_or_default().to_vec()))
}

/// A witness the log asks to cosign, with the size it last cosigned.
#[derive(Debug, Clone)]
pub struct WitnessClient {
    pub url: String,
    pub key: VerifierKey,
    /// What the log believes the witness holds; corrected from a 409 answer.
    pub last_size: u64,
}

impl WitnessClient {
    /// Asks for a cosignature of `note` (a checkpoint of `size` leaves),
    /// proving consistency from the witness's last size with `proof_from`.
    /// Returns the verified cosignature line.
    pub fn cosign(
        &mut self,
        note: &str,
        size: u64,
        proof_from: &dyn Fn(u64) -> Result<Vec<Hash>, String>,
    ) -> Result<String, String> {
        for _ in 0..2 {
            let old = self.last_size.min(size);
            let proof = if old == 0 || old == size {
                Vec::new()
            } else {
                proof_from(old)?
            };
            let (status, body) = add_checkpoint(&self.url, &request_body(old, &proof, note))?;
            match status {
                200 => {
                    let line = String::from_utf8(body)
                        .map_err(|_| "a cosignature that is not UTF-8".to_string())?;
                    let line = line.trim_end().to_string();
                    self.check(note, &line)?;
                    self.last_size = size;
                    return Ok(line);
                }
                // The witness holds another size: retry from the one it names.
                409 => {
                    self.last_size = String::from_utf8_lossy(&body)
                        .trim()
                        .parse()
                        .map_err(|_| "a 409 without a size".to_string())?;
                }
                other => {
                    return Err(format!(
                        "witness `{}` answered {other}: {}",
                        self.key.name(),
                        String::from_utf8_lossy(&body).trim()
                    ));
                }
            }
        }
        Err(format!(
            "witness `{}` keeps disagreeing about its last size",
            self.key.name()
        ))
    }

    /// The returned line must be a valid cosignature by this witness's key.
    fn check(&self, note: &str, line: &str) -> Result<(), String> {
        let signed = format!("{note}{line}\n");
        let n = Note::parse(signed.as_bytes())
            .map_err(|e| format!("witness `{}`: {e}", self.key.name()))?;
        let verified = n
            .verify(std::slice::from_ref(&self.key))
            .map_err(|e| e.to_string())?;
        if verified
            .iter()
            .any(|v| v.key_id == self.key.key_id() && v.timestamp.is_some())
        {
            Ok(())
        } else {
            Err(format!(
                "witness `{}` returned a cosignature that does not verify",
                self.key.name()
            ))
        }
    }
}
