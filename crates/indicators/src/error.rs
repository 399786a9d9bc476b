use thiserror::Error;

/// A rule file that cannot be used, naming the file, the line and the field.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RuleError {
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: field `{field}`: {message}")]
    Field {
        file: String,
        line: usize,
        field: String,
        message: String,
    },
}

impl RuleError {
    /// A stable code for the error's kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "rule_syntax",
            Self::Field { .. } => "rule_field",
        }
    }
}
