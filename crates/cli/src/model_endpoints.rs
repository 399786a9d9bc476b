//! Clients for the OpenAI-compatible endpoints a council runs itself: chat
//! completions for abstractive summaries, audio transcriptions for recorded
//! visits. Configured by environment; without one, the summariser is the
//! extractive default and transcription says that no model is configured.

use std::path::Path;

use clearstone_engine::note_text::{ChatModel, NotesError, Segment, Transcriber, Transcript};
use serde_json::{Value, json};

use crate::http_post::post;

/// The chat endpoint's base address, e.g. `http://127.0.0.1:8081`.
pub const CHAT_URL_ENV: &str = "CLEARSTONE_CHAT_URL";
pub const CHAT_MODEL_ENV: &str = "CLEARSTONE_CHAT_MODEL";
/// The model's version as the council records it (a GGUF file's sha256, a tag).
pub const CHAT_MODEL_VERSION_ENV: &str = "CLEARSTONE_CHAT_MODEL_VERSION";
pub const TRANSCRIBE_URL_ENV: &str = "CLEARSTONE_TRANSCRIBE_URL";
pub const TRANSCRIBE_MODEL_ENV: &str = "CLEARSTONE_TRANSCRIBE_MODEL";
/// A bearer token, for endpoints behind one.
pub const MODEL_API_KEY_ENV: &str = "CLEARSTONE_MODEL_API_KEY";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `base` with `path` appended unless it already ends with it.
fn endpoint(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with(path) {
        base.to_string()
    } else if base.ends_with("/v1") {
        format!("{base}{}", path.trim_start_matches("/v1"))
    } else {
        format!("{base}{path}")
    }
}

pub struct ChatEndpoint {
    url: String,
    model: String,
    version: String,
    key: Option<String>,
}

impl ChatEndpoint {
    /// The endpoint the environment configures, if any.
    pub fn from_env() -> Option<Self> {
        let base = env(CHAT_URL_ENV)?;
        Some(Self {
            url: endpoint(&base, "/v1/chat/completions"),
            model: env(CHAT_MODEL_ENV).unwrap_or_else(|| "default".into()),
            version: env(CHAT_MODEL_VERSION_ENV).unwrap_or_else(|| "unversioned".into()),
            key: env(MODEL_API_KEY_ENV),
        })
    }
}

fn failed(reason: impl Into<String>) -> NotesError {
    NotesError::ModelFailed {
        reason: reason.into(),
    }
}

impl ChatModel for ChatEndpoint {
    fn name(&self) -> String {
        self.model.clone()
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn complete(&self, system: &str, user: &str) -> Result<String, NotesError> {
        let body = json!({
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        });
        let (status, answer) = post(
            &self.url,
            "application/json",
            self.key.as_deref(),
            body.to_string().as_bytes(),
        )
        .map_err(|e| NotesError::ModelUnavailable {
            reason: format!("{e:#}"),
        })?;
        if status != 200 {
            return Err(failed(answered(&self.url, status, &answer)));
        }
        let v: Value = serde_json::from_slice(&answer)
            .map_err(|e| failed(format!("`{}` did not answer JSON: {e}", self.url)))?;
        v.pointer("/choices/0/message/content")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                failed(format!(
                    "`{}` answered without choices[0].message.content",
                    self.url
                ))
            })
    }
}

pub struct TranscribeEndpoint {
    url: String,
    model: String,
    key: Option<String>,
}

impl TranscribeEndpoint {
    pub fn from_env() -> Option<Self> {
        let base = env(TRANSCRIBE_URL_ENV)?;
        Some(Self {
            url: endpoint(&base, "/v1/audio/transcriptions"),
            model: env(TRANSCRIBE_MODEL_ENV).unwrap_or_else(|| "whisper-1".into()),
            key: env(MODEL_API_KEY_ENV),
        })
    }
}

/// A multipart/form-data body with text fields and one file.
fn multipart(boundary: &str, fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(file.len() + 1024);
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
        .collect();
    out.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{safe}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

/// What an endpoint said when it refused, with the reason an
/// OpenAI-compatible error body gives (`error.message`), shortened.
fn answered(url: &str, status: u16, body: &[u8]) -> String {
    let why = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .map(|m| m.chars().take(200).collect::<String>())
    });
    match why {
        Some(w) => format!("`{url}` answered {status}: {w}"),
        None => format!("`{url}` answered {status}"),
    }
}

/// The endpoints the environment configures, for the web application.
pub fn from_env() -> clearstone_server::Models {
    clearstone_server::Models {
        chat: ChatEndpoint::from_env()
            .map(|c| std::sync::Arc::new(c) as std::sync::Arc<dyn ChatModel + Send + Sync>),
        transcriber: TranscribeEndpoint::from_env()
            .map(|t| std::sync::Arc::new(t) as std::sync::Arc<dyn Transcriber + Send + Sync>),
    }
}

/// Segments of a `verbose_json` answer (seconds as floats), or its text as one.
pub fn segments_of(v: &Value) -> Vec<Segment> {
    let ms = |x: Option<&Value>| -> u64 {
        let s = x.and_then(Value::as_f64).unwrap_or(0.0).max(0.0);
        (s * 1000.0).round() as u64
    };
    match v.get("segments").and_then(Value::as_array) {
        Some(segs) if !segs.is_empty() => segs
            .iter()
            .filter_map(|s| {
                Some(Segment {
                    start_ms: ms(s.get("start")),
                    end_ms: ms(s.get("end")),
                    text: s.get("text")?.as_str()?.to_string(),
                })
            })
            .collect(),
        _ => v
            .get("text")
            .and_then(Value::as_str)
            .map(|t| {
                vec![Segment {
                    start_ms: 0,
                    end_ms: ms(v.get("duration")),
                    text: t.to_string(),
                }]
            })
            .unwrap_or_default(),
    }
}

