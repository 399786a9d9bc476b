//! A case reference given when work starts goes into every event of the
//! session as it is, so it must read as a reference and never as free text
//! (a sentence, a name, an email address): letters and digits, at least one
//! digit, and the separators references use.

/// The longest case reference.
pub const CASE_REF_CHARS_MAX: usize = 64;

/// Whether `s` may be kept in the log as a case reference.
pub fn is_case_reference(s: &str) -> bool {
    let n = s.chars().count();
    (1..=CASE_REF_CHARS_MAX).contains(&n)
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
}

/// Why a case reference is refused, without repeating it.
pub fn case_reference_problem() -> String {
    format!(
        "a case reference is 1 to {CASE_REF_CHARS_MAX} letters and digits with at least one digit, \
         and `-`, `_`, `/` or `.`: it is kept in the log as it is"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_pass_and_free_text_does_not() {
        for ok in ["PSD-2026-0042", "CR/114/26", "2026.77_b", "PSD-114"] {
            assert!(is_case_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "JaneDoe",
            "Jane Doe 1",
            "jane.doe@example.com",
            "a\u{200b}1",
        ] {
            assert!(!is_case_reference(bad), "{bad}");
        }
    }
}
