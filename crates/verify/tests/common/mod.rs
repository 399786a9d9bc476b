//! Helpers for running the real `clearstone-verify` binary against logs made
//! with the audit crate, and a tiny static HTTP server for `--url`.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use clearstone_audit::AuditLog;

pub const ORIGIN: &str = "clearstone.test/audit";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn verify<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_clearstone-verify"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn entry(index: u64) -> Vec<u8> {
    format!("{{\"v\":1,\"event\":{index},\"op\":\"read\"}}").into_bytes()
}

pub struct TestLog {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub key: PathBuf,
    pub vkey: String,
}

impl TestLog {
    pub fn state(&self) -> PathBuf {
        self.tmp.path().join("verify.state")
    }

    pub fn open(&self) -> AuditLog {
        AuditLog::open(&self.dir, &self.key).unwrap()
    }

    /// `verify --log DIR --key VKEY --state STATE` plus `extra`.
    pub fn check(&self, extra: &[&str]) -> Run {
        self.check_dir(&self.dir, extra)
    }

    pub fn check_dir(&self, dir: &Path, extra: &[&str]) -> Run {
        let mut args = vec![
            "--log".to_owned(),
            dir.display().to_string(),
            "--key".to_owned(),
            self.vkey.clone(),
            "--state".to_owned(),
            self.state().display().to_string(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        verify(&args)
    }
}

/// A log of `size` entries.
pub fn log_of(size: u64) -> TestLog {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("audit");
    let key = tmp.path().join("keys/log.key");
    let mut log = AuditLog::create(&dir, &key, ORIGIN).unwrap();
    grow(&mut log, size);
    let vkey = log.verifier_key();
    drop(log);
    TestLog {
        tmp,
        dir,
        key,
        vkey,
    }
}

pub fn grow(log: &mut AuditLog, to: u64) {
    while log.size() + (log.pending() as u64) < to {
        let index = log.size() + log.pending() as u64;
        log.append(&entry(index)).unwrap();
    }
    log.integrate().unwrap();
}

pub fn flip_byte(path: &Path, offset: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), target).unwrap();
        }
    }
}

/// Serves `dir` at `http://127.0.0.1:<port>/<prefix>/` until the test ends.
/// Bundles go out with chunked transfer encoding, everything else with a
/// content length, so both client paths are used.
pub fn serve(dir: PathBuf, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = handle(stream, &dir, prefix);
        }
    });
    port
}

fn handle(stream: TcpStream, dir: &Path, prefix: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let target = request.split(' ').nth(1).unwrap_or_default();
    let relative = target.strip_prefix(&format!("/{prefix}/"));
    let body = relative
        .filter(|r| !r.contains(".."))
        .and_then(|r| std::fs::read(dir.join(r)).ok().map(|b| (r.to_owned(), b)));
    let mut out = stream;
    match body {
        Some((path, body)) if path.starts_with("tile/entries/") => {
            out.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            )?;
            for chunk in body.chunks(1000) {
                write!(out, "{:x}\r\n", chunk.len())?;
                out.write_all(chunk)?;
                out.write_all(b"\r\n")?;
            }
            out.write_all(b"0\r\n\r\n")?;
        }
        Some((_, body)) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(&body)?;
        }
        None => out.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
        )?,
    }
    out.flush()
}
