//! What a query may follow and see: relationship kinds, a date range, the
//! gate's visibility decisions, and the limits on the work and the answer.

use std::fmt;

use crate::graph::{EdgeRef, Graph, NodeRef};
use crate::ixmap::IxMap;
use crate::{EdgeIx, GraphError, NodeIx, Span};

/// The gate's answer for one entity or relationship record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    Hidden,
}

/// The gate's decision for a node, supplied by the engine for the session.
pub type NodeGate<'a> = &'a dyn Fn(NodeRef<'_>) -> Visibility;
/// The gate's decision for an edge's relationship record.
pub type EdgeGate<'a> = &'a dyn Fn(EdgeRef<'_>) -> Visibility;

/// What a query may follow. There is no filter without a node gate, so no
/// query can forget the gate.
///
/// A hidden node is treated as if it were not in the graph: no query enters
/// it, lists it, counts it, or returns a path through it, and no result
/// says that anything was left out for that reason. A hidden edge is treated
/// the same way.
pub struct Filter<'a> {
    node_gate: NodeGate<'a>,
    edge_gate: Option<EdgeGate<'a>>,
    kinds: Option<Vec<String>>,
    during: Option<Span>,
}

impl<'a> Filter<'a> {
    /// Every kind of edge at any date, nodes as the gate decides.
    pub fn new(node_gate: NodeGate<'a>) -> Self {
        Self {
            node_gate,
            edge_gate: None,
            kinds: None,
            during: None,
        }
    }

    /// Also asks the gate about each edge's relationship record, for
    /// deployments where a relationship can be hidden while both its ends are
    /// visible (an intelligence report linking two known people).
    pub fn edge_gate(mut self, gate: EdgeGate<'a>) -> Self {
        self.edge_gate = Some(gate);
        self
    }

    /// Only edges of these kinds. An empty list allows none; a kind the
    /// graph does not hold matches nothing (checking names against the
    /// ontology is the caller's job, since the graph only knows the kinds it
    /// holds).
    pub fn kinds<I, S>(mut self, kinds: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.kinds = Some(kinds.into_iter().map(Into::into).collect());
        self
    }

    /// Only edges whose span overlaps `span`; an undated end is open.
    pub fn during(mut self, span: Span) -> Self {
        self.during = Some(span);
        self
    }
}

impl fmt::Debug for Filter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("edge_gate", &self.edge_gate.is_some())
            .field("kinds", &self.kinds)
            .field("during", &self.during)
            .finish_non_exhaustive()
    }
}

/// A named limit: what a request may ask for and how large an answer may
/// grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    NodesMax,
    EdgesMax,
    HopsMax,
    KMax,
    PathsMax,
    VisitsMax,
}

impl Limit {
    pub fn name(self) -> &'static str {
        match self {
            Self::NodesMax => "nodes_max",
            Self::EdgesMax => "edges_max",
            Self::HopsMax => "hops_max",
            Self::KMax => "k_max",
            Self::PathsMax => "paths_max",
            Self::VisitsMax => "visits_max",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Limits on one query. Asking for more hops or a longer path than allowed is
/// an error; an answer that grows past a size limit comes back cut short,
/// flagged with the limit, because a partial picture of a neighbourhood is
/// still useful where a refusal is not.
///
/// Only what the caller may see counts towards a limit, so whether a limit
/// was hit never depends on hidden nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nodes in an answer. 10,000 is already more than anyone reads on a
    /// chart, and keeps centrality on the answer under a second or so.
    pub nodes_max: usize,
    /// Edges in an answer, for the same reason.
    pub edges_max: usize,
    /// Hops an expansion may take, and the longest shortest path searched
    /// for. Past six hops nearly everything connects to everything.
    pub hops_max: u32,
    /// The longest path `all_paths` enumerates. Paths multiply with length,
    /// so this is kept lower than `hops_max`.
    pub k_max: u32,
    /// Paths one answer may list.
    pub paths_max: usize,
    /// Nodes a search may reach on its way to an answer: the work bound for
    /// path searches, whose answers are small even when their searches are
    /// not.
    pub visits_max: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            nodes_max: 10_000,
            edges_max: 50_000,
            hops_max: 6,
            k_max: 5,
            paths_max: 100,
            visits_max: 1_000_000,
        }
    }
}

impl Limits {
    pub(crate) fn check(limit: Limit, asked: u32, max: u32) -> Result<(), GraphError> {
        if asked > max {
            return Err(GraphError::Limit {
                limit,
                asked: u64::from(asked),
                max: u64::from(max),
            });
        }
        Ok(())
    }
}

/// One query's view of the graph through a filter. Remembers the gate's
/// answers, so the gate is asked at most once per node and edge per query
/// however often the search passes by.
pub(crate) struct View<'g, 'f> {
    pub(crate) graph: &'g Graph,
    filter: &'f Filter<'f>,
    /// Set when the filter names kinds: bit `k` allows kind `k`.
    kinds: Option<Vec<u64>>,
    during: Option<(i32, i32)>,
    nodes: IxMap<bool>,
    edges: IxMap<bool>,
}

impl<'g, 'f> View<'g, 'f> {
    pub(crate) fn new(graph: &'g Graph, filter: &'f Filter<'f>) -> Self {
        let kinds = filter.kinds.as_ref().map(|names| {
            let mut bits = vec![0u64; graph.kinds().count().div_ceil(64)];
            for k in names.iter().filter_map(|n| graph.kind_ix(n)) {
                bits[usize::from(k / 64)] |= 1 << (k % 64);
            }
            bits
        });
        Self {
            graph,
            filter,
            kinds,
            during: filter.during.map(|s| s.bounds()),
            nodes: IxMap::default(),
            edges: IxMap::default(),
        }
    }

    /// Refuses an index from another graph before anything walks from it.
    pub(crate) fn check(&self, n: NodeIx) -> Result<u32, GraphError> {
        if self.graph.contains(n.0) {
            Ok(n.0)
        } else {
            Err(GraphError::NoSuchNode(n.0))
        }
    }

    pub(crate) fn visible(&mut self, n: u32) -> bool {
        if let Some(&v) = self.nodes.get(&n) {
            return v;
        }
        let v = self
            .graph
            .node(NodeIx(n))
            .is_some_and(|node| (self.filter.node_gate)(node) == Visibility::Visible);
        self.nodes.insert(n, v);
        v
    }

    pub(crate) fn allows(&mut self, e: u32) -> bool {
        if let Some(bits) = &self.kinds {
            let k = usize::from(self.graph.kind_of(e));
            if bits[k / 64] & (1 << (k % 64)) == 0 {
                return false;
            }
        }
        if let Some((from, to)) = self.during {
            let (start, end) = self.graph.bounds_of(e);
            if start > to || from > end {
                return false;
            }
        }
        let Some(gate) = self.filter.edge_gate else {
            return true;
        };
        if let Some(&v) = self.edges.get(&e) {
            return v;
        }
        let v = self
            .graph
            .edge(EdgeIx(e))
            .is_some_and(|edge| gate(edge) == Visibility::Visible);
        self.edges.insert(e, v);
        v
    }

    /// The allowed edges between `n` and `m`, in index order.
    pub(crate) fn edges_between(&mut self, n: u32, m: u32) -> Vec<EdgeIx> {
        let graph = self.graph;
        graph
            .adj_to(n, m)
            .iter()
            .filter(|a| self.allows(a.edge))
            .map(|a| EdgeIx(a.edge))
            .collect()
    }
}
