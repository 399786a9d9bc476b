//! Email addresses as keys for matching, not for delivery.

use crate::error::{TextError, shown};

/// Trims and lowercases an email address after checking its shape: one `@`,
/// a non-empty local part, and a domain of non-empty labels with at least one
/// dot, with no whitespace anywhere.
///
/// The local part is lowercased too. RFC 5321 lets a server treat it as case
/// sensitive, but no mainstream provider does, and records of one person
/// differ in case far more often than two people differ only in case.
///
/// ```
/// use clearstone_text::normalise_email;
/// assert_eq!(normalise_email(" Jo.Bloggs@Example.GOV.uk ").unwrap(), "jo.bloggs@example.gov.uk");
/// ```
///
/// # Errors
/// [`TextError::Email`], with the reason, when the shape is wrong.
pub fn normalise_email(s: &str) -> Result<String, TextError> {
    let address = s.trim().to_lowercase();
    let fail = |reason| {
        Err(TextError::Email {
            value: shown(s.trim()),
            reason,
        })
    };
    if address.is_empty() {
        return fail("is empty");
    }
    if address.chars().any(char::is_whitespace) {
        return fail("contains whitespace");
    }
    let Some((local, domain)) = address.split_once('@') else {
        return fail("has no `@`");
    };
    if domain.contains('@') {
        return fail("has more than one `@`");
    }
    if local.is_empty() {
        return fail("has nothing before the `@`");
    }
    if domain.is_empty() {
        return fail("has nothing after the `@`");
    }
    if !domain.contains('.') {
        return fail("has no dot in its domain");
    }
    if domain.split('.').any(str::is_empty) {
        return fail("has an empty part in its domain");
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(s: &str) -> &'static str {
        match normalise_email(s) {
            Err(TextError::Email { reason, .. }) => reason,
            other => panic!("{s:?} should be rejected, got {other:?}"),
        }
    }

    #[test]
    fn valid_addresses_are_trimmed_and_lowercased() {
        assert_eq!(normalise_email("A.B@C.D").as_deref(), Ok("a.b@c.d"));
        assert_eq!(
            normalise_email("\tFirst+Tag@Sub.Example.NHS.UK\n").as_deref(),
            Ok("first+tag@sub.example.nhs.uk")
        );
    }

    #[test]
    fn each_wrong_shape_has_its_reason() {
        assert_eq!(reason("   "), "is empty");
        assert_eq!(reason("jo bloggs@example.com"), "contains whitespace");
        assert_eq!(reason("jo.example.com"), "has no `@`");
        assert_eq!(reason("jo@home@example.com"), "has more than one `@`");
        assert_eq!(reason("@example.com"), "has nothing before the `@`");
        assert_eq!(reason("jo@"), "has nothing after the `@`");
        assert_eq!(reason("jo@localhost"), "has no dot in its domain");
        assert_eq!(reason("jo@example..com"), "has an empty part in its domain");
        assert_eq!(reason("jo@example.com."), "has an empty part in its domain");
    }

    #[test]
    fn the_message_quotes_the_value() {
        let e = normalise_email(" jo.example.com ").unwrap_err();
        assert_eq!(e.to_string(), "email `jo.example.com` has no `@`");
    }
}
