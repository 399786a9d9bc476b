//! CSRF: every state-changing request made with the session cookie carries
//! the session's token, as an `x-csrf-token` header (scripts) or a `csrf`
//! form field (pages' forms; a file upload's form, as its `csrf` part). Never
//! in an address's query string: it would stay in the browser's history and
//! the address of the page answered. Requests with an API token and no
//! cookie carry none: a browser never adds a bearer token by itself.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::session_cookie;
use crate::{ApiError, AppState};

pub const CSRF_HEADER: &str = "x-csrf-token";
/// The largest form body read to find its `csrf` field.
pub const FORM_BYTES_MAX: usize = 1024 * 1024;

/// Paths that need no session, so no token: signing in and enrolling.
fn exempt(path: &str) -> bool {
    path.ends_with("/sign-in") || path.ends_with("/enrol")
}

pub(crate) async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A request with the cookie needs the token even if it also carries a
    // bearer token: handlers that take a signed-in browser read the cookie.
    if safe || exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(web) = session_cookie(&state, req.headers()).and_then(|c| state.web_session(&c))
    else {
        // No live session: the handler's extractor answers sign_in_required.
        return next.run(req).await;
    };
    let header_token = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(t) = header_token {
        return match same(&t, &web.csrf) {
            true => next.run(req).await,
            false => refused(),
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return match crate::multipart::check_upload(req, &web.csrf).await {
            Ok(req) => next.run(req).await,
            Err(answer) => answer,
        };
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_BYTES_MAX).await else {
        return ApiError::new(
            "body_too_large",
            format!("a form is at most {FORM_BYTES_MAX} bytes (form_bytes_max)"),
        )
        .into_response();
    };
    let field = form_field(&bytes, "csrf");
    match field.is_some_and(|t| same(&t, &web.csrf)) {
        true => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        false => refused(),
    }
}

pub(crate) fn refused() -> Response {
    ApiError::new(
        "csrf_failed",
        "the request did not carry this session's csrf token: reload the page and try again",
    )
    .into_response()
}

/// Compares in time that does not depend on where the strings differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !b.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}
