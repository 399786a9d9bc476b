//! Just enough HTTP/1.1 to serve `POST <prefix>/add-checkpoint` on a std
//! listener: one request per connection, then close.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{REQUEST_BYTES_MAX, Response, Witness};

/// A client that sends nothing for this long is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves requests until `max_requests` have been answered (forever if `None`).
pub fn serve(
    listener: &TcpListener,
    witness: &Witness,
    max_requests: Option<usize>,
) -> std::io::Result<()> {
    let mut served = 0;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let _ = handle(stream, witness);
        served += 1;
        if max_requests.is_some_and(|m| served >= m) {
            break;
        }
    }
    Ok(())
}

fn handle(stream: TcpStream, witness: &Witness) -> std::io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(usize::MAX);
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = if method != "POST" || !path.ends_with("/add-checkpoint") {
        Response::text(404, "not found")
    } else if length > REQUEST_BYTES_MAX {
        Response::text(400, "request too large")
    } else {
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        witness.add_checkpoint(&body, now)
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len()
    )?;
    out.write_all(&response.body)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        _ => "Internal Server Error",
    }
}
