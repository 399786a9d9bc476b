//! Shortest paths and all simple paths between two nodes.

use crate::filter::View;
use crate::ixmap::{IxMap, IxSet};
use crate::{EdgeIx, Filter, Graph, GraphError, Limit, Limits, NodeIx, Subgraph};

/// A simple path: no node twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// From the first end to the second.
    pub nodes: Vec<NodeIx>,
    /// `edges[i]` holds every allowed edge between `nodes[i]` and
    /// `nodes[i + 1]`, in index order: two people who both work and live
    /// together are one path, not two.
    pub edges: Vec<Vec<EdgeIx>>,
}

impl Path {
    /// Hops from end to end.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// True for the path from a node to itself.
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paths {
    /// Shortest first, then in order of node indexes along the path.
    pub paths: Vec<Path>,
    /// The limits that cut this answer short; empty when it is complete, so
    /// an empty `paths` with nothing here means there is no such path.
    pub truncated: Vec<Limit>,
}

impl Paths {
    /// Every node and edge on any of the paths, in the order first met.
    pub fn subgraph(&self) -> Subgraph {
        let mut seen_nodes = IxSet::default();
        let mut seen_edges = IxSet::default();
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for p in &self.paths {
            nodes.extend(p.nodes.iter().filter(|n| seen_nodes.insert(n.0)));
            edges.extend(p.edges.iter().flatten().filter(|e| seen_edges.insert(e.0)));
        }
        Subgraph::from_parts(nodes, edges, self.truncated.clone())
    }
}

/// One side of a bidirectional search: each node reached, with the node it
/// was reached from (itself for the side's origin).
struct Side {
    parent: IxMap<u32>,
    frontier: Vec<u32>,
    depth: u32,
}

impl Side {
    fn new(origin: u32) -> Self {
        let mut parent = IxMap::default();
        parent.insert(origin, origin);
        Self {
            parent,
            frontier: vec![origin],
            depth: 0,
        }
    }

    /// From `n` back to this side's origin.
    fn chain(&self, mut n: u32) -> Vec<u32> {
        let mut out = vec![n];
        while let Some(&p) = self.parent.get(&n) {
            if p == n {
                break;
            }
            out.push(p);
            n = p;
        }
        out
    }
}

impl Graph {
    /// A shortest path from `a` to `b` of at most `hops_max` hops, if there
    /// is one. Searches from both ends at once, widening the smaller
    /// frontier, so a four-hop question costs two two-hop searches rather
    /// than one four-hop one.
    ///
    /// No path is flagged `hops_max` when a longer one may exist, and
    /// `visits_max` when the search reached that many nodes without meeting.
    /// A hidden end has no paths, like an isolated one.
    pub fn shortest_path(
        &self,
        a: NodeIx,
        b: NodeIx,
        filter: &Filter<'_>,
        limits: &Limits,
    ) -> Result<Paths, GraphError> {
        let mut view = View::new(self, filter);
        let (na, nb) = (view.check(a)?, view.check(b)?);
        let mut out = Paths::default();
        if !view.visible(na) || !view.visible(nb) {
            return Ok(out);
        }
        if na == nb {
            out.paths.push(Path {
                nodes: vec![a],
                edges: Vec::new(),
            });
            return Ok(out);
        }
        let mut from_a = Side::new(na);
        let mut from_b = Side::new(nb);
        let mut visits = 2;
        loop {
            if from_a.frontier.is_empty() || from_b.frontier.is_empty() {
                return Ok(out);
            }
            if from_a.depth + from_b.depth >= limits.hops_max {
                out.truncated.push(Limit::HopsMax);
                return Ok(out);
            }
            let a_side = from_a.frontier.len() <= from_b.frontier.len();
            let (this, other) = if a_side {
                (&mut from_a, &from_b)
            } else {
                (&mut from_b, &from_a)
            };
            let mut next = Vec::new();
            for &n in &this.frontier {
                for adj in self.adj(n) {
                    let m = adj.node;
                    if this.parent.contains_key(&m) || !view.allows(adj.edge) {
                        continue;
                    }
                    // Layer by layer, the first meeting is a shortest path:
                    // the two balls were disjoint before this layer, so no
                    // path is shorter than the two depths plus one.
                    if other.parent.contains_key(&m) {
                        let mut nodes = this.chain(n);
                        nodes.reverse();
                        nodes.extend(other.chain(m));
                        if !a_side {
                            nodes.reverse();
                        }
                        out.paths.push(self.path(&mut view, nodes));
                        return Ok(out);
                    }
                    if !view.visible(m) {
                        continue;
                    }
                    if visits >= limits.visits_max {
                        out.truncated.push(Limit::VisitsMax);
                        return Ok(out);
                    }
                    visits += 1;
                    this.parent.insert(m, n);
                    next.push(m);
                }
            }
            this.frontier = next;
            this.depth += 1;
        }
    }

