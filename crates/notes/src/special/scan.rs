use crate::note::{Note, Span};
use crate::offsets::Offsets;
use crate::sentence::byte_sentences;

use super::SensitiveSpan;
use super::lexicon::LEXICON;

/// The special-category spans of a note: each sentence holding a term of
/// the lexicon is one span of that term's category, because the words
/// around a diagnosis say as much as the diagnosis does.
pub fn special_spans(note: &Note) -> Vec<SensitiveSpan> {
    let offsets = Offsets::new(&note.text);
    let mut out = Vec::new();
    for (s, e) in byte_sentences(&note.text) {
        let Some(sentence) = note.text.get(s..e) else {
            continue;
        };
        let folded = format!(" {} ", clearstone_text::fold(sentence));
        for (category, terms) in LEXICON {
            let hit = terms.iter().any(|t| match t.strip_suffix('*') {
                Some(stem) => folded.contains(&format!(" {stem}")),
                None => folded.contains(&format!(" {t} ")),
            });
            if hit {
                out.push(SensitiveSpan {
                    span: Span {
                        note_id: note.id.clone(),
                        start: offsets.char_at(s),
                        end: offsets.char_at(e),
                    },
                    category: *category,
                });
            }
        }
    }
    out
}
