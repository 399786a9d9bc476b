//! Seeded random graphs and slow, obvious reference answers to check the
//! graph's queries against.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use clearstone_graph::{Day, EdgeIx, Graph, GraphBuilder, Limit, Limits, NewEdge, NodeIx, Span};

/// SplitMix64: tiny, seedable, good enough to draw test graphs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

pub const KINDS: [&str; 4] = ["Employment", "Association", "Family", "Ownership"];

#[derive(Debug, Clone)]
pub struct RefEdge {
    pub from: usize,
    pub to: usize,
    pub kind: &'static str,
    pub span: Span,
    pub record: Option<String>,
}

/// A graph as plain lists, with what the gate and filter say about it.
#[derive(Debug, Clone)]
pub struct Case {
    pub nodes: Vec<(String, String, String)>,
    pub edges: Vec<RefEdge>,
    pub hidden: Vec<bool>,
    pub hidden_edges: Vec<bool>,
    pub kinds: Option<Vec<&'static str>>,
    pub during: Option<Span>,
}

fn day(rng: &mut Rng) -> Day {
    Day(14_000 + rng.below(3_000) as i32)
}

fn span(rng: &mut Rng) -> Span {
    let start = rng.chance(70).then(|| day(rng));
    let end = rng.chance(50).then(|| day(rng));
    match (start, end) {
        (Some(s), Some(e)) if e < s => Span::new(Some(e), Some(s)).unwrap(),
        _ => Span::new(start, end).unwrap(),
    }
}

impl Case {
    /// Up to `size` nodes; sometimes sparse, sometimes dense, with
    /// self-loops and parallel edges now and then.
    pub fn random(rng: &mut Rng, size: usize) -> Self {
        let n = 1 + rng.below(size);
        let m = rng.below(3 * n + 1);
        let hide = [0, 10, 25][rng.below(3)];
        let nodes = (0..n)
            .map(|i| {
                let schema = ["Person", "Organisation", "Address"][rng.below(3)];
                (
                    format!("ds:{schema}:{i}"),
                    schema.to_string(),
                    format!("{schema} {i}"),
                )
            })
            .collect();
        let mut edges = Vec::new();
        for i in 0..m {
            let from = rng.below(n);
            let to = if rng.chance(3) { from } else { rng.below(n) };
            let kinds = if rng.chance(50) { 2 } else { 4 };
            let kind = KINDS[rng.below(kinds)];
            let span = if rng.chance(30) {
                Span::default()
            } else {
                span(rng)
            };
            let record = rng.chance(80).then(|| format!("ds:rel:{i}"));
            edges.push(RefEdge {
                from,
                to,
                kind,
                span,
                record,
            });
            if rng.chance(10) {
                let e = edges.last().unwrap().clone();
                edges.push(e);
            }
        }
        let hidden = (0..n).map(|_| rng.chance(hide)).collect();
        let hidden_edges = (0..edges.len()).map(|_| rng.chance(hide / 2)).collect();
        let kinds = rng.chance(30).then(|| {
            let mut k: Vec<&str> = KINDS.iter().copied().filter(|_| rng.chance(50)).collect();
            if rng.chance(10) {
                k.push("NoSuchKind");
            }
            k
        });
        let during = rng.chance(30).then(|| span(rng));
        Self {
            nodes,
            edges,
            hidden,
            hidden_edges,
            kinds,
            during,
        }
    }

    pub fn build(&self) -> Graph {
        let mut b = GraphBuilder::new();
        for (id, schema, label) in &self.nodes {
            b.node(id, schema, label).unwrap();
        }
        for e in &self.edges {
            b.edge(NewEdge {
                from: NodeIx(e.from as u32),
                to: NodeIx(e.to as u32),
                kind: e.kind,
                span: e.span,
                record: e.record.as_deref(),
            })
            .unwrap();
        }
        b.build()
    }

    /// The same case with the hidden nodes and edges never loaded: what the
    /// user should see. Returns the old index of each new node and edge.
    pub fn without_hidden(&self) -> (Case, Vec<usize>, Vec<usize>) {
        let kept: Vec<usize> = (0..self.nodes.len()).filter(|&i| !self.hidden[i]).collect();
        let new_of: BTreeMap<usize, usize> =
            kept.iter().enumerate().map(|(j, &i)| (i, j)).collect();
        let mut kept_edges = Vec::new();
        let mut edges = Vec::new();
        for (i, e) in self.edges.iter().enumerate() {
            if self.hidden_edges[i] {
                continue;
            }
            if let (Some(&f), Some(&t)) = (new_of.get(&e.from), new_of.get(&e.to)) {
                kept_edges.push(i);
                edges.push(RefEdge {
                    from: f,
                    to: t,
                    ..e.clone()
                });
            }
        }
        let case = Case {
            nodes: kept.iter().map(|&i| self.nodes[i].clone()).collect(),
            hidden: vec![false; kept.len()],
            hidden_edges: vec![false; edges.len()],
            edges,
            kinds: self.kinds.clone(),
            during: self.during,
        };
        (case, kept, kept_edges)
    }

    pub fn allowed(&self, e: usize) -> bool {
        let edge = &self.edges[e];
        !self.hidden_edges[e]
            && self.kinds.as_ref().is_none_or(|k| k.contains(&edge.kind))
            && self.during.is_none_or(|d| d.overlaps(&edge.span))
    }

