//! The counts beside the search page's filters (s.62 `consult`): how the
//! entities a query matches fall by type, dataset and year, counted inside
//! the index over the shapes the session may see for `search`, so a hidden
//! or masked record is never counted, as it is never in the total.

use clearstone_policy::Action;
use clearstone_search::{Facets, Query};
use clearstone_store::Store;

use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// The facet counts of `query`: one event, which names the query by
    /// hash, as a search does.
    pub fn search_facets(&self, query: &str) -> Result<Facets, EngineError> {
        self.logged(Operation::Consult, "search facets", &[], || {
            let parsed = match Query::parse(query) {
                Ok(q) => q,
                Err(e) => {
                    self.record(
                        Operation::Consult,
                        "search facets",
                        &[],
                        None,
                        "invalid query",
                    )?;
                    return Err(EngineError::InvalidInput(format!("query `{query}`: {e}")));
                }
            };
            let visible = self.visible(Action::Search)?;
            let clusters = self.engine.clusters()?;
            let facets = self
                .engine
                .search_index()
                .facets_clustered(&parsed, &visible, &clusters)
                .map_err(|e| EngineError::InvalidInput(e.to_string()))?;
            let text = crate::session::text_ref(query);
            self.engine.store()?.put_text(&text, query)?;
            let outcome = match facets.counted {
                true => format!(
                    "{} types, {} datasets, {} years",
                    facets.types.len(),
                    facets.datasets.len(),
                    facets.years.len()
                ),
                false => "too many matches to count".to_string(),
            };
            self.record(
                Operation::Consult,
                &format!("search facets {text}"),
                &[],
                None,
                &outcome,
            )?;
            Ok(facets)
        })
    }
}
