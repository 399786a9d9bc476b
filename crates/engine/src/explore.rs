//! Link analysis through the gate (s.62 `consult`, or `disclose` for an
//! export with a recipient): neighbours, expansion, paths, shared
//! associates, centrality and exports over the references between entities.
//!
//! The graph is built from the search index, the engine's derived read
//! model: one node per canonical entity (a record no run has joined is its
//! own), one edge per reference from a record to another (its kind is the
//! referring property, its dates the referring record's). It is built once
//! per index generation and shared by every session; nothing in it is
//! decided for anyone. Each query then asks the gate through a filter: a
//! node is visible when any of its documents has a shape the session may
//! view, an edge when the referring document's shape is. Labels and types
//! are chosen per session from visible documents only, so even a node's
//! caption never comes from a record the session may not see. How hidden
//! nodes are treated (never entered, counted or passed through) is the
//! graph crate's contract, set out in `docs/graph.md`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

pub use clearstone_graph::{Day, Limits, Span};
use clearstone_graph::{
    EdgeIx, EdgeRef, Filter, Graph, GraphBuilder, GraphError, Limit, Names, NewEdge, NodeIx,
    NodeRef, Subgraph, Visibility, betweenness_centrality, degree_centrality, write_cytoscape,
    write_gexf, write_graphml,
};
use clearstone_model::{Ontology, PropType};
use clearstone_policy::Action;
use clearstone_search::{DocSummary, Visible};
use serde_json::{Value, json};

use crate::disclose::{Destination, Disclosed, Disclosure};
use crate::explore_values::{holds_values, is_value_id, value_node};
use crate::index::search_error;
use crate::subjects::Seen;
use crate::{Engine, EngineError, Operation, Session};

/// A graph export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// yEd, networkx, igraph.
    GraphMl,
    /// Gephi.
    Gexf,
    /// Cytoscape.js elements JSON.
    Cytoscape,
}

impl GraphFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "graphml" => Some(Self::GraphMl),
            "gexf" => Some(Self::Gexf),
            "cytoscape" => Some(Self::Cytoscape),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GraphMl => "graphml",
            Self::Gexf => "gexf",
            Self::Cytoscape => "cytoscape",
        }
    }
}

/// An entity as this session may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    /// The canonical id.
    pub id: String,
    pub schema: String,
    pub label: String,
}

/// A reference from one entity to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    /// The referring entity and the one referred to (canonical ids).
    pub from: String,
    pub to: String,
    /// The referring property (`subject`, `staff_member`, `address`).
    pub kind: String,
    /// The referring record's dates (`YYYY-MM-DD`), where it has them.
    pub start: Option<String>,
    pub end: Option<String>,
    /// The referring source record.
    pub record: String,
}

/// A set of entities and the references among them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// The limits (`nodes_max`, `edges_max`, ...) that cut the answer short;
    /// empty when it is complete.
    pub truncated: Vec<String>,
}

/// An entity's visible neighbours, each with every visible edge to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    pub node: GraphNode,
    pub neighbours: Vec<(GraphNode, Vec<GraphEdge>)>,
    pub truncated: Vec<String>,
}

/// A path: `hops[i]` holds every edge between `nodes[i]` and `nodes[i + 1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPath {
    pub nodes: Vec<GraphNode>,
    pub hops: Vec<Vec<GraphEdge>>,
}

/// How two entities connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connections {
    pub a: GraphNode,
    pub b: GraphNode,
    /// A shortest path within `hops_max`, if there is one.
    pub shortest: Option<LinkPath>,
    /// Every simple path of at most `k` hops, shortest first.
    pub paths: Vec<LinkPath>,
    pub truncated: Vec<String>,
}

/// An entity next to both ends of a shared-associates question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAssociate {
    pub node: GraphNode,
    pub via_a: Vec<GraphEdge>,
    pub via_b: Vec<GraphEdge>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAssociates {
    pub a: GraphNode,
    pub b: GraphNode,
    pub associates: Vec<SharedAssociate>,
    pub truncated: Vec<String>,
}

/// One entity's centrality within an expanded neighbourhood.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeCentrality {
    pub node: GraphNode,
    /// Distinct neighbours, and that over `n - 1`.
    pub degree: f64,
    pub degree_normalised: f64,
    /// Brandes' betweenness, and that over `(n - 1)(n - 2) / 2`.
    pub betweenness: f64,
    pub betweenness_normalised: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CentralityReport {
    pub network: Network,
    /// Highest betweenness first, then highest degree, then by id.
    pub scores: Vec<NodeCentrality>,
}

/// One index document of a node, as far as presenting the node needs.
#[derive(Debug)]
struct NodeDoc {
    /// The source record, so that the node's id is derived from the
    /// records a session may see (`dossier::view_id`).
    entity: Box<str>,
    shape: u64,
    schema: u16,
    label: Box<str>,
    /// The label names the record (rather than being its type and id).
    named: bool,
    /// For a value node, the node of the record that holds the value
    /// ([`NO_HOLDER`] for a record's own node).
    holder: u32,
}

const NO_HOLDER: u32 = u32::MAX;

/// The reference graph and, beside it, what the gate and the presentation
/// need: each node's documents and each edge's referring document's shape.
/// The graph itself holds no labels or types, so nothing read through it
/// can come from a document the session may not see.
pub(crate) struct LinkGraph {
    graph: Graph,
    /// Node `n`'s documents are `docs[doc_start[n]..doc_start[n + 1]]`.
    doc_start: Vec<u32>,
    docs: Vec<NodeDoc>,
    schemas: Names,
    /// By edge index.
    edge_shape: Vec<u64>,
    /// Nodes from this index on are values (phones, emails, vehicle
    /// registrations, dwellings) that records meet at.
    values_from: u32,
}

/// One document as the build reads it from the index.
/// Kept small, since every document of the index is held at once while
/// the graph is built: names interned, dates already turned into a span.
struct Scanned {
    entity: Box<str>,
    canonical: Box<str>,
    shape: u64,
    schema: u16,
    label: Box<str>,
    /// The label names the record (rather than being its type and id).
    named: bool,
    /// The span of every reference the document holds.
    span: Span,
    /// (kind, target entity id).
    refs: Vec<(u16, Box<str>)>,
    /// The values records meet at (`explore_values.rs`).
    values: Vec<HeldValue>,
}

