//! The search index: the engine's derived read model of the store, kept
//! current on ingest, resolution and erasure, and rebuilt on demand.
//!
//! One document per (source entity, shape), where a shape is everything the
//! gate decides a value on apart from the value itself: dataset, type,
//! markings and sensitivity. A session asks the policies once per shape
//! which ones it may see, and the index restricts every query to those, so
//! a value the session may not see can never match, rank or be counted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use clearstone_model::{Markings, PropType, Sensitivity, Statement, limits};
use clearstone_policy::{Action, Decision, Resource};
use clearstone_search::{Clusters, IndexDoc, IndexWriter, SearchIndex, Visible};
use clearstone_store::{BatchOutcome, ResolutionStore, Store};
use sha2::Digest;

use crate::datadir::io;
use crate::index_shapes::ShapeCache;
use crate::{Engine, EngineError, Session};

/// Under the data directory: the tantivy index and the shapes it uses.
pub(crate) const INDEX_DIR: &str = "index";
const TANTIVY_DIR: &str = "tantivy";
const SHAPES_FILE: &str = "shapes.tsv";
/// Present while an ingest's documents are not yet committed: if it is
/// still there when the next ingest starts, a run stored statements the
/// index never received, and that ingest ends with a rebuild.
const PENDING_FILE: &str = "ingest-pending";

/// Above this many changed entities, re-reading the whole store in order is
/// cheaper than looking each entity up.
const REINDEX_LOOKUPS_MAX: usize = 50_000;

/// What the gate decides a value on, apart from the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    pub dataset: String,
    pub schema: String,
    pub markings: Markings,
    pub sensitivity: Sensitivity,
}

impl Shape {
    /// Stable across runs and machines: the index on disk stores it.
    fn id(&self) -> u64 {
        let mut h = sha2::Sha256::new();
        for part in [
            self.dataset.as_str(),
            self.schema.as_str(),
            &self.markings.to_string(),
            self.sensitivity.as_str(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let d = h.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[..8]);
        u64::from_be_bytes(b)
    }
}

pub(crate) struct Index {
    search: SearchIndex,
    shapes_file: PathBuf,
    pending_file: PathBuf,
    shapes: Mutex<BTreeMap<u64, Shape>>,
    pub(crate) generation: AtomicU64,
    /// The cluster map searches group records by (`index_clusters.rs`),
    /// read when first needed after a change, with the clusters' counter
    /// it was read under.
    pub(crate) clusters: Mutex<Option<(i64, Arc<Clusters>)>>,
}

impl Index {
    pub(crate) fn open(data_dir: &Path) -> Result<Self, EngineError> {
        let dir = data_dir.join(INDEX_DIR);
        let tantivy = dir.join(TANTIVY_DIR);
        crate::datadir::create_private_dir(&tantivy)?;
        let shapes_file = dir.join(SHAPES_FILE);
        let shapes = match std::fs::read_to_string(&shapes_file) {
            Ok(text) => parse_shapes(&text, &shapes_file)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(io(&shapes_file)(e)),
        };
        Ok(Self {
            search: SearchIndex::open(&tantivy).map_err(search_error)?,
            shapes_file,
            pending_file: dir.join(PENDING_FILE),
            shapes: Mutex::new(shapes),
            generation: AtomicU64::new(0),
            clusters: Mutex::new(None),
        })
    }

    pub(crate) fn shapes(&self) -> Result<MutexGuard<'_, BTreeMap<u64, Shape>>, EngineError> {
        self.shapes
            .lock()
            .map_err(|_| EngineError::Internal("the shape register lock was poisoned".into()))
    }

    /// Registers a shape, returning its id.
    pub(crate) fn shape(&self, shape: Shape) -> Result<u64, EngineError> {
        let id = shape.id();
        self.shapes()?.entry(id).or_insert(shape);
        Ok(id)
    }

