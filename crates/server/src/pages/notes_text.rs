//! A note's text as the page draws it: the pieces the engine cut it into
//! (plain text, mentions, withheld spans), grouped so that each span a
//! summary sentence or chronology line cites is one element with an id,
//! which a fragment link scrolls to and `:target` highlights.

use clearstone_engine::{NotePart, NoteView};

/// One piece of text, with what it is.
pub(crate) struct Piece {
    pub text: String,
    /// The mention's kind in words ("person", "gp surgery"), shown beside it.
    pub kind: Option<String>,
    /// The entity a mention is linked to, opened as a dossier.
    pub entity: Option<String>,
    pub withheld: bool,
}

/// A run of pieces: cited (with the anchor a link points at) or not.
pub(crate) struct Run {
    pub anchor: Option<String>,
    pub pieces: Vec<Piece>,
}

/// The anchor of a cited span of the `index`th note on a page.
pub(crate) fn anchor(index: usize, start: usize, end: usize) -> String {
    format!("n{index}-{start}-{end}")
}

fn piece(p: &NotePart, text: String) -> Piece {
    Piece {
        text,
        kind: p.mention.map(|k| k.code().replace('_', " ")),
        entity: p.entity_id.clone(),
        withheld: p.withheld.is_some(),
    }
}

/// The note's pieces in runs, each cited span of `cited` (char offsets,
/// any order) its own run.
pub(crate) fn runs(view: &NoteView, index: usize, cited: &[(usize, usize)]) -> Vec<Run> {
    let mut spans: Vec<(usize, usize)> = cited.iter().copied().filter(|(a, b)| a < b).collect();
    spans.sort_unstable();
    spans.dedup();
    // Overlapping citations share the first one's element.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a < last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let containing = |at: usize| merged.iter().find(|(a, b)| *a <= at && at < *b).copied();
    let mut out: Vec<Run> = Vec::new();
    let mut push = |span: Option<(usize, usize)>, p: Piece| {
        let a = span.map(|(s, e)| anchor(index, s, e));
        match out.last_mut() {
            Some(run) if run.anchor == a => run.pieces.push(p),
            _ => out.push(Run {
                anchor: a,
                pieces: vec![p],
            }),
        }
    };
    for p in &view.parts {
        if p.mention.is_some() || p.withheld.is_some() {
            push(containing(p.start), piece(p, p.text.clone()));
            continue;
        }
        // Plain text is cut where a cited span starts or ends inside it.
        let mut cuts: Vec<usize> = merged
            .iter()
            .flat_map(|(a, b)| [*a, *b])
            .filter(|c| *c > p.start && *c < p.end)
            .collect();
        cuts.push(p.end);
        let chars: Vec<char> = p.text.chars().collect();
        let mut at = p.start;
        for c in cuts {
            let text: String = chars
                .get(at - p.start..c - p.start)
                .map(|s| s.iter().collect())
                .unwrap_or_default();
            if !text.is_empty() {
                push(containing(at), piece(p, text));
            }
            at = c;
        }
    }
    out
}

/// The id of a note, for the page's link to its reader.
pub(crate) fn note_href(view: &NoteView) -> String {
    format!("/notes/{}", encode(&view.id))
}

/// Percent-encodes one path segment.
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
