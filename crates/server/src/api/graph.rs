//! The graph: neighbours, expansion, paths, shared associates, centrality
//! and exports (a disclosure, logged before the first byte leaves).

use crate::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clearstone_engine::{Day, Destination, Disclosure, GraphFormat, Span, graph_limits};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::errors::ErrorBody;
use crate::{ApiError, AppState, Work};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/graph/{id}/neighbours", get(neighbours))
        .route("/api/v1/graph/{id}/expand", get(expand))
        .route("/api/v1/graph/{id}/centrality", get(centrality))
        .route("/api/v1/graph/{id}/export", post(export))
        .route("/api/v1/graph/paths", get(paths))
        .route("/api/v1/graph/shared", get(shared))
}

/// An entity's direct references, both ways.
#[utoipa::path(get, path = "/api/v1/graph/{id}/neighbours", tag = "graph",
    params(("id" = String, Path, description = "a canonical or record id")),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn neighbours(
    work: Work,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let n = work.run(move |s| s.graph_neighbours(&id)).await?;
    Ok(Json(n.to_json()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExpandQuery {
    /// Hops from the entity (1 when not given).
    pub hops: Option<u32>,
    /// Only these relationship kinds, comma-separated.
    pub kinds: Option<String>,
    /// Relationships in force from this date (YYYY, YYYY-MM or YYYY-MM-DD).
    pub from: Option<String>,
    /// … and to this date.
    pub to: Option<String>,
    pub nodes_max: Option<usize>,
}

fn span_of(from: Option<&str>, to: Option<&str>) -> Result<Option<Span>, ApiError> {
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let day = |v: Option<&str>, field: &str, latest: bool| {
        v.map(|d| match latest {
            true => Day::parse_latest(d),
            false => Day::parse_earliest(d),
        })
        .transpose()
        .map_err(|e| ApiError::new("invalid_input", e.to_string()).field(field))
    };
    let start = day(from, "from", false)?;
    let end = day(to, "to", true)?;
    Span::new(start, end)
        .map(Some)
        .map_err(|e| ApiError::new("invalid_input", e.to_string()).field("to"))
}

/// The network within N hops, filtered by relationship kind and date.
#[utoipa::path(get, path = "/api/v1/graph/{id}/expand", tag = "graph",
    params(("id" = String, Path, description = "a canonical or record id"), ExpandQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(crate) async fn expand(
    work: Work,
    Path(id): Path<String>,
    Query(q): Query<ExpandQuery>,
) -> Result<Json<Value>, ApiError> {
    let span = span_of(q.from.as_deref(), q.to.as_deref())?;
    let kinds: Vec<String> = q
        .kinds
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    let mut limits = graph_limits();
    if let Some(n) = q.nodes_max {
        limits.nodes_max = n.min(limits.nodes_max);
    }
    let hops = q.hops.unwrap_or(1);
    let net = work
        .run(move |s| s.graph_expand(&id, hops, &kinds, span, &limits))
        .await?;
    Ok(Json(net.to_json()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HopsQuery {
    /// Hops from the entity (2 when not given).
    pub hops: Option<u32>,
}

/// Degree and betweenness over the network around an entity.
#[utoipa::path(get, path = "/api/v1/graph/{id}/centrality", tag = "graph",
    params(("id" = String, Path, description = "a canonical or record id"), HopsQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn centrality(
    work: Work,
    Path(id): Path<String>,
    Query(q): Query<HopsQuery>,
) -> Result<Json<Value>, ApiError> {
    let hops = q.hops.unwrap_or(2);
    let c = work.run(move |s| s.graph_centrality(&id, hops)).await?;
    Ok(Json(c.to_json()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PairQuery {
    pub a: String,
    pub b: String,
    /// The longest path searched for, in hops (4 when not given).
    pub k: Option<u32>,
}

/// The shortest path and all simple paths up to k hops between two entities.
#[utoipa::path(get, path = "/api/v1/graph/paths", tag = "graph", params(PairQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn paths(work: Work, Query(q): Query<PairQuery>) -> Result<Json<Value>, ApiError> {
    let k = q.k.unwrap_or(4);
    let c = work.run(move |s| s.graph_paths(&q.a, &q.b, k)).await?;
    Ok(Json(c.to_json()))
}

/// Entities both of two entities connect to.
#[utoipa::path(get, path = "/api/v1/graph/shared", tag = "graph", params(PairQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn shared(
    work: Work,
    Query(q): Query<PairQuery>,
) -> Result<Json<Value>, ApiError> {
    let sh = work.run(move |s| s.graph_shared(&q.a, &q.b)).await?;
    Ok(Json(sh.to_json()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExportForm {
    /// `graphml`, `gexf` or `cytoscape`.
    pub format: String,
    /// Hops from the entity (1 when not given).
    pub hops: Option<u32>,
    /// Who receives it: a named organisation or person, or `self, for analysis`.
    pub recipient: String,
    /// The law that permits the disclosure; the purpose's legal basis when not given.
    pub gateway: Option<String>,
}

/// Exports the network around an entity: a disclosure to a named
/// recipient, logged before the first byte leaves.
#[utoipa::path(post, path = "/api/v1/graph/{id}/export", tag = "graph",
    params(("id" = String, Path, description = "a canonical or record id")), request_body = ExportForm,
    responses((status = 200, body = String, content_type = "application/octet-stream"), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn export(
    work: Work,
    Path(id): Path<String>,
    crate::extract::Json(form): crate::extract::Json<ExportForm>,
) -> Result<Response, ApiError> {
    let format = GraphFormat::parse(&form.format).ok_or_else(|| {
        ApiError::new(
            "invalid_input",
            "a graph export is `graphml`, `gexf` or `cytoscape`",
        )
        .field("format")
    })?;
    let hops = form.hops.unwrap_or(1);
    let bytes = work
        .run(move |s| {
            let mut out: Vec<u8> = Vec::new();
            let d = Disclosure {
                recipient: &form.recipient,
                gateway: form.gateway.as_deref(),
            };
            s.graph_export(&id, hops, format, Destination::Stream(&mut out), &d)?;
            Ok(out)
        })
        .await?;
    let (mime, ext) = match format {
        GraphFormat::GraphMl => ("application/graphml+xml", "graphml"),
        GraphFormat::Gexf => ("application/gexf+xml", "gexf"),
        GraphFormat::Cytoscape => ("application/json", "json"),
    };
    let disposition = format!("attachment; filename=\"graph.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
