//! The index on disk or in memory, its one writer, and the searches.

mod facets;
mod text_words;

pub use facets::{FACET_DOCS_MAX, Facets};

use std::collections::BTreeMap;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::LockError;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy};
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term};

use crate::clusters::Clusters;
use crate::collect::{EntityDocs, GroupTop, Match};
use crate::doc::{BIRTH_DATE, DocSummary, IndexDoc, Referrer};
use crate::error::SearchError;
use crate::keys::{
    IdKeys, canonical_key, compact, given_name_tokens, identifier_keys, phonetic_keys,
};
use crate::query::{Built, JOIN_FIRST_CHARS_MAX, Matcher, Query, terms};
use crate::results::{Hit, Page, Results, Snippet};
use crate::schema::{self, Fields, TEXT_ANALYSER};
use crate::stored::{self, Stored};
use crate::visible::Visible;

/// Most documents one call to [`SearchIndex::referrers`] may return.
pub const REFERRERS_MAX: usize = 10_000;
/// Most targets one call to [`SearchIndex::referrers`] may ask about.
pub const TARGETS_MAX: usize = 1_000;
/// Indexing memory for the writer, shared by its threads. tantivy writes a
/// segment each time a thread's share fills, so more memory means fewer,
/// larger segments; but the heap is resident for the whole of a load, and
/// at ten million rows 192 MiB of it (with what the allocator kept of
/// each file's heap) put a load over its 1 GB bound. Half as much makes
/// segments that [`MERGE_DOCS_MAX`] still lets merge in fours.
pub const WRITER_HEAP_BYTES: usize = 96 << 20;
/// Indexing threads: beyond this, threads only split the heap into smaller
/// segments.
const WRITER_THREADS_MAX: usize = 4;
/// Documents in a segment above which it is never merged again, and the
/// fewest segments of a like size that make a merge. tantivy reads the
/// segments it merges through memory maps and every page read stays
/// resident until the merge ends, so a merge's input counts in full
/// towards peak memory: with tantivy's defaults, the memory-mapped pages
/// of a ten-million-row load rose from 25 to 360 MB during one commit a
/// third of the way through, and grow with the index. Merges now
/// take about four segments under this size (at about 150 bytes a
/// document, some 150 MB read); a segment written from a full indexing
/// heap is already near it, so a large index is a few dozen segments,
/// each searched in turn.
const MERGE_DOCS_MAX: usize = 250_000;
const MERGE_SEGMENTS_MIN: usize = 4;
/// One merge at a time: merges running side by side would each hold their
/// input resident (tantivy's default is four), and on two cores they gain
/// little; each merging thread also leaves the allocator a heap of its own.
const MERGE_THREADS: usize = 1;
/// Matching records of a hit whose values are shown as snippets: the best
/// ones, enough to say why the entity matched.
pub const SNIPPET_DOCS_PER_HIT: usize = 3;
/// Snippets shown for one hit.
pub const SNIPPETS_PER_HIT: usize = 8;

/// Decompressed doc-store blocks (16 KiB each) kept per segment. A
/// dossier's referrers and a search's hits each read stored documents,
/// and with tantivy's default of 100 most reads decompressed their block
/// again; this holds the demo's whole store and the busiest blocks of a
/// larger one, at most 8 MiB a segment.
const DOC_STORE_CACHE_BLOCKS: usize = 500;