    fn save_shapes(&self) -> Result<(), EngineError> {
        let mut text = String::new();
        for (id, s) in self.shapes()?.iter() {
            text.push_str(&format!(
                "{id:016x}\t{}\t{}\t{}\t{}\n",
                s.dataset,
                s.schema,
                s.markings,
                s.sensitivity.as_str()
            ));
        }
        let tmp = self.shapes_file.with_extension("tsv.tmp");
        crate::datadir::write_private(&tmp, text.as_bytes())?;
        std::fs::rename(&tmp, &self.shapes_file).map_err(io(&self.shapes_file))
    }

    fn commit(&self, writer: IndexWriter) -> Result<(), EngineError> {
        // Shapes first: a document whose shape is unknown could never be shown.
        self.save_shapes()?;
        writer.commit().map_err(search_error)?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// The index holds everything stored, as after a rebuild.
    fn clear_pending(&self) -> Result<(), EngineError> {
        match std::fs::remove_file(&self.pending_file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(&self.pending_file)(e)),
            _ => Ok(()),
        }
    }

    /// Removes an erased entity's documents from the segment files too.
    fn erase(&self, entity: &str) -> Result<(), EngineError> {
        let mut writer = self.search.writer().map_err(search_error)?;
        writer.delete_entity(entity).map_err(search_error)?;
        writer.commit_purging().map_err(search_error)?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn parse_shapes(text: &str, file: &Path) -> Result<BTreeMap<u64, Shape>, EngineError> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let bad = |why: &str| EngineError::Internal(format!("{}:{}: {why}", file.display(), n + 1));
        let f: Vec<&str> = line.split('\t').collect();
        let [id, dataset, schema, markings, sensitivity] = f[..] else {
            return Err(bad("expected five tab-separated fields"));
        };
        let id = u64::from_str_radix(id, 16).map_err(|_| bad("bad shape id"))?;
        let shape = Shape {
            dataset: dataset.into(),
            schema: schema.into(),
            markings: markings.parse().map_err(|_| bad("bad markings"))?,
            sensitivity: Sensitivity::parse(sensitivity).ok_or_else(|| bad("bad sensitivity"))?,
        };
        if shape.id() != id {
            return Err(bad("shape id does not match its fields"));
        }
        out.insert(id, shape);
    }
    Ok(out)
}

pub(crate) fn search_error(e: clearstone_search::SearchError) -> EngineError {
    EngineError::Internal(format!("search index: {e}"))
}

impl Engine {
    pub(crate) fn search_index(&self) -> &SearchIndex {
        &self.index.search
    }

    /// Changes at every index commit; caches derived from the index compare it.
    pub(crate) fn index_generation(&self) -> u64 {
        self.index.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn unindex_erased(&self, entity: &str) -> Result<(), EngineError> {
        self.index.erase(entity)
    }

    fn writer(&self) -> Result<IndexWriter, EngineError> {
        self.search_index().writer().map_err(search_error)
    }

    /// Re-reads these source entities from the store into the index; an
    /// entity with no statements left is removed.
    pub(crate) fn reindex(&self, ids: &[String]) -> Result<(), EngineError> {
        if ids.is_empty() {
            return Ok(());
        }
        if ids.len() > REINDEX_LOOKUPS_MAX {
            self.rebuild_index().map(|_| ())?;
            return Ok(());
        }
        let mut writer = self.writer()?;
        let mut shapes = ShapeCache::default();
        self.reread(&mut writer, ids.iter().map(String::as_str), &mut shapes)?;
        self.index.commit(writer)
    }

    /// Replaces the documents of these entities with what the store holds.
    fn reread<'a>(
        &self,
        writer: &mut IndexWriter,
        ids: impl Iterator<Item = &'a str>,
        cache: &mut ShapeCache,
    ) -> Result<(), EngineError> {
        for id in ids {
            self.reread_one(writer, id, cache)?;
        }
        Ok(())
    }

    /// Replaces the documents of one entity with what the store holds.
    fn reread_one(
        &self,
        writer: &mut IndexWriter,
        id: &str,
        cache: &mut ShapeCache,
    ) -> Result<(), EngineError> {
        let statements = self
            .store()?
            .entity_statements(id, limits::ENTITY_STATEMENTS_MAX)?;
        writer.delete_entity(id).map_err(search_error)?;
        for doc in self.documents(id, &statements, cache)? {
            writer.add(&doc).map_err(search_error)?;
        }
        Ok(())
    }

