//! Case notes through the gate. A note is a record like any other (type
//! `Note`: text, date, author, the person it is about, its case), ingested by
//! a mapping or added by [`Session::add_note`], so the policies decide and
//! mask it as they do every value. Its text is never altered: what is derived
//! from it (mentions, special-category spans, summaries, chronologies) points
//! back by note id and char span.
//!
//! Special-category spans found in the free text are decided one by one, as
//! a property of that sensitivity on the same record would be: a purpose
//! that may see the note but not a category sees `[religion withheld]` in
//! that span's place, and nothing derived from it.

use std::collections::BTreeSet;

use clearstone_model::{Sensitivity, Statement};
use clearstone_notes::{
    EntityDetector, Known, KnownPerson, Mention, MentionKind, Note, RuleDetector, SensitiveSpan,
    SpecialCategory, special_spans,
};
use clearstone_policy::Action;
use clearstone_search::{REFERRERS_MAX, TARGETS_MAX};

use crate::index::search_error;
use crate::{EngineError, MASKED_SOURCE, Operation, Session};

/// The type notes are records of.
pub const NOTE_TYPE: &str = "Note";
/// Notes one summary or chronology reads.
pub const SCOPE_NOTES_MAX: usize = 2_000;
/// The longest note text accepted, in chars.
pub const NOTE_CHARS_MAX: usize = 200_000;

/// Which notes an operation is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteScope {
    /// One note, by its entity id.
    Note(String),
    /// The notes about a person, optionally within dates (YYYY-MM-DD, inclusive).
    Person {
        id: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// The notes of a case, by the case's entity id.
    Case(String),
}

impl NoteScope {
    /// The entity the scope names, for the event's subjects.
    pub fn subject(&self) -> &str {
        match self {
            Self::Note(id) | Self::Person { id, .. } | Self::Case(id) => id,
        }
    }

    /// The scope as controlled vocabulary for the log.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Note(_) => "note",
            Self::Person { .. } => "person",
            Self::Case(_) => "case",
        }
    }
}

/// One piece of a note as this session sees it, in text order: plain text,
/// a mention, or a withheld span. `start`/`end` are char offsets into the
/// original, so a citation can be followed to the piece that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotePart {
    pub start: usize,
    pub end: usize,
    /// The original text, or the placeholder of a withheld span.
    pub text: String,
    pub mention: Option<MentionKind>,
    pub entity_id: Option<String>,
    pub withheld: Option<SpecialCategory>,
}

/// A note as this session may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteView {
    pub id: String,
    pub dataset: String,
    pub date: Option<String>,
    pub note_type: Option<String>,
    pub author: Option<String>,
    pub about: Option<String>,
    pub case: Option<String>,
    /// The text with withheld spans replaced by placeholders, or the whole
    /// text's placeholder when it is masked.
    pub text: String,
    /// Set when the whole text is masked (its property's category).
    pub masked: Option<Sensitivity>,
    pub parts: Vec<NotePart>,
    /// Mentions outside withheld spans, with spans into the original.
    pub mentions: Vec<Mention>,
    /// The spans withheld from this session, by category.
    pub withheld: Vec<SensitiveSpan>,
    /// How the note came to be, when not by ingest: `added`, `transcript`,
    /// `confirmed_summary`.
    pub origin: String,
    /// For a transcript, where each stretch of text was said in the recording.
    pub times: Vec<crate::notes_write::TimedSpan>,
}

/// A note loaded through the gate: its original (for citations, never
/// shown as such) and which categories of span this session may see.
#[derive(Clone)]
pub(crate) struct GatedNote {
    pub view: NoteView,
    /// The original text, present only when the text itself is visible.
    pub note: Option<Note>,
    pub special: Vec<SensitiveSpan>,
    pub allowed: [bool; SpecialCategory::ALL.len()],
}

impl GatedNote {
    pub(crate) fn allows(&self, c: SpecialCategory) -> bool {
        allowed_in(&self.allowed, c)
    }
}

pub(crate) fn allowed_in(allowed: &[bool], c: SpecialCategory) -> bool {
    SpecialCategory::ALL
        .iter()
        .position(|x| *x == c)
        .and_then(|i| allowed.get(i))
        .copied()
        .unwrap_or(false)
}

/// The placeholder a withheld span shows, as the notes crate writes it.
pub(crate) fn withheld_placeholder(c: SpecialCategory) -> String {
    clearstone_notes::redact(
        "x",
        &[SensitiveSpan {
            span: clearstone_notes::Span {
                note_id: String::new(),
                start: 0,
                end: 1,
            },
            category: c,
        }],
        &|_| false,
    )
}

