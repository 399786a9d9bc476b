//! Neighbours, expansion and shared associates: breadth-first walks from a
//! few nodes outwards.

use crate::filter::View;
use crate::graph::Adj;
use crate::ixmap::IxMap;
use crate::{EdgeIx, Filter, Graph, GraphError, Limit, Limits, NodeIx};

/// A set of nodes and the edges among them, in the order the query found
/// them. Only the queries build one, so every node in it passed the gate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subgraph {
    nodes: Vec<NodeIx>,
    edges: Vec<EdgeIx>,
    truncated: Vec<Limit>,
}

impl Subgraph {
    pub fn nodes(&self) -> &[NodeIx] {
        &self.nodes
    }

    /// Every edge has both ends among [`nodes`](Self::nodes).
    pub fn edges(&self) -> &[EdgeIx] {
        &self.edges
    }

    /// The limits that cut this answer short; empty when it is complete.
    pub fn truncated(&self) -> &[Limit] {
        &self.truncated
    }

    pub(crate) fn from_parts(
        nodes: Vec<NodeIx>,
        edges: Vec<EdgeIx>,
        truncated: Vec<Limit>,
    ) -> Self {
        Self {
            nodes,
            edges,
            truncated,
        }
    }
}

/// A node next to another, with every allowed edge between the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    pub node: NodeIx,
    /// In index order; never empty.
    pub edges: Vec<EdgeIx>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Neighbours {
    /// In node index order.
    pub neighbours: Vec<Neighbour>,
    pub truncated: Vec<Limit>,
}

/// A node next to both ends of a shared-associates query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Associate {
    pub node: NodeIx,
    pub via_a: Vec<EdgeIx>,
    pub via_b: Vec<EdgeIx>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shared {
    /// In node index order.
    pub associates: Vec<Associate>,
    pub truncated: Vec<Limit>,
    /// The ends the gate let through, for [`subgraph`](Self::subgraph).
    ends: Vec<NodeIx>,
}

impl Shared {
    /// The two ends, their shared associates and the edges that join them.
    pub fn subgraph(&self) -> Subgraph {
        let mut nodes = self.ends.clone();
        let mut edges = Vec::new();
        for a in &self.associates {
            nodes.push(a.node);
            edges.extend(&a.via_a);
            // With one end, via_b is via_a again.
            if self.ends.len() == 2 {
                edges.extend(&a.via_b);
            }
        }
        Subgraph::from_parts(nodes, edges, self.truncated.clone())
    }
}

/// Nodes found by an expansion, each with its place in the answer.
struct Found {
    position: IxMap<u32>,
    nodes: Vec<u32>,
    nodes_max: usize,
    truncated: Vec<Limit>,
}

impl Found {
    fn has(&self, n: u32) -> bool {
        self.position.contains_key(&n)
    }

    /// False, with the limit noted, when the answer is full.
    fn add(&mut self, n: u32) -> bool {
        if self.nodes.len() >= self.nodes_max {
            self.truncated.push(Limit::NodesMax);
            return false;
        }
        self.position.insert(n, self.nodes.len() as u32);
        self.nodes.push(n);
        true
    }
}

/// The limit that one more listed item with `more_edges` edges would pass.
fn room(nodes: usize, edges: usize, more_edges: usize, limits: &Limits) -> Option<Limit> {
    if nodes >= limits.nodes_max {
        Some(Limit::NodesMax)
    } else if edges + more_edges > limits.edges_max {
        Some(Limit::EdgesMax)
    } else {
        None
    }
}

impl Graph {
    /// The nodes one allowed edge away from `node`. A hidden `node` has no
    /// neighbours, exactly like one with no visible links. The listing stops
    /// before the first neighbour that would take it past `nodes_max` nodes
    /// or `edges_max` edges.
    pub fn neighbours(
        &self,
        node: NodeIx,
        filter: &Filter<'_>,
        limits: &Limits,
    ) -> Result<Neighbours, GraphError> {
        let mut view = View::new(self, filter);
        let n = view.check(node)?;
        let mut out = Neighbours::default();
        if !view.visible(n) {
            return Ok(out);
        }
        let mut edge_count = 0;
        for group in self.adj(n).chunk_by(|x, y| x.node == y.node) {
            let Some(m) = group.first().map(|a| a.node) else {
                continue;
            };
            if m == n {
                continue;
            }
            let edges: Vec<EdgeIx> = group
                .iter()
                .filter(|a| view.allows(a.edge))
                .map(|a| EdgeIx(a.edge))
                .collect();
            if edges.is_empty() || !view.visible(m) {
                continue;
            }
            if let Some(limit) = room(out.neighbours.len(), edge_count, edges.len(), limits) {
                out.truncated.push(limit);
                break;
            }
            edge_count += edges.len();
            out.neighbours.push(Neighbour {
                node: NodeIx(m),
                edges,
            });
        }
        Ok(out)
    }

