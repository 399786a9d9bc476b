//! Notes with their summary and chronology in one act, for a page that
//! shows each summary sentence and chronology line beside the note text it
//! cites: the notes of a person (every record of their cluster this session
//! may see) or of a case the session's principal works on.

use std::collections::BTreeSet;

use clearstone_notes::Known;

use crate::notes::{GatedNote, NoteScope, NoteView};
use crate::notes_summary::{ChronologyLine, NotesSummary};
use crate::{EngineError, Operation, Session};

/// Sentences of the summary shown beside the notes.
pub const SOURCES_SUMMARY_SENTENCES: usize = 5;

/// Notes as this session may see them, with a cited summary and chronology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesWithSources {
    /// Oldest first; a note whose text is masked is here as its placeholder.
    pub notes: Vec<NoteView>,
    /// `None` when no note's text may be read.
    pub summary: Option<NotesSummary>,
    pub chronology: Vec<ChronologyLine>,
    pub masked_notes: usize,
}

impl Session<'_> {
    /// The notes about a person, with their summary and chronology: one
    /// event. `id` is a record or a canonical id; notes about any record of
    /// the cluster this session may see are read.
    pub fn person_notes(&self, id: &str, reveal: bool) -> Result<NotesWithSources, EngineError> {
        self.with_sources("notes with sources of person", id, reveal, |s| {
            let members = s.cluster_of(id)?.map(|(_, m)| m).unwrap_or_default();
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            let scope = NoteScope::Person {
                id: id.to_string(),
                from: None,
                to: None,
            };
            Ok((s.notes_about(&members)?, scope))
        })
    }

    /// The notes a case of the case workspace links, and those about its
    /// subjects, with their summary and chronology: one event. A case whose
    /// team the principal is not on is answered as one that does not exist.
    pub fn case_notes(&self, case: &str, reveal: bool) -> Result<NotesWithSources, EngineError> {
        self.with_sources("notes with sources of case", case, reveal, |s| {
            s.member_case(case)?;
            let view = s.case_view_unlogged(case)?;
            let mut ids: BTreeSet<String> = view
                .in_force("note")
                .into_iter()
                .map(str::to_string)
                .collect();
            for subject in view.in_force("subject") {
                let members = s.cluster_of(subject)?.map(|(_, m)| m).unwrap_or_default();
                let members: Vec<&str> = members.iter().map(String::as_str).collect();
                ids.extend(s.notes_about(&members)?);
            }
            Ok((ids.into_iter().collect(), NoteScope::Case(case.to_string())))
        })
    }

    /// Loads the notes `ids` picks through the gate, then summarises and
    /// lists them, recording one event under `query`.
    fn with_sources(
        &self,
        query: &str,
        subject: &str,
        reveal: bool,
        ids: impl FnOnce(&Self) -> Result<(Vec<String>, NoteScope), EngineError>,
    ) -> Result<NotesWithSources, EngineError> {
        let op = if reveal {
            Operation::Reveal
        } else {
            Operation::Consult
        };
        self.logged(op, query, &[subject], || {
            self.require_reveal_basis(reveal, subject)?;
            let (ids, scope) = ids(self)?;
            let mut all: Vec<GatedNote> = Vec::new();
            for id in &ids {
                if let Some(g) = self.load_note(id, reveal)? {
                    all.push(g);
                }
            }
            all.sort_by(|a, b| (&a.view.date, &a.view.id).cmp(&(&b.view.date, &b.view.id)));
            let masked_notes = all.iter().filter(|g| g.note.is_none()).count();
            let mut about: Vec<&str> = all.iter().filter_map(|g| g.view.about.as_deref()).collect();
            about.sort_unstable();
            about.dedup();
            let mut authors: Vec<&str> = all
                .iter()
                .filter_map(|g| g.view.author.as_deref())
                .collect();
            authors.sort_unstable();
            authors.dedup();
            let known: Known = self.known_for(&about, &authors)?;
            for g in &mut all {
                self.describe_note(g, &known);
            }
            let readable: Vec<GatedNote> =
                all.iter().filter(|g| g.note.is_some()).cloned().collect();
            let (summary, summary_outcome) = if readable.is_empty() {
                (None, "no summary".to_string())
            } else {
                let (s, o) = self.summary_of(
                    &scope,
                    &readable,
                    masked_notes,
                    SOURCES_SUMMARY_SENTENCES,
                    None,
                )?;
                (Some(s), o)
            };
            let chronology = self.chronology_of(&readable)?;
            let mut subjects = vec![subject];
            subjects.extend(all.iter().map(|g| g.view.id.as_str()));
            self.record(
                op,
                query,
                &subjects,
                None,
                &format!(
                    "{} notes, {masked_notes} masked, {} chronology entries, {summary_outcome}",
                    all.len(),
                    chronology.len()
                ),
            )?;
            Ok(NotesWithSources {
                notes: all.into_iter().map(|g| g.view).collect(),
                summary,
                chronology,
                masked_notes,
            })
        })
    }
}
