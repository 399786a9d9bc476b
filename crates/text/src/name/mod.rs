//! Personal and organisation names as they arrive at ingest, and the keys
//! resolution compares them by.

mod parse;
mod words;

pub use parse::{NameOrder, NameParts, parse_name};

use crate::fold::fold;

/// Tidies a name for display and storage without changing its spelling or
/// case: trims it and collapses every run of whitespace to one space.
///
/// ```
/// use clearstone_text::name::clean_name;
/// assert_eq!(clean_name("  Mary   Ann\tO'Neill "), "Mary Ann O'Neill");
/// ```
pub fn clean_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// The folded words of a name, in order ("Smith-Jones" gives two).
pub fn name_tokens(s: &str) -> Vec<String> {
    let folded = fold(s);
    folded
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first letter of each folded word of a name, lowercase so that it
/// compares with the other keys ("John Paul Smith" gives "jps").
pub fn initials(s: &str) -> String {
    let folded = fold(s);
    folded.split(' ').filter_map(|t| t.chars().next()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_name_keeps_case_and_punctuation() {
        assert_eq!(clean_name(" McDONALD,  Ronald "), "McDONALD, Ronald");
        assert_eq!(clean_name("\u{a0}Zoë\u{2003}Ball"), "Zoë Ball");
        assert_eq!(clean_name("   "), "");
    }

    #[test]
    fn name_tokens_are_folded_words() {
        assert_eq!(
            name_tokens("Anne-Marie O'Brien"),
            ["anne", "marie", "obrien"]
        );
        assert!(name_tokens(" - ").is_empty());
    }

    #[test]
    fn initials_take_the_first_letter_of_each_word() {
        assert_eq!(initials("John Paul Smith"), "jps");
        assert_eq!(initials("Éamon de Valera"), "edv");
        assert_eq!(initials(""), "");
    }
}
