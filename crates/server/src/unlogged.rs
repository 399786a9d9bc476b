//! A request refused before it reached the engine is still one event: a
//! body, query or path that does not parse, a parameter out of range, a
//! failed CSRF check. Every act of a session logs itself, so this layer
//! logs only an error answered for work that never opened one, naming the
//! route's template and the error's code (never what was sent). A request
//! from a signed-in user with no work started is logged under them with no
//! purpose; one from no one signed in is not (sign-in logs its own).

use std::sync::{Arc, Mutex};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use clearstone_engine::SessionRequest;

use crate::AppState;
use crate::auth::session_cookie;
use crate::state::WebSession;

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

    /// Whom to log under: the work found, if it never reached the engine,
    /// or when none was found, the browser's for a refusal the CSRF check
    /// gives before any extractor runs (a wrong token, a form too large to
    /// read for its token), or for an act asked before work was started.
    fn unlogged(&self, code: &str, browser: impl FnOnce() -> Option<WebSession>) -> Option<Whom> {
        let s = self.0.lock().ok()?;
        match (&s.request, s.opened) {
            (Some(_), true) => None,
            (Some(r), false) => Some(Whom::Work(r.clone())),
            (None, _) => match code {
                "csrf_failed" | "body_too_large" | "work_not_started" => {
                    let web = browser()?;
                    Some(match web.work {
                        Some(w) => Whom::Work(w),
                        None => Whom::Unstarted(web.principal),
                    })
                }
                _ => None,
            },
        }
    }
}

/// Whom a refused request is logged under.
enum Whom {
    Work(SessionRequest),
    /// A signed-in user with no purpose chosen: logged with none.
    Unstarted(String),
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
    let browser = || cookie.as_deref().and_then(|c| state.web_session(c));
    let whom = slot.unlogged(&code, browser);
    let (Some(whom), Some(route)) = (whom, route) else {
        return response;
    };
    let engine = state.engine.clone();
    let logged = crate::blocking::run(move || match whom {
        Whom::Work(work) => match engine.session(work) {
            Ok(s) => s
                .refuse_request(&method, &route, &code)
                .map_err(|e| e.to_string()),
            // A session that cannot open was logged as refused by the engine.
            Err(_) => Ok(()),
        },
        Whom::Unstarted(principal) => engine
            .refuse_unstarted_request(&principal, &method, &route, &code)
            .map_err(|e| e.to_string()),
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match logged {
        Ok(()) => response,
        Err(e) => axum::response::IntoResponse::into_response(crate::ApiError::internal(&e)),
    }
}
