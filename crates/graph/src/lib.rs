//! Link analysis over entity references: neighbours, expansion to N hops,
//! shortest and all paths, shared associates, degree and betweenness
//! centrality, and exports to GraphML, GEXF and Cytoscape.js JSON.
//!
//! Pure: the engine builds a [`Graph`] from the store and asks it questions;
//! nothing here reads a file or a database, and exports go to any
//! `std::io::Write`.
//!
//! # Through the gate
//!
//! Every query that walks the graph takes a [`Filter`], and a filter cannot
//! be made without the gate's visibility decision for nodes (and, if the
//! deployment wants it, for relationship records). A hidden node is treated
//! as though it were not in the graph at all:
//!
//! - expansion and neighbour listings never enter, list or count it;
//! - no path passes through it. A path that would need it is not returned,
//!   and nothing says one was withheld: no placeholder node, no "1 hidden
//!   path" count, no limit reached because of it. A placeholder would tell
//!   the user that somebody they may not see links the two people, which is
//!   often the very fact being protected;
//! - a hidden end of a path or shared-associates query behaves like a node
//!   with no visible links: the answer is empty, not an error, so the answer
//!   cannot be used to test whether the entity exists.
//!
//! So a user sees exactly the graph they would see if the hidden entities had
//! never been loaded. The gate is asked at most once per node and edge per
//! query.
//!
//! # Limits
//!
//! Asking for more than a limit allows (`hops` over `hops_max`, `k` over
//! `k_max`) is an error. An answer that grows past a size or work limit
//! (`nodes_max`, `edges_max`, `paths_max`, `visits_max`) comes back cut short
//! with the limits named in its `truncated` list; the order in which answers
//! are cut (nearest first, shortest first) is documented on each query.
//!
//! Traversal ignores edge direction: a link is a link whichever way the
//! relationship points. Exports keep the direction.

mod centrality;
mod day;
mod error;
mod export;
mod filter;
mod graph;
mod ixmap;
mod path;
mod walk;

pub use centrality::{Centrality, betweenness_centrality, degree_centrality};
pub use day::{Day, Span};
pub use error::GraphError;
pub use export::{write_cytoscape, write_gexf, write_graphml};
pub use filter::{EdgeGate, Filter, Limit, Limits, NodeGate, Visibility};
pub use graph::{EdgeIx, EdgeRef, Graph, GraphBuilder, Names, NewEdge, NodeIx, NodeRef};
pub use path::{Path, Paths};
pub use walk::{Associate, Neighbour, Neighbours, Shared, Subgraph};