/// A full-text index of entity records. Every search is restricted to the
/// shapes in a [`Visible`]; see the crate docs.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the directory) if the
    /// directory is missing or empty.
    ///
    /// # Errors
    /// [`SearchError::Open`] when the directory cannot be read or created,
    /// [`SearchError::Layout`] when it holds an index of another layout.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let open_err = |reason: String| SearchError::Open {
            path: dir.display().to_string(),
            reason,
        };
        // The segments hold personal data: the directory is its owner's alone
        // (tantivy creates the files themselves under the process's umask).
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| open_err(e.to_string()))?;
        let empty = std::fs::read_dir(dir)
            .map_err(|e| open_err(e.to_string()))?
            .next()
            .is_none();
        let (schema, fields) = schema::build();
        let index = if empty {
            Index::builder().schema(schema).create_in_dir(dir)?
        } else {
            let index = Index::open_in_dir(dir).map_err(|e| open_err(e.to_string()))?;
            if index.schema() != schema {
                return Err(SearchError::Layout {
                    reason: "its fields differ from this version's".into(),
                });
            }
            index
        };
        Self::with(index, fields)
    }

    /// An index held in memory, for tests and short-lived tools.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        Self::with(Index::create_in_ram(schema), fields)
    }

    fn with(index: Index, fields: Fields) -> Result<Self, SearchError> {
        index
            .tokenizers()
            .register(TEXT_ANALYSER, schema::text_analyser());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
        })
    }

    /// The index's one writer.
    ///
    /// # Errors
    /// [`SearchError::WriterBusy`] while another writer is open.
    pub fn writer(&self) -> Result<IndexWriter, SearchError> {
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, WRITER_THREADS_MAX);
        self.writer_with(threads)
    }

    /// The index's one writer, for a load whose documents arrive from a
    /// single producer: one indexing thread with the whole heap writes
    /// one segment per commit where several threads would each write
    /// their own, so there are fewer segments to finalise and merge (the
    /// producer building documents is the slower side anyway).
    ///
    /// # Errors
    /// [`SearchError::WriterBusy`] while another writer is open.
    pub fn bulk_writer(&self) -> Result<IndexWriter, SearchError> {
        self.writer_with(1)
    }

    fn writer_with(&self, threads: usize) -> Result<IndexWriter, SearchError> {
        let options = IndexWriterOptions::builder()
            .memory_budget_per_thread(WRITER_HEAP_BYTES / threads)
            .num_worker_threads(threads)
            .num_merge_threads(MERGE_THREADS)
            .build();
        let writer = match self.index.writer_with_options(options) {
            Ok(w) => w,
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                return Err(SearchError::WriterBusy);
            }
            Err(e) => return Err(e.into()),
        };
        // Every writer, not only the bulk one: whichever commits next
        // merges whatever segments its policy picks.
        writer.set_merge_policy(Box::new(merge_policy()));
        Ok(IndexWriter {
            writer,
            reader: self.reader.clone(),
            fields: self.fields,
            stored: String::new(),
        })
    }

    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// One page of the entities matching `query` among the documents whose
    /// shape is in `visible`.
    ///
    /// # Errors
    /// [`SearchError::PageSize`] or [`SearchError::Offset`] past their
    /// limits; [`SearchError::Index`] when the index cannot be read.
    pub fn search(
        &self,
        query: &Query,
        visible: &Visible,
        page: Page,
    ) -> Result<Results, SearchError> {
        self.search_grouped(query, visible, page, None)
    }

    /// [`SearchIndex::search`] with each record's documents grouped by its
    /// cluster in `clusters` (a record the map does not name is a group of
    /// its own), whatever canonical id the documents were written with: a
    /// resolution then changes the map, not the index.
    ///
    /// # Errors
    /// As [`SearchIndex::search`].
    pub fn search_clustered(
        &self,
        query: &Query,
        visible: &Visible,
        page: Page,
        clusters: &Arc<Clusters>,
    ) -> Result<Results, SearchError> {
        self.search_grouped(query, visible, page, Some(clusters.clone()))
    }

    fn search_grouped(
        &self,
        query: &Query,
        visible: &Visible,
        page: Page,
        clusters: Option<Arc<Clusters>>,
    ) -> Result<Results, SearchError> {
        let page = page.check()?;
        if visible.is_empty() {
            return Ok(Results::default());
        }
        let searcher = self.searcher();
        let built = Built::new(query, &self.fields, visible, Vec::new(), &searcher)?;
        let k = page.offset + page.size;
        let groups = searcher.search(&*built.query, &GroupTop { k, clusters })?;
        let shown: Vec<&(String, f32)> = groups.top.iter().skip(page.offset).collect();
        let canonicals: Vec<&str> = shown.iter().map(|(c, _)| c.as_str()).collect();
        let records = groups.records(&canonicals)?;
        let matcher = Matcher::new(query);
        let mut hits = Vec::with_capacity(shown.len());
        for ((canonical, score), group) in shown.into_iter().zip(records) {
            hits.push(self.hit(&searcher, &matcher, canonical, *score, &group)?);
        }
        Ok(Results {
            total: groups.total,
            hits,
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        matcher: &Matcher,
        canonical: &str,
        score: f32,
        group: &[Match],
    ) -> Result<Hit, SearchError> {
        let mut entities: Vec<String> = Vec::with_capacity(group.len());
        for d in group {
            if !entities.contains(&d.entity) {
                entities.push(d.entity.clone());
            }
        }
        let mut hit = Hit {
            canonical: canonical.to_owned(),
            entities,
            schema: String::new(),
            label: String::new(),
            score,
            snippets: Vec::new(),
        };
        let mut snippets: Vec<Snippet> = Vec::new();
        for (i, d) in group.iter().take(SNIPPET_DOCS_PER_HIT).enumerate() {
            let doc: TantivyDocument = searcher.doc(d.address)?;
            let stored = stored::decode(doc_text(&doc, self.fields.doc)).ok_or_else(damaged)?;
            if i == 0 {
                hit.schema = stored.schema.to_owned();
                hit.label = stored.label.to_owned();
            }
            matcher.snippets(&stored, &mut snippets);
        }
        for s in snippets {
            if hit.snippets.len() == SNIPPETS_PER_HIT {
                break;
            }
            if !hit.snippets.contains(&s) {
                hit.snippets.push(s);
            }
        }
        Ok(hit)
    }

    /// Visible documents whose references point at any of `targets`, one
    /// [`Referrer`] per (document, property, target), ordered by target,
    /// then entity, then property (then shape), the first `limit` of them;
    /// only the documents up to the limit are read.
    ///
    /// # Errors
    /// [`SearchError::Referrers`] when `limit` is over [`REFERRERS_MAX`],
    /// [`SearchError::Targets`] when `targets` is longer than [`TARGETS_MAX`].
    pub fn referrers(
        &self,
        targets: &[String],
        visible: &Visible,
        limit: usize,
    ) -> Result<Vec<Referrer>, SearchError> {
        if limit > REFERRERS_MAX {
            return Err(SearchError::Referrers {
                asked: limit,
                max: REFERRERS_MAX,
            });
        }
        if targets.len() > TARGETS_MAX {
            return Err(SearchError::Targets {
                asked: targets.len(),
                max: TARGETS_MAX,
            });
        }
        if visible.is_empty() || targets.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.searcher();
        let mut wanted: Vec<&str> = targets.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = Vec::new();
        // Target by target, and within a target entity by entity, so that
        // only the documents up to the limit are read.
        for target in wanted {
            let refs = terms(self.fields.refs, [target]).ok_or_else(damaged)?;
            let built = Built::new(
                &Query::everything(),
                &self.fields,
                visible,
                vec![refs],
                &searcher,
            )?;
            let found = searcher.search(&*built.query, &EntityDocs)?;
            for same in found.chunk_by(|a, b| a.0 == b.0) {
                // One entity's documents (one per shape) in shape order.
                let mut of_entity = Vec::new();
                for (_, address) in same {
                    let doc: TantivyDocument = searcher.doc(*address)?;
                    let s = stored::decode(doc_text(&doc, self.fields.doc)).ok_or_else(damaged)?;
                    for (prop, t) in &s.refs {
                        if *t == target {
                            of_entity.push(referrer(&s, prop, t));
                        }
                    }
                }
                of_entity.sort_by(|a, b| (&a.prop, a.shape).cmp(&(&b.prop, b.shape)));
                of_entity.dedup();
                for r in of_entity {
                    if out.len() == limit {
                        return Ok(out);
                    }
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// Calls `f` with every document in the index, whatever its shape: for
    /// building derived structures (the engine's graph), each use of which
    /// the engine gates. Documents come in index order.
    pub fn scan(&self, f: &mut dyn FnMut(DocSummary<'_>)) -> Result<(), SearchError> {
        let searcher = self.searcher();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(1)?;
            for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                let doc = doc?;
                let s = stored::decode(doc_text(&doc, self.fields.doc)).ok_or_else(damaged)?;
                f(DocSummary {
                    entity: s.entity,
                    canonical: s.canonical,
                    shape: s.shape,
                    schema: s.schema,
                    label: s.label,
                    refs: s.refs,
                    dates: s.dates,
                    identifiers: s.identifiers,
                    texts: s.texts,
                });
            }
        }
        Ok(())
    }

    /// Segments the index is held in, for status displays and benchmarks:
    /// each search visits every one.
    pub fn segment_count(&self) -> usize {
        self.searcher().segment_readers().len()
    }

    /// Documents in the index, of every shape.
    pub fn doc_count(&self) -> Result<u64, SearchError> {
        Ok(self.searcher().num_docs())
    }

    /// Documents deleted but still held in segment files until a merge.
    pub fn deleted_count(&self) -> u64 {
        self.searcher()
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.num_deleted_docs()))
            .sum()
    }
}

/// Merges of segments under [`MERGE_DOCS_MAX`] documents only.
fn merge_policy() -> LogMergePolicy {
    let mut merges = LogMergePolicy::default();
    merges.set_max_docs_before_merge(MERGE_DOCS_MAX);
    merges.set_min_num_segments(MERGE_SEGMENTS_MIN);
    merges
}

fn referrer(s: &Stored<'_>, prop: &str, target: &str) -> Referrer {
    Referrer {
        entity: s.entity.to_owned(),
        canonical: s.canonical.to_owned(),
        shape: s.shape,
        schema: s.schema.to_owned(),
        label: s.label.to_owned(),
        prop: prop.to_owned(),
        target: target.to_owned(),
        dates: s
            .dates
            .iter()
            .map(|(p, v)| ((*p).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

fn doc_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

fn damaged() -> SearchError {
    SearchError::Layout {
        reason: "a stored document cannot be read".into(),
    }
}

/// Adds and deletes documents; nothing is visible to searches until
/// [`IndexWriter::commit`].
pub struct IndexWriter {
    writer: tantivy::IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    stored: String,
}

impl std::fmt::Debug for IndexWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexWriter").finish_non_exhaustive()
    }
}

impl IndexWriter {
    /// Adds one document.
    ///
    /// # Errors
    /// [`SearchError::Document`] when the entity or canonical id is empty
    /// or a date is not `YYYY-MM-DD`; nothing of the document is added.
    pub fn add(&mut self, doc: &IndexDoc) -> Result<(), SearchError> {
        let built = self.document(doc)?;
        self.writer.add_document(built)?;
        Ok(())
    }

    fn document(&mut self, doc: &IndexDoc) -> Result<TantivyDocument, SearchError> {
        let bad = |reason: String| SearchError::Document {
            entity: doc.entity.clone(),
            reason,
        };
        if doc.entity.is_empty() {
            return Err(bad("the entity id is empty".into()));
        }
        if doc.canonical.is_empty() {
            return Err(bad("the canonical id is empty".into()));
        }
        let f = &self.fields;
        let mut out = TantivyDocument::new();
        out.add_text(f.entity, &doc.entity);
        out.add_text(f.canonical, &doc.canonical);
        let key = canonical_key(&doc.canonical);
        out.add_u64(f.ckey_hi, (key >> 64) as u64);
        out.add_u64(f.ckey_lo, key as u64);
        out.add_u64(f.shape, doc.shape);

        let mut keys: BTreeMap<tantivy::schema::Field, Vec<String>> = BTreeMap::new();
        let mut put = |field, key: String| {
            if !key.is_empty() {
                keys.entry(field).or_default().push(key);
            }
        };
        put(f.kind, compact(&doc.schema));
        for t in &doc.schema_ancestors {
            put(f.kind, compact(t));
        }
        put(f.dataset, compact(&doc.dataset));
        if let Some(c) = &doc.subject_category {
            put(f.category, compact(c));
        }
        for (prop, value) in &doc.names {
            let tokens = clearstone_text::name::name_tokens(value);
            // "O Brien" is also indexed as "obrien", as the query side tries.
            for pair in tokens.windows(2) {
                if pair[0].chars().count() <= JOIN_FIRST_CHARS_MAX {
                    put(f.name, format!("{}{}", pair[0], pair[1]));
                }
            }
            for token in tokens {
                for code in phonetic_keys(&token) {
                    put(f.name_phonetic, code);
                }
                put(f.name, token);
            }
            for given in given_name_tokens(prop, value) {
                if let Some(c) = given.chars().next() {
                    put(f.name_initial, c.to_string());
                }
            }
        }
        let mut ids = IdKeys::default();
        for (prop, value) in &doc.identifiers {
            identifier_keys(prop, value, &mut ids);
        }
        for (field, list) in [
            (f.id, ids.id),
            (f.postcode, ids.postcode),
            (f.phone, ids.phone),
            (f.email, ids.email),
            (f.reg, ids.reg),
        ] {
            for k in list {
                put(field, k);
            }
        }
        for (_, target) in &doc.refs {
            put(f.refs, target.clone());
        }
        for (field, mut list) in keys {
            list.sort_unstable();
            list.dedup();
            for k in list {
                out.add_text(field, k);
            }
        }
        for (prop, value) in &doc.dates {
            let date = clearstone_text::DateValue::parse_iso(value).map_err(|_| {
                bad(format!(
                    "date `{prop}` is `{value}`, expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]"
                ))
            })?;
            // A month is indexed as each of its days, so that any range
            // that overlaps it finds it, as the matcher decides.
            let (first, last) = (
                date.first_day().days_since_epoch(),
                date.last_day().days_since_epoch(),
            );
            for day in first..=last {
                out.add_i64(f.date, day);
                if prop == BIRTH_DATE {
                    out.add_i64(f.born, day);
                }
            }
        }
        for (_, text) in &doc.texts {
            out.add_text(f.text, text);
        }
        stored::encode(doc, &mut self.stored);
        out.add_text(f.doc, &self.stored);
        Ok(out)
    }

    /// Deletes every document of the source entity `entity`, whatever its
    /// shape. A document added after this call, before the commit, stays.
    pub fn delete_entity(&mut self, entity: &str) -> Result<(), SearchError> {
        self.writer
            .delete_term(Term::from_field_text(self.fields.entity, entity));
        Ok(())
    }

    /// Deletes every document, for a rebuild.
    pub fn delete_all(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable and visible: on return, searches on the
    /// same [`SearchIndex`] see them. Waits for segment merges to finish,
    /// so that the next writer starts from a settled index.
    pub fn commit(mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Commits, then rewrites every segment that holds deleted documents
    /// and removes the old files, so an erased value is gone from the disk
    /// and not merely unreachable.
    pub fn commit_purging(mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        let stale: Vec<tantivy::index::SegmentId> = self
            .writer
            .index()
            .searchable_segment_metas()?
            .iter()
            .filter(|m| m.has_deletes())
            .map(|m| m.id())
            .collect();
        if !stale.is_empty() {
            self.writer.merge(&stale).wait()?;
        }
        self.writer.garbage_collect_files().wait()?;
        self.writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use tantivy::index::{SegmentId, SegmentMeta};
    use tantivy::indexer::MergePolicy as _;

    use super::*;

    fn merged(sizes: &[u32]) -> Vec<usize> {
        let index = Index::create_in_ram(schema::build().0);
        let metas: Vec<SegmentMeta> = sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect();
        merge_policy()
            .compute_merge_candidates(&metas)
            .iter()
            .map(|c| c.0.len())
            .collect()
    }

    #[test]
    fn like_segments_under_the_bound_merge_and_larger_ones_never_do() {
        assert_eq!(merged(&[200_000, 210_000, 220_000, 240_000]), [4]);
        assert_eq!(merged(&[200_000, 210_000, 220_000]), Vec::<usize>::new());
        assert_eq!(
            merged(&[1_000_000, 900_000, 800_000, 700_000, 600_000, 500_000]),
            Vec::<usize>::new()
        );
        // The large segments stay out of a merge of small ones.
        assert_eq!(merged(&[2_000_000, 5_000, 6_000, 7_000, 8_000]), [4]);
    }
}