/// A value a document holds that other records may hold too.
struct HeldValue {
    /// The holding property, the edge's kind.
    kind: u16,
    /// The value node's id.
    node: Box<str>,
    /// The value as the document has it, the node's label when seen
    /// through this document.
    label: Box<str>,
    schema: u16,
}

/// Reads the index's documents for the graph.
struct Scan<'o> {
    ontology: &'o Ontology,
    docs: Vec<Scanned>,
    schemas: Names,
    kinds: Names,
}

impl<'o> Scan<'o> {
    fn new(ontology: &'o Ontology) -> Self {
        Self {
            ontology,
            docs: Vec::new(),
            schemas: Names::default(),
            kinds: Names::default(),
        }
    }

    /// Adds a document, its node named `canonical`.
    fn add(&mut self, d: &DocSummary<'_>, canonical: &str) -> Result<(), GraphError> {
        let refs = d
            .refs
            .iter()
            .map(|(p, t)| Ok((self.kinds.intern(p, "reference kinds")?, (*t).into())))
            .collect::<Result<_, GraphError>>()?;
        let mut values = Vec::new();
        for (prop, value) in d.identifiers.iter().chain(&d.texts) {
            if let Some((kind, node)) = value_node(self.ontology, d.schema, prop, value) {
                values.push(HeldValue {
                    kind: self.kinds.intern(prop, "reference kinds")?,
                    node: node.into(),
                    label: (*value).into(),
                    schema: self.schemas.intern(kind.schema(), "entity types")?,
                });
            }
        }
        self.docs.push(Scanned {
            entity: d.entity.into(),
            canonical: canonical.into(),
            shape: d.shape,
            schema: self.schemas.intern(d.schema, "entity types")?,
            named: d.label != format!("{} {}", d.schema, d.entity),
            label: d.label.into(),
            span: span(self.ontology, d.schema, &d.dates),
            refs,
            values,
        });
        Ok(())
    }
}

/// The cached graph and the index generation it was built from.
#[derive(Default)]
pub(crate) struct GraphCache {
    slot: Mutex<Option<(u64, Arc<LinkGraph>)>>,
}

impl LinkGraph {
    fn build(scan: Scan<'_>) -> Result<Self, GraphError> {
        let Scan {
            docs: mut scanned,
            schemas,
            kinds,
            ..
        } = scan;
        // Nodes in canonical order; within a node, documents by record and
        // shape, so the label a session sees does not depend on scan order.
        scanned.sort_unstable_by(|a, b| {
            (&a.canonical, &a.entity, a.shape).cmp(&(&b.canonical, &b.entity, b.shape))
        });
        let edges_hint = scanned.iter().map(|d| d.refs.len()).sum();
        let mut b = GraphBuilder::with_capacity(scanned.len(), edges_hint);
        let mut doc_start = Vec::new();
        let mut docs = Vec::with_capacity(scanned.len());
        for d in &mut scanned {
            if b.ix(&d.canonical).is_none() {
                b.node(&d.canonical, "", "")?;
                doc_start.push(docs.len() as u32);
            }
            docs.push(NodeDoc {
                entity: d.entity.clone(),
                shape: d.shape,
                schema: d.schema,
                named: d.named,
                label: std::mem::take(&mut d.label),
                holder: NO_HOLDER,
            });
        }
        let values_from = doc_start.len() as u32;
        // Each value node, its holders in node order: (value node, holder
        // node, document, value) for the edges below.
        let mut held: BTreeMap<&str, Vec<(NodeIx, usize, usize)>> = BTreeMap::new();
        for (i, d) in scanned.iter().enumerate() {
            let Some(holder) = b.ix(&d.canonical) else {
                continue;
            };
            for (j, v) in d.values.iter().enumerate() {
                held.entry(&v.node).or_default().push((holder, i, j));
            }
        }
        let mut value_edges = Vec::new();
        for (id, mut holders) in held {
            // An id some record already has is that record's: never merge.
            if b.ix(id).is_some() {
                continue;
            }
            let node = b.node(id, "", "")?;
            doc_start.push(docs.len() as u32);
            holders.sort_unstable_by_key(|&(h, i, _)| (h.0, i));
            for (holder, i, j) in holders {
                let (Some(d), Some(v)) =
                    (scanned.get(i), scanned.get(i).and_then(|d| d.values.get(j)))
                else {
                    continue;
                };
                docs.push(NodeDoc {
                    entity: d.entity.clone(),
                    shape: d.shape,
                    schema: v.schema,
                    named: true,
                    label: v.label.clone(),
                    holder: holder.0,
                });
                value_edges.push((holder, node, i, v.kind));
            }
        }
        doc_start.push(docs.len() as u32);
        let canonical_of: HashMap<&str, &str> = scanned
            .iter()
            .map(|d| (&*d.entity, &*d.canonical))
            .collect();
        let mut edge_shape = Vec::with_capacity(edges_hint);
        for d in &scanned {
            let Some(from) = b.ix(&d.canonical) else {
                continue;
            };
            for (kind, target) in &d.refs {
                // A reference to a record that was never loaded, or holds no
                // values, points at nothing anyone could see.
                let Some(to) = canonical_of.get(&**target).and_then(|c| b.ix(c)) else {
                    continue;
                };
                b.edge(NewEdge {
                    from,
                    to,
                    kind: kinds.get(*kind),
                    span: d.span,
                    record: Some(&d.entity),
                })?;
                edge_shape.push(d.shape);
            }
        }
        for (from, to, i, kind) in value_edges {
            let Some(d) = scanned.get(i) else {
                continue;
            };
            b.edge(NewEdge {
                from,
                to,
                kind: kinds.get(kind),
                span: d.span,
                record: Some(&d.entity),
            })?;
            edge_shape.push(d.shape);
        }
        Ok(Self {
            graph: b.build(),
            doc_start,
            docs,
            schemas,
            edge_shape,
            values_from,
        })
    }

