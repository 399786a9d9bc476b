//! Words of free text (case notes, intelligence reports, search queries) in
//! folded form, so that a query finds "O'Neill" when typed "oneill".

use crate::fold::fold_into;

/// The folded words of `text`, in order, numbers included.
///
/// ```
/// use clearstone_text::tokens::tokenize;
/// assert_eq!(tokenize("Seen at 10:30 by PC O'Neill."), ["seen", "at", "10", "30", "by", "pc", "oneill"]);
/// ```
pub fn tokenize(text: &str) -> Vec<String> {
    let mut buf = String::with_capacity(text.len());
    tokenize_with(text, &mut buf).map(str::to_owned).collect()
}

/// [`tokenize`] without allocating each word: folds into `buf`, which the
/// caller keeps between texts, and borrows the words from it.
pub fn tokenize_with<'b>(text: &str, buf: &'b mut String) -> impl Iterator<Item = &'b str> {
    fold_into(text, buf);
    buf.split(' ').filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split_on_punctuation() {
        assert_eq!(
            tokenize("Café—meeting w/ Siân; re: case #4471"),
            ["cafe", "meeting", "w", "sian", "re", "case", "4471"]
        );
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_words() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" ... ").is_empty());
    }

    #[test]
    fn the_buffer_is_reused() {
        let mut buf = String::new();
        let first: Vec<_> = tokenize_with("One two", &mut buf)
            .map(str::to_owned)
            .collect();
        let second: Vec<_> = tokenize_with("three", &mut buf).collect();
        assert_eq!(first, ["one", "two"]);
        assert_eq!(second, ["three"]);
    }
}
