//! Byte to char offsets. Scanners work on bytes; spans leave the crate in
//! chars, which is what a browser or another language counts.

pub(crate) struct Offsets {
    /// Byte offsets of every char, for text that is not ASCII; empty when
    /// bytes and chars coincide.
    starts: Vec<usize>,
    len: usize,
}

impl Offsets {
    pub(crate) fn new(text: &str) -> Offsets {
        let starts = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        Offsets {
            starts,
            len: text.len(),
        }
    }

    /// The char offset of byte offset `byte`, which should be a char
    /// boundary; one inside a char counts as that char's start.
    pub(crate) fn char_at(&self, byte: usize) -> usize {
        if self.starts.is_empty() {
            return byte.min(self.len);
        }
        match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => {
                if byte >= self.len {
                    self.starts.len()
                } else {
                    i.saturating_sub(1)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_wide_text_count_chars() {
        let o = Offsets::new("abc");
        assert_eq!(o.char_at(2), 2);
        let o = Offsets::new("Zoë ate");
        assert_eq!(o.char_at(4), 3);
        assert_eq!(o.char_at(8), 7);
    }
}