    /// Every simple path from `a` to `b` of at most `k` hops, shortest
    /// first. `k` over `k_max` is an error. Past `paths_max` paths, or
    /// `visits_max` nodes reached, the answer stops and says which.
    ///
    /// The search first grows a ball around each end, widening the smaller
    /// frontier, until their radii add up to `k - 1`: every node on a path of
    /// at most `k` hops then lies in one of the two balls. It then walks from
    /// `a` only into nodes that can still reach `b` within the hops left, so
    /// the work follows the paths found rather than everything within `k`
    /// hops of `a`.
    pub fn all_paths(
        &self,
        a: NodeIx,
        b: NodeIx,
        k: u32,
        filter: &Filter<'_>,
        limits: &Limits,
    ) -> Result<Paths, GraphError> {
        Limits::check(Limit::KMax, k, limits.k_max)?;
        let mut view = View::new(self, filter);
        let (na, nb) = (view.check(a)?, view.check(b)?);
        let mut out = Paths::default();
        if !view.visible(na) || !view.visible(nb) {
            return Ok(out);
        }
        if na == nb {
            out.paths.push(Path {
                nodes: vec![a],
                edges: Vec::new(),
            });
            return Ok(out);
        }
        let mut search = PathSearch {
            graph: self,
            near_a: Ball::new(na),
            near_b: Ball::new(nb),
            target: nb,
            on_path: vec![na],
            visits: 2,
            limits,
            out,
        };
        if search.label(&mut view, k).is_err() {
            return Ok(search.out);
        }
        let shortest = search.near_b.at_least(na).max(search.near_a.at_least(nb));
        for length in shortest.max(1)..=k {
            if search.walk(&mut view, length).is_err() {
                break;
            }
        }
        Ok(search.out)
    }

    /// The path along `nodes` with every allowed edge of each hop.
    fn path(&self, view: &mut View<'_, '_>, nodes: Vec<u32>) -> Path {
        let edges = nodes
            .windows(2)
            .map(|w| view.edges_between(w[0], w[1]))
            .collect();
        Path {
            nodes: nodes.into_iter().map(NodeIx).collect(),
            edges,
        }
    }
}

/// A limit was reached and noted in the answer; the search stops.
struct Stop;

/// The nodes within `radius` hops of one end, with their distance to it.
struct Ball {
    dist: IxMap<u32>,
    frontier: Vec<u32>,
    radius: u32,
}

impl Ball {
    fn new(origin: u32) -> Self {
        let mut dist = IxMap::default();
        dist.insert(origin, 0);
        Self {
            dist,
            frontier: vec![origin],
            radius: 0,
        }
    }

    /// No more to find: every node reachable from the origin is labelled.
    fn complete(&self) -> bool {
        self.frontier.is_empty()
    }

