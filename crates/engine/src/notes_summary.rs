//! Summaries and chronologies of notes through the gate. Both are computed
//! on the original texts, so every citation is an exact char span, and then
//! shown with the spans this session may not see withheld. A machine-written
//! summary is only a proposal until a practitioner confirms it, and cannot
//! be confirmed while any sentence fails the citation gate.

use clearstone_notes::{
    AbstractiveSummariser, ChatModel, ExtractiveSummariser, Known, ModelInfo, Note, NotesError,
    SensitiveSpan, Span, SpecialCategory, Summariser, SummarySentence, Verdict, chronology,
};

use clearstone_store::Store;

use crate::notes::{GatedNote, NoteScope, NoteView, allowed_in};
use crate::notes_write::{NewNote, SOURCE_SUMMARY};
use crate::session::text_ref;
use crate::{EngineError, Operation, Session};

/// Sentences a summary holds at most.
pub const SUMMARY_SENTENCES_MAX: usize = 50;
const SUMMARY_KEY_PREFIX: &str = "notes-summary:";

/// A summary as this session may see it, kept until confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesSummary {
    pub scope: NoteScope,
    /// What `confirm_summary` takes: the hash of the summary as shown.
    pub key: String,
    pub sentences: Vec<SummarySentence>,
    /// The model that wrote it; `None` for the extractive default.
    pub model: Option<ModelInfo>,
    /// Notes read; notes whose text this session may not see are not read.
    pub notes: usize,
    pub masked_notes: usize,
}

impl NotesSummary {
    /// Whether every sentence passes the citation gate, so it may be confirmed.
    pub fn confirmable(&self) -> bool {
        self.sentences.iter().all(|s| s.verdict.is_supported())
    }
}

/// What signing off a summary came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOff {
    /// The summary is now a note of the record.
    Confirmed(Box<NoteView>),
    /// Refused: these sentences fail the citation gate.
    Refused(Vec<FailingSentence>),
}

/// A sentence that blocks sign-off: its text (only for the practitioner who
/// asked for the summary) and the codes of what the citation gate found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingSentence {
    pub text: Option<String>,
    pub reasons: Vec<String>,
}

/// One line of a chronology as this session may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyLine {
    pub date: String,
    pub what: String,
    pub who: Vec<String>,
    pub citation: Span,
}

/// `span` of a note, with the spans this session may not see withheld.
pub(crate) fn shown_slice(g: &GatedNote, span: &Span) -> Option<String> {
    let note = g.note.as_ref()?;
    let text = span.slice(&note.text)?;
    let local: Vec<SensitiveSpan> = g
        .special
        .iter()
        .filter(|s| s.span.start < span.end && s.span.end > span.start)
        .map(|s| SensitiveSpan {
            span: Span {
                note_id: s.span.note_id.clone(),
                start: s.span.start.saturating_sub(span.start),
                end: s.span.end.min(span.end).saturating_sub(span.start),
            },
            category: s.category,
        })
        .collect();
    Some(clearstone_notes::redact(text, &local, &|c| g.allows(c)))
}

fn overlaps_withheld(g: &GatedNote, span: &Span) -> bool {
    g.special
        .iter()
        .any(|s| !g.allows(s.category) && s.span.start < span.end && span.start < s.span.end)
}

/// A model the caller holds by reference, for the summariser that owns one.
struct Borrowed<'m>(&'m dyn ChatModel);

impl ChatModel for Borrowed<'_> {
    fn name(&self) -> String {
        self.0.name()
    }
    fn version(&self) -> String {
        self.0.version()
    }
    fn complete(&self, system: &str, user: &str) -> Result<String, NotesError> {
        self.0.complete(system, user)
    }
}

/// Model names and versions come from configuration, not from a person at a
/// keyboard, but the log still keeps only a plain token of them.
fn log_token(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._:/@+-".contains(*c))
        .take(64)
        .collect()
}

fn notes_error(e: NotesError) -> EngineError {
    match e.code() {
        "no_notes" | "model_unavailable" | "invalid_note_date" => {
            EngineError::InvalidInput(e.to_string())
        }
        _ => EngineError::Internal(e.to_string()),
    }
}

