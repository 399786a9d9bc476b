//! Sign-in and sign-out. A successful sign-in always starts a new web
//! session with a new id (an id planted before sign-in is dropped), set as
//! an HttpOnly, SameSite=Strict cookie, Secure and `__Host-` under TLS.

use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::ToSchema;

use crate::state::WebSession;
use crate::{ApiError, AppState, SignedIn};

pub const SESSION_COOKIE: &str = "clearstone_session";
/// Under TLS: the prefix makes browsers refuse it unless Secure, host-only
/// and for the whole site.
pub const SESSION_COOKIE_TLS: &str = "__Host-clearstone_session";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sign-in", post(sign_in))
        .route("/api/v1/sign-out", post(sign_out))
        .route("/api/v1/me", get(me))
        .route("/api/v1/enrol", post(enrol))
}

/// Random bytes as hex, for session ids, CSRF tokens and fault references.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // Without randomness no session can be made safe: an empty token never
    // matches a stored one, so the request fails closed.
    if getrandom::fill(&mut buf).is_err() {
        return String::new();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn session_key(cookie: &str) -> String {
    let d = sha2::Sha256::digest(cookie.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn cookie_name(tls: bool) -> &'static str {
    if tls {
        SESSION_COOKIE_TLS
    } else {
        SESSION_COOKIE
    }
}

/// The session cookie's value in a request, if any.
pub(crate) fn session_cookie(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let name = cookie_name(state.tls);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(tls: bool, value: &str, max_age: Option<u64>) -> Option<HeaderValue> {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(tls)
    );
    if tls {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).ok()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInForm {
    pub user: String,
    pub password: String,
}

/// Who is signed in, and the token state-changing requests must carry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: String,
    pub csrf: String,
    /// The purpose work is under, once started.
    pub purpose: Option<String>,
    pub reason: Option<String>,
    pub case_ref: Option<String>,
    pub break_glass: bool,
}

pub(crate) fn me_of(w: &WebSession) -> Me {
    Me {
        user: w.principal.clone(),
        csrf: w.csrf.clone(),
        purpose: w.work.as_ref().map(|r| r.purpose.clone()),
        reason: w.work.as_ref().and_then(|r| r.reason.clone()),
        case_ref: w.work.as_ref().and_then(|r| r.case_ref.clone()),
        break_glass: w.work.as_ref().is_some_and(|r| r.break_glass),
    }
}

/// Signs in: a new web session with a new id; any session the request
/// carried is ended.
#[utoipa::path(post, path = "/api/v1/sign-in", tag = "sign-in", request_body = SignInForm, security(()),
    responses((status = 200, body = Me), (status = 401, body = crate::errors::ErrorBody),
              (status = 429, body = crate::errors::ErrorBody)))]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::extract::Json(form): crate::extract::Json<SignInForm>,
) -> Result<Response, ApiError> {
    if let Some(old) = session_cookie(&state, &headers)
        && let Ok(mut all) = state.sessions.lock()
    {
        all.remove(&session_key(&old));
    }
    state.prune();
    let engine = state.engine.clone();
    let principal = tokio::task::spawn_blocking(move || engine.sign_in(&form.user, &form.password))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))??;
    let id = random_token(32);
    let now = Instant::now();
    let web = WebSession {
        principal: principal.id,
        csrf: random_token(32),
        started: now,
        last_seen: now,
        work: None,
    };
    let body = me_of(&web);
    state
        .sessions
        .lock()
        .map_err(|_| ApiError::internal("web sessions lock poisoned"))?
        .insert(session_key(&id), web);
    let mut res = Json(body).into_response();
    if let Some(c) = set_cookie(state.tls, &id, None) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Signs out: the web session ends and the cookie is cleared.
#[utoipa::path(post, path = "/api/v1/sign-out", tag = "sign-in", security(("session" = [])),
    responses((status = 204), (status = 401, body = crate::errors::ErrorBody)))]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    _who: SignedIn,
) -> Response {
    if let Some(old) = session_cookie(&state, &headers)
        && let Ok(mut all) = state.sessions.lock()
    {
        all.remove(&session_key(&old));
    }
    let mut res = axum::http::StatusCode::NO_CONTENT.into_response();
    if let Some(c) = set_cookie(state.tls, "", Some(0)) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

/// The signed-in user, the CSRF token and the work started, if any.
#[utoipa::path(get, path = "/api/v1/me", tag = "sign-in", security(("session" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::errors::ErrorBody)))]
pub(crate) async fn me(who: SignedIn) -> Json<Me> {
    Json(me_of(&who.web))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EnrolForm {
    /// The secret of the enrolment link an administrator issued.
    pub link: String,
    pub password: String,
}

/// Sets one's password with a one-time enrolment link; then sign in.
#[utoipa::path(post, path = "/api/v1/enrol", tag = "sign-in", request_body = EnrolForm, security(()),
    responses((status = 204), (status = 400, body = crate::errors::ErrorBody)))]
pub(crate) async fn enrol(
    State(state): State<AppState>,
    crate::extract::Json(form): crate::extract::Json<EnrolForm>,
) -> Result<axum::http::StatusCode, ApiError> {
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || engine.enrol(&form.link, &form.password))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))??;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A random password for a demonstration user: 20 characters from an
/// alphabet without look-alikes.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    let mut buf = [0u8; 20];
    if getrandom::fill(&mut buf).is_err() {
        return String::new();
    }
    buf.iter()
        .filter_map(|b| ALPHABET.get(usize::from(*b) % ALPHABET.len()))
        .map(|&c| char::from(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::set_cookie;

    // issue 17, "cookie flags": under TLS the cookie is Secure and host-only.
    #[test]
    fn under_tls_the_cookie_is_secure_and_host_prefixed() {
        let c = set_cookie(true, "abc", None).map(|v| v.to_str().map(str::to_string));
        let Some(Ok(c)) = c else {
            unreachable!("a cookie of ascii text is a header value")
        };
        assert!(c.starts_with("__Host-clearstone_session=abc;"), "{c}");
        for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(c.split("; ").any(|a| a == attr), "{attr} in {c}");
        }
    }
}
