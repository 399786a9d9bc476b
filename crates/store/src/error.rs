use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the store at `{path}`: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "the store at `{path}` has schema version {found}, newer than this build's {supported}: upgrade clearstone"
    )]
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("corrupt statement `{id}` in the store: {why}")]
    Corrupt { id: String, why: String },
    #[error("unknown dataset `{0}`")]
    UnknownDataset(String),
    #[error("entity `{id}` has more than {limit} statements (entity_statements_max)")]
    TooManyStatements { id: String, limit: usize },
    #[error("{0}")]
    Aborted(String),
    #[error("cannot create the store at `{path}`: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "rule `{id}` version {version} is already registered with other text: give the changed rule a new version"
    )]
    RuleChanged { id: String, version: u32 },
    #[error("no rule `{id}` version {version} is registered")]
    UnknownRule { id: String, version: u32 },
}
