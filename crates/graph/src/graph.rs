//! The graph's storage: built once, then read by any number of queries at
//! once. Nodes and edges are `u32` indexes into parallel arrays, text lives in
//! two arenas, and adjacency is compressed sparse rows, so a million entities
//! and several million relationships fit in a few hundred megabytes.

use std::collections::HashMap;

use crate::{GraphError, Span};

/// A node's index in one [`Graph`]; meaningless in any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIx(pub u32);

/// An edge's index in one [`Graph`], in the order edges were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdgeIx(pub u32);

/// One entity, as a query sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRef<'g> {
    pub ix: NodeIx,
    /// The entity's canonical id.
    pub id: &'g str,
    /// The entity type (`Person`, `Organisation`, ...).
    pub schema: &'g str,
    pub label: &'g str,
}

/// One relationship or entity reference, as a query sees it. Direction is
/// kept for display and export; traversal ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeRef<'g> {
    pub ix: EdgeIx,
    pub from: NodeIx,
    pub to: NodeIx,
    /// The relationship type (`Employment`) or reference property (`owner`).
    pub kind: &'g str,
    pub span: Span,
    /// The relationship record or statement the edge comes from.
    pub record: Option<&'g str>,
}

/// An edge to add to a [`GraphBuilder`].
#[derive(Debug, Clone, Copy)]
pub struct NewEdge<'a> {
    pub from: NodeIx,
    pub to: NodeIx,
    pub kind: &'a str,
    pub span: Span,
    pub record: Option<&'a str>,
}

/// One entry of a node's adjacency. Ordered by neighbour first, so the edges
/// between two nodes are one binary search away and two adjacency lists
/// intersect by a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Adj {
    pub(crate) node: u32,
    pub(crate) edge: u32,
}

/// Strings end to end in one buffer: one allocation instead of a million.
#[derive(Debug, Default)]
struct Arena {
    text: String,
    ends: Vec<u32>,
}

impl Arena {
    /// Checked before anything is pushed, so a refused node or edge leaves
    /// no half of itself behind.
    fn room(&self, s: &str, what: &'static str) -> Result<(), GraphError> {
        if u32::try_from(self.text.len() + s.len()).is_err() {
            return Err(GraphError::Capacity {
                what,
                max: u64::from(u32::MAX),
            });
        }
        Ok(())
    }

    /// After [`room`](Self::room) said yes.
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }

    fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// A few distinct names (entity types, reference kinds), each held once
/// and named by a `u16`.
#[derive(Debug, Default)]
pub struct Names {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u16>,
}

impl Names {
    /// The number of `name`, added if new; `what` names the kind of name
    /// when there are too many.
    ///
    /// # Errors
    /// [`GraphError::Capacity`] past 65,536 distinct names.
    pub fn intern(&mut self, name: &str, what: &'static str) -> Result<u16, GraphError> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        let i = u16::try_from(self.names.len()).map_err(|_| GraphError::Capacity {
            what,
            max: u64::from(u16::MAX) + 1,
        })?;
        self.names.push(name.into());
        self.index.insert(name.into(), i);
        Ok(i)
    }

    /// The name numbered `i`; empty for a number never given.
    pub fn get(&self, i: u16) -> &str {
        self.names.get(usize::from(i)).map_or("", |n| n)
    }
}

/// Adjacency entries are `u32`-indexed and every edge but a self-loop makes
/// two, so this many edges is the most the offsets can address.
const EDGES_MAX: usize = (u32::MAX / 2) as usize;
/// `u32::MAX` itself is never a node, so it can never be confused with one.
const NODES_MAX: usize = (u32::MAX - 1) as usize;

/// Collects nodes and edges, then [`build`](Self::build)s the [`Graph`].
#[derive(Debug, Default)]
pub struct GraphBuilder {
    ids: Arena,
    labels: Arena,
    schema: Vec<u16>,
    schemas: Names,
    by_id: HashMap<Box<str>, u32>,
    from: Vec<u32>,
    to: Vec<u32>,
    kind: Vec<u16>,
    start: Vec<i32>,
    end: Vec<i32>,
    records: Arena,
    kinds: Names,
}

