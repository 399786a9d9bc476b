//! The local whisper service (`services/transcribe`) for a test: started
//! from its venv on a free loopback port and stopped when dropped; speech
//! made by espeak-ng; word error rate.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Where `.ci/run` puts the service's venv unless this says otherwise.
pub const VENV_ENV: &str = "CLEARSTONE_TRANSCRIBE_VENV";
/// Loading the model takes a few seconds, more on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(180);

pub struct Service {
    child: Child,
    url: String,
}

fn venv() -> (PathBuf, bool) {
    match std::env::var(VENV_ENV) {
        Ok(v) if !v.trim().is_empty() => (PathBuf::from(v), true),
        _ => (
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/clearstone-transcribe"),
            false,
        ),
    }
}

fn has_espeak() -> bool {
    Command::new("espeak-ng")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Service {
    /// The running service, or `None` after saying plainly why `test` is
    /// skipped. A venv named in the environment must be there.
    pub fn start_or_skip(test: &str) -> Option<Self> {
        let (venv, named) = venv();
        let python = venv.join("bin/python");
        let missing = if !python.exists() {
            Some(format!(
                "no transcription venv at {} (install services/transcribe/requirements.txt there, as .ci/run does)",
                venv.display()
            ))
        } else if !has_espeak() {
            Some("espeak-ng is not installed (apt-get install espeak-ng)".to_string())
        } else {
            None
        };
        if let Some(why) = missing {
            assert!(!named, "{VENV_ENV} is set but {why}");
            eprintln!("SKIPPED {test}: {why}");
            return None;
        }
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../services/transcribe/serve.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the transcription service");
        let stdout = child.stdout.take().expect("the service's stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(e) => {
                let _ = child.kill();
                panic!("the transcription service did not start: {e}");
            }
        };
        let Some(url) = line
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            panic!("the transcription service said {line:?}");
        };
        Some(Self { child, url })
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `text` spoken by espeak-ng (British English, `wpm` words a
/// minute, a 120 ms gap between words) to `out` as 22.05 kHz WAV.
pub fn speak(text: &str, wpm: u32, out: &Path) {
    let status = Command::new("espeak-ng")
        .args(["-v", "en-gb", "-g", "12", "-s", &wpm.to_string(), "-w"])
        .arg(out)
        .arg(text)
        .status()
        .expect("run espeak-ng");
    assert!(status.success(), "espeak-ng failed");
}

/// Words lowercased without punctuation; the numbers a transcript may
/// write either way ("14th", "fourteenth", "three") as digits.
pub fn normalised_words(text: &str) -> Vec<String> {
    const NUMBERS: [(&str, &str); 8] = [
        ("fourteenth", "14"),
        ("14th", "14"),
        ("three", "3"),
        ("third", "3"),
        ("3rd", "3"),
        ("twenty", "20"),
        ("one", "1"),
        ("two", "2"),
    ];
    text.split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .map(|w| {
            NUMBERS
                .iter()
                .find(|(k, _)| *k == w)
                .map_or(w, |(_, v)| (*v).to_string())
        })
        .collect()
}

/// Substitutions, deletions and insertions over the reference's length.
pub fn word_error_rate(reference: &[String], heard: &[String]) -> f64 {
    let mut prev: Vec<usize> = (0..=heard.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut row = vec![i + 1; heard.len() + 1];
        for (j, h) in heard.iter().enumerate() {
            let sub = prev[j] + usize::from(r != h);
            row[j + 1] = sub.min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[heard.len()] as f64 / reference.len().max(1) as f64
}