    /// Every resolved record's canonical id, for naming many index keys at
    /// once (a key absent from it names an unresolved record, itself).
    pub(crate) fn canonical_table(&self) -> Result<HashMap<String, String>, EngineError> {
        let store = self.reader()?;
        let mut out = HashMap::new();
        for t in self.ontology().types() {
            out.extend(store.canonical_ids(&t.name)?);
        }
        Ok(out)
    }

    /// A writer that keeps the index current while an ingest stores its
    /// batches; nothing it adds is visible until [`IngestUpkeep::commit`].
    pub(crate) fn ingest_upkeep(&self) -> Result<IngestUpkeep<'_>, EngineError> {
        let writer = self.search_index().bulk_writer().map_err(search_error)?;
        let pending = &self.index.pending_file;
        let missed = pending.exists();
        std::fs::write(pending, b"").map_err(io(pending))?;
        Ok(IngestUpkeep {
            engine: self,
            writer,
            missed,
            shapes: ShapeCache::default(),
            runs_held: 0,
            rereads_held: 0,
        })
    }

    /// Recreates the index from the store; returns the documents written.
    pub(crate) fn rebuild_index(&self) -> Result<u64, EngineError> {
        let store = self.store()?;
        let mut writer = self.writer()?;
        writer.delete_all().map_err(search_error)?;
        let mut shapes = ShapeCache::default();
        let mut docs = 0u64;
        let mut entity: Vec<Statement> = Vec::new();
        let mut failed: Option<EngineError> = None;
        let mut flush = |entity: &mut Vec<Statement>, writer: &mut IndexWriter| {
            let Some(first) = entity.first() else {
                return Ok(());
            };
            let id = first.entity_id.to_string();
            for doc in self.documents(&id, entity.iter(), &mut shapes)? {
                writer.add(&doc).map_err(search_error)?;
                docs += 1;
            }
            entity.clear();
            Ok::<(), EngineError>(())
        };
        // Statements come grouped by entity (dataset, entity, property order).
        store.for_each_statement(&mut |s| {
            if failed.is_some() {
                return Ok(());
            }
            if entity.first().is_some_and(|f| f.entity_id != s.entity_id)
                && let Err(e) = flush(&mut entity, &mut writer)
            {
                failed = Some(e);
            }
            entity.push(s);
            Ok(())
        })?;
        drop(store);
        if let Some(e) = failed {
            return Err(e);
        }
        flush(&mut entity, &mut writer)?;
        self.index.commit(writer)?;
        self.index.clear_pending()?;
        Ok(docs)
    }

    /// The documents of one source entity: one per shape among its values.
    /// Each names the record itself as its canonical id: searches group
    /// records by cluster through the cluster map (`index_clusters.rs`), so
    /// that resolution never rewrites documents.
    fn documents<'s>(
        &self,
        entity: &str,
        statements: impl IntoIterator<Item = &'s Statement>,
        cache: &mut ShapeCache,
    ) -> Result<Vec<IndexDoc>, EngineError> {
        let mut by_shape: BTreeMap<u64, IndexDoc> = BTreeMap::new();
        // Statements of one record share their `Arc`s: one shape lookup
        // each. A record has a shape or two, so a list searched in turn,
        // where a hash map (hashing, and allocated per record) was a fifth
        // of building documents.
        type Key = (*const u8, *const u8, *const Markings, Sensitivity);
        let mut ids: Vec<(Key, u64)> = Vec::new();
        for s in statements {
            // The gate never shows a property the ontology does not know.
            let Some(prop) = self.ontology().property(&s.schema, &s.prop) else {
                continue;
            };
            let key = (
                s.dataset.as_ptr(),
                s.schema.as_ptr(),
                Arc::as_ptr(&s.markings),
                prop.sensitivity,
            );
            let shape = match ids.iter().find(|(k, _)| *k == key) {
                Some((_, id)) => *id,
                None => {
                    let id = cache.id(self, s, prop.sensitivity)?;
                    ids.push((key, id));
                    id
                }
            };
            let doc = by_shape.entry(shape).or_insert_with(|| IndexDoc {
                entity: entity.to_string(),
                canonical: entity.to_string(),
                shape,
                schema: s.schema.to_string(),
                schema_ancestors: cache.ancestors(self, &s.schema),
                dataset: s.dataset.to_string(),
                subject_category: s.subject_category.map(|c| c.as_str().to_string()),
                label: String::new(),
                names: Vec::new(),
                identifiers: Vec::new(),
                dates: Vec::new(),
                texts: Vec::new(),
                refs: Vec::new(),
            });
            let pair = (s.prop.to_string(), self.indexed_value(s));
            match prop.ty {
                PropType::Name => doc.names.push(pair),
                PropType::Identifier | PropType::Postcode | PropType::Phone | PropType::Email => {
                    doc.identifiers.push(pair)
                }
                // A month, a day or a timestamp is a date; anything else
                // a date property holds is still findable as text.
                PropType::Date if clearstone_text::DateValue::parse_iso(&s.value).is_ok() => {
                    doc.dates.push(pair)
                }
                PropType::Date => doc.texts.push(pair),
                PropType::Text | PropType::Address | PropType::Enum | PropType::Number => {
                    doc.texts.push(pair)
                }
                PropType::Entity => doc.refs.push(pair),
            }
        }
        let mut out: Vec<IndexDoc> = by_shape.into_values().collect();
        for d in &mut out {
            d.label = label(d);
        }
        Ok(out)
    }

    /// The type and its parents, as the policies match them.
    pub(crate) fn ancestors(&self, schema: &str) -> Vec<String> {
        let o = self.ontology();
        let mut out = Vec::new();
        let mut cur = o.get(schema);
        while let Some(t) = cur {
            out.push(t.name.clone());
            cur = t.parent.as_deref().and_then(|p| o.get(p));
        }
        if out.is_empty() {
            out.push(schema.to_string());
        }
        out
    }
}

