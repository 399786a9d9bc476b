//! A small blocking HTTP/1.0 POST over std, for the model endpoints a council
//! runs itself (llama.cpp, Ollama, vLLM, a whisper server). Plain `http://`
//! only, as for witnesses: run the endpoint on the same machine or a private
//! network, or behind a TLS proxy. HTTP/1.0 keeps the answer unchunked and
//! the connection closed at its end; a chunked answer is still decoded.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Context, Result, bail};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A model on a CPU can take minutes over a long set of notes.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);
/// The largest answer read from an endpoint.
pub const ANSWER_BYTES_MAX: usize = 16 * 1024 * 1024;

/// Posts `body` to `url` (`http://host[:port]/path`); returns the status and body.
pub fn post(
    url: &str,
    content_type: &str,
    auth: Option<&str>,
    body: &[u8],
) -> Result<(u16, Vec<u8>)> {
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("`{url}`: only http:// endpoints are supported (put a TLS proxy in front of a remote one)"))?;
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) => (h, format!("/{p}")),
        None => (rest, "/".to_string()),
    };
    let with_port = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    let addr = with_port
        .to_socket_addrs()
        .with_context(|| format!("`{host}`: cannot resolve"))?
        .next()
        .with_context(|| format!("`{host}` has no address"))?;
    let mut s = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
        .with_context(|| format!("cannot reach `{url}`"))?;
    s.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    s.set_write_timeout(Some(ANSWER_TIMEOUT))?;
    let mut head = format!(
        "POST {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nAccept: application/json\r\n",
        body.len()
    );
    if let Some(key) = auth {
        head.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut answer = Vec::new();
    s.take(ANSWER_BYTES_MAX as u64 + 1)
        .read_to_end(&mut answer)
        .with_context(|| format!("no answer from `{url}`"))?;
    if answer.len() > ANSWER_BYTES_MAX {
        bail!("the answer from `{url}` is over answer_bytes_max ({ANSWER_BYTES_MAX})");
    }
    parse(&answer).with_context(|| format!("`{url}` did not answer in HTTP"))
}

fn parse(answer: &[u8]) -> Result<(u16, Vec<u8>)> {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = String::from_utf8_lossy(answer.get(..split).unwrap_or_default()).to_string();
    let body = answer.get(split + 4..).unwrap_or_default();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .context("no status code")?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    Ok((
        status,
        if chunked {
            dechunk(body)?
        } else {
            body.to_vec()
        },
    ))
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("a chunk without its size")?;
        let size_text =
            String::from_utf8_lossy(body.get(..line_end).unwrap_or_default()).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .context("a chunk size that is not hexadecimal")?;
        if size == 0 {
            return Ok(out);
        }
        let data = body
            .get(line_end + 2..line_end + 2 + size)
            .context("a chunk cut short")?;
        out.extend_from_slice(data);
        body = body.get(line_end + 4 + size..).unwrap_or_default();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_chunked_answers() {
        let (status, body) = parse(b"HTTP/1.0 200 OK\r\nContent-Type: x\r\n\r\nhello").unwrap();
        assert_eq!((status, body.as_slice()), (200, b"hello".as_slice()));
        let (_, body) = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(body, b"hello");
        assert!(parse(b"garbage").is_err());
    }
}
