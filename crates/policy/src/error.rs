//! Errors from loading policies and registering purposes.

use std::fmt;

/// One thing wrong with a policy file, placed as precisely as Cedar allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    /// The policy's `@id`, or Cedar's `policyN` when it has none.
    pub policy: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(policy) = &self.policy {
            write!(f, "policy `{policy}`: ")?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PolicyError {
    #[error("invalid policies in `{file}`: {}", join(.problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
    /// The shipped schema failed to parse: a build defect, not user input.
    #[error("invalid cedar schema: {0}")]
    Schema(String),
    /// A principal or purpose could not be turned into Cedar entities.
    #[error("cannot build policy entities for `{id}`: {message}")]
    Entities { id: String, message: String },
    #[error("invalid purpose `{id}`: {message}")]
    Purpose { id: String, message: String },
}

fn join(problems: &[Problem]) -> String {
    let shown: Vec<String> = problems.iter().map(Problem::to_string).collect();
    shown.join("; ")
}

/// Cedar's messages may span lines; ours are one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