/// The index kept current from the statements an ingest stores, batch by
/// batch, rather than by reading them back: the batch holds every statement
/// of an entity it created, and only an entity that already had a version
/// in the store is read back whole.
pub(crate) struct IngestUpkeep<'e> {
    engine: &'e Engine,
    writer: IndexWriter,
    /// An earlier run stopped between storing and indexing.
    missed: bool,
    shapes: ShapeCache,
    /// Finished runs of a load whose documents the writer holds, not yet
    /// committed.
    pub(crate) runs_held: usize,
    /// Records read back and indexed again since the writer opened: each
    /// one's deletion is held in memory until the commit.
    pub(crate) rereads_held: usize,
}

impl IngestUpkeep<'_> {
    /// Indexes one stored batch, given what storing it said of each entity.
    pub(crate) fn add(
        &mut self,
        statements: &[Statement],
        stored: &BatchOutcome,
    ) -> Result<(), EngineError> {
        let extended: HashSet<&str> = stored.extended.iter().map(|e| &**e).collect();
        let created: HashSet<&str> = stored
            .created
            .iter()
            .map(|e| &**e)
            .filter(|e| !extended.contains(e))
            .collect();
        // Statements come a record at a time: entities are sorted by their
        // runs, not statement by statement, which compared each id's text
        // some twenty times.
        let mut runs: Vec<&[Statement]> = statements
            .chunk_by(|a, b| a.entity_id == b.entity_id)
            .filter(|run| run.first().is_some_and(|s| created.contains(&*s.entity_id)))
            .collect();
        // Stable: an entity's runs stay in the order said.
        runs.sort_by(|a, b| entity_of(a).cmp(entity_of(b)));
        let mut entity: Vec<&Statement> = Vec::new();
        for same in runs.chunk_by(|a, b| entity_of(a) == entity_of(b)) {
            // In the order the store reads an entity back: by statement id,
            // once each, the first said kept.
            entity.clear();
            entity.extend(same.iter().flat_map(|run| run.iter()));
            entity.sort_by_key(|s| s.id);
            entity.dedup_by_key(|s| s.id);
            // A record seen for the first time has not been resolved.
            let id = entity_of(same.first().copied().unwrap_or_default());
            for doc in self
                .engine
                .documents(id, entity.iter().copied(), &mut self.shapes)?
            {
                self.writer.add(&doc).map_err(search_error)?;
            }
        }
        let mut extended: Vec<&str> = extended.into_iter().collect();
        extended.sort_unstable();
        self.rereads_held += extended.len();
        self.engine
            .reread(&mut self.writer, extended.into_iter(), &mut self.shapes)
    }

    /// Makes the run's documents searchable (with a rebuild, when an
    /// earlier run's never were).
    pub(crate) fn commit(self) -> Result<(), EngineError> {
        if self.missed {
            drop(self.writer);
            self.engine.rebuild_index()?;
        } else {
            self.engine.index.commit(self.writer)?;
        }
        self.engine.index.clear_pending()
    }
}

