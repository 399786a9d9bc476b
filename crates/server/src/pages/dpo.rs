//! The data protection officer's workspace: the purposes register, the
//! users and their roles, and the self-monitoring alerts. Each part is
//! decided on its own, so a purpose that covers one shows that one.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::policy::{Principal, Purpose};
use clearstone_engine::{Alert, EngineError, Session};

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, session_page};

/// Alerts listed: the latest.
const ALERTS_SHOWN_MAX: usize = 50;

#[derive(Template)]
#[template(path = "dpo.html")]
struct DpoPage {
    chrome: Chrome,
    purposes: Option<Vec<Purpose>>,
    users: Option<Vec<Principal>>,
    alerts: Option<Vec<Alert>>,
}

/// A part the session may be refused on its own (the engine logs it).
fn part<T>(r: Result<T, EngineError>) -> Result<Option<T>, EngineError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(EngineError::Forbidden { .. } | EngineError::Refused(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn page_of(s: &Session<'_>, chrome: Chrome) -> Response {
    let go = || -> Result<_, EngineError> {
        Ok((
            part(s.purposes())?,
            part(s.users())?,
            part(s.alerts(ALERTS_SHOWN_MAX))?,
        ))
    };
    match go() {
        Ok((purposes, users, alerts)) => render(
            StatusCode::OK,
            &DpoPage {
                chrome,
                purposes,
                users,
                alerts,
            },
        ),
        Err(e) => problem(chrome, &e),
    }
}

pub(crate) async fn page(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || session_page(&pages, &headers, "/dpo", page_of)).await
}
