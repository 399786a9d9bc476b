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

impl PolicyError {
    /// The same error with every quoted or back-ticked token of the checked
    /// text replaced by `…`: what is wrong and where, without repeating the
    /// text itself (the file checked may not be a policy file at all).
    pub fn without_tokens(&self) -> Self {
        match self {
            Self::Invalid { file, problems } => Self::Invalid {
                file: file.clone(),
                problems: problems
                    .iter()
                    .map(|p| Problem {
                        line: p.line,
                        policy: p.policy.as_deref().map(unquoted),
                        message: unquoted(&p.message),
                    })
                    .collect(),
            },
            other => other.clone(),
        }
    }
}

/// `text` with whatever stands between backticks or double quotes replaced
/// by `…`.
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<char> = None;
    for c in text.chars() {
        match open {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '`' || c == '"' {
                    open = Some(c);
                }
            }
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

fn join(problems: &[Problem]) -> String {
    let shown: Vec<String> = problems.iter().map(Problem::to_string).collect();
    shown.join("; ")
}

/// Cedar's messages may span lines; ours are one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::unquoted;

    #[test]
    fn quoted_tokens_are_replaced_and_the_rest_kept() {
        assert_eq!(
            unquoted("unexpected token `Jane Doe`, expected \"permit\""),
            "unexpected token `…`, expected \"…\""
        );
        assert_eq!(unquoted("line 3: unclosed `rest"), "line 3: unclosed `…");
        assert_eq!(unquoted("nothing quoted"), "nothing quoted");
    }
}
