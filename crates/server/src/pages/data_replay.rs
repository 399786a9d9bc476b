//! Replaying a dataset's quarantine from a corrected export uploaded on the
//! data page: a multipart form, bounded in size, with the CSRF token in its
//! body like every other form's (a token in the action's query would stay in
//! the result page's address and the browser's history). The body is read,
//! within its bound, before the token is checked. The engine replays it
//! as `clearstone quarantine replay --from FILE` does, through the gate, as
//! one event; the page shows what was released and what still fails, why.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use clearstone_engine::{EngineError, REPLAY_UPLOAD_BYTES_MAX, ReplaySummary};

use super::Pages;
use super::form::FieldError;
use super::layout::{Chrome, off_thread, problem, render, working, working_form};

/// The body a replay may send: the file and the form around it.
pub(crate) const REPLAY_BODY_BYTES_MAX: usize = REPLAY_UPLOAD_BYTES_MAX + 64 * 1024;

#[derive(Template)]
#[template(path = "data_replay.html")]
struct ReplayPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    dataset: String,
    done: Option<ReplaySummary>,
}

/// What the form sent: its token, the dataset named, the file's name and bytes.
#[derive(Default)]
struct Sent {
    csrf: String,
    dataset: String,
    name: String,
    bytes: Vec<u8>,
}

async fn read(mut form: Multipart) -> Result<Sent, String> {
    let mut sent = Sent::default();
    while let Some(field) = form.next_field().await.map_err(|e| e.body_text())? {
        match field.name() {
            Some("csrf") => sent.csrf = field.text().await.map_err(|e| e.body_text())?,
            Some("dataset") => sent.dataset = field.text().await.map_err(|e| e.body_text())?,
            Some("file") => {
                sent.name = field.file_name().unwrap_or_default().to_string();
                sent.bytes = field.bytes().await.map_err(|e| e.body_text())?.to_vec();
            }
            _ => {}
        }
    }
    Ok(sent)
}

/// `POST /data/quarantine/replay`: one event, whatever the outcome.
pub(crate) async fn replay(
    State(pages): State<Pages>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let sent = match form {
        Ok(f) => read(f).await,
        Err(e) => Err(e.body_text()),
    };
    let sent = match sent {
        Ok(s) => s,
        Err(why) => {
            // Only one signed in and working learns why a body was refused.
            if let Err(refused) = working(&pages, &headers) {
                return refused;
            }
            let why = why.to_lowercase();
            let status = match why.contains("length limit") {
                true => StatusCode::PAYLOAD_TOO_LARGE,
                false => StatusCode::BAD_REQUEST,
            };
            return (
                status,
                format!(
                    "the upload could not be read (at most {REPLAY_UPLOAD_BYTES_MAX} bytes): {why}"
                ),
            )
                .into_response();
        }
    };
    let (who, work) = match working_form(&pages, &headers, &sent.csrf) {
        Ok(w) => w,
        Err(refused) => return refused,
    };
    off_thread(move || {
        let chrome = Chrome::new(&pages, &who, "/data");
        let dataset = sent.dataset.trim().to_string();
        let done = pages.engine.session(work).and_then(|s| {
            s.replay_quarantine_upload(
                Some(dataset.as_str()).filter(|d| !d.is_empty()),
                &sent.name,
                &sent.bytes,
            )
        });
        let (status, errors, done) = match done {
            Ok(d) => (StatusCode::OK, Vec::new(), Some(d)),
            // A file that is empty, too large or cannot be read is the
            // user's to fix: said beside the file field.
            Err(e @ (EngineError::InvalidInput(_) | EngineError::Ingest(_))) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![FieldError::new("file", e.to_string())],
                None,
            ),
            Err(e) => return problem(chrome, &e),
        };
        render(
            status,
            &ReplayPage {
                chrome,
                errors,
                dataset,
                done,
            },
        )
    })
    .await
}
