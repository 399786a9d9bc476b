//! Searching the sentences of notes, lexically (the default) or by meaning
//! with a sentence-embedding model (the `semantic` feature), through the
//! gate: every candidate passage's note is loaded as the note reader loads
//! it, so a note this session may not see never shows, not even in a count,
//! and a sentence in a special-category span its purpose may not see is
//! left out. The query is free text: the log keeps its hash.

use std::collections::{BTreeMap, HashMap, HashSet};

use clearstone_embed::Embedder;
use clearstone_notes::{Note, sentences};
use clearstone_policy::Action;
use clearstone_store::Store;

use crate::notes_semantic_store::{self as vectors, Passage, Passages, text_hash};
use crate::notes_write::NewNote;
use crate::{EngineError, NoteView, Operation, Session};

/// The most passages one search returns.
pub const NOTE_HITS_MAX: usize = 50;
/// The word of every placeholder the notes crate's `redact` writes.
const WITHHELD_WORD: &str = "withheld";
/// The longest query accepted, in chars.
pub const NOTE_QUERY_CHARS_MAX: usize = 1_000;

/// How passages are ranked.
#[derive(Debug, Clone, Copy)]
pub enum NoteSearchMode<'m> {
    /// By the number of the query's content words a sentence holds (lemmas,
    /// each counted once: no corpus statistics, which would count hidden
    /// notes), then the shorter sentence first.
    Lexical,
    /// By cosine similarity of sentence vectors.
    Semantic(&'m Embedder),
}

impl NoteSearchMode<'_> {
    /// The mode as controlled vocabulary for the log.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lexical => "lexical",
            Self::Semantic(_) => "semantic",
        }
    }
}

/// One sentence of a note that a search found, with its citation.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageHit {
    pub note_id: String,
    /// Char span into the note's text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Cosine similarity (of unit vectors), or the number of query words found.
    pub score: f32,
    pub date: Option<String>,
    pub about: Option<String>,
}

/// What `clearstone notes index` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassageIndexReport {
    pub notes: usize,
    /// Notes whose sentences were embedded in this run.
    pub embedded: usize,
    pub passages: usize,
}

/// A candidate before the gate.
struct Candidate {
    note: String,
    start: usize,
    end: usize,
    score: f32,
    hash: Option<[u8; 32]>,
}

/// What the gate lets this session see of one note.
struct Seen {
    text: String,
    hash: [u8; 32],
    withheld: Vec<(usize, usize)>,
    date: Option<String>,
    about: Option<String>,
}

fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