impl Session<'_> {
    fn scope_query(&self, what: &str, scope: &NoteScope) -> String {
        format!("{what} of {}", scope.code())
    }

    /// Summarises the notes of a scope (`clearstone notes summarise`): with
    /// `model`, written by it from the notes as this session may see them
    /// (withheld spans are not sent) and checked by the citation gate;
    /// otherwise the extractive default. One event naming the model.
    pub fn summarise_notes(
        &self,
        scope: &NoteScope,
        reveal: bool,
        max_sentences: usize,
        model: Option<&dyn ChatModel>,
    ) -> Result<NotesSummary, EngineError> {
        let op = if reveal {
            Operation::Reveal
        } else {
            Operation::Consult
        };
        let query = self.scope_query("summarise notes", scope);
        self.logged(op, &query, &[scope.subject()], || {
            self.require_reveal_basis(reveal, scope.subject())?;
            check_sentences(max_sentences)?;
            let all = self.scope_notes(scope, reveal)?;
            let masked_notes = all.iter().filter(|g| g.note.is_none()).count();
            let gated: Vec<GatedNote> = all.into_iter().filter(|g| g.note.is_some()).collect();
            if gated.is_empty() {
                if masked_notes > 0 {
                    return Err(EngineError::InvalidInput(format!(
                        "the text of the {masked_notes} notes found is masked for this purpose: ask again with --reveal under a purpose with a lawful condition"
                    )));
                }
                return Err(EngineError::NotFound(scope.subject().to_string()));
            }
            let (summary, outcome) =
                self.summary_of(scope, &gated, masked_notes, max_sentences, model)?;
            let ids: Vec<&str> = gated.iter().map(|g| g.view.id.as_str()).collect();
            let mut subjects = vec![scope.subject()];
            subjects.extend(ids.iter().copied().filter(|i| *i != scope.subject()));
            self.record(op, &query, &subjects, None, &outcome)?;
            Ok(summary)
        })
    }

    /// The summary of notes already loaded through the gate, kept for
    /// confirmation, and what the event says of it. Appends no event.
    pub(crate) fn summary_of(
        &self,
        scope: &NoteScope,
        gated: &[GatedNote],
        masked_notes: usize,
        max_sentences: usize,
        model: Option<&dyn ChatModel>,
    ) -> Result<(NotesSummary, String), EngineError> {
        check_sentences(max_sentences)?;
        let notes: Vec<Note> = gated.iter().filter_map(|g| g.note.clone()).collect();
        let summary = match model {
            Some(m) => {
                // A category is sent only where every note read allows it.
                let allowed: Vec<bool> = SpecialCategory::ALL
                    .iter()
                    .map(|c| gated.iter().all(|g| g.allows(*c)))
                    .collect();
                AbstractiveSummariser::allowing(Borrowed(m), move |c| allowed_in(&allowed, c))
                    .summarise(&notes, max_sentences)
            }
            None => ExtractiveSummariser.summarise(&notes, max_sentences),
        }
        .map_err(notes_error)?;
        let sentences: Vec<SummarySentence> = summary
            .sentences
            .into_iter()
            .map(|mut s| {
                if !s.machine_written {
                    // An extracted sentence is its citations' text, shown as this
                    // session may see it.
                    let shown: Vec<String> = s
                        .citations
                        .iter()
                        .filter_map(|c| {
                            gated
                                .iter()
                                .find(|g| g.view.id == c.note_id)
                                .and_then(|g| shown_slice(g, c))
                        })
                        .collect();
                    if !shown.is_empty() {
                        s.text = shown.join(" ");
                    }
                }
                s
            })
            .collect();
        let ids: Vec<&str> = gated.iter().map(|g| g.view.id.as_str()).collect();
        let kept = serde_json::json!({
            "scope": scope_json(scope),
            "notes": ids,
            "principal": self.principal.id,
            "sentences": sentences.iter().map(|s| serde_json::json!({
                "text": s.text,
                "citations": s.citations.iter().map(|c| serde_json::json!([c.note_id, c.start, c.end])).collect::<Vec<_>>(),
                "machine_written": s.machine_written,
                "supported": s.verdict.is_supported(),
                "reasons": reason_codes(&s.verdict),
            })).collect::<Vec<_>>(),
            "model": summary.model.as_ref().map(|m| serde_json::json!({
                "name": m.name, "version": m.version, "prompt_sha256": m.prompt_sha256,
            })),
        })
        .to_string();
        let key = text_ref(&kept);
        self.engine
            .store()?
            .put_text(&format!("{SUMMARY_KEY_PREFIX}{key}"), &kept)?;
        let by = match &summary.model {
            Some(m) => format!(
                "model {} {} prompt sha256:{}",
                log_token(&m.name),
                log_token(&m.version),
                log_token(&m.prompt_sha256)
            ),
            None => "extractive".to_string(),
        };
        let unsupported = sentences
            .iter()
            .filter(|s| !s.verdict.is_supported())
            .count();
        let outcome = format!(
            "{} sentences from {} notes, {unsupported} unsupported, {by}, summary {key}",
            sentences.len(),
            gated.len()
        );
        Ok((
            NotesSummary {
                scope: scope.clone(),
                key,
                sentences,
                model: summary.model,
                notes: gated.len(),
                masked_notes,
            },
            outcome,
        ))
    }

    /// The chronology of a person's or a case's notes (`clearstone notes
    /// chronology`): dated events in order, each cited. One event.
    pub fn chronology(
        &self,
        scope: &NoteScope,
        reveal: bool,
    ) -> Result<Vec<ChronologyLine>, EngineError> {
        let op = if reveal {
            Operation::Reveal
        } else {
            Operation::Consult
        };
        let query = self.scope_query("chronology", scope);
        self.logged(op, &query, &[scope.subject()], || {
            self.require_reveal_basis(reveal, scope.subject())?;
            let gated: Vec<GatedNote> = self
                .scope_notes(scope, reveal)?
                .into_iter()
                .filter(|g| g.note.is_some())
                .collect();
            let out = self.chronology_of(&gated)?;
            let ids: Vec<&str> = gated.iter().map(|g| g.view.id.as_str()).collect();
            let mut subjects = vec![scope.subject()];
            subjects.extend(ids.iter().copied().filter(|i| *i != scope.subject()));
            self.record(
                op,
                &query,
                &subjects,
                None,
                &format!("{} entries from {} notes", out.len(), gated.len()),
            )?;
            Ok(out)
        })
    }

    /// The chronology of notes already loaded through the gate, shown as
    /// this session may see it. Appends no event.
    pub(crate) fn chronology_of(
        &self,
        gated: &[GatedNote],
    ) -> Result<Vec<ChronologyLine>, EngineError> {
        let mut about: Vec<&str> = gated
            .iter()
            .filter_map(|g| g.view.about.as_deref())
            .collect();
        about.sort_unstable();
        about.dedup();
        let mut authors: Vec<&str> = gated
            .iter()
            .filter_map(|g| g.view.author.as_deref())
            .collect();
        authors.sort_unstable();
        authors.dedup();
        let known: Known = self.known_for(&about, &authors)?;
        let notes: Vec<Note> = gated.iter().filter_map(|g| g.note.clone()).collect();
        let mut out = Vec::new();
        for e in chronology(&notes, &known) {
            let Some(g) = gated.iter().find(|g| g.view.id == e.citation.note_id) else {
                continue;
            };
            let Some(what) = shown_slice(g, &e.citation) else {
                continue;
            };
            let who = if overlaps_withheld(g, &e.citation) {
                Vec::new()
            } else {
                e.who
            };
            out.push(ChronologyLine {
                date: e.date,
                what,
                who,
                citation: e.citation,
            });
        }
        Ok(out)
    }

    /// Makes a summary part of the record (`clearstone notes confirm`): a
    /// new note by this practitioner, holding the summary as it was shown.
    /// Refused while any sentence fails the citation gate, or when a note it
    /// was drawn from can no longer be seen. One event.
    pub fn confirm_summary(&self, key: &str) -> Result<NoteView, EngineError> {
        match self.sign_off(key)? {
            SignOff::Confirmed(view) => Ok(*view),
            SignOff::Refused(failing) => Err(EngineError::SummaryUnsupported(failing.len())),
        }
    }

    /// As [`Session::confirm_summary`], but a refusal because sentences
    /// fail the citation gate comes back with those sentences, for the
    /// practitioner to see why. One event either way.
    pub fn sign_off(&self, key: &str) -> Result<SignOff, EngineError> {
        let query = "confirm summary";
        self.logged(Operation::Collect, query, &[], || {
            let well_formed = key
                .strip_prefix("sha256:")
                .is_some_and(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()));
            let kept = if well_formed {
                self.engine
                    .store()?
                    .text(&format!("{SUMMARY_KEY_PREFIX}{key}"))?
            } else {
                None
            };
            let absent = || {
                EngineError::InvalidInput(format!(
                    "no summary `{}` (the key `clearstone notes summarise` printed)",
                    crate::session::shortened(key)
                ))
            };
            let Some(kept) = kept else {
                return Err(absent());
            };
            let v: serde_json::Value = serde_json::from_str(&kept)
                .map_err(|e| EngineError::Internal(format!("summary {key}: {e}")))?;
            let sentences = v
                .get("sentences")
                .and_then(|s| s.as_array())
                .cloned()
                .unwrap_or_default();
            // A summary of notes this session may not see is answered as
            // no summary at all, before its sentences say anything of them.
            let reveal = self.purpose.allows_sensitive();
            let notes: Vec<String> = v
                .get("notes")
                .and_then(|n| n.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            for id in &notes {
                if self.load_note(id, reveal)?.is_none_or(|g| g.note.is_none()) {
                    return Err(absent());
                }
            }
            // The words of a sentence go back only to the practitioner who
            // asked for it: the summary was shown as their purpose allowed.
            let own = v.get("principal").and_then(serde_json::Value::as_str)
                == Some(self.principal.id.as_str());
            let failing: Vec<FailingSentence> = sentences
                .iter()
                .filter(|s| s.get("supported").and_then(serde_json::Value::as_bool) != Some(true))
                .map(|s| FailingSentence {
                    text: own
                        .then(|| s.get("text").and_then(|t| t.as_str()).map(str::to_string))
                        .flatten(),
                    reasons: s
                        .get("reasons")
                        .and_then(|r| r.as_array())
                        .map(|a| {
                            a.iter()
                                .filter_map(|c| c.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect();
            if !failing.is_empty() {
                self.record(Operation::Refused, query, &[], None, "summary_unsupported")?;
                return Ok(SignOff::Refused(failing));
            }
            let scope = v.get("scope");
            let field = |k: &str| {
                scope
                    .and_then(|s| s.get(k))
                    .and_then(|x| x.as_str())
                    .map(str::to_string)
            };
            let (mut about, mut case) = (field("about"), field("case"));
            if let Some(note) = field("note")
                && let Some(g) = self.load_note(&note, reveal)?
            {
                about = g.view.about.clone();
                case = g.view.case.clone();
            }
            let text: Vec<&str> = sentences
                .iter()
                .filter_map(|s| s.get("text").and_then(|t| t.as_str()))
                .collect();
            let new = NewNote {
                text: text.join(" "),
                about,
                case,
                date: None,
                note_type: Some("other".into()),
            };
            let id = self.write_note(&new, SOURCE_SUMMARY, Some(&format!("summary {key}")))?;
            let by = v
                .get("model")
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str())
                .map_or_else(
                    || "extractive".to_string(),
                    |n| format!("model {}", log_token(n)),
                );
            let mut subjects = vec![id.as_str()];
            subjects.extend(notes.iter().map(String::as_str));
            self.record(
                Operation::Collect,
                query,
                &subjects,
                None,
                &format!("confirmed summary {key}, {} sentences, {by}", text.len()),
            )?;
            self.view_after_write(&id)
                .map(|v| SignOff::Confirmed(Box::new(v)))
        })
    }
}

fn check_sentences(max_sentences: usize) -> Result<(), EngineError> {
    if max_sentences == 0 || max_sentences > SUMMARY_SENTENCES_MAX {
        return Err(EngineError::InvalidInput(format!(
            "a summary of {max_sentences} sentences: summary_sentences_max is {SUMMARY_SENTENCES_MAX} (and at least 1)"
        )));
    }
    Ok(())
}

/// The codes of a verdict's reasons, without the words at fault.
fn reason_codes(v: &Verdict) -> Vec<String> {
    match v {
        Verdict::Unsupported { reasons } => reasons
            .iter()
            .map(|r| r.split(':').next().unwrap_or_default().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn scope_json(scope: &NoteScope) -> serde_json::Value {
    match scope {
        NoteScope::Note(id) => serde_json::json!({ "note": id }),
        NoteScope::Person { id, from, to } => {
            serde_json::json!({ "about": id, "from": from, "to": to })
        }
        NoteScope::Case(id) => serde_json::json!({ "case": id }),
    }
}

/// Whether a sentence's verdict blocks sign-off, for callers showing why.
pub fn blocks_sign_off(s: &SummarySentence) -> bool {
    matches!(s.verdict, Verdict::Unsupported { .. })
}
