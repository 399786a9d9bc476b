//! The tokenizer and the forward pass against sentence-transformers' own
//! output for all-MiniLM-L6-v2 (`reference.json`, computed once with the
//! Python reference, `normalize_embeddings=True`; issue 19, item 7). Needs
//! the weights, named by `CLEARSTONE_EMBED_MODEL`; `.ci/run` fetches them.
//! Without them each test says it was skipped.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use clearstone_embed::{MODEL_ENV, WordPiece};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    text: String,
    ids: Vec<u32>,
    #[cfg_attr(not(feature = "semantic"), allow(dead_code))]
    vector: Vec<f32>,
}

fn reference() -> Reference {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn model_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(MODEL_ENV).map(PathBuf::from);
    match dir {
        Some(d) if d.join("tokenizer.json").is_file() => Some(d),
        _ => {
            eprintln!("{test}: skipped, no model in ${MODEL_ENV}");
            None
        }
    }
}

#[test]
fn tokenizer_gives_the_reference_ids() {
    let Some(dir) = model_dir("tokenizer_gives_the_reference_ids") else {
        return;
    };
    let json = std::fs::read_to_string(dir.join("tokenizer.json")).unwrap();
    let tok = WordPiece::from_tokenizer_json(&json, "tokenizer.json").unwrap();
    for s in reference().sentences {
        assert_eq!(tok.encode(&s.text), s.ids, "{:?}", s.text);
    }
}

#[cfg(feature = "semantic")]
#[test]
fn embeddings_match_the_reference() {
    use clearstone_embed::{Embedder, cosine};
    let Some(dir) = model_dir("embeddings_match_the_reference") else {
        return;
    };
    let model = Embedder::open(&dir).unwrap();
    let mut least = f32::MAX;
    for s in reference().sentences {
        let v = model.embed(&s.text);
        assert_eq!(v.len(), s.vector.len());
        let c = cosine(&v, &s.vector);
        assert!(c >= 0.9999, "cosine {c} for {:?}", s.text);
        least = least.min(c);
    }
    eprintln!("least cosine with the reference: {least:.6}");
}

/// Sentences of different lengths padded into one batch, spread over
/// threads and put back in order, give each sentence its own vector.
#[cfg(feature = "semantic")]
#[test]
fn batched_embeddings_match_the_reference() {
    use clearstone_embed::{Embedder, cosine};
    let Some(dir) = model_dir("batched_embeddings_match_the_reference") else {
        return;
    };
    let model = Embedder::open(&dir).unwrap();
    let sentences = reference().sentences;
    // Repeated past one batch, so batches of mixed lengths are run too.
    let texts: Vec<&str> = sentences
        .iter()
        .cycle()
        .take(3 * sentences.len())
        .map(|s| s.text.as_str())
        .collect();
    let vectors = model.embed_batch(&texts);
    assert_eq!(vectors.len(), texts.len());
    for (v, s) in vectors.iter().zip(sentences.iter().cycle()) {
        let c = cosine(v, &s.vector);
        assert!(c >= 0.9999, "cosine {c} for {:?}", s.text);
    }
}

#[cfg(not(feature = "semantic"))]
#[test]
fn without_the_feature_opening_says_so() {
    let err = clearstone_embed::Embedder::open(std::path::Path::new(".")).unwrap_err();
    assert_eq!(err.code(), "semantic_not_built");
}