impl GraphBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves room up front, which matters at millions of edges.
    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        let mut b = Self::default();
        b.schema.reserve(nodes);
        b.ids.ends.reserve(nodes);
        b.labels.ends.reserve(nodes);
        b.by_id.reserve(nodes);
        b.from.reserve(edges);
        b.to.reserve(edges);
        b.kind.reserve(edges);
        b.start.reserve(edges);
        b.end.reserve(edges);
        b.records.ends.reserve(edges);
        b
    }

    /// Adds an entity. Ids are unique: a second node with the same id is an
    /// error, since silently keeping either would lose the other's label.
    pub fn node(&mut self, id: &str, schema: &str, label: &str) -> Result<NodeIx, GraphError> {
        if self.by_id.contains_key(id) {
            return Err(GraphError::DuplicateNode(id.to_string()));
        }
        let ix = self.schema.len();
        if ix >= NODES_MAX {
            return Err(GraphError::Capacity {
                what: "nodes",
                max: NODES_MAX as u64,
            });
        }
        self.ids.room(id, "bytes of node ids")?;
        self.labels.room(label, "bytes of labels")?;
        let schema = self.schemas.intern(schema, "schemas")?;
        self.ids.push(id);
        self.labels.push(label);
        self.schema.push(schema);
        let ix = ix as u32;
        self.by_id.insert(id.into(), ix);
        Ok(NodeIx(ix))
    }

    /// The node added with `id`, for wiring edges by entity id.
    pub fn ix(&self, id: &str) -> Option<NodeIx> {
        self.by_id.get(id).copied().map(NodeIx)
    }

    /// Adds a relationship. A span that ends before it starts is refused
    /// here too, since a span's fields can be set directly.
    pub fn edge(&mut self, edge: NewEdge<'_>) -> Result<EdgeIx, GraphError> {
        Span::new(edge.span.start, edge.span.end)?;
        let nodes = self.schema.len();
        for end in [edge.from, edge.to] {
            if end.0 as usize >= nodes {
                return Err(GraphError::NoSuchNode(end.0));
            }
        }
        let ix = self.from.len();
        if ix >= EDGES_MAX {
            return Err(GraphError::Capacity {
                what: "edges",
                max: EDGES_MAX as u64,
            });
        }
        let record = edge.record.unwrap_or("");
        self.records.room(record, "bytes of edge records")?;
        let kind = self.kinds.intern(edge.kind, "edge kinds")?;
        self.records.push(record);
        let (start, end) = edge.span.bounds();
        self.from.push(edge.from.0);
        self.to.push(edge.to.0);
        self.kind.push(kind);
        self.start.push(start);
        self.end.push(end);
        Ok(EdgeIx(ix as u32))
    }

    pub fn build(self) -> Graph {
        let n = self.schema.len();
        let mut offsets = vec![0u32; n + 1];
        for (&f, &t) in self.from.iter().zip(&self.to) {
            offsets[f as usize + 1] += 1;
            if f != t {
                offsets[t as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut adj = vec![Adj { node: 0, edge: 0 }; offsets[n] as usize];
        for (e, (&f, &t)) in self.from.iter().zip(&self.to).enumerate() {
            let e = e as u32;
            adj[fill[f as usize] as usize] = Adj { node: t, edge: e };
            fill[f as usize] += 1;
            if f != t {
                adj[fill[t as usize] as usize] = Adj { node: f, edge: e };
                fill[t as usize] += 1;
            }
        }
        drop(fill);
        for w in offsets.windows(2) {
            adj[w[0] as usize..w[1] as usize].sort_unstable();
        }
        drop(self.by_id);
        let ids = self.ids;
        let mut by_id: Vec<u32> = (0..n as u32).collect();
        by_id.sort_unstable_by(|&a, &b| ids.get(a as usize).cmp(ids.get(b as usize)));
        let mut g = Graph {
            ids,
            labels: self.labels,
            schema: self.schema,
            schemas: self.schemas.names,
            by_id,
            offsets,
            adj,
            from: self.from,
            to: self.to,
            kind: self.kind,
            start: self.start,
            end: self.end,
            records: self.records,
            kinds: self.kinds.names,
        };
        g.shrink();
        g
    }
}

/// An immutable graph of entities and the relationships between them.
///
/// Reading a node or edge by index is not gated: the engine holds the graph
/// and decides what to do with an index. Every query that walks the graph
/// takes a [`Filter`](crate::Filter) carrying the gate.
#[derive(Debug)]
pub struct Graph {
    ids: Arena,
    labels: Arena,
    schema: Vec<u16>,
    schemas: Vec<Box<str>>,
    /// Node indexes sorted by id: 4 bytes a node, where a hash map would cost
    /// the ids over again.
    by_id: Vec<u32>,
    offsets: Vec<u32>,
    adj: Vec<Adj>,
    from: Vec<u32>,
    to: Vec<u32>,
    kind: Vec<u16>,
    start: Vec<i32>,
    end: Vec<i32>,
    records: Arena,
    kinds: Vec<Box<str>>,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.schema.len()
    }

    pub fn edge_count(&self) -> usize {
        self.from.len()
    }

    /// The node with entity id `id`.
    pub fn ix(&self, id: &str) -> Option<NodeIx> {
        self.by_id
            .binary_search_by(|&i| self.ids.get(i as usize).cmp(id))
            .ok()
            .and_then(|p| self.by_id.get(p))
            .map(|&i| NodeIx(i))
    }

    pub fn node(&self, ix: NodeIx) -> Option<NodeRef<'_>> {
        let i = ix.0 as usize;
        let schema = *self.schema.get(i)?;
        Some(NodeRef {
            ix,
            id: self.ids.get(i),
            schema: &self.schemas[schema as usize],
            label: self.labels.get(i),
        })
    }

    pub fn edge(&self, ix: EdgeIx) -> Option<EdgeRef<'_>> {
        let i = ix.0 as usize;
        let from = *self.from.get(i)?;
        let record = self.records.get(i);
        Some(EdgeRef {
            ix,
            from: NodeIx(from),
            to: NodeIx(self.to[i]),
            kind: &self.kinds[self.kind[i] as usize],
            span: self.span(i as u32),
            record: (!record.is_empty()).then_some(record),
        })
    }

    /// The distinct edge kinds, in the order first seen.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|k| &**k)
    }

    /// Heap bytes held, for capacity planning.
    pub fn memory_bytes(&self) -> usize {
        let names = |v: &[Box<str>]| v.iter().map(|s| s.len() + 16).sum::<usize>();
        self.ids.bytes()
            + self.labels.bytes()
            + self.records.bytes()
            + self.schema.capacity() * 2
            + self.by_id.capacity() * 4
            + self.offsets.capacity() * 4
            + self.adj.capacity() * std::mem::size_of::<Adj>()
            + (self.from.capacity() + self.to.capacity()) * 4
            + self.kind.capacity() * 2
            + (self.start.capacity() + self.end.capacity()) * 4
            + names(&self.schemas)
            + names(&self.kinds)
    }

    fn shrink(&mut self) {
        self.ids.shrink();
        self.labels.shrink();
        self.records.shrink();
        self.schema.shrink_to_fit();
        self.from.shrink_to_fit();
        self.to.shrink_to_fit();
        self.kind.shrink_to_fit();
        self.start.shrink_to_fit();
        self.end.shrink_to_fit();
    }

    pub(crate) fn contains(&self, n: u32) -> bool {
        (n as usize) < self.schema.len()
    }

    /// `n` must be a node of this graph.
    pub(crate) fn adj(&self, n: u32) -> &[Adj] {
        let i = n as usize;
        &self.adj[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The entries of `n`'s adjacency that lead to `m`.
    pub(crate) fn adj_to(&self, n: u32, m: u32) -> &[Adj] {
        let adj = self.adj(n);
        let lo = adj.partition_point(|a| a.node < m);
        let hi = adj.partition_point(|a| a.node <= m);
        &adj[lo..hi]
    }

    pub(crate) fn kind_of(&self, e: u32) -> u16 {
        self.kind[e as usize]
    }

    pub(crate) fn bounds_of(&self, e: u32) -> (i32, i32) {
        (self.start[e as usize], self.end[e as usize])
    }

    pub(crate) fn span(&self, e: u32) -> Span {
        let (s, t) = self.bounds_of(e);
        Span::from_bounds(s, t)
    }

    pub(crate) fn kind_ix(&self, name: &str) -> Option<u16> {
        self.kinds
            .iter()
            .position(|k| &**k == name)
            .map(|i| i as u16)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn edge<'a>(from: NodeIx, to: NodeIx, kind: &'a str) -> NewEdge<'a> {
        NewEdge {
            from,
            to,
            kind,
            span: Span::default(),
            record: None,
        }
    }

    #[test]
    fn looks_up_nodes_and_edges() {
        let mut b = GraphBuilder::new();
        let ana = b.node("hr:person:2", "Person", "Ana").unwrap();
        let acme = b.node("hr:org:1", "Organisation", "Acme & Sons").unwrap();
        let bob = b.node("hr:person:1", "Person", "Bob").unwrap();
        assert!(matches!(
            b.node("hr:org:1", "Organisation", "again"),
            Err(GraphError::DuplicateNode(id)) if id == "hr:org:1"
        ));
        let span = Span::parse(Some("2010"), None).unwrap();
        let e = b
            .edge(NewEdge {
                span,
                record: Some("hr:employment:7"),
                ..edge(ana, acme, "Employment")
            })
            .unwrap();
        b.edge(edge(bob, acme, "Employment")).unwrap();
        b.edge(edge(bob, bob, "Association")).unwrap();
        assert!(matches!(
            b.edge(edge(bob, NodeIx(3), "Family")),
            Err(GraphError::NoSuchNode(3))
        ));
        let backwards = Span {
            start: Some(crate::Day(2)),
            end: Some(crate::Day(1)),
        };
        assert!(matches!(
            b.edge(NewEdge {
                span: backwards,
                ..edge(ana, bob, "Family")
            }),
            Err(GraphError::Span { .. })
        ));
        assert_eq!(b.ix("hr:person:1"), Some(bob));
        let g = b.build();
        assert_eq!((g.node_count(), g.edge_count()), (3, 3));
        for (id, ix) in [
            ("hr:person:2", ana),
            ("hr:org:1", acme),
            ("hr:person:1", bob),
        ] {
            assert_eq!(g.ix(id), Some(ix));
        }
        assert_eq!(g.ix("hr:person:3"), None);
        let node = g.node(acme).unwrap();
        assert_eq!(
            (node.id, node.schema, node.label),
            ("hr:org:1", "Organisation", "Acme & Sons")
        );
        let edge = g.edge(e).unwrap();
        assert_eq!((edge.from, edge.to, edge.kind), (ana, acme, "Employment"));
        assert_eq!((edge.span, edge.record), (span, Some("hr:employment:7")));
        assert_eq!(g.edge(EdgeIx(1)).unwrap().record, None);
        assert!(g.node(NodeIx(3)).is_none() && g.edge(EdgeIx(3)).is_none());
        assert_eq!(g.kinds().collect::<Vec<_>>(), ["Employment", "Association"]);
        // A self-loop is one adjacency entry, every other edge two.
        assert_eq!(g.adj(bob.0).len(), 2);
        assert_eq!(
            g.adj(acme.0),
            [Adj { node: 0, edge: 0 }, Adj { node: 2, edge: 1 }]
        );
        assert!(g.memory_bytes() > 0);
    }
}
