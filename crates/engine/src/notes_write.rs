//! Writing notes: one typed by a practitioner, a transcript of a recorded
//! visit, or a summary a practitioner confirmed. Each becomes a `Note`
//! record of statements in the dataset of what it is attached to, with its
//! author, date and provenance, and is indexed as ingested records are.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clearstone_model::{Markings, Statement, StatementId, Timestamp, dataset_of, entity_id};
use clearstone_notes::Transcriber;
use clearstone_policy::{Action, Decision, Resource};
use clearstone_store::{Batch, Store};
use sha2::Digest;

use crate::notes::{NOTE_CHARS_MAX, NOTE_TYPE, NoteView};
use crate::session::{shortened, text_ref};
use crate::{EngineError, Operation, Session};

/// Provenance of notes written here rather than ingested.
pub(crate) const SOURCE_ADDED: &str = "clearstone notes add";
pub(crate) const SOURCE_TRANSCRIPT: &str = "clearstone notes transcribe";
pub(crate) const SOURCE_SUMMARY: &str = "clearstone notes confirm";
/// Where recordings are kept, inside the data directory.
pub const AUDIO_DIR: &str = "audio";
/// The largest recording accepted.
pub const AUDIO_BYTES_MAX: u64 = 512 * 1024 * 1024;

/// A note to add, attached to a person, a case, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewNote {
    pub text: String,
    /// Entity id of the person the note is about.
    pub about: Option<String>,
    /// Entity id of the case.
    pub case: Option<String>,
    /// YYYY-MM-DD; today when not given.
    pub date: Option<String>,
    /// One of the ontology's `note_type` values; `other` when not given.
    pub note_type: Option<String>,
}

/// Where a new note goes, once checked.
struct Target {
    anchor: String,
    dataset: String,
    markings: Markings,
    date: String,
    note_type: String,
}

/// A transcript's link from note text back to the recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedSpan {
    pub start: usize,
    pub end: usize,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// What `transcribe` made: the note, the kept recording and the timings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcribed {
    pub note: NoteView,
    pub audio: PathBuf,
    pub times: Vec<TimedSpan>,
}