    fn node_docs(&self, n: NodeIx) -> &[NodeDoc] {
        let i = n.0 as usize;
        match (self.doc_start.get(i), self.doc_start.get(i + 1)) {
            (Some(&s), Some(&e)) => self.docs.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn is_value(&self, n: NodeIx) -> bool {
        n.0 >= self.values_from
    }

    /// A record's node when any of its documents is visible; a value's
    /// when it joins two visible records: held by one alone it connects
    /// nothing, and shown then it would tell that someone hidden holds it.
    fn node_visible(&self, n: NodeIx, visible: &Visible) -> bool {
        let mut shown = self
            .node_docs(n)
            .iter()
            .filter(|d| visible.contains(d.shape));
        if !self.is_value(n) {
            return shown.next().is_some();
        }
        let Some(first) = shown.next() else {
            return false;
        };
        shown.any(|d| d.holder != first.holder)
    }

    fn edge_visible(&self, e: EdgeIx, visible: &Visible) -> bool {
        self.edge_shape
            .get(e.0 as usize)
            .is_some_and(|&s| visible.contains(s))
    }

    /// The node's id as the session knows it: derived from the records
    /// it may see, never from a hidden member of the cluster.
    fn node_id(&self, n: NodeIx, visible: &Visible) -> String {
        let canonical = self.graph.node(n).map(|r| r.id).unwrap_or_default();
        if self.is_value(n) {
            // The value itself, which every visible holder shows.
            return canonical.to_string();
        }
        let docs = self.node_docs(n);
        let mut shown: Vec<&str> = docs
            .iter()
            .filter(|d| visible.contains(d.shape))
            .map(|d| &*d.entity)
            .collect();
        shown.dedup();
        // Documents are in record order, so each record's are together.
        let mut all: Vec<&str> = docs.iter().map(|d| &*d.entity).collect();
        all.dedup();
        crate::dossier::view_id(canonical, &shown, shown.len() == all.len())
    }

    /// A node as the session sees it: type and label from its first
    /// visible document, preferring one whose label names the record.
    fn present(&self, n: NodeIx, visible: &Visible) -> GraphNode {
        let id = self.node_id(n, visible);
        let shown = || {
            self.node_docs(n)
                .iter()
                .filter(|d| visible.contains(d.shape))
        };
        let doc = shown().find(|d| d.named).or_else(|| shown().next());
        let schema = doc
            .map(|d| self.schemas.get(d.schema).to_string())
            .unwrap_or_default();
        GraphNode {
            label: doc
                .map(|d| d.label.to_string())
                .unwrap_or_else(|| id.clone()),
            id,
            schema,
        }
    }

    fn present_edge(&self, e: EdgeIx, visible: &Visible) -> GraphEdge {
        let Some(edge) = self.graph.edge(e) else {
            return GraphEdge {
                from: String::new(),
                to: String::new(),
                kind: String::new(),
                start: None,
                end: None,
                record: String::new(),
            };
        };
        let id = |n: NodeIx| self.node_id(n, visible);
        GraphEdge {
            from: id(edge.from),
            to: id(edge.to),
            kind: edge.kind.to_string(),
            start: edge.span.start.map(|d| d.to_string()),
            end: edge.span.end.map(|d| d.to_string()),
            record: edge.record.unwrap_or_default().to_string(),
        }
    }

    fn network(&self, sub: &Subgraph, visible: &Visible) -> Network {
        Network {
            nodes: sub
                .nodes()
                .iter()
                .map(|&n| self.present(n, visible))
                .collect(),
            edges: sub
                .edges()
                .iter()
                .map(|&e| self.present_edge(e, visible))
                .collect(),
            truncated: names(sub.truncated()),
        }
    }

    fn path(&self, p: &clearstone_graph::Path, visible: &Visible) -> LinkPath {
        LinkPath {
            nodes: p.nodes.iter().map(|&n| self.present(n, visible)).collect(),
            hops: p
                .edges
                .iter()
                .map(|hop| hop.iter().map(|&e| self.present_edge(e, visible)).collect())
                .collect(),
        }
    }
}

/// When the reference held, for records whose dates say so: events (types
/// with a `timeline` date: complaints, absences, incidents, ...) and
/// relationship records (`Ownership`, `Employment`). From `start_date` (else
/// the timeline date) to `end_date`; a record dated by one day (`date`)
/// holds on that day, one with a start and no end is open. Other records'
/// dates are about the record, not its references (an officer's
/// `start_date` is not when their address or line manager held), so their
/// references are undated. Dates that do not parse, or that end before they
/// start, leave the edge undated rather than drop it: an undated edge
/// overlaps every range.
fn span(ontology: &Ontology, schema: &str, dates: &[(&str, &str)]) -> Span {
    let get = |p: &str| dates.iter().find(|(q, _)| *q == p).map(|(_, d)| *d);
    let Some(ty) = ontology.get(schema) else {
        return Span::default();
    };
    let timeline = ty.timeline.as_deref();
    if timeline.is_none() && ty.ends.is_none() {
        return Span::default();
    }
    let (start, end) = match get("start_date") {
        Some(s) => (Some(s), get("end_date")),
        None => {
            let day = timeline.and_then(get).or_else(|| get("date"));
            (day, get("end_date").or(day))
        }
    };
    let start = start.and_then(|s| Day::parse_earliest(s).ok());
    let end = end.and_then(|e| Day::parse_latest(e).ok());
    Span::new(start, end).unwrap_or_default()
}

fn names(limits: &[Limit]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in limits {
        if !out.iter().any(|n| n == l.name()) {
            out.push(l.name().to_string());
        }
    }
    out
}

fn graph_error(e: GraphError) -> EngineError {
    match e {
        GraphError::Limit { .. } | GraphError::Date(_) | GraphError::Span { .. } => {
            EngineError::InvalidInput(e.to_string())
        }
        GraphError::Io(source) => EngineError::Io {
            path: "graph export".into(),
            source,
        },
        e => EngineError::Internal(format!("graph: {e}")),
    }
}

impl Engine {
    /// The reference graph of the current index, built on first use and
    /// again after the index changes. The lock is held while building, so
    /// sessions asking at once wait for one build rather than each making
    /// their own.
    pub(crate) fn link_graph(&self) -> Result<Arc<LinkGraph>, EngineError> {
        let mut slot = self
            .graph
            .slot
            .lock()
            .map_err(|_| EngineError::Internal("the graph cache lock was poisoned".into()))?;
        // Read before the scan: a commit during it makes the next query rebuild.
        let generation = self.index_generation();
        if let Some((g, graph)) = slot.as_ref()
            && *g == generation
        {
            return Ok(graph.clone());
        }
        let mut scan = Scan::new(self.ontology());
        let mut failed = None;
        // The index groups a cluster's records under its smallest record;
        // nodes are named by canonical id.
        let names = self.canonical_table()?;
        self.search_index()
            .scan(&mut |d| {
                let canonical = names.get(d.canonical).map_or(d.canonical, String::as_str);
                if failed.is_none()
                    && let Err(e) = scan.add(&d, canonical)
                {
                    failed = Some(e);
                }
            })
            .map_err(search_error)?;
        if let Some(e) = failed {
            return Err(graph_error(e));
        }
        let graph = Arc::new(LinkGraph::build(scan).map_err(graph_error)?);
        *slot = Some((generation, graph.clone()));
        Ok(graph)
    }
}

/// Nodes in one graph answer. Every event names each node returned, and the
/// log holds at most 64 KiB per event (some 1,800 subject hashes); a
/// thousand nodes is also more than a chart can show legibly.
pub const GRAPH_NODES_MAX: usize = 1_000;

/// The engine's limits on graph queries: the graph crate's defaults, with
/// `nodes_max` at [`GRAPH_NODES_MAX`]. A caller may ask for less, never more.
pub fn graph_limits() -> Limits {
    Limits {
        nodes_max: GRAPH_NODES_MAX,
        ..Limits::default()
    }
}

fn check_limits(asked: &Limits) -> Result<(), EngineError> {
    let max = graph_limits();
    let over = [
        ("nodes_max", asked.nodes_max, max.nodes_max),
        ("edges_max", asked.edges_max, max.edges_max),
        ("hops_max", asked.hops_max as usize, max.hops_max as usize),
        ("k_max", asked.k_max as usize, max.k_max as usize),
        ("paths_max", asked.paths_max, max.paths_max),
        ("visits_max", asked.visits_max, max.visits_max),
    ]
    .into_iter()
    .find(|(_, a, m)| a > m);
    match over {
        Some((name, a, m)) => Err(EngineError::InvalidInput(format!(
            "{a} is over the limit {name} = {m}"
        ))),
        None => Ok(()),
    }
}

/// One query's view: the graph, the session's visible shapes, and the
/// gate closures a [`Filter`] borrows.
struct Gated {
    graph: Arc<LinkGraph>,
    visible: Visible,
}

impl Gated {
    fn node_gate(&self) -> impl Fn(NodeRef<'_>) -> Visibility + '_ {
        move |n: NodeRef<'_>| {
            if self.graph.node_visible(n.ix, &self.visible) {
                Visibility::Visible
            } else {
                Visibility::Hidden
            }
        }
    }

    fn edge_gate(&self) -> impl Fn(EdgeRef<'_>) -> Visibility + '_ {
        move |e: EdgeRef<'_>| {
            if self.graph.edge_visible(e.ix, &self.visible) {
                Visibility::Visible
            } else {
                Visibility::Hidden
            }
        }
    }
}

impl Session<'_> {
    /// The graph and the session's view of it for `action`.
    fn gated(&self, action: Action) -> Result<Gated, EngineError> {
        Ok(Gated {
            graph: self.engine.link_graph()?,
            visible: self.visible(action)?,
        })
    }

    /// The visible node `id` names (a canonical id, or a visible source
    /// record of it); `None` for an unknown or hidden one alike.
    fn graph_node(&self, g: &Gated, id: &str) -> Result<Option<NodeIx>, EngineError> {
        if is_value_id(id) {
            return Ok(g
                .graph
                .graph
                .ix(id)
                .filter(|&n| g.graph.is_value(n) && g.graph.node_visible(n, &g.visible)));
        }
        let Some((canonical, _)) = self.cluster_of(id)? else {
            return Ok(None);
        };
        Ok(g.graph
            .graph
            .ix(&canonical)
            .filter(|&n| g.graph.node_visible(n, &g.visible)))
    }

    /// Names each id that is not a visible node in one logged "not found".
    fn nodes_or_not_found(
        &self,
        g: &Gated,
        query: &str,
        ids: &[&str],
    ) -> Result<Vec<NodeIx>, EngineError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.graph_node(g, id)? {
                Some(n) => out.push(n),
                None => {
                    self.record(Operation::Consult, query, ids, None, "not found")?;
                    return Err(EngineError::NotFound((*id).to_string()));
                }
            }
        }
        Ok(out)
    }

    /// Edge kinds must be reference properties the ontology defines, or
    /// properties holding values records meet at, so a typo is an error
    /// rather than an empty answer.
    fn check_kinds(&self, kinds: &[String]) -> Result<(), EngineError> {
        let o = self.engine.ontology();
        for k in kinds {
            let known = o.types().any(|t| {
                t.property(k)
                    .is_some_and(|p| p.ty == PropType::Entity || holds_values(o, &t.name, k))
            });
            if !known {
                return Err(EngineError::InvalidInput(format!(
                    "no reference property `{k}` in the ontology"
                )));
            }
        }
        Ok(())
    }

    /// The entities one visible reference away from `id`, each with every
    /// visible reference between the two.
    pub fn graph_neighbours(&self, id: &str) -> Result<Neighbourhood, EngineError> {
        self.logged(Operation::Consult, "graph neighbours", &[id], || {
            self.neighbours_of(id)
        })
    }

    fn neighbours_of(&self, id: &str) -> Result<Neighbourhood, EngineError> {
        let query = "graph neighbours";
        let g = self.gated(Action::View)?;
        let [n] = self.nodes_or_not_found(&g, query, &[id])?[..] else {
            return Err(EngineError::NotFound(id.to_string()));
        };
        let (ng, eg) = (g.node_gate(), g.edge_gate());
        let filter = Filter::new(&ng).edge_gate(&eg);
        let found = g
            .graph
            .graph
            .neighbours(n, &filter, &graph_limits())
            .map_err(graph_error)?;
        let out = Neighbourhood {
            node: g.graph.present(n, &g.visible),
            neighbours: found
                .neighbours
                .iter()
                .map(|nb| {
                    (
                        g.graph.present(nb.node, &g.visible),
                        nb.edges
                            .iter()
                            .map(|&e| g.graph.present_edge(e, &g.visible))
                            .collect(),
                    )
                })
                .collect(),
            truncated: names(&found.truncated),
        };
        let mut ids: Vec<&str> = vec![out.node.id.as_str()];
        ids.extend(out.neighbours.iter().map(|(n, _)| n.id.as_str()));
        let mut seen = Seen::default();
        let concerns = self.concerns_of(&ids, &mut seen)?;
        self.record_entities(
            Operation::Consult,
            query,
            &ids,
            None,
            &format!("{} neighbours{}", out.neighbours.len(), cut(&out.truncated)),
            &concerns,
            &mut seen,
        )?;
        Ok(out)
    }

    /// The entities within `hops` visible references of `id`, and the
    /// references among them. `kinds` limits the references followed (all
    /// when empty); `span` keeps references whose record's dates overlap it.
    pub fn graph_expand(
        &self,
        id: &str,
        hops: u32,
        kinds: &[String],
        span: Option<Span>,
        limits: &Limits,
    ) -> Result<Network, EngineError> {
        let query = format!("graph expand {hops} hops");
        self.logged(Operation::Consult, &query, &[], || {
            self.expand_network(id, hops, kinds, span, limits)
        })
    }

    fn expand_network(
        &self,
        id: &str,
        hops: u32,
        kinds: &[String],
        span: Option<Span>,
        limits: &Limits,
    ) -> Result<Network, EngineError> {
        let query = format!("graph expand {hops} hops");
        let (g, sub) = self.expanded(Action::View, &query, id, hops, kinds, span, limits)?;
        let out = g.graph.network(&sub, &g.visible);
        self.record_network(Operation::Consult, &query, None, &out)?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn expanded(
        &self,
        action: Action,
        query: &str,
        id: &str,
        hops: u32,
        kinds: &[String],
        span: Option<Span>,
        limits: &Limits,
    ) -> Result<(Gated, Subgraph), EngineError> {
        check_limits(limits)?;
        self.check_kinds(kinds)?;
        let g = self.gated(action)?;
        let [n] = self.nodes_or_not_found(&g, query, &[id])?[..] else {
            return Err(EngineError::NotFound(id.to_string()));
        };
        let sub = {
            let (ng, eg) = (g.node_gate(), g.edge_gate());
            let mut filter = Filter::new(&ng).edge_gate(&eg);
            if !kinds.is_empty() {
                filter = filter.kinds(kinds.iter().cloned());
            }
            if let Some(s) = span {
                filter = filter.during(s);
            }
            g.graph
                .graph
                .expand(&[n], hops, &filter, limits)
                .map_err(graph_error)?
        };
        Ok((g, sub))
    }

    fn record_network(
        &self,
        op: Operation,
        query: &str,
        recipient: Option<&str>,
        net: &Network,
    ) -> Result<(), EngineError> {
        let ids: Vec<&str> = net.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut seen = Seen::default();
        let concerns = self.concerns_of(&ids, &mut seen)?;
        self.record_entities(
            op,
            query,
            &ids,
            recipient,
            &format!(
                "{} nodes, {} edges{}",
                net.nodes.len(),
                net.edges.len(),
                cut(&net.truncated)
            ),
            &concerns,
            &mut seen,
        )
    }

    /// How `a` and `b` connect through what this session may see: a
    /// shortest path, and every simple path of at most `k` hops. A path
    /// that would need a hidden entity or reference is not returned, and
    /// nothing says one was left out.
    pub fn graph_paths(&self, a: &str, b: &str, k: u32) -> Result<Connections, EngineError> {
        let query = format!("graph paths k={k}");
        self.logged(Operation::Consult, &query, &[], || self.find_paths(a, b, k))
    }

    fn find_paths(&self, a: &str, b: &str, k: u32) -> Result<Connections, EngineError> {
        let query = format!("graph paths k={k}");
        let limits = graph_limits();
        if k > limits.k_max {
            return Err(EngineError::InvalidInput(format!(
                "{k} is over the limit k_max = {}",
                limits.k_max
            )));
        }
        let g = self.gated(Action::View)?;
        let [na, nb] = self.nodes_or_not_found(&g, &query, &[a, b])?[..] else {
            return Err(EngineError::NotFound(format!("{a} or {b}")));
        };
        let (ng, eg) = (g.node_gate(), g.edge_gate());
        let filter = Filter::new(&ng).edge_gate(&eg);
        let graph = &g.graph.graph;
        let shortest = graph
            .shortest_path(na, nb, &filter, &limits)
            .map_err(graph_error)?;
        let all = graph
            .all_paths(na, nb, k, &filter, &limits)
            .map_err(graph_error)?;
        let mut truncated = shortest.truncated.clone();
        truncated.extend(all.truncated.iter().copied());
        let out = Connections {
            a: g.graph.present(na, &g.visible),
            b: g.graph.present(nb, &g.visible),
            shortest: shortest.paths.first().map(|p| g.graph.path(p, &g.visible)),
            paths: all
                .paths
                .iter()
                .map(|p| g.graph.path(p, &g.visible))
                .collect(),
            truncated: names(&truncated),
        };
        let mut ids: Vec<&str> = vec![out.a.id.as_str(), out.b.id.as_str()];
        for p in out.shortest.iter().chain(&out.paths) {
            ids.extend(p.nodes.iter().map(|n| n.id.as_str()));
        }
        dedup(&mut ids);
        let mut seen = Seen::default();
        let concerns = self.concerns_of(&ids, &mut seen)?;
        self.record_entities(
            Operation::Consult,
            &query,
            &ids,
            None,
            &format!(
                "{} paths, shortest {}{}",
                out.paths.len(),
                out.shortest
                    .as_ref()
                    .map_or_else(|| "none".to_string(), |p| format!("{} hops", p.hops.len())),
                cut(&out.truncated)
            ),
            &concerns,
            &mut seen,
        )?;
        Ok(out)
    }

    /// The entities next to both `a` and `b`, with the references to each.
    pub fn graph_shared(&self, a: &str, b: &str) -> Result<SharedAssociates, EngineError> {
        self.logged(
            Operation::Consult,
            "graph shared associates",
            &[a, b],
            || self.shared_of(a, b),
        )
    }

    fn shared_of(&self, a: &str, b: &str) -> Result<SharedAssociates, EngineError> {
        let query = "graph shared associates";
        let g = self.gated(Action::View)?;
        let [na, nb] = self.nodes_or_not_found(&g, query, &[a, b])?[..] else {
            return Err(EngineError::NotFound(format!("{a} or {b}")));
        };
        let (ng, eg) = (g.node_gate(), g.edge_gate());
        let filter = Filter::new(&ng).edge_gate(&eg);
        let found = g
            .graph
            .graph
            .shared_associates(na, nb, &filter, &graph_limits())
            .map_err(graph_error)?;
        let edges = |es: &[EdgeIx]| -> Vec<GraphEdge> {
            es.iter()
                .map(|&e| g.graph.present_edge(e, &g.visible))
                .collect()
        };
        let out = SharedAssociates {
            a: g.graph.present(na, &g.visible),
            b: g.graph.present(nb, &g.visible),
            associates: found
                .associates
                .iter()
                .map(|x| SharedAssociate {
                    node: g.graph.present(x.node, &g.visible),
                    via_a: edges(&x.via_a),
                    via_b: edges(&x.via_b),
                })
                .collect(),
            truncated: names(&found.truncated),
        };
        let mut ids: Vec<&str> = vec![out.a.id.as_str(), out.b.id.as_str()];
        ids.extend(out.associates.iter().map(|x| x.node.id.as_str()));
        dedup(&mut ids);
        let mut seen = Seen::default();
        let concerns = self.concerns_of(&ids, &mut seen)?;
        self.record_entities(
            Operation::Consult,
            query,
            &ids,
            None,
            &format!(
                "{} shared associates{}",
                out.associates.len(),
                cut(&out.truncated)
            ),
            &concerns,
            &mut seen,
        )?;
        Ok(out)
    }

    /// Degree and betweenness of every entity within `hops` of `id`,
    /// computed over that visible neighbourhood alone.
    pub fn graph_centrality(&self, id: &str, hops: u32) -> Result<CentralityReport, EngineError> {
        let query = format!("graph centrality {hops} hops");
        self.logged(Operation::Consult, &query, &[], || {
            self.centrality(id, hops)
        })
    }

    fn centrality(&self, id: &str, hops: u32) -> Result<CentralityReport, EngineError> {
        let query = format!("graph centrality {hops} hops");
        let (g, sub) = self.expanded(Action::View, &query, id, hops, &[], None, &graph_limits())?;
        let graph = &g.graph.graph;
        let degree = degree_centrality(graph, &sub).map_err(graph_error)?;
        let between = betweenness_centrality(graph, &sub).map_err(graph_error)?;
        let network = g.graph.network(&sub, &g.visible);
        let mut scores: Vec<NodeCentrality> = network
            .nodes
            .iter()
            .zip(degree.iter().zip(&between))
            .map(|(node, (d, b))| NodeCentrality {
                node: node.clone(),
                degree: d.value,
                degree_normalised: d.normalised,
                betweenness: b.value,
                betweenness_normalised: b.normalised,
            })
            .collect();
        scores.sort_by(|x, y| {
            y.betweenness
                .total_cmp(&x.betweenness)
                .then(y.degree.total_cmp(&x.degree))
                .then_with(|| x.node.id.cmp(&y.node.id))
        });
        self.record_network(Operation::Consult, &query, None, &network)?;
        Ok(CentralityReport { network, scores })
    }

    /// Writes the entities within `hops` of `id` and the references among
    /// them to `to`: a disclosure, even to one's own file (the recipient is
    /// then `self, for analysis`, which the policies may refuse like any
    /// other), decided for `export` rather than `view` as statement exports
    /// are, and logged before the bytes leave (see `disclose.rs`).
    pub fn graph_export(
        &self,
        id: &str,
        hops: u32,
        format: GraphFormat,
        to: Destination<'_>,
        d: &Disclosure<'_>,
    ) -> Result<Network, EngineError> {
        let query = format!("graph export {} {hops} hops", format.as_str());
        self.logged(Operation::Disclose, &query, &[], || {
            self.export_network(id, hops, format, to, d)
        })
    }

    fn export_network(
        &self,
        id: &str,
        hops: u32,
        format: GraphFormat,
        to: Destination<'_>,
        d: &Disclosure<'_>,
    ) -> Result<Network, EngineError> {
        let query = format!("graph export {} {hops} hops", format.as_str());
        let limits = graph_limits();
        let (g, sub) = self.expanded(Action::Export, &query, id, hops, &[], None, &limits)?;
        let net = g.graph.network(&sub, &g.visible);
        let (graph, whole) = export_graph(&net, &sub).map_err(graph_error)?;
        let ids: Vec<&str> = net.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut seen = Seen::default();
        let subjects = self.with_records(&ids, &mut seen)?;
        let concerns = self.concerns_of(&ids, &mut seen)?;
        self.disclose(&query, d, to, |out| {
            match format {
                GraphFormat::GraphMl => write_graphml(&graph, &whole, out),
                GraphFormat::Gexf => write_gexf(&graph, &whole, out),
                GraphFormat::Cytoscape => write_cytoscape(&graph, &whole, out),
            }
            .map_err(graph_error)?;
            Ok(Disclosed {
                subjects,
                count: net.nodes.len() as u64,
                outcome: format!(
                    "{} nodes, {} edges{}",
                    net.nodes.len(),
                    net.edges.len(),
                    cut(&net.truncated)
                ),
                concerns,
            })
        })?;
        Ok(net)
    }
}

