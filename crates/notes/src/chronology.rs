//! The chronology: the significant events across a child's or a case's
//! notes, dated, with who was involved, in date order, each cited — the
//! document social workers and courts ask for.

use clearstone_text::Date;
use serde::{Deserialize, Serialize};

use crate::dates::{self, Precision};
use crate::detect::RuleDetector;
use crate::mention::{Known, MentionKind};
use crate::note::{Note, Span};
use crate::offsets::Offsets;
use crate::sentence::byte_sentences;
use crate::words::{is_negator, lemma, tokens};

/// One dated event of a chronology, cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChronologyEntry {
    /// YYYY-MM-DD.
    pub date: String,
    /// The sentence that records the event, as written.
    pub what: String,
    /// Entity ids of the known people it mentions, or names as written for
    /// people the case does not know.
    pub who: Vec<String>,
    pub citation: Span,
}

/// Lemmas of the words that make a sentence an event worth a line:
/// visits, meetings, incidents, decisions, appointments, moves, school
/// changes, referrals, contacts.
const EVENT_LEMMAS: &[&str] = &[
    "visit",
    "meet",
    "meeting",
    "held",
    "hold",
    "incident",
    "decide",
    "decision",
    "agree",
    "appointment",
    "attend",
    "miss",
    "move",
    "exclude",
    "exclusion",
    "start",
    "change",
    "refer",
    "referral",
    "strategy",
    "conference",
    "assessment",
    "assess",
    "arrest",
    "court",
    "hearing",
    "hospital",
    "admit",
    "discharge",
    "police",
    "disclose",
    "disclosure",
    "call",
    "telephone",
    "phone",
    "ring",
    "rang",
    "text",
    "email",
    "voicemail",
    "accompany",
    "review",
    "book",
    "arrange",
    "cancel",
    "place",
    "placement",
    "enquiry",
    "section",
    "missing",
    "abscond",
    "injury",
    "injure",
    "seen",
    "see",
    "saw",
    "speak",
    "spoke",
    "transfer",
    "enrol",
    "register",
    "leave",
    "join",
    "close",
    "open",
    "allocate",
    "step",
    "escalate",
    "notification",
    "threshold",
    "concern",
    "shout",
    "fight",
    "assault",
    "violence",
    "complaint",
    "damage",
    "allegation",
    "allege",
];

/// How many words before an event word a negator still denies it ("no
/// new concerns").
const NEGATION_WINDOW: usize = 3;

/// Openings of a sentence that says what will be done, not what was.
const INTENTIONS: &[&[&str]] = &[
    &["i", "will"],
    &["we", "will"],
    &["to"],
    &["will"],
    &["plan", "to"],
];

/// Whether a sentence records an event: an event word not denied by a
/// negator just before it, in a sentence that is not an intention.
fn is_event(sentence: &str) -> bool {
    let toks = tokens(sentence);
    let intention = INTENTIONS.iter().any(|opening| {
        opening.len() <= toks.len() && opening.iter().zip(&toks).all(|(w, t)| *w == t.low)
    });
    if intention {
        return false;
    }
    toks.iter().enumerate().any(|(i, t)| {
        let l: &str = &t.low;
        let event = EVENT_LEMMAS.contains(&l) || EVENT_LEMMAS.contains(&lemma(l).as_str());
        let denied = toks
            .get(i.saturating_sub(NEGATION_WINDOW)..i)
            .is_some_and(|before| before.iter().any(|b| is_negator(&b.low)));
        event && !denied
    })
}

/// The significant events across `notes`, in date order, each cited.
///
/// An event is a sentence that records a visit, meeting, incident,
/// decision, appointment, move, school change, referral or contact. Its
/// date is the first date the sentence gives to the day (relative dates
/// resolved against the note's date), else the note's own date; a sentence
/// that books something for later is dated when it was booked, because a
/// chronology records what happened. A sentence with no date and in a note
/// without one is left out, as it cannot be placed. Events on the same day
/// keep the order of the notes given and of the note's text; a sentence
/// copied word for word into another note on the same day is listed once.
pub fn chronology(notes: &[Note], known: &Known) -> Vec<ChronologyEntry> {
    let detector = RuleDetector::new();
    let mut out: Vec<(Date, usize, ChronologyEntry)> = Vec::new();
    let mut order = 0usize;
    for note in notes {
        let note_date = dates::note_date(note.date.as_deref());
        let offsets = Offsets::new(&note.text);
        let found = detector.found(note, known);
        for (s, e) in byte_sentences(&note.text) {
            let Some(sentence) = note.text.get(s..e) else {
                continue;
            };
            if !is_event(sentence) {
                continue;
            }
            let inside = || found.iter().filter(|f| f.start >= s && f.end <= e);
            let stated = inside()
                .filter(|f| f.kind == MentionKind::Date)
                .filter_map(|f| {
                    let toks = tokens(note.text.get(f.start..f.end)?);
                    let expr = dates::scan(note.text.get(f.start..f.end)?, &toks)
                        .into_iter()
                        .next()?;
                    dates::resolve(expr.when, note_date)
                })
                .find(|(_, _, p)| *p == Precision::Day);
            let day = match (stated, note_date) {
                (Some((_, d, _)), Some(n)) if d > n => n,
                (Some((_, d, _)), _) => d,
                (None, Some(n)) => n,
                (None, None) => continue,
            };
            let mut who: Vec<String> = Vec::new();
            for f in inside().filter(|f| f.kind == MentionKind::Person) {
                let id = f.entity.clone().unwrap_or_else(|| {
                    note.text
                        .get(f.start..f.end)
                        .unwrap_or_default()
                        .to_string()
                });
                if !who.contains(&id) {
                    who.push(id);
                }
            }
            let mut date = String::with_capacity(10);
            day.push_iso(&mut date);
            out.push((
                day,
                order,
                ChronologyEntry {
                    date,
                    what: sentence.to_string(),
                    who,
                    citation: Span {
                        note_id: note.id.clone(),
                        start: offsets.char_at(s),
                        end: offsets.char_at(e),
                    },
                },
            ));
            order += 1;
        }
    }
    out.sort_by_key(|(d, o, _)| (*d, *o));
    let mut entries: Vec<ChronologyEntry> = Vec::with_capacity(out.len());
    for (_, _, e) in out {
        let repeat = entries
            .iter()
            .rev()
            .take_while(|p| p.date == e.date)
            .any(|p| p.what == e.what);
        if !repeat {
            entries.push(e);
        }
    }
    entries
}