    /// Allowed edges between two visible nodes, ascending.
    pub fn between(&self, u: usize, v: usize) -> Vec<EdgeIx> {
        (0..self.edges.len())
            .filter(|&e| {
                let x = &self.edges[e];
                ((x.from == u && x.to == v) || (x.from == v && x.to == u)) && self.allowed(e)
            })
            .map(|e| EdgeIx(e as u32))
            .collect()
    }

    /// Visible neighbours of a visible node over allowed edges, ascending.
    pub fn nbrs(&self, u: usize) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        for (e, x) in self.edges.iter().enumerate() {
            if !self.allowed(e) || x.from == x.to {
                continue;
            }
            let v = if x.from == u {
                x.to
            } else if x.to == u {
                x.from
            } else {
                continue;
            };
            if !self.hidden[v] {
                out.insert(v);
            }
        }
        out
    }

    pub fn distances(&self, a: usize) -> BTreeMap<usize, usize> {
        let mut dist = BTreeMap::new();
        if self.hidden[a] {
            return dist;
        }
        dist.insert(a, 0);
        let mut queue = VecDeque::from([a]);
        while let Some(u) = queue.pop_front() {
            let d = dist[&u];
            for v in self.nbrs(u) {
                if let Entry::Vacant(slot) = dist.entry(v) {
                    slot.insert(d + 1);
                    queue.push_back(v);
                }
            }
        }
        dist
    }

    /// Plain queue breadth-first search with the documented cut-off order.
    pub fn expand(
        &self,
        seeds: &[usize],
        hops: usize,
        limits: &Limits,
    ) -> (Vec<NodeIx>, Vec<EdgeIx>, Vec<Limit>) {
        let mut truncated = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        let mut dist: BTreeMap<usize, usize> = BTreeMap::new();
        let mut full = false;
        for &s in seeds {
            if self.hidden[s] || dist.contains_key(&s) {
                continue;
            }
            if order.len() == limits.nodes_max {
                truncated.push(Limit::NodesMax);
                full = true;
                break;
            }
            dist.insert(s, 0);
            order.push(s);
        }
        let mut head = 0;
        while !full && head < order.len() {
            let u = order[head];
            head += 1;
            if dist[&u] >= hops {
                continue;
            }
            for v in self.nbrs(u) {
                if dist.contains_key(&v) {
                    continue;
                }
                if order.len() == limits.nodes_max {
                    truncated.push(Limit::NodesMax);
                    full = true;
                    break;
                }
                dist.insert(v, dist[&u] + 1);
                order.push(v);
            }
        }
        let position: BTreeMap<usize, usize> =
            order.iter().enumerate().map(|(i, &u)| (u, i)).collect();
        let mut edges = Vec::new();
        'edges: for (i, &u) in order.iter().enumerate() {
            for (&v, &j) in &position {
                if j < i {
                    continue;
                }
                for e in self.between(u, v) {
                    if edges.len() == limits.edges_max {
                        truncated.push(Limit::EdgesMax);
                        break 'edges;
                    }
                    edges.push(e);
                }
            }
        }
        (
            order.into_iter().map(|u| NodeIx(u as u32)).collect(),
            edges,
            truncated,
        )
    }

    /// Every simple path of at most `k` hops, by brute force, sorted
    /// shortest first then by node indexes.
    pub fn all_paths(&self, a: usize, b: usize, k: usize) -> Vec<Vec<usize>> {
        if self.hidden[a] || self.hidden[b] {
            return Vec::new();
        }
        if a == b {
            return vec![vec![a]];
        }
        let mut out = Vec::new();
        let mut path = vec![a];
        self.paths_from(b, k, &mut path, &mut out);
        out.sort_by(|x, y| x.len().cmp(&y.len()).then(x.cmp(y)));
        out
    }

    fn paths_from(&self, b: usize, k: usize, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        let u = *path.last().unwrap();
        if u == b {
            out.push(path.clone());
            return;
        }
        if path.len() > k {
            return;
        }
        for v in self.nbrs(u) {
            if !path.contains(&v) {
                path.push(v);
                self.paths_from(b, k, path, out);
                path.pop();
            }
        }
    }
}

/// Betweenness by counting shortest paths between every pair, on the simple
/// undirected graph of a subgraph given as node list and edge pairs.
pub fn betweenness_by_pairs(n: usize, pairs: &[(usize, usize)]) -> Vec<f64> {
    let mut adj = vec![BTreeSet::new(); n];
    for &(f, t) in pairs {
        if f != t {
            adj[f].insert(t);
            adj[t].insert(f);
        }
    }
    // Distances and shortest-path counts from every node.
    let mut dist = vec![vec![usize::MAX; n]; n];
    let mut sigma = vec![vec![0f64; n]; n];
    for s in 0..n {
        dist[s][s] = 0;
        sigma[s][s] = 1.0;
        let mut queue = VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for &v in &adj[u] {
                if dist[s][v] == usize::MAX {
                    dist[s][v] = dist[s][u] + 1;
                    queue.push_back(v);
                }
                if dist[s][v] == dist[s][u] + 1 {
                    sigma[s][v] += sigma[s][u];
                }
            }
        }
    }
    let mut score = vec![0f64; n];
    for s in 0..n {
        for t in s + 1..n {
            if dist[s][t] == usize::MAX {
                continue;
            }
            for v in 0..n {
                if v == s || v == t || dist[s][v] == usize::MAX || dist[v][t] == usize::MAX {
                    continue;
                }
                if dist[s][v] + dist[v][t] == dist[s][t] {
                    score[v] += sigma[s][v] * sigma[v][t] / sigma[s][t];
                }
            }
        }
    }
    score
}
