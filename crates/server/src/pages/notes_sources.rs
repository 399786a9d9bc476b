//! A person's or a case's notes with their summary and chronology side by
//! side: each summary sentence and chronology line links to the span of the
//! note it cites (a fragment link, highlighted by `:target`), machine-written
//! text is labelled, and the summary is confirmed into the record from here.
//! A practitioner adds a typed note about the person here too.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::note_text::wordnet;
use clearstone_engine::{
    ChronologyLine, EngineError, FailingSentence, NewNote, NoteView, NotesWithSources, Session,
    SignOff,
};
use serde::Deserialize;

use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, signed_in_page, working_form};
use super::notes::{CONDITION_FIELD, CONDITION_MESSAGE, RevealForm};
use super::notes_text::{Run, anchor, encode, note_href, runs};
use super::{Pages, SignedIn};

/// One note on the page, numbered for its anchors.
struct SourceNote {
    number: usize,
    view: NoteView,
    href: String,
    runs: Vec<Run>,
}

/// A citation as a link to its span.
struct CiteLink {
    href: String,
    note: usize,
}

struct SentenceRow {
    text: String,
    machine_written: bool,
    cites: Vec<CiteLink>,
    failing: Vec<String>,
}

struct ChronologyRow {
    line: ChronologyLine,
    cite: Option<CiteLink>,
}

#[derive(Template)]
#[template(path = "notes_sources.html")]
struct SourcesPage {
    chrome: Chrome,
    /// "person" or "case".
    scope: &'static str,
    subject: String,
    /// Where the page's forms post: the page's own path.
    base: String,
    notes: Vec<SourceNote>,
    sentences: Vec<SentenceRow>,
    summary_key: Option<String>,
    confirmable: bool,
    model: Option<String>,
    chronology: Vec<ChronologyRow>,
    masked_notes: usize,
    /// Said when the gate runs without WordNet.
    wordnet_missing: Option<String>,
    revealed: bool,
    errors: Vec<FieldError>,
    new_text: String,
    new_date: String,
    /// Whether the server has a chat model and a transcriber.
    chat: bool,
    transcriber: bool,
    consent_value: String,
    date_value: String,
}

impl SourcesPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }

    fn href(&self, id: &str) -> String {
        encode(id)
    }
}

/// Which notes a page is over.
#[derive(Clone, Copy)]
enum Scope {
    Person,
    Case,
}

impl Scope {
    fn code(self) -> &'static str {
        match self {
            Scope::Person => "person",
            Scope::Case => "case",
        }
    }

    fn base(self, id: &str) -> String {
        match self {
            Scope::Person => format!("/entities/{}/notes", encode(id)),
            Scope::Case => format!("/cases/{}/notes", encode(id)),
        }
    }

    fn load(
        self,
        s: &Session<'_>,
        id: &str,
        reveal: bool,
    ) -> Result<NotesWithSources, EngineError> {
        match self {
            Scope::Person => s.person_notes(id, reveal),
            Scope::Case => s.case_notes(id, reveal),
        }
    }
}

fn cite(notes: &[SourceNote], note_id: &str, start: usize, end: usize) -> Option<CiteLink> {
    let n = notes.iter().find(|n| n.view.id == note_id)?;
    Some(CiteLink {
        href: format!("#{}", anchor(n.number, start, end)),
        note: n.number,
    })
}

/// What the add-a-note form sent, kept to show again with its errors.
#[derive(Default)]
struct Typed {
    text: String,
    date: String,
}

