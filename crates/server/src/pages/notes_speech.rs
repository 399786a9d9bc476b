//! Uploading a recording of a visit: the consent to record is a required
//! field, the upload is bounded in size, and the transcript becomes a note
//! about the person, whose reader shows each line's time in the recording.
//! Without a configured transcriber the form says so and offers the typed
//! note instead.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use clearstone_engine::{EngineError, ModelAct, NewNote};

use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, working_form};
use super::notes_text::{encode, note_href};
use super::{Pages, SignedIn};
use crate::multipart::{Part, UPLOAD_BYTES_MAX, boundary, parts, text_field};

/// `POST /entities/{id}/notes/recording`, with room for a recording.
pub(crate) fn route() -> MethodRouter<Pages> {
    // The form's own fields on top of the recording.
    post(upload).layer(DefaultBodyLimit::max(UPLOAD_BYTES_MAX + 64 * 1024))
}

pub(crate) const RECORDING_FIELD: &str = "recording";
pub(crate) const CONSENT_FIELD: &str = "consent";
/// The date's field id, apart from the typed-note form's on the notes page.
const DATE_FIELD: &str = "recording-date";

#[derive(Template)]
#[template(path = "notes_speech.html")]
struct UploadPage {
    chrome: Chrome,
    subject: String,
    base: String,
    transcriber: bool,
    consent_value: String,
    date_value: String,
    errors: Vec<FieldError>,
}

impl UploadPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

/// What the form sent.
struct Upload<'a> {
    csrf: String,
    consent: String,
    date: String,
    recording: Option<&'a Part<'a>>,
}

fn read_form<'a>(all: &'a [Part<'a>]) -> Upload<'a> {
    let text = |name: &str| text_field(all, name).unwrap_or_default().trim().to_string();
    Upload {
        csrf: text("csrf"),
        consent: text(CONSENT_FIELD),
        date: text("date"),
        recording: all
            .iter()
            .find(|p| p.name == RECORDING_FIELD && p.file_name.is_some()),
    }
}

fn page(
    pages: &Pages,
    who: &SignedIn,
    id: &str,
    form: &Upload<'_>,
    errors: Vec<FieldError>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &UploadPage {
            chrome: Chrome::new(pages, who, "/search"),
            subject: id.to_string(),
            base: format!("/entities/{}/notes", encode(id)),
            transcriber: pages.source.models().transcriber.is_some(),
            consent_value: form.consent.clone(),
            date_value: form.date.clone(),
            errors,
        },
    )
}

/// Transcribes the uploaded recording into a note about the person: one
/// event, then the new note's reader. A form with a field missing comes back
/// with its errors, one refused event, and stores nothing.
async fn upload(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    off_thread(move || {
        let all = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(boundary)
            .and_then(|b| parts(&body, &b))
            .unwrap_or_default();
        let form = read_form(&all);
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let Some(transcriber) = pages.source.models().transcriber else {
            // Still an attempt: one refused event, the same for a person
            // hidden from the user as for none.
            let refused = pages
                .engine
                .session(work)
                .and_then(|s| s.refuse_without_model(ModelAct::Transcription, &id));
            if let Err(e) = refused {
                return problem(Chrome::new(&pages, &who, "/search"), &e);
            }
            return page(&pages, &who, &id, &form, Vec::new());
        };
        let mut errors = Vec::new();
        let recording = form.recording.filter(|r| !r.data.is_empty());
        if recording.is_none() {
            errors.push(FieldError::new(RECORDING_FIELD, "Choose the recording"));
        }
        if form.consent.is_empty() {
            errors.push(FieldError::new(
                CONSENT_FIELD,
                "Enter where the consent to record is written down",
            ));
        }
        let s = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        let attach = NewNote {
            about: Some(id.clone()),
            date: (!form.date.is_empty()).then(|| form.date.clone()),
            ..NewNote::default()
        };
        let Some(recording) = recording.filter(|_| errors.is_empty()) else {
            // The refused attempt is one event like any other; the form's
            // own messages say what to fix.
            let _ = s.transcribe_upload("", &[], &form.consent, &attach, transcriber.as_ref());
            return page(&pages, &who, &id, &form, errors);
        };
        let name = recording.file_name.clone().unwrap_or_default();
        match s.transcribe_upload(
            &name,
            recording.data,
            &form.consent,
            &attach,
            transcriber.as_ref(),
        ) {
            Ok(done) => Redirect::to(&note_href(&done.note)).into_response(),
            Err(EngineError::InvalidInput(m)) => {
                let field = if m.starts_with("date") {
                    DATE_FIELD
                } else {
                    RECORDING_FIELD
                };
                page(&pages, &who, &id, &form, vec![FieldError::new(field, m)])
            }
            Err(e) => problem(Chrome::new(&pages, &who, "/search"), &e),
        }
    })
    .await
}
