//! The link chart: the entities around one, drawn by Cytoscape.js from the
//! same tables of nodes and edges a screen-reader user reads; expand a node,
//! filter by relationship and date, the paths to another entity, the
//! associates shared with another, centrality (`chart_analysis.rs`), and
//! export (a disclosure) as GraphML, GEXF or Cytoscape.js JSON.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearstone_engine::{Destination, Disclosure, GraphFormat, Span, graph_limits};
use serde::Deserialize;

use super::Pages;
use super::chart_analysis as analysis;
use super::form::FieldError;

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
    /// Relationships in force from and until these dates.
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    /// The other end of the paths asked for, and their longest length.
    #[serde(default)]
    to: String,
    #[serde(default)]
    k: String,
    /// The other entity whose shared associates are asked for.
    #[serde(default)]
    with: String,
    /// Whether centrality is asked for (`on`).
    #[serde(default)]
    centrality: String,
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

    /// This chart with `node` expanded too, under the same filters.
    fn expand_link(&self, node: &str) -> String {
        let mut open = self.opened();
        open.remove(0);
        if node != self.id && !open.iter().any(|o| o == node) {
            open.push(node.to_string());
        }
        format!(
            "/chart?id={}&open={}&rel={}&from={}&until={}",
            enc(&self.id),
            enc(&open.join(",")),
            enc(&self.rel),
            enc(&self.from),
            enc(&self.until)
        )
    }

    fn centrality_on(&self) -> bool {
        self.centrality == "on"
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
    /// An entity with a dossier, rather than a value records share.
    pub entity: bool,
    pub label: String,
    pub schema: String,
    pub expand: String,
    pub focus: bool,
    /// On the path or among the shared associates asked for.
    pub mark: bool,
    /// Normalised betweenness when centrality was asked for, else empty.
    pub weight: String,
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
    errors: Vec<FieldError>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    kinds: Vec<String>,
    paths: Option<analysis::Paths>,
    shared: Option<analysis::Shared>,
    scores: Option<Vec<analysis::ScoreRow>>,
    truncated: Vec<String>,
    k_max: u32,
}

impl ChartPage {
    fn error(&self, field: &str) -> Option<&str> {
        super::form::message_for(&self.errors, field)
    }

    fn empty(chrome: Chrome, q: ChartQuery) -> Self {
        ChartPage {
            chrome,
            q,
            errors: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            kinds: Vec::new(),
            paths: None,
            shared: None,
            scores: None,
            truncated: Vec::new(),
            k_max: graph_limits().k_max,
        }
    }
}

/// The form's problems, each named by its field; nothing is asked of the
/// engine until they are put right, but the attempt is logged.
fn check(q: &ChartQuery) -> (Option<Span>, u32, Vec<FieldError>) {
    let mut errors = Vec::new();
    let span = analysis::span(&q.from, &q.until).unwrap_or_else(|e| {
        errors.extend(e);
        None
    });
    let k = analysis::hops(&q.k).unwrap_or_else(|e| {
        errors.push(e);
        0
    });
    (span, k, errors)
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
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        let chrome = Chrome::of_session(&who, &session, "/search");
        let (span, k, errors) = check(&q);
        if !errors.is_empty() {
            if let Err(e) = session.refuse_request("GET", "/chart", "invalid_input") {
                return problem(chrome, &e);
            }
            let mut page = ChartPage::empty(chrome, q);
            page.errors = errors;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        let kinds_asked: Vec<String> = if q.rel.is_empty() {
            Vec::new()
        } else {
            vec![q.rel.clone()]
        };
        let mut merge = analysis::Merge::default();
        for id in q.opened() {
            match session.graph_expand(&id, 1, &kinds_asked, span, &graph_limits()) {
                Ok(part) => merge.network(part),
                Err(e) => return problem(chrome, &e),
            }
        }
        let mut marked: BTreeSet<String> = BTreeSet::new();
        let paths = if q.to.trim().is_empty() {
            None
        } else {
            match session.graph_paths(&q.id, q.to.trim(), k) {
                Ok(c) => {
                    for p in c.shortest.iter().chain(&c.paths) {
                        merge.path(p);
                        marked.extend(p.nodes.iter().map(|n| n.id.clone()));
                    }
                    Some(analysis::paths(&c, k))
                }
                Err(e) => return problem(chrome, &e),
            }
        };
        let shared = if q.with.trim().is_empty() {
            None
        } else {
            match session.graph_shared(&q.id, q.with.trim()) {
                Ok(s) => {
                    merge.shared(&s);
                    marked.extend(s.associates.iter().map(|x| x.node.id.clone()));
                    Some(analysis::shared(&s))
                }
                Err(e) => return problem(chrome, &e),
            }
        };
        let scores = if q.centrality_on() {
            match session.graph_centrality(&q.id, analysis::CENTRALITY_HOPS) {
                Ok(r) => Some(analysis::scores(&r)),
                Err(e) => return problem(chrome, &e),
            }
        } else {
            None
        };
        let weights: BTreeMap<&str, f64> = scores
            .iter()
            .flatten()
            .map(|s| (s.id.as_str(), s.weight))
            .collect();
        let net = &merge.net;
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
                entity: !clearstone_engine::is_value_id(&n.id),
                mark: marked.contains(&n.id),
                weight: weights
                    .get(n.id.as_str())
                    .map(|w| format!("{w:.2}"))
                    .unwrap_or_default(),
                id: n.id.clone(),
                label: n.label.clone(),
                schema: n.schema.clone(),
            })
            .collect();
        let mut truncated = merge.net.truncated.clone();
        truncated.sort();
        truncated.dedup();
        let page = ChartPage {
            nodes,
            edges,
            kinds,
            paths,
            shared,
            scores,
            truncated,
            ..ChartPage::empty(chrome, q)
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
