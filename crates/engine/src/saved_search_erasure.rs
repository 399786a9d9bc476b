//! Erasure and saved searches never run: a saved search's text may name the
//! erased person only as its query does (a nickname, a misspelling), and if
//! it was never run no event says it found them. Each one is run, as erasure
//! runs it, to see whether it finds the record; one that does is the
//! user's own data about the person and goes with them.

use clearstone_policy::Action;
use clearstone_search::{OFFSET_MAX, PAGE_SIZE_MAX, Page, Query};

use crate::{EngineError, Session};

impl Session<'_> {
    /// Hashes of the saved searches among `saved` (hash, query) whose query
    /// finds one of `ids`. Bounded as a search is: the first `OFFSET_MAX`
    /// hits of each. A query that no longer parses finds no one.
    pub(crate) fn saved_searches_finding(
        &self,
        ids: &[&str],
        saved: &[(String, String)],
    ) -> Result<Vec<String>, EngineError> {
        if saved.is_empty() {
            return Ok(Vec::new());
        }
        // The erasing session sees every value of the record (erasure is
        // refused otherwise), so its view finds whatever the record holds.
        let visible = self.visible(Action::Search)?;
        let index = self.engine.search_index();
        let mut out = Vec::new();
        for (hash, query) in saved {
            let Ok(parsed) = Query::parse(query) else {
                continue;
            };
            let mut offset = 0;
            while offset <= OFFSET_MAX {
                let page = Page {
                    offset,
                    size: PAGE_SIZE_MAX,
                };
                let Ok(results) = index.search(&parsed, &visible, page) else {
                    break;
                };
                let found = results
                    .hits
                    .iter()
                    .flat_map(|h| h.entities.iter())
                    .any(|e| ids.contains(&e.as_str()));
                if found {
                    out.push(hash.clone());
                    break;
                }
                offset += PAGE_SIZE_MAX;
                if results.hits.is_empty() || offset as u64 >= results.total {
                    break;
                }
            }
        }
        Ok(out)
    }
}
