//! clearstone's web server: sign-in, web sessions and the JSON API, over the
//! engine's gate. Like the CLI it never depends on the store: every handler
//! opens an engine [`Session`](clearstone_engine::Session) for the signed-in
//! user's chosen purpose and calls its methods, nothing else.
//!
//! # Writing a handler (for pages and the API alike)
//!
//! Take a [`Work`] extractor: it exists only when the request carries a live
//! signed-in web session (cookie) that has started work — chosen a purpose,
//! reason and justification — or a valid API token. Without one the request
//! is refused before the handler runs (401 `sign_in_required`, 403
//! `work_not_started`). Then run the act on a blocking thread with the
//! engine session it opens:
//!
//! ```ignore
//! async fn dossier(work: Work, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
//!     let d = work.run(move |s| s.dossier(&id)).await?;
//!     Ok(Json(d.to_json()))
//! }
//! ```
//!
//! `Work::run` opens the engine session afresh for each request, so the
//! registers are checked every time: a purpose that expired or was withdrawn,
//! or a user disabled, since work started ends the web session's work at the
//! next request (403 with the engine's code, e.g. `purpose_expired`).
//! [`SignedIn`] is the extractor for a page that needs only a signed-in user
//! (the purpose chooser). State-changing requests made with the cookie carry
//! the CSRF token ([`SignedIn::csrf`]) as an `x-csrf-token` header or a `csrf`
//! form field; the router checks it before any handler runs.

mod api;
mod auth;
mod blocking;
mod csrf;
pub mod errors;
mod extract;
mod headers;
mod models;
mod multipart;
mod openapi;
pub mod pages;
mod serve;
mod state;
mod unlogged;
mod work;

pub use auth::{SESSION_COOKIE, SESSION_COOKIE_TLS, random_password};
pub use errors::ApiError;
pub use models::Models;
pub use openapi::openapi_json;
pub use serve::{Listen, run, run_with_models, serve, shutdown_signal};
pub use state::{AppState, Timeouts};
pub use work::{SignedIn, Work};

use axum::Router;

/// The whole application: API routes, sign-in, and the layers every
/// response passes (security headers, CSRF).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(auth::routes())
        .merge(work::routes())
        .merge(api::routes())
        .merge(openapi::routes())
        .merge(pages::router(
            state.engine().clone(),
            std::sync::Arc::new(state.clone()),
        ))
        .fallback(errors::not_found)
        .method_not_allowed_fallback(errors::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            unlogged::record,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::secure,
        ))
        .with_state(state)
}
