//! Records: search, show, reveal and the dossier.

use crate::extract::{Path, Query};
use axum::routing::{get, post};
use axum::{Json, Router};
use clearstone_engine::SearchPage;
use clearstone_engine::json::{entity_json, results_json};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::errors::ErrorBody;
use crate::{ApiError, AppState, Work};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/records/{id}", get(show))
        .route("/api/v1/records/{id}/reveal", post(reveal))
        .route("/api/v1/dossiers/{id}", get(dossier))
}

/// The most hits one page holds.
pub const PAGE_SIZE_MAX: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// The query, in the search grammar (`docs/search.md`).
    pub q: String,
    /// 1-based page number.
    pub page: Option<usize>,
    /// Hits per page (at most 100).
    pub size: Option<usize>,
}

/// Searches the records the session may see, grouped by resolved entity.
#[utoipa::path(get, path = "/api/v1/search", tag = "records", params(SearchQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn search(
    work: Work,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let size = q.size.unwrap_or(20);
    if !(1..=PAGE_SIZE_MAX).contains(&size) {
        return Err(ApiError::new(
            "invalid_input",
            format!("a page holds 1 to {PAGE_SIZE_MAX} hits, not `{size}`"),
        )
        .field("size"));
    }
    let page = q.page.unwrap_or(1).max(1);
    let offset = (page - 1).saturating_mul(size);
    let r = work
        .run(move |s| s.search(&q.q, SearchPage { offset, size }))
        .await?;
    Ok(Json(results_json(&r)))
}

/// One source record as the session may see it: masked values as
/// placeholders, hidden ones left out.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "a source record's id")),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(work: Work, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let e = work.run(move |s| s.show(&id)).await?;
    Ok(Json(entity_json(&e)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevealForm {
    /// The ontology property whose special-category values to show.
    pub property: String,
}

/// Reveals one property's special-category values: its own logged act,
/// allowed only when the purpose names a lawful condition.
#[utoipa::path(post, path = "/api/v1/records/{id}/reveal", tag = "records",
    params(("id" = String, Path, description = "a source record's id")), request_body = RevealForm,
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn reveal(
    work: Work,
    Path(id): Path<String>,
    crate::extract::Json(form): crate::extract::Json<RevealForm>,
) -> Result<Json<Value>, ApiError> {
    let e = work.run(move |s| s.reveal(&id, &form.property)).await?;
    Ok(Json(entity_json(&e)))
}

/// A resolved entity's dossier: values by property with sources, both
/// directions of relationships, the timeline and resolution history.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "records",
    params(("id" = String, Path, description = "a canonical or record id")),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn dossier(
    work: Work,
    Path(id): Path<String>,
) -> Result<Json<clearstone_engine::Dossier>, ApiError> {
    let d = work.run(move |s| s.dossier(&id)).await?;
    Ok(Json(d))
}
