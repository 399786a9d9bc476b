//! The load generator's HTTP/1.1 client: one keep-alive connection per
//! simulated user, blocking, with nothing between the request and the
//! socket, so what `bench serve` measures is the server. It runs on the
//! same cores as the server, so each request reuses its connection's
//! buffer and an answer's headers are kept as one string.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

/// Longest header block read from the server.
const HEADER_BYTES_MAX: usize = 64 * 1024;
/// Largest body read from the server.
const BODY_BYTES_MAX: usize = 64 * 1024 * 1024;

pub struct Answer {
    pub status: u16,
    /// The header lines as received, searched by [`Answer::header`]: one
    /// allocation per answer rather than two per header.
    head: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One client's connection, opened again when the server closes it.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
    /// Sent with every request: the session cookie and CSRF token.
    pub extra: Vec<(String, String)>,
    /// The request being sent, kept so each request reuses its memory.
    out: Vec<u8>,
}

impl Conn {
    pub fn new(addr: SocketAddr) -> Conn {
        Conn {
            addr,
            stream: None,
            extra: Vec::new(),
            out: Vec::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> Result<Answer> {
        self.send("GET", path, None)
    }

    pub fn post_json(&mut self, path: &str, body: &serde_json::Value) -> Result<Answer> {
        self.send("POST", path, Some(body.to_string().into_bytes()))
    }

    fn send(&mut self, method: &str, path: &str, body: Option<Vec<u8>>) -> Result<Answer> {
        let out = &mut self.out;
        out.clear();
        write!(out, "{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr)?;
        for (n, v) in &self.extra {
            write!(out, "{n}: {v}\r\n")?;
        }
        if let Some(b) = &body {
            write!(
                out,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            )?;
        }
        out.extend_from_slice(b"\r\n");
        out.extend(body.unwrap_or_default());
        let stream = match &mut self.stream {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(self.addr)
                    .with_context(|| format!("cannot connect to `{}`", self.addr))?;
                s.set_nodelay(true).context("setting TCP_NODELAY")?;
                self.stream.insert(BufReader::new(s))
            }
        };
        stream
            .get_mut()
            .write_all(&self.out)
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
    let mut head = String::with_capacity(1024);
    stream.read_line(&mut head).context("reading the status")?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP status line: `{}`", head.trim()))?;
    head.clear();
    loop {
        let start = head.len();
        stream.read_line(&mut head).context("reading headers")?;
        if head.len() > HEADER_BYTES_MAX {
            bail!("the answer's headers pass {HEADER_BYTES_MAX} bytes");
        }
        if head.get(start..).is_none_or(|l| l.trim_end().is_empty()) {
            break;
        }
    }
    let mut answer = Answer {
        status,
        head,
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
