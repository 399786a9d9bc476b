use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folds text to the form every comparison in clearstone uses: compatibility
/// decomposition (NFKD) with combining marks removed, lowercase, apostrophes
/// dropped so that "O'Brien" meets "OBrien", and every other run of
/// characters that are not letters or digits turned into one space, trimmed.
///
/// ```
/// assert_eq!(clearstone_text::fold("  Zoë O’Brien-Smith "), "zoe obrien smith");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] into a buffer the caller keeps, which is cleared first; ingest and
/// indexing fold millions of values and should not allocate for each.
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    fold_onto(s, out);
}

/// [`fold`] appended to what `out` holds, with nothing between: for
/// buffers that hold many folded values one after another.
pub fn fold_onto(s: &str, out: &mut String) {
    if s.is_ascii() {
        fold_ascii(s, out);
        return;
    }
    let start = out.len();
    let mut folder = Folder {
        out,
        start,
        gap: false,
    };
    for c in s.chars() {
        folder.any(c);
    }
}

/// [`fold_into`] for ASCII text, word by word rather than character by
/// character: nearly every value is ASCII, and copying a word whole then
/// lowercasing it in place is several times faster.
fn fold_ascii(s: &str, out: &mut String) {
    let first = out.len();
    // Words of letters and digits, one space apart: already folded but
    // for case, as most names, towns and streets are.
    let plain = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    if plain {
        out.push_str(s);
        if let Some(folded) = out.get_mut(first..) {
            folded.make_ascii_lowercase();
        }
        return;
    }
    let mut gap = false;
    for piece in s.split(|c: char| !(c.is_ascii_alphanumeric() || is_apostrophe(c))) {
        if piece.bytes().any(|b| b.is_ascii_alphanumeric()) {
            if gap && out.len() > first {
                out.push(' ');
            }
            let start = out.len();
            for part in piece.split(is_apostrophe) {
                out.push_str(part);
            }
            if let Some(word) = out.get_mut(start..) {
                word.make_ascii_lowercase();
            }
        }
        // Every piece after the first follows a separator.
        gap = true;
    }
}

struct Folder<'a> {
    out: &'a mut String,
    /// Where the folded value starts in `out`.
    start: usize,
    // A separator was seen since the last kept character; written lazily so
    // that the result never starts or ends with a space.
    gap: bool,
}

impl Folder<'_> {
    fn ascii(&mut self, b: u8) {
        if b.is_ascii_alphanumeric() {
            self.keep(char::from(b.to_ascii_lowercase()));
        } else if !is_apostrophe(char::from(b)) {
            self.gap = true;
        }
    }

    fn any(&mut self, c: char) {
        if c.is_ascii() {
            // Fits in a byte, so the cast cannot truncate.
            self.ascii(c as u8);
            return;
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) || is_apostrophe(d) {
                return;
            }
            if !d.is_alphanumeric() {
                self.gap = true;
                return;
            }
            for lower in d.to_lowercase() {
                if lower.is_ascii() || lower == d {
                    self.keep(lower);
                } else {
                    // Lowercasing can produce a character that decomposes
                    // again (İ becomes i plus a dot above); without this a
                    // second fold would change the result.
                    decompose_compatible(lower, |l| {
                        if !is_combining_mark(l) && l.is_alphanumeric() {
                            self.keep(l);
                        }
                    });
                }
            }
        });
    }

    fn keep(&mut self, c: char) {
        if self.gap && self.out.len() > self.start {
            self.out.push(' ');
        }
        self.gap = false;
        self.out.push(c);
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`' | '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{02BB}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_join_the_parts_of_a_name() {
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("O’Brien"), "obrien");
        assert_eq!(fold("D`Arcy"), "darcy");
    }

    #[test]
    fn accents_and_case_are_removed() {
        assert_eq!(fold("Siân Gruffydd"), "sian gruffydd");
        assert_eq!(fold("ÉLODIE Müller"), "elodie muller");
        assert_eq!(fold("Ångström"), "angstrom");
    }

    #[test]
    fn separators_collapse_to_one_space_and_are_trimmed() {
        assert_eq!(fold("  Smith--Jones,  Mary  "), "smith jones mary");
        assert_eq!(fold("a\t\nb"), "a b");
        assert_eq!(fold("!!!"), "");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn compatibility_forms_fold_to_plain_letters() {
        assert_eq!(fold("ﬁsh"), "fish");
        assert_eq!(fold("ＡＢＣ１２"), "abc12");
        assert_eq!(fold("x²"), "x2");
    }

    #[test]
    fn dotted_capital_i_folds_to_plain_i() {
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    #[test]
    fn letters_without_a_decomposition_are_kept() {
        assert_eq!(fold("Straße Øre"), "straße øre");
    }

    #[test]
    fn ascii_words_fold_as_characters_do() {
        // Every ASCII string of a few characters from an alphabet with
        // letters, digits, apostrophes and separators, folded word by word
        // and character by character.
        let alphabet = b"aZ9 '`-.";
        let mut word = Vec::new();
        for n in 0..=5u32 {
            for mut code in 0..alphabet.len().pow(n) {
                word.clear();
                for _ in 0..n {
                    word.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                let text = std::str::from_utf8(&word).unwrap_or_default();
                let mut fast = String::new();
                fold_ascii(text, &mut fast);
                let mut slow = String::new();
                let mut folder = Folder {
                    out: &mut slow,
                    start: 0,
                    gap: false,
                };
                text.chars().for_each(|c| folder.any(c));
                assert_eq!(fast, slow, "{text:?}");
            }
        }
    }

    #[test]
    fn fold_onto_appends_the_folded_value_alone() {
        for text in [
            "  Zoë O’Brien-Smith ",
            "  Smith--Jones,  Mary  ",
            "!!!",
            "x",
        ] {
            let mut buf = String::from("kept ");
            fold_onto(text, &mut buf);
            assert_eq!(buf, format!("kept {}", fold(text)), "{text:?}");
        }
    }

    #[test]
    fn fold_into_replaces_what_the_buffer_held() {
        let mut buf = String::from("old contents");
        fold_into("New Value", &mut buf);
        assert_eq!(buf, "new value");
    }
}
