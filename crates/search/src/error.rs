use thiserror::Error;

/// Why the index could not be opened, written or searched.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Another writer holds the index's lock: tantivy allows one at a time,
    /// and this one must finish (commit or drop) first.
    #[error("the search index is being written by another writer; try again when it has committed")]
    WriterBusy,
    #[error("a page of {asked} hits is over the limit page_size_max = {max}")]
    PageSize { asked: usize, max: usize },
    #[error("a page offset of {asked} is over the limit offset_max = {max}")]
    Offset { asked: usize, max: usize },
    #[error("asking for {asked} referrers is over the limit referrers_max = {max}")]
    Referrers { asked: usize, max: usize },
    #[error("{asked} referral targets is over the limit targets_max = {max}")]
    Targets { asked: usize, max: usize },
    /// A document the engine handed over breaks the contract of
    /// [`IndexDoc`](crate::IndexDoc); nothing of it was indexed.
    #[error("document `{entity}`: {reason}")]
    Document { entity: String, reason: String },
    #[error("the index at {path} cannot be opened: {reason}")]
    Open { path: String, reason: String },
    #[error("the index directory was written with a different layout ({reason}); rebuild it")]
    Layout { reason: String },
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
}

/// Why query text could not be parsed. `position` counts characters (not
/// bytes) from 1, so that it can be shown under the text the user typed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at character {position}: {problem}")]
pub struct QueryError {
    pub position: usize,
    pub problem: String,
}

impl QueryError {
    pub(crate) fn new(position: usize, problem: impl Into<String>) -> Self {
        Self {
            position,
            problem: problem.into(),
        }
    }
}
