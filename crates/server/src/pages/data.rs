//! Data: the datasets this session may see with owner, legal basis,
//! markings and counts; the latest ingest runs; the quarantine with file,
//! line, column and reason.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::{Dataset, EngineError, IngestRun, QuarantineEntry, Session};

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, session_page};

/// Ingest runs and quarantined rows listed: the latest, not the history.
const RUNS_SHOWN_MAX: usize = 20;
const QUARANTINE_SHOWN_MAX: usize = 50;

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    chrome: Chrome,
    datasets: Vec<Dataset>,
    /// `None` where the purpose does not cover the list (loading data).
    runs: Option<Vec<IngestRun>>,
    quarantine: Option<(Vec<QuarantineEntry>, u64)>,
    /// The replay form's field errors: none on this page.
    errors: Vec<super::form::FieldError>,
}

/// A part of the page the session may be refused on its own: the refusal
/// is logged by the engine and the part says it is not available.
fn part<T>(r: Result<T, EngineError>) -> Result<Option<T>, EngineError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(EngineError::Forbidden { .. } | EngineError::Refused(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The page, or the page saying why it cannot be shown.
fn page_of(s: &Session<'_>, chrome: Chrome) -> Response {
    let go = || -> Result<_, EngineError> {
        Ok((
            s.datasets()?,
            part(s.ingest_runs(RUNS_SHOWN_MAX))?,
            part(s.quarantine(None, QUARANTINE_SHOWN_MAX))?,
        ))
    };
    match go() {
        Ok((datasets, runs, quarantine)) => render(
            StatusCode::OK,
            &DataPage {
                chrome,
                datasets,
                runs,
                quarantine,
                errors: Vec::new(),
            },
        ),
        Err(e) => problem(chrome, &e),
    }
}

pub(crate) async fn page(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || session_page(&pages, &headers, "/data", page_of)).await
}
