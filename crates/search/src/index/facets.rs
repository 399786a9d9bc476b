//! How the entities a query matches fall by type, dataset and year: the
//! counts beside the search page's filters. Counted over the documents the
//! query matched among the visible shapes only, so a hidden record never
//! adds to a count, exactly as it never adds to the total.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument};

use super::{SearchIndex, damaged, doc_text};
use crate::clusters::Clusters;
use crate::error::SearchError;
use crate::keys::canonical_key;
use crate::query::{Built, Query};
use crate::stored;
use crate::visible::Visible;

/// Matching documents read to count facets: past this the counts are not
/// given (`counted` is false) rather than taking as long as a bulk scan.
pub const FACET_DOCS_MAX: usize = 5_000;

/// Entities matched, by the record's own type, by dataset and by the year
/// of any of its dates; each list most first, then by name. An entity
/// counts once in a bucket however many of its records fall there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub types: Vec<(String, u64)>,
    pub datasets: Vec<(String, u64)>,
    pub years: Vec<(String, u64)>,
    /// False when more than [`FACET_DOCS_MAX`] documents matched, and the
    /// lists are then empty.
    pub counted: bool,
}

#[derive(Default)]
struct Buckets(BTreeMap<String, HashSet<u128>>);

impl Buckets {
    fn add(&mut self, bucket: &str, entity: u128) {
        self.0.entry(bucket.to_owned()).or_default().insert(entity);
    }

    fn counts(self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = self
            .0
            .into_iter()
            .map(|(b, set)| (b, set.len() as u64))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

impl SearchIndex {
    /// The facet counts of `query` among the documents whose shape is in
    /// `visible`.
    ///
    /// # Errors
    /// [`SearchError::Index`] when the index cannot be read.
    pub fn facets(&self, query: &Query, visible: &Visible) -> Result<Facets, SearchError> {
        self.facets_grouped(query, visible, None)
    }

    /// [`SearchIndex::facets`] counting each record's cluster in
    /// `clusters` once, as [`SearchIndex::search_clustered`] groups.
    ///
    /// # Errors
    /// As [`SearchIndex::facets`].
    pub fn facets_clustered(
        &self,
        query: &Query,
        visible: &Visible,
        clusters: &Arc<Clusters>,
    ) -> Result<Facets, SearchError> {
        self.facets_grouped(query, visible, Some(clusters.clone()))
    }

    fn facets_grouped(
        &self,
        query: &Query,
        visible: &Visible,
        clusters: Option<Arc<Clusters>>,
    ) -> Result<Facets, SearchError> {
        if visible.is_empty() {
            return Ok(Facets {
                counted: true,
                ..Facets::default()
            });
        }
        let searcher = self.searcher();
        let built = Built::new(query, &self.fields, visible, Vec::new(), &searcher)?;
        let Some(matches) = searcher.search(&*built.query, &FirstDocs(FACET_DOCS_MAX))? else {
            return Ok(Facets::default());
        };
        let (mut types, mut datasets, mut years) =
            (Buckets::default(), Buckets::default(), Buckets::default());
        for address in matches {
            let doc: TantivyDocument = searcher.doc(address)?;
            let s = stored::decode(doc_text(&doc, self.fields.doc)).ok_or_else(damaged)?;
            // Grouped as a search groups: by the record's cluster, else by
            // the canonical id the document was written with.
            let entity = canonical_key(match &clusters {
                Some(c) => c.key_of(s.entity),
                None => s.canonical,
            });
            types.add(s.schema, entity);
            // A record's id is `dataset:entity:key`.
            if let Some((dataset, _)) = s.entity.split_once(':') {
                datasets.add(dataset, entity);
            }
            for (_, date) in &s.dates {
                if let Some(year) = date
                    .get(..4)
                    .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
                {
                    years.add(year, entity);
                }
            }
        }
        Ok(Facets {
            types: types.counts(),
            datasets: datasets.counts(),
            years: years.counts(),
            counted: true,
        })
    }
}

/// The matching documents, unscored, or none when more than the limit
/// match: a query too broad to count is told apart by counting alone,
/// without grouping or scoring what it matched.
struct FirstDocs(usize);

struct FirstDocsSegment {
    segment: SegmentOrdinal,
    limit: usize,
    docs: Vec<DocId>,
    matched: usize,
}

impl Collector for FirstDocs {
    type Fruit = Option<Vec<DocAddress>>;
    type Child = FirstDocsSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<FirstDocsSegment> {
        Ok(FirstDocsSegment {
            segment,
            limit: self.0,
            docs: Vec::new(),
            matched: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(usize, Vec<DocAddress>)>,
    ) -> tantivy::Result<Option<Vec<DocAddress>>> {
        if fruits.iter().map(|f| f.0).sum::<usize>() > self.0 {
            return Ok(None);
        }
        Ok(Some(fruits.into_iter().flat_map(|f| f.1).collect()))
    }
}

impl SegmentCollector for FirstDocsSegment {
    type Fruit = (usize, Vec<DocAddress>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.matched += 1;
        if self.docs.len() <= self.limit {
            self.docs.push(doc);
        }
    }

    fn harvest(self) -> (usize, Vec<DocAddress>) {
        let segment = self.segment;
        let docs = self
            .docs
            .into_iter()
            .map(|d| DocAddress::new(segment, d))
            .collect();
        (self.matched, docs)
    }
}
