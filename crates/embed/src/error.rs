use thiserror::Error;

/// Why an embedding model could not be loaded or run.
#[derive(Debug, Error)]
pub enum EmbedError {
    #[error("semantic search is not built in: build with the `semantic` feature")]
    NotBuilt,
    #[error("no embedding model at `{0}`: unpack all-MiniLM-L6-v2 there (see docs/notes.md)")]
    ModelMissing(String),
    #[error("cannot read `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("the embedding model at `{path}` is not usable: {reason}")]
    BadModel { path: String, reason: String },
}

impl EmbedError {
    /// A stable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotBuilt => "semantic_not_built",
            Self::ModelMissing(_) => "embedding_model_missing",
            Self::Read { .. } => "embedding_model_unreadable",
            Self::BadModel { .. } => "embedding_model_invalid",
        }
    }
}
