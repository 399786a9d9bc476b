//! Search (s.62 `consult`) and the index's upkeep commands.

use clearstone_policy::Action;
use clearstone_search::{Page, Query, Results};
use clearstone_store::Store;

use crate::index::search_error;
use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// Finds entities. The query runs only over the values this session may
    /// see for `search` (see `index.rs`), so what it cannot see is never
    /// matched, ranked, shown in a snippet or counted in the total.
    pub fn search(&self, query: &str, page: Page) -> Result<Results, EngineError> {
        // A refusal (a page over the limit) is logged as well; the query's
        // text only by hash, with the answer.
        self.logged(Operation::Consult, "search", &[], || {
            self.run_search(query, page)
        })
    }

    fn run_search(&self, query: &str, page: Page) -> Result<Results, EngineError> {
        let parsed = match Query::parse(query) {
            Ok(q) => q,
            Err(e) => {
                self.record(Operation::Consult, "search", &[], None, "invalid query")?;
                return Err(EngineError::InvalidInput(format!("query `{query}`: {e}")));
            }
        };
        let visible = self.visible(Action::Search)?;
        let clusters = self.engine.clusters()?;
        let mut results = self
            .engine
            .search_index()
            .search_clustered(&parsed, &visible, page, &clusters)
            .map_err(|e| EngineError::InvalidInput(e.to_string()))?;
        // A hit is named as the session knows its cluster, never by an id
        // derived from a record it may not see.
        let mut seen = crate::subjects::Seen::default();
        let clusters: Vec<String> = results
            .hits
            .iter()
            .map(|h| crate::resolve::canonical_id(&h.canonical))
            .collect();
        let clusters: Vec<&str> = clusters.iter().map(String::as_str).collect();
        self.see_clusters(&mut seen, &clusters)?;
        for h in &mut results.hits {
            h.canonical = self.visible_cluster_of_key(&h.canonical, &mut seen)?;
        }
        let ids: Vec<&str> = results.hits.iter().map(|h| h.canonical.as_str()).collect();
        // Finding oneself, a colleague or a neighbour in a list of hits is
        // looking them up as much as opening their record is.
        let found: Vec<&str> = results
            .hits
            .iter()
            .flat_map(|h| h.entities.iter().map(String::as_str))
            .collect();
        let concerns = self.concerns_of(&found, &mut seen)?;
        // The query text can name a person: the log keeps its hash.
        let text = crate::session::text_ref(query);
        self.engine.store()?.put_text(&text, query)?;
        self.record_entities(
            Operation::Consult,
            &format!("search {text}"),
            &ids,
            None,
            &format!("{} of {} shown", results.hits.len(), results.total),
            &concerns,
            &mut seen,
        )?;
        Ok(results)
    }

    /// Recreates the index from the store (`clearstone index rebuild`):
    /// needs the permission to load data, as the index is derived from all of it.
    pub fn rebuild_index(&self) -> Result<u64, EngineError> {
        let what = "rebuild the search index";
        self.logged(Operation::Administer, what, &[], || {
            self.require_action(Action::Administer, what)?;
            let docs = self.engine.rebuild_index()?;
            self.record(
                Operation::Administer,
                what,
                &[],
                None,
                &format!("{docs} documents"),
            )?;
            Ok(docs)
        })
    }

    /// The number of documents in the index, for status displays.
    pub fn index_size(&self) -> Result<u64, EngineError> {
        self.engine.search_index().doc_count().map_err(search_error)
    }
}