/// A graph of just the exported entities, labelled as this session sees
/// them, and the subgraph that is all of it, cut short by the same limits
/// as the answer it was made from.
///
/// The graph crate hands out subgraphs only as answers to queries, so that
/// every node in one passed a gate; this one is therefore the answer to an
/// expansion of the export graph from all its nodes. To carry the original
/// cut, the export graph holds one placeholder for each limit hit: a node
/// beyond `nodes_max` (joined to the first node, so the expansion reaches
/// it and stops) and a self-loop after the last real edge (so the edge
/// listing reaches it and stops). Neither is ever part of the answer, so
/// neither is ever written.
fn export_graph(net: &Network, sub: &Subgraph) -> Result<(Graph, Subgraph), GraphError> {
    let cut_nodes = sub.truncated().contains(&Limit::NodesMax);
    let cut_edges = sub.truncated().contains(&Limit::EdgesMax);
    let mut b = GraphBuilder::with_capacity(net.nodes.len() + 1, net.edges.len() + 2);
    let mut seeds = Vec::with_capacity(net.nodes.len());
    for n in &net.nodes {
        seeds.push(b.node(&n.id, &n.schema, &n.label)?);
    }
    let day = |d: &Option<String>, latest: bool| -> Result<Option<Day>, GraphError> {
        d.as_deref()
            .map(|d| {
                if latest {
                    Day::parse_latest(d)
                } else {
                    Day::parse_earliest(d)
                }
            })
            .transpose()
    };
    for e in &net.edges {
        let (Some(from), Some(to)) = (b.ix(&e.from), b.ix(&e.to)) else {
            return Err(GraphError::NoSuchNode(u32::MAX));
        };
        b.edge(NewEdge {
            from,
            to,
            kind: e.kind.as_str(),
            span: Span::new(day(&e.start, false)?, day(&e.end, true)?)?,
            record: Some(e.record.as_str()),
        })?;
    }
    if let (true, Some(&first)) = (cut_nodes, seeds.first()) {
        // Its id cannot clash with a canonical or source id, which never
        // start with a space.
        let beyond = b.node(" beyond nodes_max", "", "")?;
        b.edge(NewEdge {
            from: first,
            to: beyond,
            kind: "",
            span: Span::default(),
            record: None,
        })?;
    }
    if let (true, Some(&last)) = (cut_edges, seeds.last()) {
        b.edge(NewEdge {
            from: last,
            to: last,
            kind: "",
            span: Span::default(),
            record: None,
        })?;
    }
    let graph = b.build();
    let all = |_: NodeRef<'_>| Visibility::Visible;
    let limits = Limits {
        nodes_max: net.nodes.len(),
        edges_max: net.edges.len(),
        hops_max: 1,
        ..Limits::default()
    };
    let whole = graph.expand(&seeds, u32::from(cut_nodes), &Filter::new(&all), &limits)?;
    Ok((graph, whole))
}

