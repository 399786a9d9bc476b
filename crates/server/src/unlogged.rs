//! A request refused before it reached the engine is still one event: a
//! body, query or path that does not parse, a parameter out of range, a
//! failed CSRF check. Every act of a session logs itself, so this layer
//! logs only an error answered for work that never opened one, naming the
//! route's template and the error's code (never what was sent). A request
//! with no work started has no purpose to log under; sign-in logs its own.

use std::sync::{Arc, Mutex};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use clearstone_engine::SessionRequest;

use crate::AppState;
use crate::auth::session_cookie;

/// The error code an answer carries, set by [`crate::ApiError`].
#[derive(Clone, Debug)]
pub(crate) struct ErrorCode(pub(crate) String);

/// What the [`crate::Work`] extractor found for this request, and whether
/// an engine session was opened for it (which logged the attempt itself).
#[derive(Clone, Default)]
pub(crate) struct Slot(Arc<Mutex<SlotState>>);

#[derive(Default)]
struct SlotState {
    request: Option<SessionRequest>,
    opened: bool,
}

impl Slot {
    pub(crate) fn found(&self, request: &SessionRequest) {
        if let Ok(mut s) = self.0.lock() {
            s.request = Some(request.clone());
        }
    }

    pub(crate) fn opened(&self) {
        if let Ok(mut s) = self.0.lock() {
            s.opened = true;
        }
    }

    /// The work to log under: the one found, if it never reached the
    /// engine, or when none was found, the browser's for a refusal the
    /// CSRF check gives before any extractor runs (a wrong token, a form
    /// too large to read for its token).
    fn unlogged(
        &self,
        code: &str,
        browser: impl FnOnce() -> Option<SessionRequest>,
    ) -> Option<SessionRequest> {
        let s = self.0.lock().ok()?;
        match (&s.request, s.opened) {
            (Some(_), true) => None,
            (Some(r), false) => Some(r.clone()),
            (None, _) => match code {
                "csrf_failed" | "body_too_large" => browser(),
                _ => None,
            },
        }
    }
}

pub(crate) async fn record(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let slot = Slot::default();
    req.extensions_mut().insert(slot.clone());
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let cookie = session_cookie(&state, req.headers());
    let response = next.run(req).await;
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let Some(code) = response
        .extensions()
        .get::<ErrorCode>()
        .map(|c| c.0.clone())
    else {
        return response;
    };
    // Read only when needed: reading a web session counts as its use.
    let browser_work = || {
        cookie
            .as_deref()
            .and_then(|c| state.web_session(c))
            .and_then(|w| w.work)
    };
    let work = slot.unlogged(&code, browser_work);
    let (Some(work), Some(route)) = (work, route) else {
        return response;
    };
    let engine = state.engine.clone();
    let logged = crate::blocking::run(move || match engine.session(work) {
        Ok(s) => s
            .refuse_request(&method, &route, &code)
            .map_err(|e| e.to_string()),
        // A session that cannot open was logged as refused by the engine.
        Err(_) => Ok(()),
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match logged {
        Ok(()) => response,
        Err(e) => axum::response::IntoResponse::into_response(crate::ApiError::internal(&e)),
    }
}