    /// The nodes within `hops` allowed edges of any seed, and the allowed
    /// edges among them.
    ///
    /// Breadth first: seeds in the order given, then each node's new
    /// neighbours in index order. Past `nodes_max` the nodes found first are
    /// kept, so a cut-short answer holds every node nearer than the farthest
    /// it reached. Edges are listed by their earlier-found end, then by the
    /// other end's index, and stop at `edges_max`. Hidden seeds are left out.
    pub fn expand(
        &self,
        seeds: &[NodeIx],
        hops: u32,
        filter: &Filter<'_>,
        limits: &Limits,
    ) -> Result<Subgraph, GraphError> {
        Limits::check(Limit::HopsMax, hops, limits.hops_max)?;
        let mut view = View::new(self, filter);
        for &s in seeds {
            view.check(s)?;
        }
        let mut found = Found {
            position: IxMap::default(),
            nodes: Vec::new(),
            nodes_max: limits.nodes_max,
            truncated: Vec::new(),
        };
        'walk: {
            for s in seeds {
                if !found.has(s.0) && view.visible(s.0) && !found.add(s.0) {
                    break 'walk;
                }
            }
            let mut layer = 0..found.nodes.len();
            for _ in 0..hops {
                for i in layer.clone() {
                    for a in self.adj(found.nodes[i]) {
                        if found.has(a.node) || !view.allows(a.edge) || !view.visible(a.node) {
                            continue;
                        }
                        if !found.add(a.node) {
                            break 'walk;
                        }
                    }
                }
                layer = layer.end..found.nodes.len();
                if layer.is_empty() {
                    break;
                }
            }
        }
        let Found {
            position,
            nodes,
            mut truncated,
            ..
        } = found;
        let mut edges = Vec::new();
        'edges: for (i, &n) in nodes.iter().enumerate() {
            for a in self.adj(n) {
                let Some(&j) = position.get(&a.node) else {
                    continue;
                };
                // Each edge once: from its earlier end, or from its only end.
                if (j as usize) < i || !view.allows(a.edge) {
                    continue;
                }
                if edges.len() >= limits.edges_max {
                    truncated.push(Limit::EdgesMax);
                    break 'edges;
                }
                edges.push(EdgeIx(a.edge));
            }
        }
        Ok(Subgraph::from_parts(
            nodes.into_iter().map(NodeIx).collect(),
            edges,
            truncated,
        ))
    }

    /// The nodes next to both `a` and `b` (neither of them), each with its
    /// allowed edges to either. Nothing is shared with a hidden end. The
    /// listing stops before the first associate that would pass `nodes_max`
    /// or `edges_max`, counting `a` and `b` among the nodes.
    pub fn shared_associates(
        &self,
        a: NodeIx,
        b: NodeIx,
        filter: &Filter<'_>,
        limits: &Limits,
    ) -> Result<Shared, GraphError> {
        let mut view = View::new(self, filter);
        let (na, nb) = (view.check(a)?, view.check(b)?);
        let mut out = Shared::default();
        if !view.visible(na) || !view.visible(nb) {
            return Ok(out);
        }
        out.ends = if a == b { vec![a] } else { vec![a, b] };
        let (mut left, mut right) = (self.adj(na), self.adj(nb));
        let mut edge_count = 0;
        while let (Some(x), Some(y)) = (left.first(), right.first()) {
            if x.node < y.node {
                left = &left[left.partition_point(|e| e.node == x.node)..];
                continue;
            }
            if y.node < x.node {
                right = &right[right.partition_point(|e| e.node == y.node)..];
                continue;
            }
            let m = x.node;
            let l = left.partition_point(|e| e.node == m);
            let r = right.partition_point(|e| e.node == m);
            let (via_a, via_b) = (&left[..l], &right[..r]);
            (left, right) = (&left[l..], &right[r..]);
            if m == na || m == nb {
                continue;
            }
            let via = |view: &mut View<'_, '_>, adj: &[Adj]| -> Vec<EdgeIx> {
                adj.iter()
                    .filter(|e| view.allows(e.edge))
                    .map(|e| EdgeIx(e.edge))
                    .collect()
            };
            let via_a = via(&mut view, via_a);
            let via_b = via(&mut view, via_b);
            if via_a.is_empty() || via_b.is_empty() || !view.visible(m) {
                continue;
            }
            let more = via_a.len() + via_b.len();
            if let Some(limit) = room(
                out.ends.len() + out.associates.len(),
                edge_count,
                more,
                limits,
            ) {
                out.truncated.push(limit);
                break;
            }
            edge_count += more;
            out.associates.push(Associate {
                node: NodeIx(m),
                via_a,
                via_b,
            });
        }
        Ok(out)
    }
}