fn dedup(ids: &mut Vec<&str>) {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| seen.insert(*i));
}

fn cut(truncated: &[String]) -> String {
    if truncated.is_empty() {
        String::new()
    } else {
        format!(", cut at {}", truncated.join(" "))
    }
}

fn node_json(n: &GraphNode) -> Value {
    json!({ "id": n.id, "schema": n.schema, "label": n.label })
}

fn edge_json(e: &GraphEdge) -> Value {
    json!({
        "from": e.from, "to": e.to, "kind": e.kind, "start": e.start, "end": e.end,
        "record": e.record,
    })
}

fn edges_json(es: &[GraphEdge]) -> Value {
    Value::Array(es.iter().map(edge_json).collect())
}

fn path_json(p: &LinkPath) -> Value {
    json!({
        "nodes": p.nodes.iter().map(node_json).collect::<Vec<_>>(),
        "hops": p.hops.iter().map(|h| edges_json(h)).collect::<Vec<_>>(),
    })
}

impl Network {
    pub fn to_json(&self) -> Value {
        json!({
            "nodes": self.nodes.iter().map(node_json).collect::<Vec<_>>(),
            "edges": edges_json(&self.edges),
            "truncated": self.truncated,
        })
    }
}

impl Neighbourhood {
    pub fn to_json(&self) -> Value {
        json!({
            "node": node_json(&self.node),
            "neighbours": self.neighbours.iter().map(|(n, es)| json!({
                "node": node_json(n), "edges": edges_json(es),
            })).collect::<Vec<_>>(),
            "truncated": self.truncated,
        })
    }
}

