//! The sentence splitter every citation is made by.

use crate::note::{Note, Span};
use crate::offsets::Offsets;

/// Words that end in a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "miss", "st", "no", "nos", "approx", "tel", "ref", "dept",
    "prof", "rev", "sgt", "pc", "dc", "insp", "det", "supt", "e.g", "i.e", "eg", "ie", "etc", "vs",
    "v", "incl", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "co", "ltd",
    "rd", "ave", "cllr", "hon", "fig", "wk", "wks", "hrs", "mins", "yrs", "d.o.b", "dob",
];

/// The sentences of a note in order, each trimmed of surrounding space.
///
/// A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets)
/// followed by space, unless the word before the stop is a common
/// abbreviation ("Dr.", "e.g.") or a single capital initial ("J. Smith");
/// and at every line break, because notes are often written as lists and
/// lines without stops.
pub fn sentences(note: &Note) -> Vec<Span> {
    let offsets = Offsets::new(&note.text);
    byte_sentences(&note.text)
        .into_iter()
        .map(|(s, e)| Span {
            note_id: note.id.clone(),
            start: offsets.char_at(s),
            end: offsets.char_at(e),
        })
        .collect()
}

/// [`sentences`] in byte offsets, for the crate's own scanners.
pub(crate) fn byte_sentences(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        let end = match c {
            b'\n' | b'\r' => Some((i, i + 1)),
            b'.' | b'!' | b'?' => {
                let mut j = i + 1;
                while matches!(
                    b.get(j),
                    Some(b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']')
                ) {
                    j += 1;
                }
                // Closing curly quotes are three bytes each.
                while text
                    .get(j..)
                    .is_some_and(|t| t.starts_with(['\u{201d}', '\u{2019}']))
                {
                    j += 3;
                }
                let at_space = j >= b.len() || b.get(j).is_some_and(u8::is_ascii_whitespace);
                if at_space && (c != b'.' || !abbreviation_before(text, i)) {
                    Some((j, j))
                } else {
                    None
                }
            }
            _ => None,
        };
        match end {
            Some((e, next)) => {
                push_trimmed(text, start, e, &mut out);
                start = next;
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
    push_trimmed(text, start, b.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let Some(piece) = text.get(start..end) else {
        return;
    };
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    // A line of only bullets or dashes is layout, not a sentence.
    if trimmed.chars().any(char::is_alphanumeric) {
        out.push((start + lead, start + lead + trimmed.len()));
    }
}

/// Whether the word ending at the stop at `dot` is an abbreviation or an
/// initial, so the stop does not end the sentence.
fn abbreviation_before(text: &str, dot: usize) -> bool {
    let Some(before) = text.get(..dot) else {
        return false;
    };
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(')
        .map_or(0, |i| i + 1);
    let Some(word) = before.get(word_start..) else {
        return false;
    };
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        byte_sentences(text)
            .into_iter()
            .filter_map(|(s, e)| text.get(s..e))
            .collect()
    }

    #[test]
    fn stops_abbreviations_and_lines() {
        assert_eq!(
            split(
                "Seen by Dr. Patel at 10.30 today. Mum was present! Next visit?\n- school call\nJ. Smith agreed."
            ),
            [
                "Seen by Dr. Patel at 10.30 today.",
                "Mum was present!",
                "Next visit?",
                "- school call",
                "J. Smith agreed."
            ]
        );
    }
}