#[allow(clippy::too_many_arguments)]
fn draw(
    pages: &Pages,
    who: &SignedIn,
    session: &Session<'_>,
    scope: Scope,
    id: &str,
    reveal: bool,
    errors: Vec<FieldError>,
    typed: Typed,
) -> Response {
    let active = match scope {
        Scope::Person => "/search",
        Scope::Case => "/cases",
    };
    let chrome = Chrome::new(pages, who, active);
    let found = match scope.load(session, id, reveal) {
        Ok(f) => f,
        Err(e) => return problem(chrome, &e),
    };
    let mut cited: Vec<(String, usize, usize)> = Vec::new();
    if let Some(s) = &found.summary {
        for sentence in &s.sentences {
            for c in &sentence.citations {
                cited.push((c.note_id.clone(), c.start, c.end));
            }
        }
    }
    for line in &found.chronology {
        let c = &line.citation;
        cited.push((c.note_id.clone(), c.start, c.end));
    }
    let notes: Vec<SourceNote> = found
        .notes
        .into_iter()
        .enumerate()
        .map(|(i, view)| {
            let spans: Vec<(usize, usize)> = cited
                .iter()
                .filter(|(n, _, _)| *n == view.id)
                .map(|(_, a, b)| (*a, *b))
                .collect();
            SourceNote {
                number: i + 1,
                href: note_href(&view),
                runs: runs(&view, i + 1, &spans),
                view,
            }
        })
        .collect();
    let (sentences, summary_key, confirmable, model) = match &found.summary {
        Some(s) => (
            s.sentences
                .iter()
                .map(|x| SentenceRow {
                    text: x.text.clone(),
                    machine_written: x.machine_written,
                    cites: x
                        .citations
                        .iter()
                        .filter_map(|c| cite(&notes, &c.note_id, c.start, c.end))
                        .collect(),
                    failing: match &x.verdict {
                        clearstone_engine::note_text::Verdict::Unsupported { reasons } => {
                            reasons.clone()
                        }
                        _ => Vec::new(),
                    },
                })
                .collect(),
            Some(s.key.clone()),
            s.confirmable(),
            s.model
                .as_ref()
                .map(|m| format!("{} {}", m.name, m.version)),
        ),
        None => (Vec::new(), None, false, None),
    };
    let chronology = found
        .chronology
        .into_iter()
        .map(|line| ChronologyRow {
            cite: cite(
                &notes,
                &line.citation.note_id,
                line.citation.start,
                line.citation.end,
            ),
            line,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &SourcesPage {
            chrome,
            scope: scope.code(),
            subject: id.to_string(),
            base: scope.base(id),
            notes,
            sentences,
            summary_key,
            confirmable,
            model,
            chronology,
            masked_notes: found.masked_notes,
            wordnet_missing: wordnet::status().missing_line(),
            revealed: reveal,
            errors,
            new_text: typed.text,
            new_date: typed.date,
            chat: pages.source.models().chat.is_some(),
            transcriber: pages.source.models().transcriber.is_some(),
            consent_value: String::new(),
            date_value: String::new(),
        },
    )
}

async fn get_page(pages: Pages, headers: HeaderMap, scope: Scope, id: String) -> Response {
    off_thread(move || {
        signed_in_page(&pages, &headers, "/search", |who, s| {
            draw(
                &pages,
                who,
                s,
                scope,
                &id,
                false,
                Vec::new(),
                Typed::default(),
            )
        })
    })
    .await
}

async fn reveal_page(
    pages: Pages,
    headers: HeaderMap,
    scope: Scope,
    id: String,
    form: RevealForm,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let s = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        let confirmed = form.condition == "confirmed";
        let errors = if confirmed {
            Vec::new()
        } else {
            vec![FieldError::new(CONDITION_FIELD, CONDITION_MESSAGE)]
        };
        draw(
            &pages,
            &who,
            &s,
            scope,
            &id,
            confirmed,
            errors,
            Typed::default(),
        )
    })
    .await
}

pub(crate) async fn person(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    get_page(pages, headers, Scope::Person, id).await
}

pub(crate) async fn person_reveal(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RevealForm>,
) -> Response {
    reveal_page(pages, headers, Scope::Person, id, form).await
}

pub(crate) async fn case(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    get_page(pages, headers, Scope::Case, id).await
}

pub(crate) async fn case_reveal(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RevealForm>,
) -> Response {
    reveal_page(pages, headers, Scope::Case, id, form).await
}

#[derive(Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    csrf: String,
    /// What the practitioner typed: kept as the note, never in the log.
    #[serde(default)]
    text: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    date: String,
}

/// Adds a typed note about the person: one event, then the new note's page.
pub(crate) async fn add(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AddForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let s = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        let typed = Typed {
            text: form.text.clone(),
            date: form.date.trim().to_string(),
        };
        let new = NewNote {
            text: form.text.clone(),
            about: Some(id.clone()),
            case: None,
            date: (!typed.date.is_empty()).then(|| typed.date.clone()),
            note_type: None,
        };
        // An empty note is refused by the write itself, so the attempt is
        // its one event; the form comes back alone, reading no notes.
        match s.add_note(&new) {
            Ok(view) => Redirect::to(&note_href(&view)).into_response(),
            Err(EngineError::InvalidInput(m)) => {
                let error = if form.text.trim().is_empty() {
                    FieldError::new("text", "Enter the note")
                } else {
                    FieldError::new("date", m)
                };
                add_form(&pages, &who, &id, typed, vec![error])
            }
            Err(e) => problem(Chrome::new(&pages, &who, "/search"), &e),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "notes_add.html")]
struct AddPage {
    chrome: Chrome,
    subject: String,
    base: String,
    new_text: String,
    new_date: String,
    errors: Vec<FieldError>,
}

impl AddPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

/// The typed-note form alone, with what was typed and what to fix.
fn add_form(
    pages: &Pages,
    who: &SignedIn,
    id: &str,
    typed: Typed,
    errors: Vec<FieldError>,
) -> Response {
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &AddPage {
            chrome: Chrome::new(pages, who, "/search"),
            subject: id.to_string(),
            base: format!("/entities/{}/notes", encode(id)),
            new_text: typed.text,
            new_date: typed.date,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "sign_off.html")]
struct RefusedPage {
    chrome: Chrome,
    failing: Vec<FailingSentence>,
}

#[derive(Deserialize)]
pub(crate) struct SignOffForm {
    #[serde(default)]
    csrf: String,
}

/// Confirms a summary into the record: refused, with the sentences that
/// fail the citation gate, while any does. One event either way.
pub(crate) async fn sign_off(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(form): Form<SignOffForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/search");
        let s = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(chrome, &e),
        };
        match s.sign_off(&key) {
            Ok(SignOff::Confirmed(view)) => Redirect::to(&note_href(&view)).into_response(),
            Ok(SignOff::Refused(failing)) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RefusedPage { chrome, failing },
            ),
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}
