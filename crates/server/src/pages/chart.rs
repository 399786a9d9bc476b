//! The link chart: the entities around one, drawn by Cytoscape.js from the
//! same tables of nodes and edges a screen-reader user reads; expand a node,
//! filter by relationship, the shortest path to another entity, and export
//! (a disclosure) as GraphML, GEXF or Cytoscape.js JSON.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearstone_engine::{Destination, Disclosure, GraphFormat, Network, graph_limits};
use serde::Deserialize;

use super::Pages;

use super::layout::{Chrome, off_thread, problem, render, working, working_form};

/// Entities expanded on one chart: each is its own recorded expansion.
const OPEN_MAX: usize = 10;
/// The recipient of an export to one's own machine.
const SELF_RECIPIENT: &str = "self, for analysis";

#[derive(Deserialize, Default)]
pub(crate) struct ChartQuery {
    #[serde(default)]
    id: String,
    /// Further entities expanded, comma-separated, in the order opened.
    #[serde(default)]
    open: String,
    #[serde(default)]
    rel: String,
    #[serde(default)]
    to: String,
}

impl ChartQuery {
    fn opened(&self) -> Vec<String> {
        let mut out = vec![self.id.clone()];
        for id in self
            .open
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
        out.truncate(OPEN_MAX);
        out
    }

    /// This chart with `node` expanded too.
    fn expand_link(&self, node: &str) -> String {
        let mut open = self.opened();
        open.remove(0);
        if node != self.id && !open.iter().any(|o| o == node) {
            open.push(node.to_string());
        }
        format!(
            "/chart?id={}&open={}&rel={}",
            enc(&self.id),
            enc(&open.join(",")),
            enc(&self.rel)
        )
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) struct Node {
    pub id: String,
    pub label: String,
    pub schema: String,
    pub expand: String,
    pub focus: bool,
}

pub(crate) struct Edge {
    pub key: String,
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    pub kind: String,
    pub dates: String,
}

#[derive(Template)]
#[template(path = "chart.html")]
struct ChartPage {
    chrome: Chrome,
    q: ChartQuery,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    kinds: Vec<String>,
    path: Option<Vec<String>>,
    truncated: Vec<String>,
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(q): Query<ChartQuery>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working(&pages, &headers) {
            Ok(w) => w,
            Err(redirect) => return redirect,
        };
        let chrome = Chrome::new(&pages, &who, "/search");
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(chrome, &e),
        };
        let kinds_asked: Vec<String> = if q.rel.is_empty() {
            Vec::new()
        } else {
            vec![q.rel.clone()]
        };
        let mut net = Network::default();
        let mut seen_nodes = BTreeSet::new();
        let mut seen_edges = BTreeSet::new();
        for id in q.opened() {
            let part = match session.graph_expand(&id, 1, &kinds_asked, None, &graph_limits()) {
                Ok(n) => n,
                Err(e) => return problem(chrome, &e),
            };
            for n in part.nodes {
                if seen_nodes.insert(n.id.clone()) {
                    net.nodes.push(n);
                }
            }
            for e in part.edges {
                if seen_edges.insert((
                    e.from.clone(),
                    e.to.clone(),
                    e.kind.clone(),
                    e.record.clone(),
                )) {
                    net.edges.push(e);
                }
            }
            net.truncated.extend(part.truncated);
        }
        let path = if q.to.trim().is_empty() {
            None
        } else {
            match session.graph_paths(&q.id, q.to.trim(), 1) {
                Ok(c) => Some(
                    c.shortest
                        .map(|p| p.nodes.into_iter().map(|n| n.label).collect())
                        .unwrap_or_default(),
                ),
                Err(e) => return problem(chrome, &e),
            }
        };
        let labels: BTreeMap<String, String> = net
            .nodes
            .iter()
            .map(|n| (n.id.clone(), n.label.clone()))
            .collect();
        let label = |id: &str| labels.get(id).cloned().unwrap_or_else(|| id.to_string());
        let mut kinds: Vec<String> = net.edges.iter().map(|e| e.kind.clone()).collect();
        kinds.sort();
        kinds.dedup();
        if !q.rel.is_empty() && !kinds.contains(&q.rel) {
            kinds.push(q.rel.clone());
        }
        let edges = net
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| Edge {
                key: format!("e{i}"),
                from_label: label(&e.from),
                to_label: label(&e.to),
                from: e.from.clone(),
                to: e.to.clone(),
                kind: e.kind.replace('_', " "),
                dates: match (&e.start, &e.end) {
                    (Some(s), Some(t)) if s != t => format!("{s} to {t}"),
                    (Some(s), _) => s.clone(),
                    (None, Some(t)) => format!("to {t}"),
                    (None, None) => String::new(),
                },
            })
            .collect();
        let nodes = net
            .nodes
            .iter()
            .map(|n| Node {
                expand: q.expand_link(&n.id),
                focus: n.id == q.id,
                id: n.id.clone(),
                label: n.label.clone(),
                schema: n.schema.clone(),
            })
            .collect();
        let mut truncated = net.truncated;
        truncated.sort();
        truncated.dedup();
        let page = ChartPage {
            chrome,
            q,
            nodes,
            edges,
            kinds,
            path,
            truncated,
        };
        render(StatusCode::OK, &page)
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    recipient: String,
}

pub(crate) async fn export(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<ExportForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/search");
        let Some(format) = GraphFormat::parse(&form.format) else {
            let e = clearstone_engine::EngineError::InvalidInput(format!(
                "no export format `{}` (graphml, gexf or cytoscape)",
                form.format
            ));
            return problem(chrome, &e);
        };
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(chrome, &e),
        };
        let recipient = match form.recipient.trim() {
            "" => SELF_RECIPIENT,
            named => named,
        };
        let mut bytes: Vec<u8> = Vec::new();
        let disclosure = Disclosure {
            recipient,
            gateway: None,
        };
        if let Err(e) = session.graph_export(
            &form.id,
            1,
            format,
            Destination::Stream(&mut bytes),
            &disclosure,
        ) {
            return problem(chrome, &e);
        }
        let (ext, mime) = match format {
            GraphFormat::GraphMl => ("graphml", "application/graphml+xml"),
            GraphFormat::Gexf => ("gexf", "application/gexf+xml"),
            GraphFormat::Cytoscape => ("json", "application/json"),
        };
        let name: String = form
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let disposition = format!("attachment; filename=\"{name}.{ext}\"");
        let mut response = bytes.into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        response
    })
    .await
}
