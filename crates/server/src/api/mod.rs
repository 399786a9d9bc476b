//! The JSON API under `/api/v1`. Every handler takes a [`Work`] and calls
//! one `Session` method through it, nothing else; the answers are the
//! engine's own JSON renderings, already decided and redacted by the gate.

pub(crate) mod data;
pub(crate) mod entities;
pub(crate) mod graph;
pub(crate) mod review;
pub(crate) mod saved_searches;
pub(crate) mod search_extra;

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(entities::routes())
        .merge(data::routes())
        .merge(graph::routes())
        .merge(review::routes())
        .merge(search_extra::routes())
        .merge(saved_searches::routes())
}
