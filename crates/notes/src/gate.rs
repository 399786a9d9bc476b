//! The citation gate: whether a sentence says only what the text it cites
//! says.

use crate::summary::Verdict;

/// Checks `sentence` against the texts it cites. Unsupported when it cites
/// nothing, or when a number or capitalised word in it occurs in none of
/// them.
pub fn citation_gate(sentence: &str, cited: &[&str]) -> Verdict {
    let mut reasons = Vec::new();
    if cited.is_empty() {
        reasons.push("no_citation".to_string());
    }
    let source = cited.join(" ");
    let words: Vec<&str> = source
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let number = word.chars().any(|c| c.is_ascii_digit());
        let proper = i > 0 && word.chars().next().is_some_and(char::is_uppercase);
        if (number || proper) && !words.contains(&word) {
            let code = if number {
                "number_not_cited"
            } else {
                "name_not_cited"
            };
            reasons.push(format!("{code}: {word}"));
        }
    }
    if reasons.is_empty() {
        Verdict::Supported
    } else {
        Verdict::Unsupported { reasons }
    }
}
