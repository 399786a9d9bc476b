//! What every page shares: the navigation, the banner with the purpose and
//! case in hand, the security headers, and the answers for a visitor who has
//! not signed in or started work.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use clearstone_engine::{EngineError, Session, SessionRequest};

use super::{Pages, SignedIn};

/// The workspaces in the navigation, as (path, label).
const NAV: [(&str, &str); 10] = [
    ("/search", "Search"),
    ("/review", "Review matches"),
    ("/alerts", "Alerts"),
    ("/cases", "Cases"),
    ("/fairness", "Fairness"),
    ("/data", "Data"),
    ("/dpo", "Data protection"),
    ("/overseer", "Oversight"),
    ("/my-record", "My record of access"),
    ("/start", "Change purpose"),
];

/// The page's frame: who is working, under which purpose, and the form token.
pub(crate) struct Chrome {
    pub user: String,
    pub purpose: String,
    pub purpose_description: String,
    pub case_ref: Option<String>,
    pub break_glass: bool,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

pub(crate) struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

impl Chrome {
    pub(crate) fn new(pages: &Pages, who: &SignedIn, active: &str) -> Chrome {
        let purpose = who.work.as_ref().map_or("", |w| w.purpose.as_str());
        let description = pages
            .source
            .purposes(&who.user)
            .into_iter()
            .find(|p| p.id == purpose)
            .map(|p| p.description)
            .unwrap_or_default();
        Self::described(who, description, active)
    }

    /// The frame of a page drawn in an open engine session: the purpose's
    /// description is the session's own, read from the registers when it
    /// opened, so the page does not read the register of purposes again.
    pub(crate) fn of_session(who: &SignedIn, session: &Session<'_>, active: &str) -> Chrome {
        let purpose = session.purpose();
        let description = match who.work.as_ref() {
            Some(w) if w.purpose == purpose.id => purpose.description.clone(),
            _ => String::new(),
        };
        Self::described(who, description, active)
    }

    fn described(who: &SignedIn, purpose_description: String, active: &str) -> Chrome {
        let work = who.work.clone().unwrap_or_default();
        Chrome {
            user: who.display_name.clone(),
            purpose: work.purpose,
            purpose_description,
            case_ref: work.case_ref.filter(|c| !c.is_empty()),
            break_glass: work.break_glass,
            csrf: who.csrf.clone(),
            nav: NAV
                .iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    active: *href == active,
                })
                .collect(),
        }
    }

    pub(crate) fn working(&self) -> bool {
        !self.purpose.is_empty()
    }
}

/// The signed-in user with work started, or the redirect that gets them there.
pub(crate) fn working(
    pages: &Pages,
    headers: &HeaderMap,
) -> Result<(SignedIn, SessionRequest), Response> {
    let Some(who) = pages.source.signed_in(headers) else {
        return Err(Redirect::to("/sign-in").into_response());
    };
    match who.work.clone() {
        Some(work) => Ok((who, work)),
        None => Err(Redirect::to("/start").into_response()),
    }
}

/// A page drawn from one engine session opened for the signed-in user's
/// work, or the redirect that gets them there.
pub(crate) fn session_page(
    pages: &Pages,
    headers: &HeaderMap,
    path: &str,
    draw: impl FnOnce(&Session<'_>, Chrome) -> Response,
) -> Response {
    signed_in_page(pages, headers, path, |who, session| {
        draw(session, Chrome::of_session(who, session, path))
    })
}

/// As [`session_page`], for a page that draws its own frame from who is
/// working; `path` names the workspace a refused session's problem page shows.
pub(crate) fn signed_in_page(
    pages: &Pages,
    headers: &HeaderMap,
    path: &str,
    draw: impl FnOnce(&SignedIn, &Session<'_>) -> Response,
) -> Response {
    let (who, work) = match working(pages, headers) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    match pages.engine.session(work) {
        Ok(session) => draw(&who, &session),
        Err(e) => problem(Chrome::new(pages, &who, path), &e),
    }
}

/// As [`working`], for a form: its CSRF token must be the web session's.
pub(crate) fn working_form(
    pages: &Pages,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(SignedIn, SessionRequest), Response> {
    let (who, work) = working(pages, headers)?;
    if !super::form::csrf_ok(&who, csrf) {
        return Err((
            StatusCode::FORBIDDEN,
            "this form has expired: reload the page",
        )
            .into_response());
    }
    Ok((who, work))
}

/// Work a page's form refused is still an attempt, and one event: the
/// engine logs its own refusal of a request it refuses too; work it would
/// open logs the request refused, naming the route and no typed text.
pub(crate) fn refused_work(
    pages: &Pages,
    work: SessionRequest,
    route: &str,
) -> Result<(), EngineError> {
    match pages.engine.session(work) {
        Ok(s) => s.refuse_request("POST", route, "invalid_input"),
        // A fault logging the refusal is the server's; any other error
        // is the refusal the engine has logged.
        Err(e @ (EngineError::Store(_) | EngineError::Audit(_) | EngineError::Internal(_))) => {
            Err(e)
        }
        Err(_) => Ok(()),
    }
}

/// Renders a page; a template that fails to render is the server's fault.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be drawn",
        )
            .into_response(),
    }
}

#[derive(Template)]
#[template(path = "problem.html")]
struct Problem {
    chrome: Chrome,
    title: &'static str,
    message: String,
}

/// An engine error as a page: what the user can act on is said, a fault is
/// not described (its cause stays in the server's log).
pub(crate) fn problem(chrome: Chrome, e: &EngineError) -> Response {
    let (status, title, message) = match e {
        EngineError::NotFound(_)
        | EngineError::NoJudgement(_)
        | EngineError::NoCase(_)
        | EngineError::NoAlert(_)
        | EngineError::NoSavedSearch(_) => (StatusCode::NOT_FOUND, "Not found", e.to_string()),
        EngineError::Refused(_)
        | EngineError::SessionRefused { .. }
        | EngineError::Forbidden { .. }
        | EngineError::BreakGlassNotActive => {
            (StatusCode::FORBIDDEN, "Not permitted", e.to_string())
        }
        EngineError::InvalidInput(_)
        | EngineError::RecipientRequired
        | EngineError::JustificationNotWords => {
            (StatusCode::BAD_REQUEST, "There is a problem", e.to_string())
        }
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sorry, there is a problem with the service",
            "Try again later. Your attempt has been recorded.".to_string(),
        ),
    };
    render(
        status,
        &Problem {
            chrome,
            title,
            message,
        },
    )
}

/// Draws a page on a blocking thread: opening a session and every engine
/// call read the store and write the log, which would otherwise hold up
/// the async threads every other request waits on (the API's `Work::run`
/// does the same).
pub(crate) async fn off_thread(draw: impl FnOnce() -> Response + Send + 'static) -> Response {
    crate::blocking::run(draw).await.unwrap_or_else(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be drawn",
        )
            .into_response()
    })
}
