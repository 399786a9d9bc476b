//! Data and the log: datasets, ingest runs, quarantine, registers, events,
//! alerts, audit queries and receipts.

use crate::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use clearstone_engine::Oversight;
use clearstone_engine::json::{
    alerts_json, datasets_json, events_json, quarantine_json, runs_json,
};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use crate::errors::ErrorBody;
use crate::{ApiError, AppState, Work};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/datasets", get(datasets))
        .route("/api/v1/ingest-runs", get(ingest_runs))
        .route("/api/v1/quarantine", get(quarantine))
        .route("/api/v1/registers/users", get(users))
        .route("/api/v1/registers/purposes", get(purposes))
        .route("/api/v1/events", get(events))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/audit/query", get(audit_query))
        .route("/api/v1/audit/receipts/{event}", get(receipt))
        .route("/api/v1/me/events", get(own_events))
        .route("/api/v1/me/receipts/{event}", get(own_receipt))
}

/// The most rows a listing returns.
pub const LIST_ROWS_MAX: usize = 1_000;

#[derive(Debug, Deserialize, IntoParams)]
pub struct Limit {
    /// How many (1 to 1000; 50 when not given).
    pub limit: Option<usize>,
}

fn limit_of(l: Option<usize>) -> Result<usize, ApiError> {
    let n = l.unwrap_or(50);
    if !(1..=LIST_ROWS_MAX).contains(&n) {
        return Err(ApiError::new(
            "invalid_input",
            format!("a limit is 1 to {LIST_ROWS_MAX}, not `{n}`"),
        )
        .field("limit"));
    }
    Ok(n)
}

/// The datasets the purpose covers, with owner, legal basis and counts.
#[utoipa::path(get, path = "/api/v1/datasets", tag = "data",
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn datasets(work: Work) -> Result<Json<Value>, ApiError> {
    let ds = work.run(|s| s.datasets()).await?;
    Ok(Json(datasets_json(&ds)))
}

/// Recent ingest runs of the datasets the session may load.
#[utoipa::path(get, path = "/api/v1/ingest-runs", tag = "data", params(Limit),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn ingest_runs(
    work: Work,
    Query(l): Query<Limit>,
) -> Result<Json<Value>, ApiError> {
    let n = limit_of(l.limit)?;
    let runs = work.run(move |s| s.ingest_runs(n)).await?;
    Ok(Json(runs_json(&runs)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QuarantineQuery {
    pub dataset: Option<String>,
    /// How many (1 to 1000; 50 when not given).
    pub limit: Option<usize>,
}

/// Quarantined rows the session may see, with file, line, column and reason.
#[utoipa::path(get, path = "/api/v1/quarantine", tag = "data", params(QuarantineQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn quarantine(
    work: Work,
    Query(q): Query<QuarantineQuery>,
) -> Result<Json<Value>, ApiError> {
    let n = limit_of(q.limit)?;
    let (rows, total) = work
        .run(move |s| s.quarantine(q.dataset.as_deref(), n))
        .await?;
    Ok(Json(
        json!({ "total": total, "rows": quarantine_json(&rows) }),
    ))
}

/// The users register (administrators and data protection officers).
#[utoipa::path(get, path = "/api/v1/registers/users", tag = "registers",
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn users(work: Work) -> Result<Json<Value>, ApiError> {
    let users = work.run(|s| s.users()).await?;
    Ok(Json(Value::Array(
        users
            .iter()
            .map(|p| {
                json!({
                    "id": p.id, "display_name": p.display_name, "roles": p.roles,
                    "unit": p.unit, "clearance": p.clearance.as_str(),
                    "caveats": p.caveats, "disabled": p.disabled,
                })
            })
            .collect(),
    )))
}

/// The purposes register.
#[utoipa::path(get, path = "/api/v1/registers/purposes", tag = "registers", operation_id = "register_purposes",
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn purposes(work: Work) -> Result<Json<Value>, ApiError> {
    let list = work.run(|s| s.purposes()).await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|p| {
                json!({
                    "id": p.id, "description": p.description, "legal_basis": p.legal_basis,
                    "sensitive_condition": p.sensitive.as_ref().map(|s| &s.condition), "datasets": p.datasets,
                    "entity_types": p.entity_types, "roles": p.roles,
                    "review_date": p.review_date, "expires": p.expires,
                    "reviewed_by": p.reviewed_by,
                })
            })
            .collect(),
    )))
}

/// The latest events, read from the signed log (a purpose with an
/// s.62(4) use).
#[utoipa::path(get, path = "/api/v1/events", tag = "audit", params(Limit),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn events(work: Work, Query(l): Query<Limit>) -> Result<Json<Value>, ApiError> {
    let n = limit_of(l.limit)?;
    let evs = work.run(move |s| s.events(n)).await?;
    Ok(Json(events_json(&evs)))
}

/// Concerns raised for professional standards (self-monitoring).
#[utoipa::path(get, path = "/api/v1/alerts", tag = "audit", params(Limit),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn alerts(work: Work, Query(l): Query<Limit>) -> Result<Json<Value>, ApiError> {
    let n = limit_of(l.limit)?;
    let list = work.run(move |s| s.alerts(n)).await?;
    Ok(Json(alerts_json(&list)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Who consulted this entity id.
    pub subject: Option<String>,
    /// What this user did.
    pub user: Option<String>,
    /// ISO date or RFC 3339 time, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only this operation (e.g. `disclose`, `reveal`).
    pub operation: Option<String>,
}

/// An overseer's question of the log, with an inclusion proof per event
/// against the current signed checkpoint.
#[utoipa::path(get, path = "/api/v1/audit/query", tag = "audit", params(AuditQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit_query(
    work: Work,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let o = Oversight {
        subject: q.subject,
        principal: q.user,
        from: q.from,
        to: q.to,
        operations: q.operation.into_iter().collect(),
    };
    let r = work.run(move |s| s.oversee(&o)).await?;
    Ok(Json(json!({
        "checkpoint": r.checkpoint,
        "verifier_key": r.verifier_key,
        "evidence": r.evidence.iter().map(|e| json!({
            "index": e.index, "event": e.event, "proof": e.proof,
        })).collect::<Vec<_>>(),
    })))
}

/// A receipt (tlog-proof) for one event, which `clearstone-verify` checks.
#[utoipa::path(get, path = "/api/v1/audit/receipts/{event}", tag = "audit",
    params(("event" = i64, Path, description = "the event's id")),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn receipt(work: Work, Path(event): Path<i64>) -> Result<Response, ApiError> {
    let text = work.run(move |s| s.receipt(event)).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// The user's own recent accesses, from the signed log: no purpose with an
/// s.62(4) use is needed to see what one did oneself.
#[utoipa::path(get, path = "/api/v1/me/events", tag = "audit", params(Limit),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn own_events(
    work: Work,
    Query(l): Query<Limit>,
) -> Result<Json<Value>, ApiError> {
    let n = limit_of(l.limit)?;
    let evs = work.run(move |s| s.own_events(n)).await?;
    Ok(Json(events_json(&evs)))
}

/// A receipt for one of the user's own events; another's is `not_found`.
#[utoipa::path(get, path = "/api/v1/me/receipts/{event}", tag = "audit",
    params(("event" = i64, Path, description = "the event's id")),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn own_receipt(work: Work, Path(event): Path<i64>) -> Result<Response, ApiError> {
    let text = work.run(move |s| s.own_receipt(event)).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}
