//! My record of access: the signed-in user's own recent acts as the log
//! holds them, each with a receipt `clearstone-verify` accepts.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearstone_engine::EngineError;

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, working};

/// Events listed: a recent record, not a whole history.
const EVENTS_SHOWN_MAX: usize = 100;

pub(crate) struct Act {
    pub id: i64,
    pub at: String,
    pub operation: String,
    pub query: String,
    pub purpose: String,
    pub case_ref: String,
    pub outcome: String,
    pub flags: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    acts: Vec<Act>,
}

pub(crate) async fn page(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || {
        let (who, work) = match working(&pages, &headers) {
            Ok(w) => w,
            Err(redirect) => return redirect,
        };
        let chrome = Chrome::new(&pages, &who, "/my-record");
        let events = match pages
            .engine
            .session(work)
            .and_then(|s| s.own_events(EVENTS_SHOWN_MAX))
        {
            Ok(e) => e,
            Err(e) => return problem(chrome, &e),
        };
        let acts = events
            .into_iter()
            .map(|e| Act {
                id: e.id,
                at: e.at.to_string(),
                operation: e.operation.replace('_', " "),
                query: e.query,
                purpose: e.purpose,
                case_ref: e.case_ref.unwrap_or_default(),
                outcome: e.outcome,
                flags: e.flags.join(", ").replace('_', " "),
            })
            .collect();
        render(StatusCode::OK, &RecordPage { chrome, acts })
    })
    .await
}

pub(crate) async fn receipt(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(typed): Path<String>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working(&pages, &headers) {
            Ok(w) => w,
            Err(redirect) => return redirect,
        };
        // An id that is not a number is still one refused attempt.
        let id = typed.parse::<i64>();
        let receipt = pages.engine.session(work).and_then(|s| match &id {
            Ok(id) => s.own_receipt(*id),
            Err(_) => {
                s.refuse_request("GET", "/my-record/receipts/{id}", "invalid_input")?;
                Err(EngineError::InvalidInput(format!(
                    "an event's id is a number, not `{}`",
                    typed.chars().take(64).collect::<String>()
                )))
            }
        });
        match receipt {
            Ok(text) => {
                let mut response = text.into_response();
                let h = response.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "attachment; filename=\"event-{}.receipt\"",
                    id.as_ref().copied().unwrap_or_default()
                )) {
                    h.insert(header::CONTENT_DISPOSITION, v);
                }
                response
            }
            Err(e) => problem(Chrome::new(&pages, &who, "/my-record"), &e),
        }
    })
    .await
}