impl Transcriber for TranscribeEndpoint {
    fn transcribe(&self, audio_path: &Path) -> Result<Transcript, NotesError> {
        let fail = |reason: String| NotesError::TranscriptionFailed { reason };
        let audio = std::fs::read(audio_path)
            .map_err(|e| fail(format!("`{}`: {e}", audio_path.display())))?;
        let boundary = "clearstone-boundary-7d1c3a";
        let name = audio_path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_else(|| "audio".into());
        let body = multipart(
            boundary,
            &[
                ("model", &self.model),
                ("response_format", "verbose_json"),
                ("timestamp_granularities[]", "segment"),
            ],
            &name,
            &audio,
        );
        let (status, answer) = post(
            &self.url,
            &format!("multipart/form-data; boundary={boundary}"),
            self.key.as_deref(),
            &body,
        )
        .map_err(|e| NotesError::TranscriberUnavailable {
            reason: format!("{e:#}"),
        })?;
        if status != 200 {
            return Err(fail(answered(&self.url, status, &answer)));
        }
        let v: Value = serde_json::from_slice(&answer)
            .map_err(|e| fail(format!("`{}` did not answer JSON: {e}", self.url)))?;
        let segments = segments_of(&v);
        if segments.is_empty() {
            return Err(fail(format!("`{}` answered no text", self.url)));
        }
        Ok(Transcript { segments })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A one-request endpoint answering `body`; returns its address and
    /// what it was sent.
    fn fake(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
        fake_with("200 OK", body)
    }

    fn fake_with(
        status: &'static str,
        body: &'static str,
    ) -> (String, std::thread::JoinHandle<String>) {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let h = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            // Read until the declared body has arrived.
            loop {
                let n = s.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got).to_string();
                if let Some(i) = text.find("\r\n\r\n") {
                    let len: usize = text
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if got.len() >= i + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            write!(
                s,
                "HTTP/1.0 {status}\r\nContent-Type: application/json\r\n\r\n{body}"
            )
            .unwrap();
            String::from_utf8_lossy(&got).to_string()
        });
        (format!("http://{addr}"), h)
    }

    #[test]
    fn chat_sends_both_prompts_and_reads_the_reply() {
        let (url, h) = fake(
            r#"{"model":"m","choices":[{"message":{"role":"assistant","content":"Visit held. [1]"}}]}"#,
        );
        let c = ChatEndpoint {
            url: endpoint(&url, "/v1/chat/completions"),
            model: "llama".into(),
            version: "q4".into(),
            key: None,
        };
        assert_eq!(c.complete("sys", "user text").unwrap(), "Visit held. [1]");
        let sent = h.join().unwrap();
        assert!(sent.starts_with("POST /v1/chat/completions HTTP/1.0"));
        assert!(sent.contains("user text") && sent.contains("\"llama\""));
    }

    #[test]
    fn transcription_reads_segments_with_times() {
        let (url, h) = fake(
            r#"{"text":"Hello. Bye.","segments":[{"start":0.0,"end":1.5,"text":"Hello."},{"start":1.5,"end":2.25,"text":"Bye."}]}"#,
        );
        let dir = tempfile::tempdir().unwrap();
        let audio = dir.path().join("visit.wav");
        std::fs::write(&audio, b"RIFF....").unwrap();
        let t = TranscribeEndpoint {
            url: endpoint(&url, "/v1/audio/transcriptions"),
            model: "whisper".into(),
            key: None,
        };
        let got = t.transcribe(&audio).unwrap();
        assert_eq!(got.segments.len(), 2);
        assert_eq!(
            (got.segments[1].start_ms, got.segments[1].end_ms),
            (1500, 2250)
        );
        let sent = h.join().unwrap();
        assert!(sent.contains("filename=\"visit.wav\"") && sent.contains("RIFF...."));
    }

    // issue 19, item 6: a refusal says why, as the service's error body does.
    #[test]
    fn a_refused_recording_says_why() {
        let (url, h) = fake_with(
            "400 Bad Request",
            r#"{"error":{"message":"the recording cannot be decoded: InvalidDataError","type":"invalid_request_error","code":"bad_audio"}}"#,
        );
        let dir = tempfile::tempdir().unwrap();
        let audio = dir.path().join("visit.wav");
        std::fs::write(&audio, b"not audio").unwrap();
        let t = TranscribeEndpoint {
            url: endpoint(&url, "/v1/audio/transcriptions"),
            model: "whisper".into(),
            key: None,
        };
        let err = t.transcribe(&audio).unwrap_err().to_string();
        h.join().unwrap();
        assert!(
            err.contains("400") && err.contains("cannot be decoded"),
            "{err}"
        );
    }

    #[test]
    fn endpoints_take_a_base_or_a_full_path() {
        assert_eq!(
            endpoint("http://h:1/v1", "/v1/chat/completions"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            endpoint("http://h:1/", "/v1/chat/completions"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            endpoint("http://h:1/v1/chat/completions", "/v1/chat/completions"),
            "http://h:1/v1/chat/completions"
        );
    }
}
