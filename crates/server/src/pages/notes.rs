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
use super::layout::{Chrome, off_thread, problem, render, signed_in_page, working_form};
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

    /// A transcript's lines with their times in the recording, as
    /// (`m:ss–m:ss`, line); none while the text is masked.
    fn timed_lines(&self) -> Vec<(String, String)> {
        if self.view.masked.is_some() {
            return Vec::new();
        }
        // Times point into the original text: a line is built from the
        // parts, so a withheld span shows as its placeholder.
        let line = |start: usize, end: usize| -> String {
            let mut out = String::new();
            for p in &self.view.parts {
                if p.end <= start || p.start >= end {
                    continue;
                }
                if p.withheld.is_some() {
                    out.push_str(&p.text);
                } else {
                    let (a, b) = (start.max(p.start) - p.start, end.min(p.end) - p.start);
                    out.extend(p.text.chars().skip(a).take(b - a));
                }
            }
            out
        };
        self.view
            .times
            .iter()
            .map(|t| {
                let range = format!("{}–{}", clock(t.start_ms), clock(t.end_ms));
                (range, line(t.start, t.end))
            })
            .collect()
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

/// Milliseconds into a recording as `m:ss`.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
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
        signed_in_page(&pages, &headers, "/search", |who, session| {
            draw(&pages, who, session, &id, false, Vec::new())
        })
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
