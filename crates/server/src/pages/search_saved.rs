//! Saved searches from the search page: save the query and filters in
//! hand, list one's own, run one (a search like any other, through the
//! gate, one event) and delete one. Another user's saved search is answered
//! as one that does not exist.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::{EngineError, SavedSearch, SearchFilters, SearchPage, Session};
use serde::Deserialize;

use super::Pages;
use super::form::FieldError;
use super::layout::{Chrome, off_thread, problem, render, session_page, working_form};
use super::search::{ShownHit, form_urlencode, shown};

/// Hits on a page, as on the search page.
const PAGE_SIZE: usize = 20;

#[derive(Deserialize, Default)]
pub(crate) struct SaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    schema: String,
    #[serde(default)]
    dataset: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl SaveForm {
    fn filters(&self) -> SearchFilters {
        SearchFilters {
            q: self.q.clone(),
            schema: self.schema.clone(),
            dataset: self.dataset.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// The search page's link for `f`, to change a saved search there.
fn search_link(f: &SearchFilters) -> String {
    format!(
        "/search?q={}&type={}&dataset={}&from={}&to={}",
        form_urlencode(&f.q),
        form_urlencode(&f.schema),
        form_urlencode(&f.dataset),
        form_urlencode(&f.from),
        form_urlencode(&f.to)
    )
}

#[derive(Template)]
#[template(path = "search_save_error.html")]
struct SaveError {
    chrome: Chrome,
    errors: Vec<FieldError>,
    name_error: Option<String>,
    name: String,
    query: String,
    back: String,
    form: SaveForm,
}

/// `POST /search/saved`: one event, saved or refused.
pub(crate) async fn save(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<SaveForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/search");
        let filters = form.filters();
        let done = pages
            .engine
            .session(work)
            .and_then(|s| s.save_search(&form.name, &filters));
        match done {
            Ok(_) => Redirect::to("/search/saved").into_response(),
            Err(EngineError::InvalidInput(message)) => {
                // The name is the one field on this form; a query that does
                // not parse is said beside the query shown.
                let on_name = form.name.trim().is_empty() || message.contains("name");
                let field = if on_name { "name" } else { "query" };
                render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &SaveError {
                        chrome,
                        errors: vec![FieldError::new(field, message.clone())],
                        name_error: on_name.then_some(message),
                        name: form.name.clone(),
                        query: filters.query(),
                        back: search_link(&filters),
                        form,
                    },
                )
            }
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}

/// A saved search as listed.
struct Listed {
    id: String,
    name: String,
    query: String,
    saved: String,
}

#[derive(Template)]
#[template(path = "search_saved.html")]
struct ListPage {
    chrome: Chrome,
    saved: Vec<Listed>,
}

fn listed(s: SavedSearch) -> Listed {
    let saved = s.created_at.to_string();
    Listed {
        query: s.filters.query(),
        saved: saved.get(..10).unwrap_or(&saved).to_string(),
        id: s.id,
        name: s.name,
    }
}

fn list_of(s: &Session<'_>, chrome: Chrome) -> Response {
    match s.saved_searches() {
        Ok(all) => render(
            StatusCode::OK,
            &ListPage {
                chrome,
                saved: all.into_iter().map(listed).collect(),
            },
        ),
        Err(e) => problem(chrome, &e),
    }
}

/// `GET /search/saved`: one event.
pub(crate) async fn list(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || session_page(&pages, &headers, "/search", list_of)).await
}

#[derive(Deserialize, Default)]
pub(crate) struct RunQuery {
    #[serde(default)]
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "search_saved_run.html")]
struct RunPage {
    chrome: Chrome,
    name: String,
    query: String,
    edit: String,
    total: u64,
    hits: Vec<ShownHit>,
    first: usize,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /search/saved/{id}`: the saved search run under the work in hand,
/// one event.
pub(crate) async fn run(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(asked): Query<RunQuery>,
) -> Response {
    off_thread(move || {
        session_page(&pages, &headers, "/search", |s, chrome| {
            let page_no = asked.page.unwrap_or(1).max(1);
            let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
            let (saved, results) = match s.run_saved_search(
                &id,
                SearchPage {
                    offset,
                    size: PAGE_SIZE,
                },
            ) {
                Ok(r) => r,
                Err(e) => return problem(chrome, &e),
            };
            let link = |n: usize| format!("/search/saved/{}?page={n}", form_urlencode(&saved.id));
            let more = (page_no.saturating_mul(PAGE_SIZE) as u64) < results.total;
            render(
                StatusCode::OK,
                &RunPage {
                    chrome,
                    query: saved.filters.query(),
                    edit: search_link(&saved.filters),
                    name: saved.name.clone(),
                    total: results.total,
                    first: offset + 1,
                    previous: (page_no > 1).then(|| link(page_no - 1)),
                    next: more.then(|| link(page_no + 1)),
                    hits: results.hits.into_iter().map(shown).collect(),
                },
            )
        })
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /search/saved/{id}/delete`: one event.
pub(crate) async fn delete(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/search");
        let done = pages
            .engine
            .session(work)
            .and_then(|s| s.delete_saved_search(&id));
        match done {
            Ok(()) => Redirect::to("/search/saved").into_response(),
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}
