//! The entities of one type whose free text holds any of some words: the
//! candidates for a caller that ranks and gates them itself (the engine's
//! lexical search of notes loads each through its gate), so that it need
//! not read every record's text.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::Term;
use tantivy::collector::DocSetCollector;
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::SearchIndex;
use crate::error::SearchError;
use crate::keys::compact;
use crate::schema::{ENTITY, text_analyser};

impl SearchIndex {
    /// The entities of type `schema` (or a subtype) whose text holds a word
    /// of `words`, compared as the index reads text (folded and stemmed),
    /// each with how many of the words it holds, in id order. Every shape
    /// is read: the caller must gate each entity before anything of it is
    /// shown or counted.
    ///
    /// # Errors
    /// [`SearchError::Index`] when the index cannot be read.
    pub fn entities_with_words(
        &self,
        schema: &str,
        words: &[&str],
    ) -> Result<Vec<(String, usize)>, SearchError> {
        let searcher = self.searcher();
        let kind = Term::from_field_text(self.fields.kind, &compact(schema));
        let mut terms: Vec<String> = Vec::new();
        let mut analyser = text_analyser();
        for w in words {
            let mut stream = analyser.token_stream(w);
            while stream.advance() {
                terms.push(stream.token().text.clone());
            }
        }
        terms.sort();
        terms.dedup();
        let mut columns: HashMap<u32, StrColumn> = HashMap::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut id = String::new();
        for t in terms {
            let query = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(kind.clone(), IndexRecordOption::Basic))
                        as Box<dyn TantivyQuery>,
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.text, &t),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            // An entity may be held in several documents (one per shape).
            let mut holding: HashSet<String> = HashSet::new();
            for addr in searcher.search(&query, &DocSetCollector)? {
                let column = match columns.entry(addr.segment_ord) {
                    std::collections::hash_map::Entry::Occupied(c) => c.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let segment = searcher.segment_reader(addr.segment_ord);
                        let c = segment.fast_fields().str(ENTITY)?.ok_or_else(|| {
                            tantivy::TantivyError::SchemaError(format!("no fast column `{ENTITY}`"))
                        })?;
                        v.insert(c)
                    }
                };
                let Some(ord) = column.term_ords(addr.doc_id).next() else {
                    continue;
                };
                id.clear();
                column.ord_to_str(ord, &mut id)?;
                holding.insert(id.clone());
            }
            for e in holding {
                *counts.entry(e).or_default() += 1;
            }
        }
        Ok(counts.into_iter().collect())
    }
}
