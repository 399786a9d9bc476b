//! Undoing a judgement from the dossier: the engine withdraws it (kept,
//! marked withdrawn, with who and why) and re-clusters, as one logged act.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Pages;
use super::dossier::dossier_page;
use super::form::FieldError;
use super::layout::{Chrome, off_thread, problem, working_form};

#[derive(Deserialize)]
pub(crate) struct UndoForm {
    #[serde(default)]
    csrf: String,
    /// Why the judgement is withdrawn: kept with it, never in the log.
    #[serde(default)]
    why: String,
}

pub(crate) async fn withdraw(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path((id, judgement)): Path<(String, String)>,
    Form(form): Form<UndoForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        let field = format!("why-{judgement}");
        let Ok(number) = judgement.parse::<i64>() else {
            let e = clearstone_engine::EngineError::InvalidInput(format!(
                "judgement `{judgement}` is not a judgement's number"
            ));
            return problem(Chrome::new(&pages, &who, "/search"), &e);
        };
        if form.why.trim().is_empty() {
            let errors = vec![FieldError::new(
                field,
                "Say why this judgement should be undone",
            )];
            return dossier_page(&who, &session, &id, errors);
        }
        match session.withdraw_judgement(number, form.why.trim()) {
            // Its record, not the canonical id: undoing a `same` may split
            // the entity, and the record opens whichever cluster it is in now.
            Ok(j) => {
                Redirect::to(&format!("/entities/{}", encode_path(&j.left_id))).into_response()
            }
            Err(e) => problem(Chrome::new(&pages, &who, "/search"), &e),
        }
    })
    .await
}

/// Percent-encodes one path segment.
fn encode_path(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
