//! Form plumbing the pages share: field errors for the error summary, and
//! the check that a state-changing form came from our own page.

use super::{PurposeChoice, SignedIn};

/// One field's problem, shown in the error summary and beside the field.
pub(crate) struct FieldError {
    /// The field's id, which the summary links to.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The message for `field` among `errors`, if it has one.
pub(crate) fn message_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// Whether a form's token is the web session's, compared in constant time so
/// a forger learns nothing from how long a refusal takes.
pub(crate) fn csrf_ok(who: &SignedIn, token: &str) -> bool {
    let (a, b) = (who.csrf.as_bytes(), token.as_bytes());
    !a.is_empty()
        && a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The problems of a choice of work that need no engine to see, for the
/// start and break-glass forms alike: a purpose the user's roles may use
/// (`unchosen` says what to select) and a reason code.
pub(crate) fn work_choice_errors(
    purpose: &str,
    reason: &str,
    purposes: &[PurposeChoice],
    unchosen: &str,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !purposes.iter().any(|p| p.id == purpose) {
        errors.push(FieldError::new("purpose", unchosen));
    }
    if !clearstone_engine::REASON_CODES.contains(&reason) {
        errors.push(FieldError::new("reason", "Select a reason"));
    }
    errors
}
