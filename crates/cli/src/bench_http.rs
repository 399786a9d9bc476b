//! The load generator's HTTP/1.1 client: one keep-alive connection per
//! simulated user, blocking, with nothing between the request and the
//! socket, so what `bench serve` measures is the server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

/// Longest header block read from the server.
const HEADER_BYTES_MAX: usize = 64 * 1024;
/// Largest body read from the server.
const BODY_BYTES_MAX: usize = 64 * 1024 * 1024;

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One client's connection, opened again when the server closes it.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
    /// Sent with every request: the session cookie and CSRF token.
    pub extra: Vec<(String, String)>,
}

impl Conn {
    pub fn new(addr: SocketAddr) -> Conn {
        Conn {
            addr,
            stream: None,
            extra: Vec::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> Result<Answer> {
        self.send("GET", path, None)
    }

    pub fn post_json(&mut self, path: &str, body: &serde_json::Value) -> Result<Answer> {
        self.send("POST", path, Some(body.to_string().into_bytes()))
    }

    fn send(&mut self, method: &str, path: &str, body: Option<Vec<u8>>) -> Result<Answer> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for (n, v) in &self.extra {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        if let Some(b) = &body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        let stream = match &mut self.stream {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(self.addr)
                    .with_context(|| format!("cannot connect to `{}`", self.addr))?;
                s.set_nodelay(true).context("setting TCP_NODELAY")?;
                self.stream.insert(BufReader::new(s))
            }
        };
        let mut out = head.into_bytes();
        out.extend(body.unwrap_or_default());
        stream
            .get_mut()
            .write_all(&out)
            .context("sending a request")?;
        let answer = read_answer(stream);
        let close = answer.as_ref().map_or(true, |a| {
            a.header("connection")
                .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        });
        if close {
            self.stream = None;
        }
        answer
    }
}

fn read_answer(stream: &mut BufReader<TcpStream>) -> Result<Answer> {
    let mut line = String::new();
    stream.read_line(&mut line).context("reading the status")?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP status line: `{}`", line.trim()))?;
    let mut headers = Vec::new();
    let mut read = line.len();
    loop {
        line.clear();
        read += stream.read_line(&mut line).context("reading headers")?;
        if read > HEADER_BYTES_MAX {
            bail!("the answer's headers pass {HEADER_BYTES_MAX} bytes");
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut answer = Answer {
        status,
        headers,
        body: Vec::new(),
    };
    if answer
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        answer.body = read_chunked(stream)?;
    } else if let Some(len) = answer.header("content-length") {
        let len: usize = len
            .parse()
            .with_context(|| format!("bad content-length `{len}`"))?;
        if len > BODY_BYTES_MAX {
            bail!("an answer of {len} bytes passes {BODY_BYTES_MAX}");
        }
        answer.body = vec![0; len];
        stream
            .read_exact(&mut answer.body)
            .context("reading the body")?;
    }
    Ok(answer)
}

fn read_chunked(stream: &mut BufReader<TcpStream>) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        stream
            .read_line(&mut line)
            .context("reading a chunk size")?;
        let hex = line.trim().split(';').next().unwrap_or_default();
        let size =
            usize::from_str_radix(hex, 16).with_context(|| format!("bad chunk size `{hex}`"))?;
        if body.len() + size > BODY_BYTES_MAX {
            bail!("a chunked answer passes {BODY_BYTES_MAX} bytes");
        }
        let start = body.len();
        body.resize(start + size, 0);
        if let Some(chunk) = body.get_mut(start..) {
            stream.read_exact(chunk).context("reading a chunk")?;
        }
        line.clear();
        stream
            .read_line(&mut line)
            .context("reading a chunk's end")?;
        if size == 0 {
            return Ok(body);
        }
    }
}