/// The entity a run of one entity's statements is of.
fn entity_of(run: &[Statement]) -> &str {
    run.first().map_or("", |s| &s.entity_id)
}

/// A caption made only of the document's own values, so it never shows
/// more than the document's shape allows.
fn label(d: &IndexDoc) -> String {
    let pick = |vals: &[(String, String)], prop: &str| {
        vals.iter().find(|(p, _)| p == prop).map(|(_, v)| v.clone())
    };
    pick(&d.names, "name")
        .or_else(|| d.names.first().map(|(_, v)| v.clone()))
        .or_else(|| pick(&d.identifiers, "reference"))
        .or_else(|| d.identifiers.first().map(|(_, v)| v.clone()))
        .map(|v| format!("{v} ({})", d.schema))
        .unwrap_or_else(|| format!("{} {}", d.schema, d.entity))
}

impl Session<'_> {
    /// The shapes this session may see for `action`: those the policies
    /// allow outright. Masked shapes are not among them, so masked values
    /// are never searched.
    pub(crate) fn visible(&self, action: Action) -> Result<Visible, EngineError> {
        // Break-glass widens decisions outside the shared memo, so such a
        // session's answer is neither taken from nor kept for others.
        let shared = self.break_glass.is_none();
        let count = self.engine.index.shapes()?.len();
        if shared
            && let Some(v) = self
                .engine
                .decisions
                .visible(&self.decisions, action, count)
        {
            return Ok(v);
        }
        let visible = self.shapes_where(action, Decision::is_allow)?;
        if shared {
            self.engine
                .decisions
                .keep_visible(&self.decisions, action, count, &visible);
        }
        Ok(visible)
    }

    /// The shapes whose decision for `action` passes `keep`.
    pub(crate) fn shapes_where(
        &self,
        action: Action,
        keep: impl Fn(Decision) -> bool,
    ) -> Result<Visible, EngineError> {
        let shapes = self.engine.index.shapes()?.clone();
        let mut ancestors: HashMap<&str, Vec<String>> = HashMap::new();
        let mut out = Vec::with_capacity(shapes.len());
        for (id, s) in &shapes {
            let anc = ancestors
                .entry(&s.schema)
                .or_insert_with(|| self.engine.ancestors(&s.schema))
                .clone();
            let resource = Resource {
                dataset: s.dataset.clone(),
                schema: s.schema.clone(),
                schema_ancestors: anc,
                sensitivity: s.sensitivity,
                // Part of the shape through its type: a record whose type is
                // special-category never matches for a purpose without a basis.
                type_sensitivity: self.engine.ontology().type_sensitivity(&s.schema),
                markings: s.markings.clone(),
            };
            if keep(self.decide(action, &resource, false)) {
                out.push(*id);
            }
        }
        Ok(Visible::new(out))
    }
}

impl Session<'_> {
    /// The datasets of the shapes this session may see for `action`, in
    /// name order: what a search can find in, read from the index's shapes
    /// rather than by counting the store.
    pub(crate) fn visible_datasets(&self, action: Action) -> Result<Vec<String>, EngineError> {
        let visible = self.visible(action)?;
        let shapes = self.engine.index.shapes()?;
        let names: std::collections::BTreeSet<&str> = shapes
            .iter()
            .filter(|(id, _)| visible.contains(**id))
            .map(|(_, s)| s.dataset.as_str())
            .collect();
        Ok(names.into_iter().map(str::to_string).collect())
    }
}
