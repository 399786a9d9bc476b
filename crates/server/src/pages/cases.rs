//! The case workspace: the cases the signed-in user is on the team of, and
//! one case with its team, links, tasks and decision log. A case whose team
//! the user is not on is answered as one that does not exist.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::{CaseFile, CaseView, Session};

use super::Pages;
use super::layout::{Chrome, problem, render, session_page};

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    cases: Vec<CaseFile>,
}

/// What a case links now under one kind.
struct LinkRow {
    kind: &'static str,
    targets: Vec<String>,
    /// Subjects and entities, which open as dossiers.
    records: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    view: CaseView,
    links: Vec<LinkRow>,
    team: Vec<String>,
    kinds: Vec<&'static str>,
    decisions: Vec<&'static str>,
}

impl CasePage {
    fn open(&self) -> bool {
        self.view.case.status == "open"
    }
}

pub(crate) async fn list(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    session_page(
        &pages,
        &headers,
        "/cases",
        |s: &Session<'_>, chrome| match s.cases() {
            Ok(cases) => render(StatusCode::OK, &CasesPage { chrome, cases }),
            Err(e) => problem(chrome, &e),
        },
    )
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    session_page(
        &pages,
        &headers,
        "/cases",
        |s: &Session<'_>, chrome| match s.case(&id) {
            Ok(view) => {
                let links = clearstone_engine::CASE_LINK_KINDS
                    .into_iter()
                    .map(|k| LinkRow {
                        kind: k,
                        targets: view.in_force(k).into_iter().map(str::to_string).collect(),
                        records: matches!(k, "subject" | "entity"),
                    })
                    .collect();
                let team = view.team().into_iter().map(str::to_string).collect();
                render(
                    StatusCode::OK,
                    &CasePage {
                        chrome,
                        view,
                        links,
                        team,
                        kinds: clearstone_engine::CASE_LINK_KINDS.to_vec(),
                        decisions: clearstone_engine::CASE_DECISIONS.to_vec(),
                    },
                )
            }
            Err(e) => problem(chrome, &e),
        },
    )
}
