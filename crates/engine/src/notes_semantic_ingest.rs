//! Notes that arrive by ingest get their sentence vectors in the ingest's
//! own upkeep, once its statements are committed, so semantic search finds
//! them without an administrator's `clearstone notes index`. Only in a build
//! with the `semantic` feature and only when `CLEARSTONE_EMBED_MODEL` names a
//! model: otherwise the ingest path collects nothing. The vectors are
//! derived, like the search index; a failure to embed leaves them to
//! `notes index` and never fails the ingest that stored the notes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::sync::{Arc, Mutex};

use clearstone_embed::{Embedder, MODEL_ENV};
use clearstone_model::Statement;

use crate::Session;
use crate::notes_semantic::embed_notes;
use crate::notes_semantic_store::{self as vectors, Passages, text_hash};

/// The model as last loaded, by its folder: a process that ingests file
/// after file reads the weights once.
type Loaded = (OsString, Arc<Embedder>);
static MODEL: Mutex<Option<Loaded>> = Mutex::new(None);

fn configured() -> Option<OsString> {
    std::env::var_os(MODEL_ENV).filter(|d| !d.is_empty())
}

fn model(dir: &OsString) -> Option<Arc<Embedder>> {
    let mut held = MODEL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((d, m)) = held.as_ref()
        && d == dir
    {
        return Some(m.clone());
    }
    let m = Arc::new(Embedder::open(std::path::Path::new(dir)).ok()?);
    *held = Some((dir.clone(), m.clone()));
    Some(m)
}

/// The note texts an ingest run stored, by note id (the last one read).
#[derive(Default)]
pub(crate) struct IngestedNotes {
    model: Option<OsString>,
    texts: BTreeMap<String, String>,
}

impl IngestedNotes {
    /// Collects only when a model is configured.
    pub(crate) fn new() -> Self {
        Self {
            model: configured(),
            texts: BTreeMap::new(),
        }
    }

    pub(crate) fn collect(&mut self, s: &Session<'_>, statements: &[Statement]) {
        if self.model.is_none() {
            return;
        }
        for st in statements {
            if &*st.prop == "text" && s.is_note_type(&st.schema) {
                self.texts
                    .insert(st.entity_id.to_string(), st.value.clone());
            }
        }
    }

    /// Embeds the collected notes whose text has no vectors yet; returns
    /// how many it embedded.
    pub(crate) fn embed(self, s: &Session<'_>) -> u64 {
        let Some(dir) = self.model.filter(|_| !self.texts.is_empty()) else {
            return 0;
        };
        let Some(model) = model(&dir) else {
            return 0;
        };
        embed_new(s, &model, &self.texts).unwrap_or(0)
    }
}

fn embed_new(
    s: &Session<'_>,
    model: &Embedder,
    texts: &BTreeMap<String, String>,
) -> Result<u64, crate::EngineError> {
    let data = s.engine.dir();
    let old = vectors::load(data)?;
    if !old.items.is_empty() && (old.model != Embedder::NAME || old.dim != model.dim()) {
        // Vectors of another model: `notes index --rebuild` replaces them.
        return Ok(0);
    }
    let mut held: HashMap<&str, [u8; 32]> = HashMap::new();
    for p in &old.items {
        held.insert(p.note.as_str(), p.text_hash);
    }
    let fresh: Vec<(&str, &str)> = texts
        .iter()
        .filter(|(id, text)| held.get(id.as_str()) != Some(&text_hash(text)))
        .map(|(id, text)| (id.as_str(), text.as_str()))
        .collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    let items = embed_notes(model, &fresh);
    let changed: HashSet<&str> = fresh
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| held.contains_key(id))
        .collect();
    if changed.is_empty() {
        vectors::append(data, Embedder::NAME, model.dim(), &items)?;
    } else {
        // A note whose text changed loses the vectors of its old text.
        let mut all: Vec<_> = old
            .items
            .iter()
            .filter(|p| !changed.contains(p.note.as_str()))
            .cloned()
            .chain(items)
            .collect();
        all.sort_by(|a, b| a.note.cmp(&b.note).then(a.start.cmp(&b.start)));
        vectors::save(
            data,
            &Passages {
                model: Embedder::NAME.to_string(),
                dim: model.dim(),
                items: all,
            },
        )?;
    }
    Ok(fresh.len() as u64)
}
