//! A page of entities found, and the limits on asking for one.

use serde::{Deserialize, Serialize};

use crate::error::SearchError;

/// Most hits a page may hold.
pub const PAGE_SIZE_MAX: usize = 100;
/// Furthest a page may start: past this, narrow the query instead.
pub const OFFSET_MAX: usize = 10_000;

/// Which hits to return: `size` of them, after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub offset: usize,
    pub size: usize,
}

impl Page {
    pub fn first(size: usize) -> Page {
        Page { offset: 0, size }
    }

    pub(crate) fn check(self) -> Result<Page, SearchError> {
        if self.size > PAGE_SIZE_MAX {
            return Err(SearchError::PageSize {
                asked: self.size,
                max: PAGE_SIZE_MAX,
            });
        }
        if self.offset > OFFSET_MAX {
            return Err(SearchError::Offset {
                asked: self.offset,
                max: OFFSET_MAX,
            });
        }
        Ok(self)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::first(20)
    }
}

/// Entities found, best first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Results {
    /// Distinct canonical entities with at least one visible matching
    /// document, on every page.
    pub total: u64,
    pub hits: Vec<Hit>,
}

/// One resolved entity, standing for every visible source record of it
/// that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub canonical: String,
    /// The source entity ids that matched, best first, each once.
    pub entities: Vec<String>,
    /// Type and caption of the best-matching record.
    pub schema: String,
    pub label: String,
    /// The best score of its matching records (see the crate docs).
    pub score: f32,
    pub snippets: Vec<Snippet>,
}

/// A stored value that matched, with what matched marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub prop: String,
    pub text: String,
    /// Byte ranges in `text`, in order, not overlapping.
    pub highlights: Vec<(usize, usize)>,
}
