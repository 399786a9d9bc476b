//! Saved searches: each user's own, kept apart from the log. What was saved
//! (a name, the words and the filters) may name a person, so it is kept in
//! the user's rows of the store by hash (`text_ref`, which erasure searches)
//! and the log gets only that hash and the search's generated id. Another
//! user's saved search is answered exactly as one that does not exist.

use clearstone_model::Timestamp;
use clearstone_search::{Page, QUERY_CHARS_MAX, Query, Results};
use clearstone_store::{SavedSearchRow, SavedSearchStore, Store};
use serde_json::{Value, json};

use crate::session::{shortened, text_ref};
use crate::{EngineError, Operation, Session};

/// The most searches one user keeps.
pub const SAVED_SEARCHES_MAX: usize = 100;
/// The longest name of a saved search.
pub const SAVED_SEARCH_NAME_CHARS_MAX: usize = 100;

/// Hex digits of a saved search's generated id.
const ID_HEX_CHARS: usize = 16;

/// The words and filters of a search as the search page asks them; the
/// engine runs them as one query, the filters in the query grammar's own
/// terms, so one parser checks both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilters {
    pub q: String,
    /// An entity type (`type:`).
    pub schema: String,
    pub dataset: String,
    /// A date range's ends (`date:from..to`), YYYY, YYYY-MM or YYYY-MM-DD.
    pub from: String,
    pub to: String,
}

impl SearchFilters {
    /// The query the engine runs: the words, then each filter chosen.
    pub fn query(&self) -> String {
        let mut q = self.q.trim().to_string();
        let mut add = |part: String| {
            if !q.is_empty() {
                q.push(' ');
            }
            q.push_str(&part);
        };
        if !self.schema.trim().is_empty() {
            add(format!("type:{}", self.schema.trim()));
        }
        if !self.dataset.trim().is_empty() {
            add(format!("dataset:{}", self.dataset.trim()));
        }
        if !self.from.trim().is_empty() || !self.to.trim().is_empty() {
            add(format!("date:{}..{}", self.from.trim(), self.to.trim()));
        }
        q
    }
}

/// One saved search, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch {
    pub id: String,
    pub name: String,
    pub filters: SearchFilters,
    pub created_at: Timestamp,
}

impl SavedSearch {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "q": self.filters.q,
            "type": self.filters.schema,
            "dataset": self.filters.dataset,
            "from": self.filters.from,
            "to": self.filters.to,
            "query": self.filters.query(),
            "created_at": self.created_at.to_string(),
        })
    }
}

/// The text kept for a saved search: its name and fields.
fn saved_text(name: &str, f: &SearchFilters) -> String {
    json!({"name": name, "q": f.q, "type": f.schema, "dataset": f.dataset, "from": f.from, "to": f.to})
        .to_string()
}

fn from_text(row: &SavedSearchRow, text: &str) -> Option<SavedSearch> {
    let v: Value = serde_json::from_str(text).ok()?;
    let field = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Some(SavedSearch {
        id: row.id.clone(),
        name: field("name"),
        filters: SearchFilters {
            q: field("q"),
            schema: field("type"),
            dataset: field("dataset"),
            from: field("from"),
            to: field("to"),
        },
        created_at: row.created_at,
    })
}

/// The query a kept text runs, when it is a saved search's: erasure matches
/// it against the queries of searches that found the erased record.
pub(crate) fn saved_query(text: &str) -> Option<String> {
    let row = SavedSearchRow {
        id: String::new(),
        principal: String::new(),
        text: String::new(),
        created_at: Timestamp::now(),
    };
    from_text(&row, text).map(|s| s.filters.query())
}

