use thiserror::Error;

use crate::Limit;

/// Why a graph could not be built, queried or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GraphError {
    #[error("node `{0}` was added twice")]
    DuplicateNode(String),
    #[error("no node with index {0} in this graph")]
    NoSuchNode(u32),
    #[error("no edge with index {0} in this graph")]
    NoSuchEdge(u32),
    #[error("the graph holds at most {max} {what}")]
    Capacity { what: &'static str, max: u64 },
    #[error("invalid date `{0}`: expected YYYY, YYYY-MM or YYYY-MM-DD")]
    Date(String),
    #[error("a span may not end ({end}) before it starts ({start})")]
    Span { start: String, end: String },
    /// The request itself asks for more than a limit allows, so no partial
    /// answer would be the answer to the question asked.
    #[error("{asked} is over the limit {limit} = {max}")]
    Limit { limit: Limit, asked: u64, max: u64 },
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
}
