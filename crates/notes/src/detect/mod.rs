//! The pure default detector: rules and lexicons, no model. One pass of
//! word tokens per note; every matcher looks at a token and the few after
//! it, so the time is linear in the text.

mod ids;
mod people;
mod places;

use std::cell::RefCell;
use std::rc::Rc;

use crate::dates;
use crate::mention::{EntityDetector, Known, Mention, MentionKind};
use crate::note::{Note, Span};
use crate::offsets::Offsets;
use crate::words::tokens;

/// The matchers built from what a case knows.
struct Prepared {
    people: people::People,
    places: Vec<(String, Vec<String>)>,
}

thread_local! {
    /// The matchers of the last case seen on this thread: callers detect
    /// note after note of one case, and building them costs more than
    /// reading a short note.
    static LAST: RefCell<Option<(Known, Rc<Prepared>)>> = const { RefCell::new(None) };
}

fn prepared(known: &Known) -> Rc<Prepared> {
    LAST.with(|cell| {
        let mut last = cell.borrow_mut();
        if let Some((k, p)) = last.as_ref()
            && k == known
        {
            return Rc::clone(p);
        }
        let p = Rc::new(Prepared {
            people: people::People::new(known),
            places: places::known_words(known),
        });
        *last = Some((known.clone(), Rc::clone(&p)));
        p
    })
}

/// A candidate mention in byte offsets.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: MentionKind,
    pub(crate) normalised: String,
    pub(crate) entity: Option<String>,
}

impl Found {
    fn new(start: usize, end: usize, kind: MentionKind, normalised: String) -> Found {
        Found {
            start,
            end,
            kind,
            normalised,
            entity: None,
        }
    }

    fn linked(mut self, entity: Option<String>) -> Found {
        self.entity = entity;
        self
    }

    fn overlaps(&self, other: &Found) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Which candidate wins where two overlap: identifiers, whose validators
/// make them near certain, then addresses, dates, named institutions,
/// people, and last places found only by a preposition.
fn rank(kind: MentionKind) -> u8 {
    match kind {
        MentionKind::Email
        | MentionKind::NhsNumber
        | MentionKind::NiNumber
        | MentionKind::Phone
        | MentionKind::VehicleReg => 0,
        MentionKind::Address => 1,
        MentionKind::Postcode => 2,
        MentionKind::Date => 3,
        MentionKind::School | MentionKind::GpSurgery => 4,
        MentionKind::Person => 5,
        MentionKind::Place => 6,
    }
}

/// Finds known people, dates, places, schools, surgeries and UK identifiers
/// by rule.
///
/// Mentions do not overlap: where candidates do, the identifier wins over
/// the address, the address over the date, and so on, then the longer.
/// An address line and the postcode that ends it are two mentions.
#[derive(Debug, Clone, Default)]
pub struct RuleDetector;

impl RuleDetector {
    pub fn new() -> RuleDetector {
        RuleDetector
    }

    /// The candidates of a note in byte offsets, overlaps resolved.
    pub(crate) fn found(&self, note: &Note, known: &Known) -> Vec<Found> {
        let text = note.text.as_str();
        let toks = tokens(text);
        let mut all: Vec<Found> = Vec::new();
        ids::emails(text, &mut all);
        ids::scan(text, &toks, &mut all);
        let postcodes: Vec<Found> = all
            .iter()
            .filter(|f| f.kind == MentionKind::Postcode)
            .cloned()
            .collect();
        for p in &postcodes {
            places::address_before_postcode(text, &toks, p, &mut all);
        }
        let note_date = dates::note_date(note.date.as_deref());
        for d in dates::scan(text, &toks) {
            // A period or a relative day is a date only once it resolves:
            // "next week" in a note without a date names no time.
            let normalised = match dates::resolve(d.when, note_date) {
                Some((iso, _, _)) => iso,
                None => match d.when {
                    dates::When::Day { month, day, .. } => format!("--{month:02}-{day:02}"),
                    _ => continue,
                },
            };
            all.push(Found::new(d.start, d.end, MentionKind::Date, normalised));
        }
        let prepared = prepared(known);
        let (people, known_places) = (&prepared.people, &prepared.places);
        for i in 0..toks.len() {
            let _ = places::known_at(text, &toks, i, known_places, &mut all);
            let _ = places::doctors_surgery_at(text, &toks, i, &mut all);
            let _ = places::street_at(text, &toks, i, &mut all);
            // A run of capitalised words is read once, from its start.
            if !places::continues_run(text, &toks, i) {
                let _ = places::named_at(text, &toks, i, &mut all);
            }
            let _ = people.at(text, &toks, i, &mut all);
            let _ = places::after_preposition_at(text, &toks, i, &mut all);
        }
        // Best first: by rank, then longest, then earliest.
        all.sort_by(|a, b| {
            let linked = |f: &Found| u8::from(f.entity.is_none());
            (rank(a.kind), linked(a), b.end - b.start, a.start).cmp(&(
                rank(b.kind),
                linked(b),
                a.end - a.start,
                b.start,
            ))
        });
        let mut kept: Vec<Found> = Vec::new();
        for f in all {
            if !kept.iter().any(|k| k.overlaps(&f)) {
                kept.push(f);
            }
        }
        for f in &mut kept {
            if f.entity.is_none()
                && matches!(
                    f.kind,
                    MentionKind::School
                        | MentionKind::GpSurgery
                        | MentionKind::Place
                        | MentionKind::Address
                )
            {
                places::link(f, text, known);
            }
        }
        kept.sort_by_key(|f| (f.start, f.end));
        kept
    }
}

impl EntityDetector for RuleDetector {
    fn detect(&self, note: &Note, known: &Known) -> Vec<Mention> {
        let offsets = Offsets::new(&note.text);
        self.found(note, known)
            .into_iter()
            .map(|f| Mention {
                span: Span {
                    note_id: note.id.clone(),
                    start: offsets.char_at(f.start),
                    end: offsets.char_at(f.end),
                },
                kind: f.kind,
                text: note
                    .text
                    .get(f.start..f.end)
                    .unwrap_or_default()
                    .to_string(),
                normalised: f.normalised,
                entity_id: f.entity,
            })
            .collect()
    }
}
