//! Saved searches: each user's own. Listing, saving, running and deleting
//! are one act of the engine each; another user's saved search is answered
//! as one that does not exist.

use axum::routing::get;
use axum::{Json, Router};
use clearstone_engine::json::results_json;
use clearstone_engine::{SearchFilters, SearchPage};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::api::entities::PAGE_SIZE_MAX;
use crate::errors::ErrorBody;
use crate::extract::{Path, Query};
use crate::{ApiError, AppState, Work};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/saved-searches", get(list).post(save))
        .route("/api/v1/saved-searches/{id}", axum::routing::delete(delete))
        .route("/api/v1/saved-searches/{id}/results", get(run))
}

/// A search to keep: a name, and the words and filters of the search page.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SaveForm {
    /// What to call it (1 to 100 characters).
    pub name: String,
    /// The words, in the search grammar (`docs/search.md`).
    #[serde(default)]
    pub q: String,
    /// An entity type.
    #[serde(default, rename = "type")]
    pub schema: String,
    #[serde(default)]
    pub dataset: String,
    /// A date range's first day, as YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub from: String,
    /// A date range's last day.
    #[serde(default)]
    pub to: String,
}

impl SaveForm {
    pub(crate) fn filters(&self) -> SearchFilters {
        SearchFilters {
            q: self.q.clone(),
            schema: self.schema.clone(),
            dataset: self.dataset.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ResultsQuery {
    /// 1-based page number.
    pub page: Option<usize>,
    /// Hits per page (at most 100).
    pub size: Option<usize>,
}

/// The signed-in user's saved searches, oldest first.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "records",
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list(work: Work) -> Result<Json<Value>, ApiError> {
    let all = work.run(|s| s.saved_searches()).await?;
    Ok(Json(Value::Array(
        all.iter().map(|s| s.to_json()).collect(),
    )))
}

/// Saves a search for the signed-in user. Its text is kept as theirs; the
/// log names it by hash.
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "records", request_body = SaveForm,
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn save(
    work: Work,
    crate::extract::Json(form): crate::extract::Json<SaveForm>,
) -> Result<Json<Value>, ApiError> {
    let saved = work
        .run(move |s| s.save_search(&form.name, &form.filters()))
        .await?;
    Ok(Json(saved.to_json()))
}

/// Runs a saved search under the current purpose: a search like any other.
#[utoipa::path(get, path = "/api/v1/saved-searches/{id}/results", tag = "records",
    params(("id" = String, Path, description = "the saved search's id"), ResultsQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn run(
    work: Work,
    Path(id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> Result<Json<Value>, ApiError> {
    let size = q.size.unwrap_or(20);
    if !(1..=PAGE_SIZE_MAX).contains(&size) {
        return Err(ApiError::new(
            "invalid_input",
            format!("a page holds 1 to {PAGE_SIZE_MAX} hits, not `{size}`"),
        )
        .field("size"));
    }
    let offset = (q.page.unwrap_or(1).max(1) - 1).saturating_mul(size);
    let (saved, results) = work
        .run(move |s| s.run_saved_search(&id, SearchPage { offset, size }))
        .await?;
    let mut out = results_json(&results);
    if let Some(o) = out.as_object_mut() {
        o.insert("saved_search".into(), saved.to_json());
    }
    Ok(Json(out))
}

/// Deletes one of the signed-in user's saved searches.
#[utoipa::path(delete, path = "/api/v1/saved-searches/{id}", tag = "records",
    params(("id" = String, Path, description = "the saved search's id")),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete(work: Work, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let gone = id.clone();
    work.run(move |s| s.delete_saved_search(&id)).await?;
    Ok(Json(json!({"deleted": gone})))
}