/// Whether `id` is one this module generates, and so may enter the log.
fn is_saved_id(id: &str) -> bool {
    id.len() == ID_HEX_CHARS && id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

fn absent(id: &str) -> EngineError {
    EngineError::NoSavedSearch(shortened(id))
}

impl Session<'_> {
    /// Saves a search for this session's user: one event, naming the
    /// saved text by hash. The query must parse, so a saved search runs.
    pub fn save_search(
        &self,
        name: &str,
        filters: &SearchFilters,
    ) -> Result<SavedSearch, EngineError> {
        self.logged(Operation::Collect, "save search", &[], || {
            let name = name.trim();
            if !name.chars().any(char::is_alphanumeric) {
                return Err(EngineError::InvalidInput(
                    "a saved search needs a name".into(),
                ));
            }
            if name.chars().count() > SAVED_SEARCH_NAME_CHARS_MAX {
                return Err(EngineError::InvalidInput(format!(
                    "a saved search's name is at most {SAVED_SEARCH_NAME_CHARS_MAX} characters (saved_search_name_chars_max)"
                )));
            }
            let query = filters.query();
            if query.is_empty() {
                return Err(EngineError::InvalidInput(
                    "there is no search to save: type words or choose a filter".into(),
                ));
            }
            if query.chars().count() > QUERY_CHARS_MAX {
                return Err(EngineError::InvalidInput(format!(
                    "a query is at most {QUERY_CHARS_MAX} characters (query_chars_max)"
                )));
            }
            Query::parse(&query).map_err(|e| {
                EngineError::InvalidInput(format!("query `{}`: {e}", shortened(&query)))
            })?;
            let principal = self.principal.id.clone();
            let mut store = self.engine.store()?;
            if store.saved_searches(&principal)?.len() >= SAVED_SEARCHES_MAX {
                return Err(EngineError::InvalidInput(format!(
                    "you keep at most {SAVED_SEARCHES_MAX} saved searches (saved_searches_max): delete one first"
                )));
            }
            let text = saved_text(name, filters);
            let hash = text_ref(&text);
            let key = crate::datadir::random_key()?;
            let id: String = key
                .iter()
                .take(ID_HEX_CHARS / 2)
                .map(|b| format!("{b:02x}"))
                .collect();
            let row = SavedSearchRow {
                id: id.clone(),
                principal,
                text: hash.clone(),
                created_at: Timestamp::now(),
            };
            store.put_text(&hash, &text)?;
            store.put_saved_search(&row)?;
            drop(store);
            self.record(
                Operation::Collect,
                &format!("save search {hash}"),
                &[],
                None,
                &format!("saved {id}"),
            )?;
            Ok(SavedSearch {
                id,
                name: name.to_string(),
                filters: filters.clone(),
                created_at: row.created_at,
            })
        })
    }

    /// This session's user's saved searches, oldest first: one event. One
    /// whose text was erased with a person it named is gone.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>, EngineError> {
        self.logged(Operation::Consult, "list saved searches", &[], || {
            let out = self.own_saved_searches()?;
            self.record(
                Operation::Consult,
                "list saved searches",
                &[],
                None,
                &format!("{} saved searches", out.len()),
            )?;
            Ok(out)
        })
    }

    /// The saved searches without an event of their own, for a page that
    /// lists them beside another act.
    pub(crate) fn own_saved_searches(&self) -> Result<Vec<SavedSearch>, EngineError> {
        let store = self.engine.store()?;
        let mut out = Vec::new();
        for row in store.saved_searches(&self.principal.id)? {
            if let Some(s) = store.text(&row.text)?.and_then(|t| from_text(&row, &t)) {
                out.push(s);
            }
        }
        Ok(out)
    }

    fn own_saved_search(&self, id: &str) -> Result<SavedSearch, EngineError> {
        let store = self.engine.store()?;
        let row = store
            .saved_search(&self.principal.id, id)?
            .ok_or_else(|| absent(id))?;
        let text = store.text(&row.text)?.ok_or_else(|| absent(id))?;
        from_text(&row, &text).ok_or_else(|| absent(id))
    }

    /// Runs one of the user's saved searches: a search like any other,
    /// under this session's purpose and its gate, and one event. Another
    /// user's is answered, and logged, as one that does not exist.
    pub fn run_saved_search(
        &self,
        id: &str,
        page: Page,
    ) -> Result<(SavedSearch, Results), EngineError> {
        let saved = match self.own_saved_search(id) {
            Ok(s) => s,
            Err(e) => {
                self.record(Operation::Consult, "search", &[], None, e.code())?;
                return Err(e);
            }
        };
        let results = self.search(&saved.filters.query(), page)?;
        Ok((saved, results))
    }

    /// Deletes one of the user's saved searches and its kept text: one
    /// event. Another user's is answered as one that does not exist.
    pub fn delete_saved_search(&self, id: &str) -> Result<(), EngineError> {
        let what = if is_saved_id(id) {
            format!("delete saved search {id}")
        } else {
            "delete saved search".to_string()
        };
        self.logged(Operation::Erase, &what, &[], || {
            if !self
                .engine
                .store()?
                .delete_saved_search(&self.principal.id, id)?
            {
                return Err(absent(id));
            }
            self.record(Operation::Erase, &what, &[], None, "deleted")
        })
    }
}
