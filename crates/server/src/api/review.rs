//! Match review: the queue of uncertain pairs, judgements and explanations.

use crate::extract::Query;
use axum::routing::{get, post};
use axum::{Json, Router};
use clearstone_engine::json::{entity_json, explanation_json};
use clearstone_engine::judgement_json;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::errors::ErrorBody;
use crate::{ApiError, AppState, Work};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/review", get(queue))
        .route("/api/v1/judgements", post(judge))
        .route("/api/v1/explain", get(explain))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// The resolved entity type (`Person` when not given).
    #[serde(rename = "type")]
    pub schema: Option<String>,
    /// How many pairs (1 to 1000; 20 when not given).
    pub limit: Option<usize>,
}

/// The most uncertain pairs first, both records as the session may see
/// them, with the waterfall of match weights.
#[utoipa::path(get, path = "/api/v1/review", tag = "review", params(QueueQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn queue(
    work: Work,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Value>, ApiError> {
    let schema = q.schema.unwrap_or_else(|| "Person".into());
    let limit = q.limit.unwrap_or(20);
    if !(1..=super::data::LIST_ROWS_MAX).contains(&limit) {
        return Err(ApiError::new(
            "invalid_input",
            format!(
                "a limit is 1 to {}, not `{limit}`",
                super::data::LIST_ROWS_MAX
            ),
        )
        .field("limit"));
    }
    let items = work.run(move |s| s.review_queue(&schema, limit)).await?;
    Ok(Json(Value::Array(
        items
            .iter()
            .map(|i| {
                json!({
                    "left": entity_json(&i.left),
                    "right": entity_json(&i.right),
                    "weight": i.pair.weight,
                    "probability": i.pair.probability,
                    "explanation": explanation_json(&i.explanation),
                })
            })
            .collect(),
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct JudgeForm {
    pub left: String,
    pub right: String,
    /// `same`, `not_same` or `unsure`.
    pub verdict: String,
    /// Why: kept apart from the log, which holds its hash.
    pub rationale: String,
}

/// Records a person's judgement on a pair, and re-clusters.
#[utoipa::path(post, path = "/api/v1/judgements", tag = "review", request_body = JudgeForm,
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn judge(
    work: Work,
    crate::extract::Json(f): crate::extract::Json<JudgeForm>,
) -> Result<Json<Value>, ApiError> {
    let j = work
        .run(move |s| s.judge(&f.left, &f.right, &f.verdict, &f.rationale))
        .await?;
    Ok(Json(judgement_json(&j)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExplainQuery {
    pub a: String,
    pub b: String,
}

/// Why the last run's model scores a pair as it does.
#[utoipa::path(get, path = "/api/v1/explain", tag = "review", params(ExplainQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn explain(
    work: Work,
    Query(q): Query<ExplainQuery>,
) -> Result<Json<Value>, ApiError> {
    let e = work.run(move |s| s.explain(&q.a, &q.b)).await?;
    Ok(Json(explanation_json(&e)))
}
