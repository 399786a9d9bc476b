//! `clearstone notes search` and `clearstone notes index`: the sentences of
//! notes nearest a query, lexically or, with the `semantic` feature and a
//! model in `CLEARSTONE_EMBED_MODEL`, by meaning; every search through a
//! session.

use anyhow::{Result, anyhow};
use clearstone_engine::embed::{EmbedError, Embedder, MODEL_ENV};
use clearstone_engine::{NewNote, NoteSearchMode, NoteView, PassageHit, Session};
use serde_json::json;

/// The embedding model, or why there is none, said plainly.
pub fn model() -> Result<Embedder> {
    Embedder::from_env().map_err(|e| match e {
        EmbedError::NotBuilt => anyhow!(
            "semantic search is not built into this clearstone (build with `--features semantic`); \
             lexical search works without it: leave out --semantic"
        ),
        EmbedError::ModelMissing(_) => anyhow!(
            "no sentence-embedding model: set {MODEL_ENV} to the folder holding all-MiniLM-L6-v2 \
             (model.safetensors, tokenizer.json, config.json; see docs/notes.md); lexical search \
             works without it: leave out --semantic"
        ),
        other => anyhow!(other),
    })
}

/// Adds a note, embedding its sentences at once when a model is at hand,
/// so semantic search finds it without a re-index.
pub fn add(s: &Session<'_>, note: &NewNote) -> Result<NoteView> {
    let configured = std::env::var_os(MODEL_ENV).is_some_and(|v| !v.is_empty());
    if clearstone_engine::embed::BUILT && configured {
        let m = model()?;
        return Ok(s.add_note_indexed(note, &m)?);
    }
    Ok(s.add_note(note)?)
}

pub fn search(
    s: &Session<'_>,
    query: &str,
    model: Option<&Embedder>,
    limit: usize,
    reveal: bool,
    as_json: bool,
) -> Result<()> {
    let mode = match model {
        Some(m) => NoteSearchMode::Semantic(m),
        None => NoteSearchMode::Lexical,
    };
    let hits = s.search_notes(query, mode, limit, reveal)?;
    print_hits(&hits, mode.code(), as_json)
}

pub fn index(s: &Session<'_>, model: &Embedder, rebuild: bool, as_json: bool) -> Result<()> {
    let r = s.index_note_passages(model, rebuild)?;
    if as_json {
        println!(
            "{}",
            json!({"notes": r.notes, "embedded": r.embedded, "passages": r.passages})
        );
    } else {
        println!(
            "{} notes, {} embedded now, {} sentences searchable by meaning",
            r.notes, r.embedded, r.passages
        );
    }
    Ok(())
}

fn print_hits(hits: &[PassageHit], mode: &str, as_json: bool) -> Result<()> {
    if as_json {
        let list: Vec<_> = hits
            .iter()
            .map(|h| {
                json!({
                    "note": h.note_id, "start": h.start, "end": h.end, "text": h.text,
                    "score": h.score, "date": h.date, "about": h.about,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"mode": mode, "hits": list}))?
        );
        return Ok(());
    }
    if hits.is_empty() {
        println!("no sentence of a note you may see matches ({mode} search)");
        return Ok(());
    }
    for (i, h) in hits.iter().enumerate() {
        println!(
            "{:>2}. {:.3}  {} [{}, {})  {}",
            i + 1,
            h.score,
            h.note_id,
            h.start,
            h.end,
            h.date.as_deref().unwrap_or("undated")
        );
        println!("    {}", h.text);
    }
    Ok(())
}
