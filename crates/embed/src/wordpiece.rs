//! The BERT uncased tokenizer, read from the model's `tokenizer.json`:
//! clean, pad CJK ideographs, strip accents and lowercase, split on
//! whitespace and punctuation, then greedy longest-match WordPiece with `##`
//! continuations, between `[CLS]` and `[SEP]`.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::EmbedError;

/// Tokens a sentence is cut to, `[CLS]` and `[SEP]` included, as the
/// sentence-transformers model was trained (`max_seq_length`).
pub const TOKENS_MAX: usize = 256;
/// A longer word is one `[UNK]`, as in BERT.
const WORD_CHARS_MAX: usize = 100;

/// A WordPiece vocabulary with its special tokens' ids.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: HashMap<String, u32>,
    cls: u32,
    sep: u32,
    unk: u32,
}

impl WordPiece {
    /// Reads the vocabulary from a Hugging Face `tokenizer.json` (its
    /// `model.vocab`). `path` only names the file in errors.
    pub fn from_tokenizer_json(json: &str, path: &str) -> Result<Self, EmbedError> {
        let bad = |reason: &str| EmbedError::BadModel {
            path: path.to_string(),
            reason: reason.to_string(),
        };
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| bad(&format!("not json: {e}")))?;
        let model = v.get("model").ok_or_else(|| bad("no `model`"))?;
        if model.get("type").and_then(|t| t.as_str()) != Some("WordPiece") {
            return Err(bad("the tokenizer is not WordPiece"));
        }
        let entries = model
            .get("vocab")
            .and_then(|t| t.as_object())
            .ok_or_else(|| bad("no `model.vocab`"))?;
        let mut vocab = HashMap::with_capacity(entries.len());
        for (piece, id) in entries {
            let id = id
                .as_u64()
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| bad("a vocabulary id is not a number"))?;
            vocab.insert(piece.clone(), id);
        }
        let special = |t: &str| {
            vocab
                .get(t)
                .copied()
                .ok_or_else(|| bad(&format!("no `{t}` token")))
        };
        Ok(Self {
            cls: special("[CLS]")?,
            sep: special("[SEP]")?,
            unk: special("[UNK]")?,
            vocab,
        })
    }

    /// The number of pieces.
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    /// Whether the vocabulary is empty (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.vocab.is_empty()
    }

    /// The ids of a sentence, `[CLS] … [SEP]`, at most [`TOKENS_MAX`].
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![self.cls];
        'words: for word in pre_tokenize(&normalise(text)) {
            for id in self.pieces(&word) {
                if ids.len() + 1 >= TOKENS_MAX {
                    break 'words;
                }
                ids.push(id);
            }
        }
        ids.push(self.sep);
        ids
    }

    fn pieces(&self, word: &str) -> Vec<u32> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > WORD_CHARS_MAX {
            return vec![self.unk];
        }
        let mut out = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let mut end = chars.len();
            let mut found = None;
            while start < end {
                let body: String = chars.get(start..end).unwrap_or_default().iter().collect();
                let piece = if start > 0 { format!("##{body}") } else { body };
                if let Some(id) = self.vocab.get(&piece) {
                    found = Some(*id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => out.push(id),
                // A word with any piece missing is one unknown token.
                None => return vec![self.unk],
            }
            start = end;
        }
        out
    }
}

/// BERT's normaliser: drop control characters, make every whitespace a
/// space, space out CJK ideographs, strip accents (NFD without combining
/// marks) and lowercase.
fn normalise(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if c.is_whitespace() {
            cleaned.push(' ');
        } else if is_cjk(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    cleaned
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Words split on whitespace, each punctuation mark a word of its own.
fn pre_tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split_whitespace() {
        let mut word = String::new();
        for c in chunk.chars() {
            if is_punctuation(c) {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                out.push(c.to_string());
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

fn is_control(c: char) -> bool {
    if matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    // Format characters (soft hyphen, zero-width marks, byte-order mark) as well.
    c.is_control()
        || matches!(
            c,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'
        )
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '¡' | '§'
                | '«'
                | '¶'
                | '·'
                | '»'
                | '¿'
                | '\u{2010}'..='\u{2027}'
                | '\u{2030}'..='\u{205e}'
                | '\u{3001}'..='\u{3003}'
                | '\u{3008}'..='\u{3011}'
        )
}

fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{4e00}'..='\u{9fff}'
            | '\u{3400}'..='\u{4dbf}'
            | '\u{20000}'..='\u{2a6df}'
            | '\u{2a700}'..='\u{2b73f}'
            | '\u{2b740}'..='\u{2b81f}'
            | '\u{2b820}'..='\u{2ceaf}'
            | '\u{f900}'..='\u{faff}'
            | '\u{2f800}'..='\u{2fa1f}'
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tiny() -> WordPiece {
        let json = r###"{"model":{"type":"WordPiece","vocab":{
            "[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"mum":4,"visit":5,"##ed":6,
            "cafe":7,".":8,"un":9,"##want":10,"##ed":6,"'":11,"s":12}}}"###;
        WordPiece::from_tokenizer_json(json, "t").unwrap()
    }

    #[test]
    fn lowercases_strips_accents_and_splits_pieces_and_punctuation() {
        let t = tiny();
        assert_eq!(
            t.encode("Mum VISITED the Café."),
            vec![2, 4, 5, 6, 1, 7, 8, 3]
        );
        assert_eq!(t.encode("unwanted mum's"), vec![2, 9, 10, 6, 4, 11, 12, 3]);
    }

    #[test]
    fn cuts_to_the_model_length() {
        let t = tiny();
        let long = "mum ".repeat(1000);
        let ids = t.encode(&long);
        assert_eq!(ids.len(), TOKENS_MAX);
        assert_eq!(ids.last(), Some(&3));
    }
}
