//! Beside search: the facet counts of a query.

use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use crate::errors::ErrorBody;
use crate::extract::Query;
use crate::{ApiError, AppState, Work};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/search/facets", get(facets))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FacetsQuery {
    /// The query, in the search grammar (`docs/search.md`).
    pub q: String,
}

fn counts(list: &[(String, u64)]) -> Value {
    list.iter()
        .map(|(value, count)| json!({"value": value, "count": count}))
        .collect()
}

/// How the entities a query matches fall by type, dataset and year,
/// counted over what the session may see. `counted` is false, and the
/// lists empty, when too many records matched to count.
#[utoipa::path(get, path = "/api/v1/search/facets", tag = "records", params(FacetsQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn facets(
    work: Work,
    Query(q): Query<FacetsQuery>,
) -> Result<Json<Value>, ApiError> {
    let f = work.run(move |s| s.search_facets(&q.q)).await?;
    Ok(Json(json!({
        "counted": f.counted,
        "types": counts(&f.types),
        "datasets": counts(&f.datasets),
        "years": counts(&f.years),
    })))
}
