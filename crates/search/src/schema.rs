//! The index layout: which field holds what, and how each is analysed.
//!
//! Keys (name tokens, phonetic codes, identifiers, filters) are computed
//! here in Rust with the text crate and indexed as whole terms, so the
//! query side computes the same keys the same way. Only free text goes
//! through an analyser, registered as [`TEXT_ANALYSER`].

use std::collections::HashMap;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

pub(crate) const ENTITY: &str = "entity";
pub(crate) const CANONICAL: &str = "canonical";
pub(crate) const CKEY_HI: &str = "ckey_hi";
pub(crate) const CKEY_LO: &str = "ckey_lo";
pub(crate) const SHAPE: &str = "shape";
pub(crate) const TYPE: &str = "type";
pub(crate) const DATASET: &str = "dataset";
pub(crate) const CATEGORY: &str = "category";
pub(crate) const NAME: &str = "name";
pub(crate) const NAME_PHONETIC: &str = "name_phonetic";
pub(crate) const NAME_INITIAL: &str = "name_initial";
pub(crate) const ID: &str = "id";
pub(crate) const POSTCODE: &str = "postcode";
pub(crate) const PHONE: &str = "phone";
pub(crate) const EMAIL: &str = "email";
pub(crate) const REG: &str = "reg";
pub(crate) const TEXT: &str = "text";
pub(crate) const DATE: &str = "date";
pub(crate) const BORN: &str = "born";
pub(crate) const REF: &str = "ref";
pub(crate) const STORED_DOC: &str = "doc";

/// Folded words, stemmed for English, with positions for phrases.
pub(crate) const TEXT_ANALYSER: &str = "clearstone_text";

/// A field that holds nothing, named for the layout version: bumped whenever
/// the fields or the keys computed for them change, so that opening an
/// index written by an older build fails with a request to rebuild it
/// instead of searching keys that no longer meet.
pub(crate) const LAYOUT: &str = "layout_v2";

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub entity: Field,
    pub canonical: Field,
    pub ckey_hi: Field,
    pub ckey_lo: Field,
    pub shape: Field,
    pub kind: Field,
    pub dataset: Field,
    pub category: Field,
    pub name: Field,
    pub name_phonetic: Field,
    pub name_initial: Field,
    pub id: Field,
    pub postcode: Field,
    pub phone: Field,
    pub email: Field,
    pub reg: Field,
    pub text: Field,
    pub date: Field,
    pub born: Field,
    pub refs: Field,
    pub doc: Field,
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Each key is one term; STRING does not tokenise.
    let key = || STRING;
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYSER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
            // Scores never read field norms (see the crate docs).
            .set_fieldnorms(false),
    );
    let fields = Fields {
        entity: b.add_text_field(ENTITY, STRING | FAST),
        canonical: b.add_text_field(CANONICAL, STRING | FAST),
        ckey_hi: b.add_u64_field(CKEY_HI, FAST),
        ckey_lo: b.add_u64_field(CKEY_LO, FAST),
        shape: b.add_u64_field(SHAPE, INDEXED | FAST),
        kind: b.add_text_field(TYPE, key()),
        dataset: b.add_text_field(DATASET, key()),
        category: b.add_text_field(CATEGORY, key()),
        name: b.add_text_field(NAME, key()),
        name_phonetic: b.add_text_field(NAME_PHONETIC, key()),
        name_initial: b.add_text_field(NAME_INITIAL, key()),
        id: b.add_text_field(ID, key()),
        postcode: b.add_text_field(POSTCODE, key()),
        phone: b.add_text_field(PHONE, key()),
        email: b.add_text_field(EMAIL, key()),
        reg: b.add_text_field(REG, key()),
        text: b.add_text_field(TEXT, text),
        date: b.add_i64_field(DATE, INDEXED | FAST),
        born: b.add_i64_field(BORN, INDEXED | FAST),
        refs: b.add_text_field(REF, key()),
        doc: b.add_text_field(STORED_DOC, STORED),
    };
    b.add_text_field(LAYOUT, STORED);
    (b.build(), fields)
}

pub(crate) fn text_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(FoldedWords::default()).build()
}

/// Words remembered with their stems by one analyser; past it the memory
/// starts again, so an analyser stays within a few megabytes.
const STEMS_MAX: usize = 50_000;

/// Splits text into the folded words of [`clearstone_text::tokens`], so
/// that indexed text and query words are folded by the same code, and
/// stems each for English. Free text repeats its words (addresses, kinds of
/// shift, the words of notes): each word is stemmed once and remembered,
/// where stemming every occurrence was a tenth of indexing.
#[derive(Clone)]
pub(crate) struct FoldedWords {
    /// One word in, its stem out: tantivy's English stemmer as a filter.
    stemmer: TextAnalyzer,
    stems: HashMap<String, String>,
}

impl Default for FoldedWords {
    fn default() -> Self {
        Self {
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            stems: HashMap::new(),
        }
    }
}

impl FoldedWords {
    fn stem(&mut self, word: &mut String) {
        if let Some(stem) = self.stems.get(word.as_str()) {
            word.clone_from(stem);
            return;
        }
        let stem = {
            let mut one = self.stemmer.token_stream(word);
            if one.advance() {
                one.token().text.clone()
            } else {
                word.clone()
            }
        };
        if self.stems.len() >= STEMS_MAX {
            self.stems.clear();
        }
        self.stems
            .insert(std::mem::replace(word, stem.clone()), stem);
    }
}

pub(crate) struct FoldedStream {
    words: Vec<String>,
    next: usize,
    token: Token,
}

impl Tokenizer for FoldedWords {
    type TokenStream<'a> = FoldedStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldedStream {
        let mut words = clearstone_text::tokens::tokenize(text);
        for w in &mut words {
            self.stem(w);
        }
        FoldedStream {
            words,
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for FoldedStream {
    fn advance(&mut self) -> bool {
        let Some(word) = self.words.get_mut(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(word);
        word.clear();
        self.token.position = self.next;
        // Offsets are not used: snippets are found over the stored values.
        self.token.offset_from = 0;
        self.token.offset_to = 0;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        let mut ts = analyser.token_stream(text);
        while ts.advance() {
            out.push((ts.token().text.clone(), ts.token().position));
        }
        out
    }

    /// The folded words, each passed through tantivy's stemmer filter: what
    /// the analyser gave before it remembered stems.
    #[derive(Clone, Default)]
    struct Unremembered;

    impl Tokenizer for Unremembered {
        type TokenStream<'a> = FoldedStream;

        fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldedStream {
            FoldedStream {
                words: clearstone_text::tokens::tokenize(text),
                next: 0,
                token: Token::default(),
            }
        }
    }

    #[test]
    fn remembered_stems_are_the_stemmer_s_own() {
        let mut plain = TextAnalyzer::builder(Unremembered)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut fast = text_analyser();
        let texts = [
            "Flat 3, 12 Running Lanes, Northshire",
            "running runs ran RUNNER; the caring carers cared",
            "Zoë’s café reopened — reopening, reopens",
            "running lanes",
            "",
        ];
        // Twice: the second pass answers every word from memory.
        for _ in 0..2 {
            for t in texts {
                let want = tokens(&mut plain, t);
                assert_eq!(tokens(&mut fast, t), want, "{t}");
            }
        }
        assert_ne!(tokens(&mut fast, "running")[0].0, "running");
    }
}
