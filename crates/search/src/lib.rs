//! Full-text search over entity records, whose every query sees only what
//! the caller's session may see.
//!
//! The engine turns statements into [`IndexDoc`]s, one per source entity
//! and *shape* (a token standing for everything the gate decides a value
//! on: dataset, type, markings, sensitivity), and for each session works
//! out which shapes it may see ([`Visible`]). This crate indexes the
//! documents with tantivy and answers [`Query`]s over them. It knows
//! nothing of policies or the store: a shape is an opaque number here.
//!
//! # No side channels
//!
//! A search must not tell a user anything about what they may not see:
//! not by matching it, not by the order of what they may see, not by a
//! count. So:
//!
//! - **Visibility is part of the index query.** Every search, count and
//!   referral lookup runs a query whose required clause keeps only
//!   documents of a visible shape; a hidden document never reaches a
//!   collector, so it cannot match, be counted in `total`, be grouped into
//!   a visible entity's hit or lend it a snippet.
//! - **Scores use no corpus statistics.** BM25 weighs a word by how many
//!   documents hold it, and that count includes documents the session
//!   cannot see, so the order of visible results would depend on hidden
//!   ones. Here each kind of match adds a constant ([`score`]): for a name
//!   word an exact match outranks a nickname, a nickname a phonetic match,
//!   a phonetic match an initial and an initial a misspelling; an
//!   identifier matched exactly counts more than any one name word; a word
//!   of free text least. The best variant of each word counts (the others
//!   add a hundredth of theirs, to break ties), the words add up, and field
//!   lengths (norms) are not indexed. A document's score depends on it and
//!   the query alone.
//! - **Snippets are made here**, from the stored values of the matching
//!   visible documents alone (tantivy's snippet generator weighs words by
//!   their frequency in the whole index).
//!
//! # Entities, not records
//!
//! Hits are grouped by canonical (resolved) id: the source records of one
//! resolved person make one [`Hit`] listing those that matched, scored by
//! the best. Hits are ordered by score, then canonical id, so that equal
//! scores always come in the same order, and `total` counts distinct
//! canonical ids. See [`SearchIndex::search`].
//!
//! # Limits
//!
//! Query text is at most [`QUERY_CHARS_MAX`] characters and
//! [`QUERY_TERMS_MAX`] words; a page at most [`PAGE_SIZE_MAX`] hits,
//! starting at most at [`OFFSET_MAX`]; a referral lookup at most
//! [`TARGETS_MAX`] targets and [`REFERRERS_MAX`] answers. Asking for more
//! is an error, never a shorter answer.
//!
//! The query language is described in `docs/search.md`.

mod clusters;
mod collect;
mod columns;
mod doc;
mod error;
mod index;
mod keys;
mod query;
mod results;
mod schema;
mod stored;
mod visible;

pub use clusters::{Clusters, ClustersError};
pub use doc::{BIRTH_DATE, DocSummary, IndexDoc, Referrer};
pub use error::{QueryError, SearchError};
pub use index::{
    FACET_DOCS_MAX, Facets, IndexWriter, REFERRERS_MAX, SNIPPET_DOCS_PER_HIT, SNIPPETS_PER_HIT,
    SearchIndex, TARGETS_MAX, WRITER_HEAP_BYTES,
};
pub use query::{CATEGORIES, QUERY_CHARS_MAX, QUERY_TERMS_MAX, Query, SNIPPET_BYTES_MAX, score};
pub use results::{Hit, OFFSET_MAX, PAGE_SIZE_MAX, Page, Results, Snippet};
pub use visible::Visible;