fn value_of<'s>(statements: &'s [Statement], prop: &str) -> Option<&'s Statement> {
    // The most recently seen version, where a record holds several.
    statements
        .iter()
        .filter(|s| &*s.prop == prop)
        .max_by_key(|s| (s.last_seen, s.first_seen))
}

fn shown_value(statements: &[Statement], prop: &str) -> Option<String> {
    value_of(statements, prop).map(|s| s.value.clone())
}

impl Session<'_> {
    pub(crate) fn is_note_type(&self, schema: &str) -> bool {
        schema == NOTE_TYPE || self.engine.ontology().is_a(schema, NOTE_TYPE)
    }

    /// Refuses a reveal under a purpose with no lawful condition, logging it.
    pub(crate) fn require_reveal_basis(
        &self,
        reveal: bool,
        subject: &str,
    ) -> Result<(), EngineError> {
        if !reveal || self.purpose.allows_sensitive() {
            return Ok(());
        }
        let what = "reveal special-category values";
        self.record(
            Operation::Refused,
            what,
            &[subject],
            None,
            "sensitive_basis_required",
        )?;
        Err(EngineError::Forbidden {
            what: what.into(),
            code: "sensitive_basis_required",
        })
    }

    /// One note through the gate, or `None` when it is absent, hidden or
    /// not a note (all answered alike). With `reveal`, the text is decided
    /// as a reveal, as `Session::reveal` decides a property. Appends no event.
    pub(crate) fn load_note(
        &self,
        id: &str,
        reveal: bool,
    ) -> Result<Option<GatedNote>, EngineError> {
        let raw = self.visible_statements(id, Action::View, reveal)?;
        let Some(first) = raw.first() else {
            return Ok(None);
        };
        if !self.is_note_type(&first.schema) {
            return Ok(None);
        }
        let text_raw = value_of(&raw, "text").cloned();
        let (shown, _) = self.gate(Action::View, raw, reveal.then_some("text"));
        let shown = self.drop_hidden_targets(Action::View, shown)?;
        if shown.is_empty() {
            return Ok(None);
        }
        let text_shown = value_of(&shown, "text");
        let masked = match text_shown {
            Some(s) if &*s.origin.source == MASKED_SOURCE => self
                .engine
                .ontology()
                .property(&s.schema, "text")
                .map(|p| p.sensitivity),
            _ => None,
        };
        let origin = match text_raw.as_ref().map(|s| &*s.origin.source) {
            Some(crate::notes_write::SOURCE_ADDED) => "added",
            Some(crate::notes_write::SOURCE_TRANSCRIPT) => "transcript",
            Some(crate::notes_write::SOURCE_SUMMARY) => "confirmed_summary",
            _ => "ingested",
        };
        let mut view = NoteView {
            id: id.to_string(),
            dataset: shown
                .first()
                .map(|s| s.dataset.to_string())
                .unwrap_or_default(),
            date: shown_value(&shown, "date"),
            note_type: shown_value(&shown, "note_type"),
            author: shown_value(&shown, "author"),
            about: shown_value(&shown, "about"),
            case: shown_value(&shown, "case"),
            text: text_shown.map(|s| s.value.clone()).unwrap_or_default(),
            masked,
            parts: Vec::new(),
            mentions: Vec::new(),
            withheld: Vec::new(),
            origin: origin.to_string(),
            times: Vec::new(),
        };
        let allowed = [false; SpecialCategory::ALL.len()];
        let (Some(raw_text), Some(_), None) = (text_raw, text_shown, masked) else {
            // Nothing of a masked or denied text leaves: no spans, no mentions.
            if masked.is_some() {
                view.parts.push(plain(0, 0, view.text.clone()));
            }
            return Ok(Some(GatedNote {
                view,
                note: None,
                special: Vec::new(),
                allowed,
            }));
        };
        let action = if reveal {
            Action::RevealSensitive
        } else {
            Action::View
        };
        let allowed = self.span_permissions(&raw_text, action, reveal);
        let note = Note {
            id: id.to_string(),
            text: raw_text.value.clone(),
            date: view.date.clone(),
            kind: view.note_type.clone(),
            author: view.author.clone(),
        };
        let special = special_spans(&note);
        let gated = GatedNote {
            view,
            note: Some(note),
            special,
            allowed,
        };
        Ok(Some(gated))
    }

    /// Fills a visible note's mentions, withheld spans and parts.
    pub(crate) fn describe_note(&self, g: &mut GatedNote, known: &Known) {
        let Some(note) = &g.note else { return };
        let withheld: Vec<SensitiveSpan> = g
            .special
            .iter()
            .filter(|s| !g.allows(s.category))
            .cloned()
            .collect();
        let overlaps_withheld = |start: usize, end: usize| {
            withheld
                .iter()
                .any(|w| w.span.start < end && start < w.span.end)
        };
        let mentions: Vec<Mention> = RuleDetector::new()
            .detect(note, known)
            .into_iter()
            .filter(|m| !overlaps_withheld(m.span.start, m.span.end))
            .collect();
        let allowed = g.allowed;
        g.view.text =
            clearstone_notes::redact(&note.text, &g.special, &|c| allowed_in(&allowed, c));
        g.view.parts = parts(note, &mentions, &withheld);
        g.view.mentions = mentions;
        g.view.withheld = withheld;
    }

    /// What the case already knows about the people around a note: the
    /// person it is about, their family, and the practitioners, as far as
    /// this session may see them (hidden records are as if absent).
    pub(crate) fn known_for(&self, about: &[&str], authors: &[&str]) -> Result<Known, EngineError> {
        let mut known = Known::default();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut people: Vec<(String, Option<String>)> = Vec::new();
        for a in about {
            people.push((a.to_string(), Some("subject".into())));
        }
        for a in authors {
            people.push((a.to_string(), Some("practitioner".into())));
        }
        // Relatives: relationship records naming the person, read through the index.
        let targets: Vec<String> = about
            .iter()
            .take(TARGETS_MAX)
            .map(|s| s.to_string())
            .collect();
        if !targets.is_empty() {
            let visible = self.visible(Action::View)?;
            let found = self
                .engine
                .search_index()
                .referrers(&targets, &visible, REFERRERS_MAX)
                .map_err(search_error)?;
            for r in found {
                if self
                    .engine
                    .ontology()
                    .get(&r.schema)
                    .is_none_or(|t| t.ends.is_none())
                {
                    continue;
                }
                let raw = self.visible_statements(&r.entity, Action::View, false)?;
                let (shown, _) = self.gate(Action::View, raw, None);
                let shown = self.drop_hidden_targets(Action::View, shown)?;
                let role = shown_value(&shown, "relationship");
                for s in &shown {
                    let is_ref = self
                        .engine
                        .ontology()
                        .property(&s.schema, &s.prop)
                        .is_some_and(|p| p.ty == clearstone_model::PropType::Entity);
                    if is_ref && s.value != r.target && &*s.origin.source != MASKED_SOURCE {
                        people.push((s.value.clone(), role.clone()));
                    }
                }
            }
        }
        for (id, role) in people {
            if !seen.insert(id.clone()) {
                continue;
            }
            let raw = self.visible_statements(&id, Action::View, false)?;
            let (shown, _) = self.gate(Action::View, raw, None);
            let mut names: Vec<String> = Vec::new();
            for s in &shown {
                if &*s.origin.source == MASKED_SOURCE {
                    continue;
                }
                let is_name = self
                    .engine
                    .ontology()
                    .property(&s.schema, &s.prop)
                    .is_some_and(|p| p.ty == clearstone_model::PropType::Name);
                if is_name && !s.value.trim().is_empty() && !names.contains(&s.value) {
                    names.push(s.value.clone());
                }
            }
            if !names.is_empty() {
                known.people.push(KnownPerson {
                    entity_id: id,
                    names,
                    role,
                });
            }
        }
        Ok(known)
    }

    /// One note with its mentions (`clearstone notes show`): one event.
    pub fn note(&self, id: &str, reveal: bool) -> Result<NoteView, EngineError> {
        let (op, query) = if reveal {
            (Operation::Reveal, "reveal `text` of note")
        } else {
            (Operation::Consult, "show note")
        };
        self.logged(op, query, &[id], || {
            self.require_reveal_basis(reveal, id)?;
            let Some(mut g) = self.load_note(id, reveal)? else {
                return Err(EngineError::NotFound(id.to_string()));
            };
            let about: Vec<&str> = g.view.about.as_deref().into_iter().collect();
            let authors: Vec<&str> = g.view.author.as_deref().into_iter().collect();
            let known = if g.note.is_some() {
                self.known_for(&about, &authors)?
            } else {
                Known::default()
            };
            self.describe_note(&mut g, &known);
            if g.view.origin == "transcript" && g.note.is_some() {
                g.view.times = self.transcript_times(id)?;
            }
            let outcome = match g.view.masked {
                Some(_) => "text masked".to_string(),
                None => format!(
                    "{} mentions, {} spans withheld",
                    g.view.mentions.len(),
                    g.view.withheld.len()
                ),
            };
            self.record(op, query, &[id], None, &outcome)?;
            Ok(g.view)
        })
    }

    /// The notes a scope names that this session may see, oldest first,
    /// each loaded through the gate. Appends no event.
    pub(crate) fn scope_notes(
        &self,
        scope: &NoteScope,
        reveal: bool,
    ) -> Result<Vec<GatedNote>, EngineError> {
        let ids: Vec<String> = match scope {
            NoteScope::Note(id) => vec![id.clone()],
            NoteScope::Person { id, .. } => self.notes_about(&[id.as_str()])?,
            NoteScope::Case(id) => self.notes_pointing_at(id, "case")?,
        };
        let mut out = Vec::new();
        for id in ids {
            let Some(g) = self.load_note(&id, reveal)? else {
                continue;
            };
            if let NoteScope::Person { from, to, .. } = scope {
                let d = g.view.date.as_deref();
                let after = from.as_deref().is_none_or(|f| d.is_some_and(|d| d >= f));
                let before = to.as_deref().is_none_or(|t| d.is_some_and(|d| d <= t));
                if !(after && before) {
                    continue;
                }
            }
            out.push(g);
        }
        if out.len() > SCOPE_NOTES_MAX {
            return Err(EngineError::InvalidInput(format!(
                "{} notes are over the limit scope_notes_max ({SCOPE_NOTES_MAX}): narrow the period with --from and --to",
                out.len()
            )));
        }
        out.sort_by(|a, b| (&a.view.date, &a.view.id).cmp(&(&b.view.date, &b.view.id)));
        Ok(out)
    }

    /// The notes about any record of `records` this session may see. A
    /// note's reference to a record it may not see is withheld, as one to
    /// a record never loaded is, so asking by that record's id must find
    /// nothing either: the id would otherwise name the note's subject.
    pub(crate) fn notes_about(&self, records: &[&str]) -> Result<Vec<String>, EngineError> {
        let mut ids = Vec::new();
        for r in records {
            if self.seen_record(r)?.is_some() {
                ids.extend(self.notes_pointing_at(r, "about")?);
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The notes whose `prop` points at `target`, as the index answers for
    /// the shapes this session may view.
    pub(crate) fn notes_pointing_at(
        &self,
        target: &str,
        prop: &str,
    ) -> Result<Vec<String>, EngineError> {
        let visible = self.visible(Action::View)?;
        let found = self
            .engine
            .search_index()
            .referrers(&[target.to_string()], &visible, REFERRERS_MAX)
            .map_err(search_error)?;
        if found.len() >= REFERRERS_MAX {
            return Err(EngineError::InvalidInput(format!(
                "more notes than the index returns at once (referrers_max {REFERRERS_MAX}): narrow the period with --from and --to"
            )));
        }
        let mut ids: Vec<String> = found
            .into_iter()
            .filter(|r| r.prop == prop && self.is_note_type(&r.schema))
            .map(|r| r.entity)
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}

/// The note as pieces in text order: withheld spans (merged) first claim
/// their text, then mentions, then plain text between.
fn parts(note: &Note, mentions: &[Mention], withheld: &[SensitiveSpan]) -> Vec<NotePart> {
    let chars: Vec<char> = note.text.chars().collect();
    let n = chars.len();
    let slice = |a: usize, b: usize| -> String {
        chars
            .get(a.min(n)..b.min(n))
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    // Merge overlapping withheld spans, as the redaction does.
    let mut held: Vec<(usize, usize, SpecialCategory)> = withheld
        .iter()
        .map(|w| (w.span.start.min(n), w.span.end.min(n), w.category))
        .filter(|(a, b, _)| a < b)
        .collect();
    held.sort_unstable();
    let mut merged: Vec<(usize, usize, SpecialCategory)> = Vec::new();
    for (a, b, c) in held {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b, c)),
        }
    }
    let mut marks: Vec<NotePart> = merged
        .into_iter()
        .map(|(a, b, c)| NotePart {
            start: a,
            end: b,
            text: withheld_placeholder(c),
            mention: None,
            entity_id: None,
            withheld: Some(c),
        })
        .collect();
    for m in mentions {
        let (a, b) = (m.span.start.min(n), m.span.end.min(n));
        if a < b && !marks.iter().any(|p| p.start < b && a < p.end) {
            marks.push(NotePart {
                start: a,
                end: b,
                text: slice(a, b),
                mention: Some(m.kind),
                entity_id: m.entity_id.clone(),
                withheld: None,
            });
        }
    }
    marks.sort_by_key(|p| p.start);
    let mut out = Vec::with_capacity(marks.len() * 2 + 1);
    let mut at = 0;
    for p in marks {
        if p.start > at {
            out.push(plain(at, p.start, slice(at, p.start)));
        }
        at = p.end;
        out.push(p);
    }
    if at < n {
        out.push(plain(at, n, slice(at, n)));
    }
    out
}

fn plain(start: usize, end: usize, text: String) -> NotePart {
    NotePart {
        start,
        end,
        text,
        mention: None,
        entity_id: None,
        withheld: None,
    }
}
