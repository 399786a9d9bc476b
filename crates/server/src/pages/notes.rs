//! The note reader: one note with its mentions marked by kind, and the
//! special-category spans this purpose may not see withheld, exactly as the
//! engine decides. A note whose text is masked shows a Reveal form; the
//! reveal is its own logged act.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::{NoteView, Session};
use serde::Deserialize;

use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, working, working_form};
use super::notes_text::{Run, encode, runs};
use super::{Pages, SignedIn};

#[derive(Template)]
#[template(path = "note.html")]
struct NotePage {
    chrome: Chrome,
    view: NoteView,
    runs: Vec<Run>,
    revealed: bool,
    errors: Vec<FieldError>,
}

impl NotePage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }

    fn href(&self, id: &str) -> String {
        encode(id)
    }

    /// Where the Reveal form posts: this note's own page.
    fn reveal_path(&self) -> String {
        format!("/notes/{}", encode(&self.view.id))
    }

    fn withheld_categories(&self) -> String {
        let mut c: Vec<&str> = self
            .view
            .withheld
            .iter()
            .map(|w| w.category.code())
            .collect();
        c.sort_unstable();
        c.dedup();
        c.join(", ")
    }
}

/// The form a Reveal sends back: the user confirms the lawful condition.
#[derive(Deserialize)]
pub(crate) struct RevealForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) condition: String,
}

pub(crate) const CONDITION_FIELD: &str = "condition";
pub(crate) const CONDITION_MESSAGE: &str =
    "Confirm the lawful condition you rely on to see special-category text";

fn draw(
    pages: &Pages,
    who: &SignedIn,
    session: &Session<'_>,
    id: &str,
    reveal: bool,
    errors: Vec<FieldError>,
) -> Response {
    let chrome = Chrome::new(pages, who, "/search");
    match session.note(id, reveal) {
        Ok(view) => {
            let runs = runs(&view, 0, &[]);
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = NotePage {
                chrome,
                view,
                runs,
                revealed: reveal,
                errors,
            };
            render(status, &page)
        }
        Err(e) => problem(chrome, &e),
    }
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working(&pages, &headers) {
            Ok(w) => w,
            Err(redirect) => return redirect,
        };
        match pages.engine.session(work) {
            Ok(session) => draw(&pages, &who, &session, &id, false, Vec::new()),
            Err(e) => problem(Chrome::new(&pages, &who, "/search"), &e),
        }
    })
    .await
}

pub(crate) async fn reveal(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RevealForm>,
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
        if form.condition != "confirmed" {
            let errors = vec![FieldError::new(CONDITION_FIELD, CONDITION_MESSAGE)];
            return draw(&pages, &who, &session, &id, false, errors);
        }
        draw(&pages, &who, &session, &id, true, Vec::new())
    })
    .await
}
