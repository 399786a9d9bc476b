//! A person's notes summarised by the chat model the council runs beside
//! the server: every sentence is labelled machine-written, checked by the
//! citation gate against the note sentences it cites, and a sentence that
//! fails shows its reasons and blocks sign-off. Without a configured model
//! the page says so; the extracted summary stays on the notes page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use clearstone_engine::note_text::{Verdict, wordnet};
use clearstone_engine::{ModelAct, NoteScope, NotesSummary, SOURCES_SUMMARY_SENTENCES};

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, working_form};
use super::notes::RevealForm;
use super::notes_text::encode;

/// `POST /entities/{id}/notes/model-summary`.
pub(crate) fn route() -> MethodRouter<Pages> {
    post(summarise)
}

struct Cite {
    href: String,
    label: String,
}

struct Row {
    text: String,
    cites: Vec<Cite>,
    failing: Vec<String>,
}

#[derive(Template)]
#[template(path = "notes_model.html")]
struct ModelPage {
    chrome: Chrome,
    subject: String,
    base: String,
    /// `None` when no model is configured.
    model: Option<String>,
    rows: Vec<Row>,
    key: String,
    confirmable: bool,
    masked_notes: usize,
    /// Said when the gate runs without WordNet.
    wordnet_missing: Option<String>,
}

fn rows(summary: &NotesSummary) -> Vec<Row> {
    summary
        .sentences
        .iter()
        .map(|s| Row {
            text: s.text.clone(),
            cites: s
                .citations
                .iter()
                .map(|c| Cite {
                    href: format!("/notes/{}", encode(&c.note_id)),
                    label: format!("chars {}–{} of note {}", c.start, c.end, c.note_id),
                })
                .collect(),
            // Reasons are codes with the word at fault: shown to the
            // practitioner who asked, never logged.
            failing: match &s.verdict {
                Verdict::Unsupported { reasons } => {
                    reasons.iter().map(|r| r.replace('_', " ")).collect()
                }
                _ => Vec::new(),
            },
        })
        .collect()
}

/// Summarises the person's notes with the model: one event, naming the
/// model, its version and the prompt's hash.
async fn summarise(
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
        let chrome = Chrome::new(&pages, &who, "/search");
        let base = format!("/entities/{}/notes", encode(&id));
        let Some(model) = pages.source.models().chat else {
            // Still an attempt on the person's notes: one refused event,
            // the same for a person hidden from the user as for none.
            let refused = pages
                .engine
                .session(work)
                .and_then(|s| s.refuse_without_model(ModelAct::Summary, &id));
            if let Err(e) = refused {
                return problem(chrome, &e);
            }
            return render(
                StatusCode::OK,
                &ModelPage {
                    chrome,
                    subject: id,
                    base,
                    model: None,
                    rows: Vec::new(),
                    key: String::new(),
                    confirmable: false,
                    masked_notes: 0,
                    wordnet_missing: None,
                },
            );
        };
        let s = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(chrome, &e),
        };
        let scope = NoteScope::Person {
            id: id.clone(),
            from: None,
            to: None,
        };
        let reveal = form.condition == "confirmed";
        match s.summarise_notes(
            &scope,
            reveal,
            SOURCES_SUMMARY_SENTENCES,
            Some(model.as_ref()),
        ) {
            Ok(summary) => render(
                StatusCode::OK,
                &ModelPage {
                    chrome,
                    subject: id,
                    base,
                    model: Some(
                        summary
                            .model
                            .as_ref()
                            .map_or_else(String::new, |m| format!("{} {}", m.name, m.version)),
                    ),
                    rows: rows(&summary),
                    confirmable: summary.confirmable(),
                    key: summary.key.clone(),
                    masked_notes: summary.masked_notes,
                    wordnet_missing: wordnet::status().missing_line(),
                },
            ),
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}
