//! A minimal HTTP/1.1 GET client over `std::net::TcpStream`, enough to read a
//! tlog-tiles log from a static file server. Plain HTTP only: there is no TLS
//! here, so an `https://` URL is refused rather than fetched insecurely.

use std::io::{BufRead as _, BufReader, Read, Write as _};
use std::net::{TcpStream, ToSocketAddrs as _};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes of status line and headers accepted.
const HEADER_BYTES_MAX: usize = 64 << 10;

/// A parsed `http://host[:port]/prefix` base URL.
#[derive(Clone, Debug)]
pub struct BaseUrl {
    host: String,
    port: u16,
    /// Starts with `/` and has no trailing `/` (empty for the root).
    prefix: String,
}

pub enum Fetched {
    Body(Vec<u8>),
    NotFound,
}

impl BaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.to_ascii_lowercase().starts_with("https://") {
            return Err(format!(
                "`{url}`: https is not supported; clearstone-verify speaks plain HTTP only. \
                 Copy the log with a tool that does TLS and use --log DIR"
            ));
        }
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("`{url}` does not start with http://"))?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && !port.contains(']') => {
                let port = port
                    .parse()
                    .map_err(|_| format!("`{url}` has an invalid port `{port}`"))?;
                (host, port)
            }
            _ => (authority, 80),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || path.contains(['?', '#']) {
            return Err(format!(
                "`{url}` is not of the form http://host[:port]/prefix"
            ));
        }
        let prefix = path.trim_end_matches('/');
        Ok(BaseUrl {
            host: host.to_owned(),
            port,
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("/{prefix}")
            },
        })
    }

    pub fn url_of(&self, path: &str) -> String {
        format!("http://{}:{}{}/{path}", self.host, self.port, self.prefix)
    }

    /// GETs `prefix/path`; at most `bytes_max` bytes of body are accepted.
    pub fn get(&self, path: &str, bytes_max: usize) -> Result<Fetched, String> {
        let url = self.url_of(path);
        let err = |what: &str, e: &dyn std::fmt::Display| format!("`{url}`: {what}: {e}");
        let addrs: Vec<_> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| err("cannot resolve the host", &e))?
            .collect();
        let mut last = String::from("no address");
        let mut stream = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, TIMEOUT) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = e.to_string(),
            }
        }
        let mut stream = stream.ok_or_else(|| err("cannot connect", &last))?;
        stream
            .set_read_timeout(Some(TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
            .map_err(|e| err("socket", &e))?;
        let host = if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let request = format!(
            "GET {}/{path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: clearstone-verify/{}\r\n\
             Accept: */*\r\nConnection: close\r\n\r\n",
            self.prefix,
            env!("CARGO_PKG_VERSION")
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| err("cannot send the request", &e))?;

        let mut reader = BufReader::new(stream);
        let (status, headers) = read_head(&mut reader).map_err(|e| err("bad response", &e))?;
        match status {
            200 => {}
            404 | 410 => return Ok(Fetched::NotFound),
            other => return Err(format!("`{url}`: HTTP status {other}")),
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let chunked =
            header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            read_chunked(&mut reader, bytes_max)
        } else if let Some(length) = header("content-length") {
            let length: usize = length
                .trim()
                .parse()
                .map_err(|_| format!("`{url}`: bad content-length `{length}`"))?;
            if length > bytes_max {
                return Err(format!(
                    "`{url}`: {length} bytes, more than the {bytes_max} expected"
                ));
            }
            let mut body = vec![0; length];
            reader
                .read_exact(&mut body)
                .map(|()| body)
                .map_err(|e| e.to_string())
        } else {
            read_limited(&mut reader, bytes_max)
        };
        body.map(Fetched::Body).map_err(|e| err("bad body", &e))
    }
}

type Headers = Vec<(String, String)>;

fn read_line(reader: &mut impl std::io::BufRead, budget: &mut usize) -> Result<String, String> {
    let mut line = Vec::new();
    let read = reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| e.to_string())?;
    if read == 0 {
        return Err("connection closed early".to_owned());
    }
    *budget = budget
        .checked_sub(read)
        .ok_or_else(|| "headers too large".to_owned())?;
    let line = String::from_utf8(line).map_err(|_| "header is not utf-8".to_owned())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn read_head(reader: &mut impl std::io::BufRead) -> Result<(u16, Headers), String> {
    let mut budget = HEADER_BYTES_MAX;
    let status_line = read_line(reader, &mut budget)?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(format!("status line `{status_line}` is not HTTP/1.x"));
    }
    let status = parts
        .next()
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("status line `{status_line}` has no status code"))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut budget)?;
        if line.is_empty() {
            return Ok((status, headers));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header `{line}` has no `:`"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
}

fn read_limited(reader: &mut impl Read, bytes_max: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    reader
        .take(bytes_max as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| e.to_string())?;
    if body.len() > bytes_max {
        return Err(format!("more than the {bytes_max} bytes expected"));
    }
    Ok(body)
}

fn read_chunked(reader: &mut impl std::io::BufRead, bytes_max: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let mut budget = HEADER_BYTES_MAX;
        let line = read_line(reader, &mut budget)?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size `{size_text}`"))?;
        if size == 0 {
            // Trailers, then the blank line that ends the message.
            while !read_line(reader, &mut budget)?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > bytes_max {
            return Err(format!("more than the {bytes_max} bytes expected"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(body.get_mut(start..).unwrap_or_default())
            .map_err(|e| e.to_string())?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(|e| e.to_string())?;
        if &crlf != b"\r\n" {
            return Err("chunk not followed by CRLF".to_owned());
        }
    }
}
