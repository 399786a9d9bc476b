//! Sentence embeddings for semantic search over case notes.
//!
//! The tokenizer is always built; the model's forward pass only with the
//! `semantic` feature, so the default build carries no tensor code. The
//! weights are never shipped or fetched: [`Embedder::open`] reads a folder
//! holding sentence-transformers' all-MiniLM-L6-v2 (`model.safetensors`,
//! `tokenizer.json`, `config.json`), and says plainly when there is none.

mod error;
pub mod wordpiece;

#[cfg(feature = "semantic")]
mod bert;

use std::path::Path;

pub use error::EmbedError;
pub use wordpiece::{TOKENS_MAX, WordPiece};

/// Whether this build can embed at all.
pub const BUILT: bool = cfg!(feature = "semantic");
/// The environment variable naming the model's folder.
pub const MODEL_ENV: &str = "CLEARSTONE_EMBED_MODEL";
/// Sentences run through the model as one batch: enough rows (some 300
/// tokens of case-note sentences) to keep a matrix multiply efficient,
/// few enough that a short job still splits over the cores.
pub const BATCH_SENTENCES: usize = 16;

/// The dot product: the cosine of two unit vectors, as
/// [`Embedder::embed`] gives, at a third of [`cosine`]'s work.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Cosine similarity; for the unit vectors [`Embedder::embed`] gives, the
/// dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// A loaded sentence-embedding model.
pub struct Embedder {
    tokenizer: WordPiece,
    dim: usize,
    #[cfg(feature = "semantic")]
    model: bert::Bert,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("dim", &self.dim).finish()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, EmbedError> {
    std::fs::read(path).map_err(|e| EmbedError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

impl Embedder {
    /// The model's name, for the log and the vectors' file.
    pub const NAME: &'static str = "all-MiniLM-L6-v2";

    /// Loads the model in `dir`. Fails with [`EmbedError::NotBuilt`] in a
    /// build without the `semantic` feature, and
    /// [`EmbedError::ModelMissing`] when the folder holds no model.
    pub fn open(dir: &Path) -> Result<Self, EmbedError> {
        if !BUILT {
            return Err(EmbedError::NotBuilt);
        }
        let weights = dir.join("model.safetensors");
        if !weights.is_file() {
            return Err(EmbedError::ModelMissing(dir.display().to_string()));
        }
        let tok_path = dir.join("tokenizer.json");
        let tok_text = String::from_utf8(read(&tok_path)?).map_err(|e| EmbedError::BadModel {
            path: tok_path.display().to_string(),
            reason: e.to_string(),
        })?;
        let tokenizer = WordPiece::from_tokenizer_json(&tok_text, &tok_path.display().to_string())?;
        Self::load(dir, tokenizer)
    }

    /// Loads the model named by [`MODEL_ENV`], or says why it cannot.
    pub fn from_env() -> Result<Self, EmbedError> {
        if !BUILT {
            return Err(EmbedError::NotBuilt);
        }
        match std::env::var_os(MODEL_ENV) {
            Some(dir) if !dir.is_empty() => Self::open(Path::new(&dir)),
            _ => Err(EmbedError::ModelMissing(format!("${MODEL_ENV} (unset)"))),
        }
    }

    #[cfg(feature = "semantic")]
    fn load(dir: &Path, tokenizer: WordPiece) -> Result<Self, EmbedError> {
        let cfg_path = dir.join("config.json");
        let bad = |reason: String| EmbedError::BadModel {
            path: cfg_path.display().to_string(),
            reason,
        };
        let cfg: serde_json::Value =
            serde_json::from_slice(&read(&cfg_path)?).map_err(|e| bad(e.to_string()))?;
        let int = |k: &str| {
            cfg.get(k)
                .and_then(serde_json::Value::as_u64)
                .and_then(|v| usize::try_from(v).ok())
                .ok_or_else(|| bad(format!("no `{k}`")))
        };
        let shape = bert::Shape {
            hidden: int("hidden_size")?,
            heads: int("num_attention_heads")?,
            layers: int("num_hidden_layers")?,
            eps: cfg
                .get("layer_norm_eps")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(1e-12) as f32,
        };
        let weights = dir.join("model.safetensors");
        let bytes = read(&weights)?;
        let model = bert::Bert::load(
            &bytes,
            shape,
            int("vocab_size")?,
            int("max_position_embeddings")?,
            int("intermediate_size")?,
            &weights.display().to_string(),
        )?;
        Ok(Self {
            tokenizer,
            dim: shape.hidden,
            model,
        })
    }

    #[cfg(not(feature = "semantic"))]
    fn load(_dir: &Path, _tokenizer: WordPiece) -> Result<Self, EmbedError> {
        Err(EmbedError::NotBuilt)
    }

    /// The length of every vector.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The tokenizer, as the model reads text.
    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// The unit-length vector of one sentence or short passage.
    #[cfg(feature = "semantic")]
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_batch(&[text])
            .pop()
            .unwrap_or_else(|| vec![0.0; self.dim])
    }

    /// The vectors of many sentences, in their order. Sentences of like
    /// length are run together ([`BATCH_SENTENCES`] at a time, so a batch
    /// pads little), and the batches spread over the cores.
    #[cfg(feature = "semantic")]
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        use rayon::prelude::*;
        let mut ids: Vec<(usize, Vec<u32>)> = texts
            .iter()
            .map(|t| self.tokenizer.encode(t))
            .enumerate()
            .collect();
        ids.sort_by_key(|(_, t)| t.len());
        let done: Vec<(usize, Vec<f32>)> = ids
            .par_chunks(BATCH_SENTENCES)
            .flat_map_iter(|chunk| {
                let batch: Vec<Vec<u32>> = chunk.iter().map(|(_, t)| t.clone()).collect();
                let vectors = self.model.embed_batch(&batch);
                chunk.iter().map(|(i, _)| *i).zip(vectors)
            })
            .collect();
        let mut out = vec![Vec::new(); texts.len()];
        for (i, v) in done {
            if let Some(slot) = out.get_mut(i) {
                *slot = v;
            }
        }
        out
    }

    /// Without the feature no `Embedder` can exist, so this is never reached.
    #[cfg(not(feature = "semantic"))]
    pub fn embed(&self, _text: &str) -> Vec<f32> {
        vec![0.0; self.dim]
    }

    /// Without the feature no `Embedder` can exist, so this is never reached.
    #[cfg(not(feature = "semantic"))]
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        vec![vec![0.0; self.dim]; texts.len()]
    }
}
