//! The data protection officer's edits to the purposes register: marking a
//! purpose reviewed, with the date of its next review, and expiring it.
//! Each is a form with the CSRF token, through the engine (which needs a
//! purpose that may administer, and logs one event either way).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Pages;
use super::layout::{Chrome, off_thread, problem, working_form};

#[derive(Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    csrf: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    next_review: String,
}

#[derive(Deserialize)]
pub(crate) struct ExpireForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /dpo/purposes/{id}/review`.
pub(crate) async fn review(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/dpo");
        let done = pages
            .engine
            .session(work)
            .and_then(|s| s.review_purpose(&id, &form.next_review));
        match done {
            Ok(_) => Redirect::to("/dpo").into_response(),
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}

/// `POST /dpo/purposes/{id}/expire`.
pub(crate) async fn expire(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ExpireForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/dpo");
        let done = pages
            .engine
            .session(work)
            .and_then(|s| s.expire_purpose(&id));
        match done {
            Ok(_) => Redirect::to("/dpo").into_response(),
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}
