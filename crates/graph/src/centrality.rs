//! Degree and betweenness centrality of a subgraph.
//!
//! Both treat the subgraph as undirected and simple: several edges between
//! two nodes count as one link and self-loops count for nothing. The
//! question an investigator asks of centrality is who is connected to many
//! and who sits between groups; for that, an `Ownership` pointing one way
//! connects as much as one pointing the other, and a second relationship
//! between the same two people is no second route between anyone.

use crate::ixmap::IxMap;
use crate::{Graph, GraphError, NodeIx, Subgraph};

/// One node's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Centrality {
    pub node: NodeIx,
    /// Degree: distinct neighbours. Betweenness: the number of shortest
    /// paths between other pairs of nodes that pass through this one, each
    /// pair's paths sharing one unit.
    pub value: f64,
    /// `value` divided by its largest possible value in a subgraph of this
    /// size, so scores from subgraphs of different sizes compare.
    pub normalised: f64,
}

/// The subgraph's simple undirected adjacency, by position in `sub.nodes()`.
fn simple(graph: &Graph, sub: &Subgraph) -> Result<Vec<Vec<usize>>, GraphError> {
    let mut position: IxMap<usize> = IxMap::default();
    for (i, n) in sub.nodes().iter().enumerate() {
        position.insert(n.0, i);
    }
    let mut adj = vec![Vec::new(); sub.nodes().len()];
    for &e in sub.edges() {
        let edge = graph.edge(e).ok_or(GraphError::NoSuchEdge(e.0))?;
        let at = |n: NodeIx| {
            position
                .get(&n.0)
                .copied()
                .ok_or(GraphError::NoSuchNode(n.0))
        };
        let (f, t) = (at(edge.from)?, at(edge.to)?);
        if f != t {
            adj[f].push(t);
            adj[t].push(f);
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    Ok(adj)
}

/// Each node's distinct neighbours within the subgraph, in `sub.nodes()`
/// order.
pub fn degree_centrality(graph: &Graph, sub: &Subgraph) -> Result<Vec<Centrality>, GraphError> {
    let adj = simple(graph, sub)?;
    let scale = if adj.len() > 1 {
        1.0 / (adj.len() - 1) as f64
    } else {
        0.0
    };
    Ok(sub
        .nodes()
        .iter()
        .zip(&adj)
        .map(|(&node, list)| Centrality {
            node,
            value: list.len() as f64,
            normalised: list.len() as f64 * scale,
        })
        .collect())
}

/// Brandes' betweenness within the subgraph, in `sub.nodes()` order:
/// O(nodes × edges), so bounded by the limits that made the subgraph.
pub fn betweenness_centrality(
    graph: &Graph,
    sub: &Subgraph,
) -> Result<Vec<Centrality>, GraphError> {
    let adj = simple(graph, sub)?;
    let n = adj.len();
    let mut score = vec![0.0f64; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![usize::MAX; n];
    let mut delta = vec![0.0f64; n];
    let mut order = Vec::with_capacity(n);
    for s in 0..n {
        sigma.fill(0.0);
        dist.fill(usize::MAX);
        delta.fill(0.0);
        order.clear();
        sigma[s] = 1.0;
        dist[s] = 0;
        order.push(s);
        let mut head = 0;
        while let Some(&v) = order.get(head) {
            head += 1;
            for &w in &adj[v] {
                if dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    order.push(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                }
            }
        }
        // Predecessors are the neighbours one step nearer, so they need not
        // be stored: walk back in reverse order of distance.
        for &w in order.iter().rev() {
            for &v in &adj[w] {
                if dist[v] != usize::MAX && dist[v] + 1 == dist[w] {
                    delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
                }
            }
            if w != s {
                score[w] += delta[w];
            }
        }
    }
    // Each unordered pair was counted from both ends.
    let scale = if n > 2 {
        2.0 / ((n - 1) * (n - 2)) as f64
    } else {
        0.0
    };
    Ok(sub
        .nodes()
        .iter()
        .zip(score)
        .map(|(&node, twice)| Centrality {
            node,
            value: twice / 2.0,
            normalised: twice / 2.0 * scale,
        })
        .collect())
}
