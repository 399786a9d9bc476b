use thiserror::Error;

/// Errors that stop a whole ingest before or while reading a file. Problems
/// with single records are not errors: they go to quarantine.
#[derive(Debug, Error)]
pub enum IngestError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("`{path}` is larger than {limit} bytes (config_bytes_max)")]
    TooLarge { path: String, limit: usize },
    #[error("mapping `{path}` line {line}: {message}")]
    Mapping {
        path: String,
        line: usize,
        message: String,
    },
    #[error("`{path}` cannot be read as {format}: {message}")]
    Unreadable {
        path: String,
        format: &'static str,
        message: String,
        /// Why, as a stable snake_case code (`duplicate_header`, `empty_file`, ...).
        code: &'static str,
    },
    #[error("ingest stopped: {0}")]
    Sink(String),
}

impl IngestError {
    /// A stable snake_case code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "source_unreadable",
            Self::TooLarge { .. } => "limit_exceeded",
            Self::Mapping { .. } => "invalid_mapping",
            Self::Unreadable { code, .. } => code,
            Self::Sink(_) => "ingest_failed",
        }
    }
}

/// Why one record could not be mapped, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The source column (or field) at fault; empty for the whole record.
    pub column: String,
    pub reason: String,
}

impl RowError {
    pub(crate) fn new(column: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            column: column.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "`{}`: {}", self.column, self.reason)
        }
    }
}
