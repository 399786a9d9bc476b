//! Searching the sentences of notes from the web: the query box, lexical or
//! (with the `semantic` feature and a model in `CLEARSTONE_EMBED_MODEL`) by
//! meaning, each sentence found linked to the span it cites in its note.
//! A search over revealed text is a POST that confirms the lawful
//! condition, as the note reader's Reveal is; each search is one event.

use std::sync::OnceLock;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::embed::Embedder;
use clearstone_engine::{NoteSearchMode, PassageHit, Session};
use serde::Deserialize;

use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, signed_in_page, working_form};
use super::notes::{CONDITION_FIELD, CONDITION_MESSAGE};
use super::notes_text::encode;
use super::{Pages, SignedIn};

/// Sentences shown for one search.
const SHOWN: usize = 20;

/// The model, loaded once for the process, or why there is none.
fn model() -> &'static Result<Embedder, String> {
    static MODEL: OnceLock<Result<Embedder, String>> = OnceLock::new();
    MODEL.get_or_init(|| Embedder::from_env().map_err(|e| e.to_string()))
}

#[derive(Deserialize, Default)]
pub(crate) struct NotesSearchForm {
    #[serde(default)]
    q: String,
    /// `semantic`, or lexical otherwise.
    #[serde(default)]
    mode: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    condition: String,
}

#[derive(Template)]
#[template(path = "notes_search.html")]
struct NotesSearchPage {
    chrome: Chrome,
    q: String,
    semantic: bool,
    /// Why semantic search cannot run here, when it cannot.
    unavailable: Option<String>,
    searched: bool,
    revealed: bool,
    hits: Vec<PassageHit>,
    errors: Vec<FieldError>,
}

impl NotesSearchPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }

    fn href(&self, id: &str) -> String {
        encode(id)
    }
}

fn draw(
    pages: &Pages,
    who: &SignedIn,
    session: &Session<'_>,
    form: NotesSearchForm,
    reveal: bool,
    errors: Vec<FieldError>,
) -> Response {
    let chrome = Chrome::new(pages, who, "/search");
    let semantic = form.mode == "semantic";
    let unavailable = model().as_ref().err().cloned();
    let mut page = NotesSearchPage {
        chrome,
        q: form.q.trim().to_string(),
        semantic,
        unavailable,
        searched: false,
        revealed: reveal,
        hits: Vec::new(),
        errors,
    };
    if page.q.is_empty() || !page.errors.is_empty() || (semantic && page.unavailable.is_some()) {
        let status = if page.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render(status, &page);
    }
    let mode = match (semantic, model()) {
        (true, Ok(m)) => NoteSearchMode::Semantic(m),
        _ => NoteSearchMode::Lexical,
    };
    match session.search_notes(&page.q, mode, SHOWN, reveal) {
        Ok(hits) => {
            page.searched = true;
            page.hits = hits;
            render(StatusCode::OK, &page)
        }
        Err(e) => problem(page.chrome, &e),
    }
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(form): Query<NotesSearchForm>,
) -> Response {
    off_thread(move || {
        signed_in_page(&pages, &headers, "/search", |who, session| {
            draw(&pages, who, session, form, false, Vec::new())
        })
    })
    .await
}

pub(crate) async fn reveal(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<NotesSearchForm>,
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
            // The form again, searching nothing: the attempt is its event.
            if let Err(e) = session.refuse_request("POST", "/notes/search", "invalid_input") {
                return problem(Chrome::new(&pages, &who, "/search"), &e);
            }
            let errors = vec![FieldError::new(CONDITION_FIELD, CONDITION_MESSAGE)];
            return draw(&pages, &who, &session, form, false, errors);
        }
        draw(&pages, &who, &session, form, true, Vec::new())
    })
    .await
}