    /// A lower bound on the hops from `n` to the origin; `u32::MAX` when no
    /// path joins them.
    fn at_least(&self, n: u32) -> u32 {
        match self.dist.get(&n) {
            Some(&d) => d,
            None if self.complete() => u32::MAX,
            None => self.radius + 1,
        }
    }
}

/// Widens `ball` by one hop, counting each node reached against `max`.
fn grow(
    graph: &Graph,
    view: &mut View<'_, '_>,
    ball: &mut Ball,
    visits: &mut usize,
    max: usize,
) -> Result<(), Stop> {
    let depth = ball.radius + 1;
    let mut next = Vec::new();
    for &n in &ball.frontier {
        for adj in graph.adj(n) {
            let m = adj.node;
            if ball.dist.contains_key(&m) || !view.allows(adj.edge) || !view.visible(m) {
                continue;
            }
            if *visits >= max {
                return Err(Stop);
            }
            *visits += 1;
            ball.dist.insert(m, depth);
            next.push(m);
        }
    }
    ball.frontier = next;
    ball.radius = depth;
    Ok(())
}

struct PathSearch<'g> {
    graph: &'g Graph,
    near_a: Ball,
    near_b: Ball,
    target: u32,
    on_path: Vec<u32>,
    visits: usize,
    limits: &'g Limits,
    out: Paths,
}

impl PathSearch<'_> {
    fn visit(&mut self) -> Result<(), Stop> {
        if self.visits >= self.limits.visits_max {
            self.out.truncated.push(Limit::VisitsMax);
            return Err(Stop);
        }
        self.visits += 1;
        Ok(())
    }

    /// Grows the two balls until a node on any path of at most `k` hops is
    /// in one of them: at hop `i` of such a path, either `i` is within the
    /// radius around `a` or the `k - i` hops left are within the radius
    /// around `b`. The ball with the smaller frontier grows, ties going to
    /// `b`, whose distances prune the walk.
    fn label(&mut self, view: &mut View<'_, '_>, k: u32) -> Result<(), Stop> {
        while self.near_a.radius + self.near_b.radius + 1 < k {
            let grow_b = !self.near_b.complete()
                && (self.near_a.complete()
                    || self.near_b.frontier.len() <= self.near_a.frontier.len());
            if !grow_b && self.near_a.complete() {
                break;
            }
            let ball = if grow_b {
                &mut self.near_b
            } else {
                &mut self.near_a
            };
            let (graph, max) = (self.graph, self.limits.visits_max);
            if grow(graph, view, ball, &mut self.visits, max).is_err() {
                self.out.truncated.push(Limit::VisitsMax);
                return Err(Stop);
            }
        }
        Ok(())
    }

    /// Lists the paths of exactly `length` hops, in order of node indexes.
    fn walk(&mut self, view: &mut View<'_, '_>, length: u32) -> Result<(), Stop> {
        let Some(&n) = self.on_path.last() else {
            return Ok(());
        };
        let taken = self.on_path.len() as u32 - 1;
        let graph = self.graph;
        for group in graph.adj(n).chunk_by(|x, y| x.node == y.node) {
            let Some(m) = group.first().map(|a| a.node) else {
                continue;
            };
            if m == self.target {
                if taken + 1 == length && group.iter().any(|a| view.allows(a.edge)) {
                    if self.out.paths.len() >= self.limits.paths_max {
                        self.out.truncated.push(Limit::PathsMax);
                        return Err(Stop);
                    }
                    let mut nodes = self.on_path.clone();
                    nodes.push(m);
                    self.out.paths.push(graph.path(view, nodes));
                }
                continue;
            }
            // A node in neither ball is on no path short enough (and may be
            // hidden: only the balls' nodes passed the gate).
            let labelled = self.near_a.dist.contains_key(&m) || self.near_b.dist.contains_key(&m);
            if !labelled
                || u64::from(taken) + 1 + u64::from(self.near_b.at_least(m)) > u64::from(length)
                || self.on_path.contains(&m)
                || !group.iter().any(|a| view.allows(a.edge))
            {
                continue;
            }
            self.visit()?;
            self.on_path.push(m);
            let walked = self.walk(view, length);
            self.on_path.pop();
            walked?;
        }
        Ok(())
    }
}