impl Connections {
    pub fn to_json(&self) -> Value {
        json!({
            "a": node_json(&self.a),
            "b": node_json(&self.b),
            "shortest": self.shortest.as_ref().map(path_json),
            "paths": self.paths.iter().map(path_json).collect::<Vec<_>>(),
            "truncated": self.truncated,
        })
    }
}

impl SharedAssociates {
    pub fn to_json(&self) -> Value {
        json!({
            "a": node_json(&self.a),
            "b": node_json(&self.b),
            "associates": self.associates.iter().map(|x| json!({
                "node": node_json(&x.node), "via_a": edges_json(&x.via_a),
                "via_b": edges_json(&x.via_b),
            })).collect::<Vec<_>>(),
            "truncated": self.truncated,
        })
    }
}

impl CentralityReport {
    pub fn to_json(&self) -> Value {
        json!({
            "scores": self.scores.iter().map(|s| json!({
                "node": node_json(&s.node),
                "degree": s.degree, "degree_normalised": s.degree_normalised,
                "betweenness": s.betweenness, "betweenness_normalised": s.betweenness_normalised,
            })).collect::<Vec<_>>(),
            "network": self.network.to_json(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// (entity, canonical, schema, refs) read as the index would give them,
    /// all of shape 1.
    type Doc<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, &'a str)>);

    fn graph(docs: &[Doc<'_>]) -> LinkGraph {
        let o = Ontology::default_ontology().unwrap();
        let mut scan = Scan::new(&o);
        for (entity, canonical, schema, refs) in docs {
            let label = format!("{entity} ({schema})");
            scan.add(
                &DocSummary {
                    entity,
                    canonical,
                    shape: 1,
                    schema,
                    label: &label,
                    refs: refs.clone(),
                    dates: Vec::new(),
                    identifiers: Vec::new(),
                    texts: Vec::new(),
                },
                canonical,
            )
            .unwrap();
        }
        LinkGraph::build(scan).unwrap()
    }

    #[test]
    fn spans_come_from_the_referring_record() {
        let o = Ontology::default_ontology().unwrap();
        let d = |pairs: &[(&'static str, &'static str)]| pairs.to_vec();
        let s = span(&o, "Complaint", &d(&[("date", "2021-03-04")]));
        assert_eq!(
            (s.start.map(|x| x.to_string()), s.end.map(|x| x.to_string())),
            (Some("2021-03-04".into()), Some("2021-03-04".into()))
        );
        let s = span(&o, "Absence", &d(&[("start_date", "2021-03-04")]));
        assert_eq!((s.start.is_some(), s.end), (true, None));
        let s = span(
            &o,
            "Absence",
            &d(&[("start_date", "2021-03-04"), ("end_date", "2020-01-01")]),
        );
        assert_eq!(s, Span::default(), "a backwards span is left undated");
        assert_eq!(span(&o, "Complaint", &[]), Span::default());
        let s = span(&o, "Ownership", &d(&[("start_date", "2011-10-13")]));
        assert_eq!((s.start.is_some(), s.end), (true, None));
        // An officer's start date is not when their address held.
        let s = span(&o, "Officer", &d(&[("start_date", "2021-05-20")]));
        assert_eq!(s, Span::default());
    }

    #[test]
    fn a_cut_export_says_so_and_writes_no_placeholder() {
        let ids: Vec<String> = (0..5).map(|i| format!("hr:officer:{i}")).collect();
        let mut docs: Vec<Doc<'_>> = ids
            .iter()
            .map(|id| (id.as_str(), id.as_str(), "Officer", Vec::new()))
            .collect();
        let mut refs: Vec<(&str, &str)> = ids.iter().map(|id| ("subject", id.as_str())).collect();
        refs.push(("complainant", "hr:officer:0"));
        docs.push(("psd:complaint:1", "psd:complaint:1", "Complaint", refs));
        let g = graph(&docs);
        let all = Visible::new([1]);
        let gated = Gated {
            graph: Arc::new(g),
            visible: all.clone(),
        };
        let seed = gated.graph.graph.ix("psd:complaint:1").unwrap();
        for (nodes_max, edges_max, cut) in [
            (3, 50, vec!["nodes_max"]),
            (10, 4, vec!["edges_max"]),
            (3, 1, vec!["nodes_max", "edges_max"]),
            (10, 50, vec![]),
        ] {
            let limits = Limits {
                nodes_max,
                edges_max,
                ..Limits::default()
            };
            let (ng, eg) = (gated.node_gate(), gated.edge_gate());
            let filter = Filter::new(&ng).edge_gate(&eg);
            let sub = gated
                .graph
                .graph
                .expand(&[seed], 1, &filter, &limits)
                .unwrap();
            let net = gated.graph.network(&sub, &all);
            assert_eq!(net.truncated, cut);
            let (graph, whole) = export_graph(&net, &sub).unwrap();
            assert_eq!(whole.nodes().len(), net.nodes.len());
            assert_eq!(whole.edges().len(), net.edges.len());
            assert_eq!(whole.truncated(), sub.truncated());
            let mut out = Vec::new();
            write_graphml(&graph, &whole, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let xml = roxmltree::Document::parse(&text).unwrap();
            let count = |tag: &str| {
                xml.descendants()
                    .filter(|n| n.tag_name().name() == tag)
                    .count()
            };
            assert_eq!(
                (count("node"), count("edge")),
                (net.nodes.len(), net.edges.len())
            );
            assert!(!text.contains("beyond"));
            for limit in &cut {
                assert!(text.contains(limit), "{text}");
            }
            // Labels are the session's.
            assert!(text.contains("psd:complaint:1 (Complaint)"));
        }
    }

    #[test]
    fn nodes_are_canonical_and_references_join_them() {
        let g = graph(&[
            ("hr:officer:1", "cs-1", "Officer", Vec::new()),
            ("psd:officer:9", "cs-1", "Officer", Vec::new()),
            (
                "psd:complaint:1",
                "psd:complaint:1",
                "Complaint",
                vec![
                    ("subject", "psd:officer:9"),
                    ("complainant", "nowhere:person:1"),
                ],
            ),
        ]);
        assert_eq!(g.graph.node_count(), 2);
        assert_eq!(g.graph.edge_count(), 1);
        let e = g.present_edge(EdgeIx(0), &Visible::new([1]));
        assert_eq!(
            (
                e.from.as_str(),
                e.to.as_str(),
                e.kind.as_str(),
                e.record.as_str()
            ),
            ("psd:complaint:1", "cs-1", "subject", "psd:complaint:1")
        );
        let all = Visible::new([1]);
        let n = g.graph.ix("cs-1").unwrap();
        assert_eq!(g.present(n, &all).label, "hr:officer:1 (Officer)");
        assert!(!g.node_visible(n, &Visible::new([2])));
    }

    // issue 17, item 5 (link chart): records that share a normalised phone,
    // email, vehicle or address meet at that value's node.
    #[test]
    fn records_sharing_a_value_meet_at_its_node_when_both_are_visible() {
        let o = Ontology::default_ontology().unwrap();
        let mut scan = Scan::new(&o);
        // (entity, shape, schema, identifiers, texts)
        type Held<'a> = (
            &'a str,
            u64,
            &'a str,
            Vec<(&'a str, &'a str)>,
            Vec<(&'a str, &'a str)>,
        );
        let docs: [Held<'_>; 5] = [
            (
                "hr:staff:1",
                1,
                "StaffMember",
                vec![("mobile", "07700 900123")],
                vec![],
            ),
            (
                "intel:nominal:7",
                2,
                "Person",
                vec![("phone", "+44 7700 900123")],
                vec![],
            ),
            (
                "hr:home:1",
                1,
                "Address",
                vec![],
                vec![("full", "Flat 2, 12 High Street, Northtown")],
            ),
            (
                "intel:address:7",
                2,
                "Address",
                vec![],
                vec![("full", "FLAT 2 12 HIGH STREET NORTHTOWN NT1 2AB")],
            ),
            (
                "hr:staff:2",
                1,
                "StaffMember",
                vec![("mobile", "07700 900999")],
                vec![],
            ),
        ];
        for (entity, shape, schema, identifiers, texts) in &docs {
            let label = entity.to_string();
            scan.add(
                &DocSummary {
                    entity,
                    canonical: entity,
                    shape: *shape,
                    schema,
                    label: &label,
                    refs: Vec::new(),
                    dates: Vec::new(),
                    identifiers: identifiers.clone(),
                    texts: texts.clone(),
                },
                entity,
            )
            .unwrap();
        }
        let g = LinkGraph::build(scan).unwrap();
        let phone = g.graph.ix("value:phone:+447700900123").unwrap();
        let place = g
            .graph
            .ix("value:address:flat 2 12 high street northtown")
            .unwrap();
        let both = Visible::new([1, 2]);
        assert!(g.node_visible(phone, &both) && g.node_visible(place, &both));
        let gated = Gated {
            graph: Arc::new(g),
            visible: both,
        };
        let (ng, eg) = (gated.node_gate(), gated.edge_gate());
        let filter = Filter::new(&ng).edge_gate(&eg);
        let staff = gated.graph.graph.ix("hr:staff:1").unwrap();
        let sub = gated
            .graph
            .graph
            .expand(&[staff], 2, &filter, &Limits::default())
            .unwrap();
        let net = gated.graph.network(&sub, &gated.visible);
        let ids: Vec<&str> = net.nodes.iter().map(|n| n.id.as_str()).collect();
        assert!(ids.contains(&"intel:nominal:7"), "{ids:?}");
        let kinds: Vec<&str> = net.edges.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["mobile", "phone"], "{net:?}");
        // A number held alone connects nothing and is no node.
        assert!(!gated.graph.node_visible(
            gated.graph.graph.ix("value:phone:+447700900999").unwrap(),
            &gated.visible
        ));
        // Without the intelligence record in view, nothing says another
        // record holds the number: the value is not on the chart at all.
        let hr_only = Visible::new([1]);
        assert!(!gated.graph.node_visible(phone, &hr_only));
        assert!(!gated.graph.node_visible(place, &hr_only));
    }
}