impl Session<'_> {
    /// The sentences of notes nearest to `query` that this session may see
    /// (`clearstone notes search`): one event, naming the notes shown and
    /// the query by hash.
    pub fn search_notes(
        &self,
        query: &str,
        mode: NoteSearchMode<'_>,
        limit: usize,
        reveal: bool,
    ) -> Result<Vec<PassageHit>, EngineError> {
        let (op, verb) = if reveal {
            (Operation::Reveal, "reveal")
        } else {
            (Operation::Consult, "search")
        };
        let text = crate::session::text_ref(query);
        let what = format!("{verb} notes, {} {text}", mode.code());
        self.logged(op, &what, &[], || {
            if reveal && !self.purpose.allows_sensitive() {
                self.record(
                    Operation::Refused,
                    &what,
                    &[],
                    None,
                    "sensitive_basis_required",
                )?;
                return Err(EngineError::Forbidden {
                    what: "reveal special-category values".into(),
                    code: "sensitive_basis_required",
                });
            }
            check_query(query, limit)?;
            let hits = match mode {
                NoteSearchMode::Lexical => {
                    let ranked = self.lexical_candidates(query, reveal)?;
                    self.through_gate(ranked.into_iter(), limit, reveal)?
                }
                NoteSearchMode::Semantic(model) => {
                    let all = vectors::load(self.engine.dir())?;
                    let order = semantic_order(&all, query, model)?;
                    let ranked = order.into_iter().filter_map(|(score, i)| {
                        let p = all.items.get(i)?;
                        Some(Candidate {
                            note: p.note.clone(),
                            start: p.start as usize,
                            end: p.end as usize,
                            score,
                            hash: Some(p.text_hash),
                        })
                    });
                    self.through_gate(ranked, limit, reveal)?
                }
            };
            let notes: Vec<&str> = {
                let mut seen = HashSet::new();
                hits.iter()
                    .map(|h| h.note_id.as_str())
                    .filter(|n| seen.insert(*n))
                    .collect()
            };
            self.engine.store()?.put_text(&text, query)?;
            self.record(op, &what, &notes, None, &format!("{} passages", hits.len()))?;
            Ok(hits)
        })
    }

    /// Embeds the sentences of every stored note not yet embedded (or all
    /// of them, with `rebuild`) and drops those of notes no longer stored
    /// (`clearstone notes index`). Needs the permission to administer, as the
    /// vectors are derived from every note, like the search index.
    pub fn index_note_passages(
        &self,
        model: &Embedder,
        rebuild: bool,
    ) -> Result<PassageIndexReport, EngineError> {
        let what = "index note passages";
        self.logged(Operation::Administer, what, &[], || {
            self.require_action(Action::Administer, what)?;
            let dir = self.engine.dir();
            let old = vectors::load(dir)?;
            let same_model = old.model == Embedder::NAME && old.dim == model.dim();
            let mut kept: HashMap<String, Vec<Passage>> = HashMap::new();
            if same_model && !rebuild {
                for p in old.items.iter().cloned() {
                    kept.entry(p.note.clone()).or_default().push(p);
                }
            }
            let texts = self.stored_note_texts()?;
            let mut report = PassageIndexReport {
                notes: texts.len(),
                ..PassageIndexReport::default()
            };
            let mut items = Vec::new();
            let mut fresh = Vec::new();
            for (id, text) in &texts {
                let hash = text_hash(text);
                match kept.remove(id) {
                    Some(ps) if ps.iter().all(|p| p.text_hash == hash) => {
                        items.extend(dedup(ps));
                    }
                    _ => fresh.push((id.as_str(), text.as_str())),
                }
            }
            report.embedded = fresh.len();
            items.extend(embed_notes(model, &fresh));
            // File order breaks ties in a ranking: by note, then position.
            items.sort_by(|a, b| a.note.cmp(&b.note).then(a.start.cmp(&b.start)));
            report.passages = items.len();
            vectors::save(
                dir,
                &Passages {
                    model: Embedder::NAME.to_string(),
                    dim: model.dim(),
                    items,
                },
            )?;
            self.record(
                Operation::Administer,
                what,
                &[],
                None,
                &format!(
                    "{} notes, {} embedded, {} passages",
                    report.notes, report.embedded, report.passages
                ),
            )?;
            Ok(report)
        })
    }

    /// Adds a note and embeds its sentences at once, so semantic search
    /// finds it without waiting for `clearstone notes index`. One event, the
    /// add's.
    pub fn add_note_indexed(
        &self,
        note: &NewNote,
        model: &Embedder,
    ) -> Result<NoteView, EngineError> {
        let view = self.add_note(note)?;
        let items = embed_note(model, &view.id, &note.text);
        vectors::append(self.engine.dir(), Embedder::NAME, model.dim(), &items)?;
        Ok(view)
    }

    /// The current text of every stored note, read raw: only for deriving
    /// the vectors and ranking candidates, never returned as such.
    fn stored_note_texts(&self) -> Result<BTreeMap<String, String>, EngineError> {
        let mut latest: BTreeMap<String, (clearstone_model::Timestamp, String)> = BTreeMap::new();
        let store = self.engine.store()?;
        store.for_each_statement(&mut |s| {
            if &*s.prop == "text" && self.is_note_type(&s.schema) {
                let at = s.last_seen.max(s.first_seen);
                let id = s.entity_id.to_string();
                match latest.get(&id) {
                    Some((t, _)) if *t > at => {}
                    _ => {
                        latest.insert(id, (at, s.value));
                    }
                }
            }
            Ok(())
        })?;
        Ok(latest.into_iter().map(|(k, (_, v))| (k, v)).collect())
    }

    /// The current text of each stored note whose text holds a word of the
    /// query, found through the search index (which holds every note's
    /// text, whatever its shape) rather than by reading every statement.
    /// Read raw, only to rank candidates the gate then loads one by one;
    /// a note this session could see nothing of is left unread, as an
    /// absent one is, so neither its damage nor its reading time shows.
    fn note_texts_holding(
        &self,
        query: &str,
        terms: &[String],
        reveal: bool,
    ) -> Result<Vec<(String, String)>, EngineError> {
        // The index stems where the notes crate lemmatises: ask for the
        // words as typed, as lemmas and in their irregular forms ("go" is
        // also "went", which no stemmer reaches), and let the ranking
        // compare lemmas.
        let forms = clearstone_notes::search_forms(query);
        let mut words: Vec<&str> = query
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !clearstone_notes::search_terms(w).is_empty())
            .collect();
        words.extend(terms.iter().map(String::as_str));
        words.extend(forms.iter().map(String::as_str));
        // The index holds each special-category span as a placeholder
        // ("[health withheld]"), so a note with one is always a candidate:
        // a purpose that may see the span must find its words.
        words.push(WITHHELD_WORD);
        let ids = self
            .engine
            .search_index()
            .entities_with_words(crate::notes::NOTE_TYPE, &words)
            .map_err(crate::index::search_error)?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, _) in ids {
            let mut latest: Option<(clearstone_model::Timestamp, String)> = None;
            for s in self.visible_statements(&id, Action::View, reveal)? {
                let at = s.last_seen.max(s.first_seen);
                if &*s.prop == "text"
                    && self.is_note_type(&s.schema)
                    && latest.as_ref().is_none_or(|(t, _)| at >= *t)
                {
                    latest = Some((at, s.value));
                }
            }
            if let Some((_, text)) = latest {
                out.push((id, text));
            }
        }
        Ok(out)
    }

    fn lexical_candidates(&self, query: &str, reveal: bool) -> Result<Vec<Candidate>, EngineError> {
        let terms = clearstone_notes::search_terms(query);
        if terms.is_empty() {
            return Err(EngineError::InvalidInput(format!(
                "query `{query}` has no word to search for"
            )));
        }
        let mut out = Vec::new();
        for (id, text) in self.note_texts_holding(query, &terms, reveal)? {
            let note = Note::new(id.clone(), text.clone());
            for span in sentences(&note) {
                let Some(sentence) = span.slice(&text) else {
                    continue;
                };
                let words = clearstone_notes::search_terms(sentence);
                let found = terms.iter().filter(|t| words.contains(t)).count();
                if found > 0 {
                    out.push(Candidate {
                        note: id.clone(),
                        start: span.start,
                        end: span.end,
                        score: found as f32,
                        hash: None,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(
                    a.end
                        .saturating_sub(a.start)
                        .cmp(&b.end.saturating_sub(b.start)),
                )
                .then(a.note.cmp(&b.note))
                .then(a.start.cmp(&b.start))
        });
        Ok(out)
    }

    /// Walks the ranked candidates, loading each note through the gate once,
    /// until `limit` passages this session may see are found.
    fn through_gate(
        &self,
        candidates: impl Iterator<Item = Candidate>,
        limit: usize,
        reveal: bool,
    ) -> Result<Vec<PassageHit>, EngineError> {
        let mut seen: HashMap<String, Option<Seen>> = HashMap::new();
        let mut shown: HashSet<(String, usize, usize)> = HashSet::new();
        let mut hits = Vec::new();
        for c in candidates {
            if hits.len() >= limit {
                break;
            }
            if !seen.contains_key(&c.note) {
                let v = self.seen_note(&c.note, reveal)?;
                seen.insert(c.note.clone(), v);
            }
            let Some(Some(v)) = seen.get(&c.note) else {
                continue;
            };
            // A vector cut from an older text no longer cites this one.
            let stale = c.hash.is_some_and(|h| h != v.hash);
            let held = v.withheld.iter().any(|(a, b)| *a < c.end && c.start < *b);
            if stale || held || !shown.insert((c.note.clone(), c.start, c.end)) {
                continue;
            }
            hits.push(PassageHit {
                text: char_slice(&v.text, c.start, c.end),
                note_id: c.note,
                start: c.start,
                end: c.end,
                score: c.score,
                date: v.date.clone(),
                about: v.about.clone(),
            });
        }
        Ok(hits)
    }

    /// A note as the reader would load it: `None` when it is absent, hidden
    /// or its text masked, so nothing of it can be found.
    fn seen_note(&self, id: &str, reveal: bool) -> Result<Option<Seen>, EngineError> {
        let Some(g) = self.load_note(id, reveal)? else {
            return Ok(None);
        };
        let Some(note) = &g.note else {
            return Ok(None);
        };
        let withheld = g
            .special
            .iter()
            .filter(|s| !g.allows(s.category))
            .map(|s| (s.span.start, s.span.end))
            .collect();
        Ok(Some(Seen {
            hash: text_hash(&note.text),
            text: note.text.clone(),
            withheld,
            date: g.view.date.clone(),
            about: g.view.about.clone(),
        }))
    }
}

/// Every passage's index, nearest first (ties in file order, which is by
/// note and position). Only scores and indexes are sorted, so a search
/// copies no note ids but those it shows.
fn semantic_order(
    all: &Passages,
    query: &str,
    model: &Embedder,
) -> Result<Vec<(f32, usize)>, EngineError> {
    if all.items.is_empty() || all.model != Embedder::NAME || all.dim != model.dim() {
        return Err(EngineError::InvalidInput(
            "the notes have no sentence vectors for this model: run `clearstone notes index`"
                .into(),
        ));
    }
    let q = model.embed(query);
    let mut order: Vec<(f32, usize)> = all
        .items
        .iter()
        .enumerate()
        .map(|(i, p)| (clearstone_embed::dot(&q, &p.vector), i))
        .collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(order)
}

fn check_query(query: &str, limit: usize) -> Result<(), EngineError> {
    if query.trim().is_empty() {
        return Err(EngineError::InvalidInput("the query is empty".into()));
    }
    let n = query.chars().count();
    if n > NOTE_QUERY_CHARS_MAX {
        return Err(EngineError::InvalidInput(format!(
            "a query of {n} chars is over note_query_chars_max ({NOTE_QUERY_CHARS_MAX})"
        )));
    }
    if limit == 0 || limit > NOTE_HITS_MAX {
        return Err(EngineError::InvalidInput(format!(
            "--limit `{limit}` is outside 1 to note_hits_max ({NOTE_HITS_MAX})"
        )));
    }
    Ok(())
}

fn dedup(mut ps: Vec<Passage>) -> Vec<Passage> {
    let mut seen = HashSet::new();
    ps.retain(|p| seen.insert((p.start, p.end)));
    ps
}

fn embed_note(model: &Embedder, id: &str, text: &str) -> Vec<Passage> {
    embed_notes(model, &[(id, text)])
}

/// The passages of many notes, their sentences embedded together so the
/// model runs full batches over every core.
pub(crate) fn embed_notes(model: &Embedder, notes: &[(&str, &str)]) -> Vec<Passage> {
    let mut cut = Vec::new();
    for (id, text) in notes {
        let note = Note::new(id.to_string(), text.to_string());
        let hash = text_hash(text);
        for span in sentences(&note) {
            let (Some(sentence), Ok(start), Ok(end)) = (
                span.slice(text),
                u32::try_from(span.start),
                u32::try_from(span.end),
            ) else {
                continue;
            };
            cut.push((*id, hash, start, end, sentence));
        }
    }
    let texts: Vec<&str> = cut.iter().map(|c| c.4).collect();
    let vectors = model.embed_batch(&texts);
    cut.into_iter()
        .zip(vectors)
        .map(|((note, text_hash, start, end, _), vector)| Passage {
            note: note.to_string(),
            text_hash,
            start,
            end,
            vector,
        })
        .collect()
}
