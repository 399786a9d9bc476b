//! Where an erased record is still held besides its statements: quarantined
//! rows that describe it, and kept free text (search queries,
//! justifications) that names it. Erasure finds both here and removes them
//! with the record.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

use clearstone_ingest::Mapping;
use clearstone_model::{PropType, Statement, dataset_of};
use clearstone_store::{QuarantineRow, Store};
use clearstone_text::tokens::tokenize;

use crate::{Engine, EngineError, Session};

/// Quarantined rows are read in full for one dataset at a time.
const QUARANTINE_ROWS_MAX: usize = usize::MAX >> 1;

/// One identifying value of the record, as the folded words a text would
/// hold if it named it.
enum Needle {
    /// A name: its words in any order ("Ray, Daniel").
    Words(Vec<String>),
    /// An identifier, date, postcode, phone, email or address: its words in
    /// order, or run together as one ("AB1 2CD" and "ab12cd").
    Sequence(Vec<String>),
}

impl Needle {
    fn found_in(&self, words: &[String]) -> bool {
        match self {
            Needle::Words(w) => {
                let have: HashSet<&str> = words.iter().map(String::as_str).collect();
                w.iter().all(|t| have.contains(t.as_str()))
            }
            Needle::Sequence(seq) => {
                let joined = seq.concat();
                words.windows(seq.len()).any(|w| w == seq.as_slice()) || words.contains(&joined)
            }
        }
    }
}

/// One value of the record: its type, property and value.
pub(crate) struct Value<'a> {
    pub schema: &'a str,
    pub prop: &'a str,
    pub value: &'a str,
}

/// The values of stored statements, originals included.
pub(crate) fn statement_values(statements: &[Statement]) -> Vec<Value<'_>> {
    let mut out = Vec::new();
    for s in statements {
        for v in std::iter::once(s.value.as_str()).chain(s.original_value.as_deref()) {
            out.push(Value {
                schema: &s.schema,
                prop: &s.prop,
                value: v,
            });
        }
    }
    out
}

/// The needles of a record's values whose type identifies a person; free
/// text, codes and numbers are left out, as they would also match texts
/// that name someone else.
fn needles(engine: &Engine, values: &[Value<'_>]) -> Vec<Needle> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    for v in values {
        let Some(prop) = engine.ontology().property(v.schema, v.prop) else {
            continue;
        };
        let words_only = match prop.ty {
            PropType::Name => true,
            PropType::Identifier
            | PropType::Date
            | PropType::Postcode
            | PropType::Phone
            | PropType::Email
            | PropType::Address => false,
            PropType::Text | PropType::Number | PropType::Enum | PropType::Entity => continue,
        };
        let words = tokenize(v.value);
        if words.is_empty() || !seen.insert(words.clone()) {
            continue;
        }
        out.push(match words_only {
            true => Needle::Words(words),
            false => Needle::Sequence(words),
        });
    }
    out
}

/// A quarantined row that describes the erased record, with what it says
/// about it as `(type, property, value)`.
pub(crate) struct QuarantineHit {
    pub row: QuarantineRow,
    pub values: Vec<(String, String, String)>,
}

impl QuarantineHit {
    pub(crate) fn values(&self) -> impl Iterator<Item = Value<'_>> {
        self.values.iter().map(|(schema, prop, value)| Value {
            schema,
            prop,
            value,
        })
    }
}

impl Session<'_> {
    /// The quarantined rows whose key columns give `entity_id`, in its
    /// dataset. A row that no longer reads under its mapping names no one
    /// that can be told; a mapping that cannot be loaded is an error, since
    /// erasure could not then be complete.
    pub(crate) fn quarantined_as(
        &self,
        entity_id: &str,
    ) -> Result<Vec<QuarantineHit>, EngineError> {
        let Some(dataset) = dataset_of(entity_id) else {
            return Ok(Vec::new());
        };
        let rows = self
            .engine
            .store()?
            .quarantine(Some(dataset), QUARANTINE_ROWS_MAX)?;
        let mut mappings: BTreeMap<String, Mapping> = BTreeMap::new();
        let mut out = Vec::new();
        for row in rows {
            if !mappings.contains_key(&row.mapping) {
                let m = Mapping::load(&PathBuf::from(&row.mapping), self.engine.ontology())?;
                mappings.insert(row.mapping.clone(), m);
            }
            let Some(m) = mappings.get(&row.mapping) else {
                continue;
            };
            let entities =
                clearstone_ingest::quarantined_entities(m, &row.raw, row.header.as_deref())
                    .unwrap_or_default();
            let Some(e) = entities.into_iter().find(|e| e.id == entity_id) else {
                continue;
            };
            let values = e
                .values
                .into_iter()
                .map(|(prop, value)| (e.schema.clone(), prop, value))
                .collect();
            out.push(QuarantineHit { row, values });
        }
        Ok(out)
    }

    /// Hashes of kept texts that name the record: the queries of searches
    /// that found it (by the subjects of their events, which covers a
    /// nickname or a misspelling), and every search query or justification
    /// holding one of its identifying values, and every saved search whose
    /// query finds it.
    pub(crate) fn texts_naming(
        &self,
        ids: &[&str],
        values: &[Value<'_>],
    ) -> Result<Vec<String>, EngineError> {
        let subjects: Vec<String> = ids.iter().map(|id| self.subject_hash(id)).collect();
        let store = self.engine.store()?;
        let mut out: BTreeSet<String> = BTreeSet::new();
        for query in store.event_queries_naming(&subjects)? {
            if query.starts_with("search") {
                out.extend(
                    query
                        .split_whitespace()
                        .filter(|w| w.starts_with(TEXT_PREFIX))
                        .map(str::to_string),
                );
            }
        }
        // A saved search runs a query of its own text: it names the record
        // when that query found it, even by a nickname no value holds.
        let found_by = out.clone();
        let needles = needles(self.engine, values);
        // Saved searches no search found the record with: each is run below.
        let mut unproven: Vec<(String, String)> = Vec::new();
        store.for_each_text(&mut |hash, text| {
            // Policy texts are kept under another prefix and name no one.
            if hash.starts_with(TEXT_PREFIX) {
                let words = tokenize(text);
                let saved = crate::saved_searches::saved_query(text);
                let saved_found = saved
                    .as_ref()
                    .is_some_and(|q| found_by.contains(&crate::session::text_ref(q)));
                if saved_found || needles.iter().any(|n| n.found_in(&words)) {
                    out.insert(hash.to_string());
                } else if let Some(q) = saved {
                    unproven.push((hash.to_string(), q));
                }
            }
        })?;
        drop(store);
        out.extend(self.saved_searches_finding(ids, &unproven)?);
        Ok(out.into_iter().collect())
    }
}

/// How `session::text_ref` names free text.
const TEXT_PREFIX: &str = "sha256:";

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s)
    }

    #[test]
    fn a_name_is_found_in_any_order_and_case() {
        let n = Needle::Words(words("Daniel Ray"));
        assert!(n.found_in(&words("ray, DANIEL born:1975")));
        assert!(!n.found_in(&words("daniel")));
    }

    #[test]
    fn an_identifier_is_found_in_order_or_run_together() {
        let n = Needle::Sequence(words("AB1 2CD"));
        assert!(n.found_in(&words("postcode:ab1 2cd")));
        assert!(n.found_in(&words("AB12CD")));
        assert!(!n.found_in(&words("2cd ab1")));
    }
}