pub(crate) fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
        && s.get(5..7)
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| (1..=12).contains(&m))
        && s.get(8..10)
            .and_then(|d| d.parse::<u32>().ok())
            .is_some_and(|d| (1..=31).contains(&d))
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Session<'_> {
    /// Adds a typed note (`clearstone notes add`): one event.
    pub fn add_note(&self, note: &NewNote) -> Result<NoteView, EngineError> {
        let subjects = attachments(note);
        self.logged(Operation::Collect, "add note", &subjects, || {
            let id = self.write_note(note, SOURCE_ADDED, None)?;
            let mut all = subjects.clone();
            all.insert(0, id.as_str());
            self.record(Operation::Collect, "add note", &all, None, "added")?;
            self.view_after_write(&id)
        })
    }

    /// The note just written, as this session sees it (no event of its own:
    /// the write's event covers it).
    pub(crate) fn view_after_write(&self, id: &str) -> Result<NoteView, EngineError> {
        let reveal = self.purpose.allows_sensitive();
        let mut g = self.load_note(id, reveal)?.ok_or_else(|| {
            EngineError::Internal(format!("note `{id}` was written but cannot be read back"))
        })?;
        self.describe_note(&mut g, &clearstone_notes::Known::default());
        Ok(g.view)
    }

    /// Checks a new note and the session's right to write it, then stores
    /// it; returns its entity id. Appends no event.
    pub(crate) fn write_note(
        &self,
        n: &NewNote,
        source: &'static str,
        reference: Option<&str>,
    ) -> Result<String, EngineError> {
        let text = n.text.trim();
        if text.is_empty() {
            return Err(EngineError::InvalidInput("a note needs text".into()));
        }
        let chars = text.chars().count();
        if chars > NOTE_CHARS_MAX {
            return Err(EngineError::InvalidInput(format!(
                "a note of {chars} chars is over note_chars_max ({NOTE_CHARS_MAX})"
            )));
        }
        let Target {
            anchor,
            dataset,
            markings,
            date,
            note_type,
        } = self.note_target(n)?;
        let anchor = anchor.as_str();
        let note_type = note_type.as_str();
        let o = self.engine.ontology();
        let now = Timestamp::now();
        let key = format!(
            "{}-{}",
            match source {
                SOURCE_TRANSCRIPT => "transcript",
                SOURCE_SUMMARY => "summary",
                _ => "added",
            },
            sha256_hex(format!("{}\n{}\n{}\n{text}", self.principal.id, now.0, anchor).as_bytes())
                .get(..16)
                .unwrap_or_default()
        );
        let id = entity_id(&dataset, "note", &[&key]);
        let author = self
            .principal_record()
            .unwrap_or_else(|| self.principal.id.clone());
        let mut values: Vec<(&str, String)> = vec![
            ("text", text.to_string()),
            ("date", date),
            ("note_type", note_type.to_string()),
            (
                "reference",
                reference.map_or_else(|| key.clone(), str::to_string),
            ),
        ];
        if let Some(a) = &n.about {
            values.push(("about", a.clone()));
        }
        if let Some(c) = &n.case {
            values.push(("case", c.clone()));
        }
        // The author is a reference only where the user has a record in the
        // data; the user id itself is kept in the provenance either way.
        if o.property(NOTE_TYPE, "author").is_some() && author != self.principal.id {
            values.push(("author", author));
        }
        let ds: Arc<str> = dataset.as_str().into();
        let eid: Arc<str> = id.as_str().into();
        let schema: Arc<str> = NOTE_TYPE.into();
        let marks = Arc::new(markings);
        let origin = clearstone_model::Origin {
            source: source.into(),
            record: format!("{key} by {}", self.principal.id).into(),
        };
        let statements: Vec<Statement> = values
            .into_iter()
            .map(|(prop, value)| Statement {
                id: StatementId::new(&dataset, &id, prop, &value),
                entity_id: eid.clone(),
                schema: schema.clone(),
                prop: prop.into(),
                value,
                original_value: None,
                dataset: ds.clone(),
                origin: origin.clone(),
                first_seen: now,
                last_seen: now,
                markings: marks.clone(),
                subject_category: None,
                kind: if source == SOURCE_SUMMARY {
                    clearstone_model::Kind::Assessment
                } else {
                    clearstone_model::Kind::Fact
                },
            })
            .collect();
        self.engine.store()?.write_batch(&Batch {
            dataset: dataset.clone(),
            source: source.to_string(),
            now,
            statements,
            quarantine: Vec::new(),
            passed_lines: Vec::new(),
        })?;
        self.engine.reindex(std::slice::from_ref(&id))?;
        Ok(id)
    }

    /// Checks what a new note is attached to and the session's right to
    /// write it there, before anything is stored (or sent to a transcriber).
    fn note_target(&self, n: &NewNote) -> Result<Target, EngineError> {
        let Some(anchor) = n.about.as_deref().or(n.case.as_deref()) else {
            return Err(EngineError::InvalidInput(
                "a note is attached to a person (--about), a case (--case), or both".into(),
            ));
        };
        let date = match n.date.as_deref() {
            Some(d) if is_iso_date(d) => d.to_string(),
            Some(d) => {
                return Err(EngineError::InvalidInput(format!(
                    "date `{}` is not a date (YYYY-MM-DD)",
                    shortened(d)
                )));
            }
            None => Timestamp::now()
                .to_string()
                .get(..10)
                .unwrap_or_default()
                .to_string(),
        };
        let o = self.engine.ontology();
        let note_type = n.note_type.as_deref().unwrap_or("other");
        let known_type = o
            .property(NOTE_TYPE, "note_type")
            .is_some_and(|p| p.values.iter().any(|v| v == note_type));
        if !known_type {
            let values = o
                .property(NOTE_TYPE, "note_type")
                .map(|p| p.values.join(", "))
                .unwrap_or_default();
            return Err(EngineError::InvalidInput(format!(
                "note type `{}` is not one of {values}",
                shortened(note_type)
            )));
        }
        // Attached records must be visible, and of the type the property names.
        for (prop, target) in [("about", &n.about), ("case", &n.case)] {
            let Some(target) = target else { continue };
            let raw = self.visible_statements(target, Action::View, false)?;
            let range = o.property(NOTE_TYPE, prop).and_then(|p| p.range.clone());
            let fits = raw
                .first()
                .is_some_and(|s| range.as_deref().is_none_or(|r| o.is_a(&s.schema, r)));
            let (shown, _) = self.gate(Action::View, raw, None);
            if shown.is_empty() || !fits {
                return Err(EngineError::NotFound(target.clone()));
            }
        }
        let dataset = dataset_of(anchor)
            .ok_or_else(|| EngineError::NotFound(anchor.to_string()))?
            .to_string();
        let markings: Markings = self
            .engine
            .store()?
            .dataset(&dataset)?
            .map(|d| d.markings)
            .filter(|m| !m.trim().is_empty())
            .map(|m| m.parse::<Markings>())
            .transpose()
            .map_err(|e| EngineError::Internal(format!("dataset `{dataset}` markings: {e}")))?
            .unwrap_or_default();
        self.require_typed(Action::View, &dataset, NOTE_TYPE, "add a note")?;
        // Writing the text processes what its tag says: a special-category
        // text needs the lawful condition reading it in full would.
        let text_tag = o
            .property(NOTE_TYPE, "text")
            .map_or(clearstone_model::Sensitivity::Ordinary, |p| p.sensitivity);
        let resource = Resource {
            dataset: dataset.clone(),
            schema: NOTE_TYPE.into(),
            schema_ancestors: self.engine.ancestors(NOTE_TYPE),
            sensitivity: text_tag,
            type_sensitivity: o.type_sensitivity(NOTE_TYPE),
            markings: markings.clone(),
        };
        let act = if text_tag.is_special() {
            Action::RevealSensitive
        } else {
            Action::View
        };
        let code = match self.decide(act, &resource, text_tag.is_special()) {
            Decision::Allow => None,
            Decision::Mask { .. } => Some("sensitive_basis_required"),
            Decision::Deny { reason } => Some(reason.code()),
        };
        if let Some(code) = code {
            self.record(Operation::Refused, "add note", &[anchor], None, code)?;
            return Err(EngineError::Forbidden {
                what: "add a note".into(),
                code,
            });
        }
        Ok(Target {
            anchor: anchor.to_string(),
            dataset,
            markings,
            date,
            note_type: note_type.to_string(),
        })
    }

    /// The user's own record in the data (a practitioner's), when the
    /// register links one.
    fn principal_record(&self) -> Option<String> {
        self.principal.attributes.get("person").cloned()
    }

    /// Transcribes a recording of a visit into a note (`clearstone notes
    /// transcribe`): keeps the recording (owner-only, in the data directory)
    /// and the transcript's timings, with the consent reference. One event;
    /// the consent reference is free text, so the log holds its hash.
    pub fn transcribe(
        &self,
        audio: &Path,
        consent: &str,
        attach: &NewNote,
        transcriber: &dyn Transcriber,
    ) -> Result<Transcribed, EngineError> {
        let subjects = attachments(attach);
        let query = "transcribe recording to note";
        self.logged(Operation::Collect, query, &subjects, || {
            if consent.trim().is_empty() {
                return Err(EngineError::InvalidInput(
                    "a recording is transcribed only with the consent recorded (--consent)".into(),
                ));
            }
            let meta = std::fs::metadata(audio).map_err(|e| EngineError::InvalidInput(format!(
                "recording `{}`: {e}",
                audio.display()
            )))?;
            if meta.len() > AUDIO_BYTES_MAX {
                return Err(EngineError::InvalidInput(format!(
                    "recording `{}` of {} bytes is over audio_bytes_max ({AUDIO_BYTES_MAX})",
                    audio.display(),
                    meta.len()
                )));
            }
            self.note_target(attach)?;
            let bytes = std::fs::read(audio).map_err(|e| {
                EngineError::InvalidInput(format!("recording `{}`: {e}", audio.display()))
            })?;
            let digest = sha256_hex(&bytes);
            let transcript = transcriber.transcribe(audio).map_err(|e| match e.code() {
                // A recording the model cannot read is the caller's to fix.
                "transcriber_unavailable" | "transcription_failed" => {
                    EngineError::InvalidInput(e.to_string())
                }
                _ => EngineError::Internal(e.to_string()),
            })?;
            let (note, times) = transcript.to_note("transcript", attach.date.clone());
            let typed = NewNote {
                text: note.text.clone(),
                note_type: attach.note_type.clone().or(Some("home_visit".into())),
                ..attach.clone()
            };
            let id = self.write_note(&typed, SOURCE_TRANSCRIPT, None)?;
            let kept = self.keep_audio(audio, &bytes, &digest)?;
            // Transcript text is trimmed as written, so the spans carry over.
            let times: Vec<TimedSpan> = times
                .into_iter()
                .map(|(s, a, b)| TimedSpan {
                    start: s.start,
                    end: s.end,
                    start_ms: a,
                    end_ms: b,
                })
                .collect();
            let consent_ref = text_ref(consent);
            let timing = serde_json::json!({
                "note": id,
                "audio": kept.file_name().map(|f| f.to_string_lossy().to_string()),
                "audio_sha256": digest,
                "consent": consent,
                "times": times.iter().map(|t| serde_json::json!([t.start, t.end, t.start_ms, t.end_ms])).collect::<Vec<_>>(),
            });
            self.engine
                .store()?
                .put_text(&format!("transcript:{id}"), &timing.to_string())?;
            let mut all = subjects.clone();
            all.insert(0, id.as_str());
            self.record(
                Operation::Collect,
                query,
                &all,
                None,
                &format!("transcribed, consent {consent_ref}"),
            )?;
            let mut view = self.view_after_write(&id)?;
            view.times = times.clone();
            Ok(Transcribed {
                note: view,
                audio: kept,
                times,
            })
        })
    }

    fn keep_audio(&self, from: &Path, bytes: &[u8], digest: &str) -> Result<PathBuf, EngineError> {
        let dir = self.engine.dir().join(AUDIO_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| EngineError::Io {
            path: dir.display().to_string(),
            source: e,
        })?;
        set_mode(&dir, 0o700)?;
        let ext = from
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("audio");
        let path = dir.join(format!("{digest}.{ext}"));
        std::fs::write(&path, bytes).map_err(|e| EngineError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        set_mode(&path, 0o600)?;
        Ok(path)
    }

    /// The timings of a transcript note, as stored beside it.
    pub(crate) fn transcript_times(&self, note_id: &str) -> Result<Vec<TimedSpan>, EngineError> {
        let Some(text) = self
            .engine
            .store()?
            .text(&format!("transcript:{note_id}"))?
        else {
            return Ok(Vec::new());
        };
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| EngineError::Internal(format!("transcript of `{note_id}`: {e}")))?;
        let times = v
            .get("times")
            .and_then(|t| t.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| {
                        let n = |i: usize| t.get(i).and_then(serde_json::Value::as_u64);
                        Some(TimedSpan {
                            start: usize::try_from(n(0)?).ok()?,
                            end: usize::try_from(n(1)?).ok()?,
                            start_ms: n(2)?,
                            end_ms: n(3)?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(times)
    }
}

fn attachments(n: &NewNote) -> Vec<&str> {
    n.about
        .as_deref()
        .into_iter()
        .chain(n.case.as_deref())
        .collect()
}

pub(crate) fn set_mode(path: &Path, mode: u32) -> Result<(), EngineError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        EngineError::Io {
            path: path.display().to_string(),
            source: e,
        }
    })
}
