//! `clearstone notes add | show | summarise | chronology | confirm |
//! transcribe | search | index`, every one through a session.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use clearstone_engine::note_text::ChatModel;
use clearstone_engine::{
    ChronologyLine, NewNote, NoteScope, NoteView, NotesSummary, Session, TimedSpan, blocks_sign_off,
};
use serde_json::{Value, json};

use crate::args::SessionArgs;
use crate::model_endpoints::{CHAT_URL_ENV, ChatEndpoint, TRANSCRIBE_URL_ENV, TranscribeEndpoint};

#[derive(Subcommand)]
pub enum NotesAction {
    /// Add a typed note about a person, a case, or both.
    Add {
        /// The note's text (or --file).
        #[arg(long, conflicts_with = "file")]
        text: Option<String>,
        /// Read the note's text from FILE (UTF-8).
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        attach: Attach,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// One note with the people, dates, places and identifiers it mentions.
    Show {
        note_id: String,
        /// Read the text in full (a logged reveal; needs a lawful condition).
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Summarise one note, a person's notes over a period, or a case's notes;
    /// every sentence cites its source. A model endpoint (CLEARSTONE_CHAT_URL)
    /// writes it when configured; otherwise sentences are extracted.
    Summarise {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Sentences at most.
        #[arg(long, default_value_t = 5)]
        sentences: usize,
        /// Extract even when a model endpoint is configured.
        #[arg(long)]
        extractive: bool,
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The dated events across a person's or a case's notes, in order, each cited.
    Chronology {
        #[command(flatten)]
        scope: ScopeArgs,
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Make a summary part of the record, as its key was printed. Refused
    /// while any sentence fails the citation gate.
    Confirm {
        key: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Transcribe a recorded visit into a note, keeping the recording and
    /// the timings (needs CLEARSTONE_TRANSCRIBE_URL).
    Transcribe {
        #[arg(long)]
        audio: PathBuf,
        /// Where the consent to record is written down (a form's reference).
        #[arg(long)]
        consent: String,
        #[command(flatten)]
        attach: Attach,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The sentences of notes you may see nearest a query, each cited by
    /// note and span. Lexical by default; --semantic ranks by meaning with
    /// the sentence-embedding model in CLEARSTONE_EMBED_MODEL (built with
    /// the `semantic` feature).
    Search {
        query: String,
        #[arg(long)]
        semantic: bool,
        /// Sentences at most (1 to 50).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Embed the sentences of the stored notes not yet embedded, for
    /// semantic search (needs the model and the permission to administer).
    Index {
        /// Embed every note again.
        #[arg(long)]
        rebuild: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
}

/// What a new note is attached to, and its date and type.
#[derive(clap::Args, Clone, Default)]
pub struct Attach {
    /// Entity id of the person the note is about.
    #[arg(long)]
    pub about: Option<String>,
    /// Entity id of the case record (the session's --case is a reference for the log).
    #[arg(long = "for-case")]
    pub for_case: Option<String>,
    /// The note's date (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub date: Option<String>,
    /// home_visit, school_visit, health_appointment, phone_call, office_visit,
    /// strategy_discussion, multi_agency_meeting, supervision or other.
    #[arg(long = "type")]
    pub note_type: Option<String>,
}

/// One note, a person's notes (optionally within dates) or a case's.
#[derive(clap::Args, Clone, Default)]
pub struct ScopeArgs {
    #[arg(long, conflicts_with_all = ["about", "for_case"])]
    pub note: Option<String>,
    #[arg(long, conflicts_with = "for_case")]
    pub about: Option<String>,
    #[arg(long = "for-case")]
    pub for_case: Option<String>,
    /// First date (YYYY-MM-DD) of a person's notes.
    #[arg(long, requires = "about")]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD) of a person's notes.
    #[arg(long, requires = "about")]
    pub to: Option<String>,
}

impl ScopeArgs {
    fn scope(&self) -> Result<NoteScope> {
        Ok(match (&self.note, &self.about, &self.for_case) {
            (Some(n), _, _) => NoteScope::Note(n.clone()),
            (_, Some(a), _) => NoteScope::Person {
                id: a.clone(),
                from: self.from.clone(),
                to: self.to.clone(),
            },
            (_, _, Some(c)) => NoteScope::Case(c.clone()),
            _ => bail!("say which notes: --note ID, --about PERSON or --for-case CASE"),
        })
    }
}

impl Attach {
    fn new_note(&self, text: String) -> NewNote {
        NewNote {
            text,
            about: self.about.clone(),
            case: self.for_case.clone(),
            date: self.date.clone(),
            note_type: self.note_type.clone(),
        }
    }
}

/// Runs `f` in the session the command's flags ask for.
fn open(dir: &Path, args: &SessionArgs, f: &dyn Fn(&Session<'_>) -> Result<()>) -> Result<()> {
    let engine = crate::open_engine(dir)?;
    let session = engine.session(crate::request(args))?;
    f(&session)
}

pub fn run(action: NotesAction, dir: &Path) -> Result<()> {
    if let Some(line) = clearstone_engine::note_text::wordnet::status().missing_line() {
        eprintln!("{line}");
    }
    match action {
        NotesAction::Add {
            text,
            file,
            attach,
            json,
            session,
        } => {
            let text = match (text, file) {
                (Some(t), _) => t,
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("cannot read the note from `{}`", f.display()))?,
                (None, None) => bail!("a note needs --text TEXT or --file FILE"),
            };
            open(dir, &session, &|s| {
                let v = crate::notes_search::add(s, &attach.new_note(text.clone()))?;
                print_note(&v, &[], json)
            })
        }
        NotesAction::Show {
            note_id,
            reveal,
            json,
            session,
        } => open(dir, &session, &|s| {
            let v = s.note(&note_id, reveal)?;
            print_note(&v, &v.times, json)
        }),
        NotesAction::Summarise {
            scope,
            sentences,
            extractive,
            reveal,
            json,
            session,
        } => {
            let scope = scope.scope()?;
            let endpoint = if extractive {
                None
            } else {
                ChatEndpoint::from_env()
            };
            if endpoint.is_none() && !extractive && !json {
                eprintln!(
                    "no model endpoint is configured ({CHAT_URL_ENV}): sentences are extracted from the notes"
                );
            }
            open(dir, &session, &|s| {
                let model = endpoint.as_ref().map(|m| m as &dyn ChatModel);
                let sum = s.summarise_notes(&scope, reveal, sentences, model)?;
                print_summary(&sum, json)
            })
        }
        NotesAction::Chronology {
            scope,
            reveal,
            json,
            session,
        } => {
            let scope = scope.scope()?;
            if matches!(scope, NoteScope::Note(_)) {
                bail!("a chronology is of a person (--about) or a case (--for-case)");
            }
            open(dir, &session, &|s| {
                print_chronology(&s.chronology(&scope, reveal)?, json)
            })
        }
        NotesAction::Confirm { key, json, session } => open(dir, &session, &|s| {
            let v = s.confirm_summary(&key)?;
            if !json {
                println!("summary confirmed as note {}", v.id);
            }
            print_note(&v, &[], json)
        }),
        NotesAction::Transcribe {
            audio,
            consent,
            attach,
            json,
            session,
        } => {
            let Some(endpoint) = TranscribeEndpoint::from_env() else {
                // Still an attempt on the notes of a person or case: one
                // refused event, the same for one hidden as for none.
                // A session the engine refuses is logged as that refusal,
                // and the missing model is still the thing to say.
                let about = attach.about.as_deref().or(attach.for_case.as_deref());
                let logged = open(dir, &session, &|s| {
                    Ok(s.refuse_without_model(
                        clearstone_engine::ModelAct::Transcription,
                        about.unwrap_or_default(),
                    )?)
                });
                if let Err(e) = logged
                    && e.downcast_ref::<clearstone_engine::EngineError>()
                        .is_none_or(|ee| !ee.is_user_error())
                {
                    return Err(e);
                }
                bail!(
                    "no transcription model is configured: set {TRANSCRIBE_URL_ENV} to an OpenAI-compatible \
                     /v1/audio/transcriptions endpoint (a whisper server on this machine), or type the note \
                     with `clearstone notes add --text ...`"
                );
            };
            check_audio(&audio)?;
            open(dir, &session, &|s| {
                let t =
                    s.transcribe(&audio, &consent, &attach.new_note(String::new()), &endpoint)?;
                if !json {
                    println!("recording kept at {}", t.audio.display());
                }
                print_note(&t.note, &t.times, json)
            })
        }
        NotesAction::Search {
            query,
            semantic,
            limit,
            reveal,
            json,
            session,
        } => {
            let model = if semantic {
                Some(crate::notes_search::model()?)
            } else {
                None
            };
            open(dir, &session, &|s| {
                crate::notes_search::search(s, &query, model.as_ref(), limit, reveal, json)
            })
        }
        NotesAction::Index {
            rebuild,
            json,
            session,
        } => {
            let model = crate::notes_search::model()?;
            open(dir, &session, &|s| {
                crate::notes_search::index(s, &model, rebuild, json)
            })
        }
    }
}

fn check_audio(p: &Path) -> Result<()> {
    let meta = std::fs::metadata(p)
        .with_context(|| format!("cannot read the recording `{}`", p.display()))?;
    if !meta.is_file() {
        bail!("the recording `{}` is not a file", p.display());
    }
    Ok(())
}

fn note_json(v: &NoteView, times: &[TimedSpan]) -> Value {
    json!({
        "id": v.id,
        "dataset": v.dataset,
        "date": v.date,
        "note_type": v.note_type,
        "author": v.author,
        "about": v.about,
        "case": v.case,
        "origin": v.origin,
        "text": v.text,
        "masked": v.masked.map(|m| m.as_str()),
        "mentions": v.mentions.iter().map(|m| json!({
            "start": m.span.start, "end": m.span.end, "kind": m.kind.code(),
            "text": m.text, "normalised": m.normalised, "entity_id": m.entity_id,
        })).collect::<Vec<_>>(),
        "withheld": v.withheld.iter().map(|w| json!({
            "start": w.span.start, "end": w.span.end, "category": w.category.code(),
        })).collect::<Vec<_>>(),
        "times": times.iter().map(|t| json!({
            "start": t.start, "end": t.end, "start_ms": t.start_ms, "end_ms": t.end_ms,
        })).collect::<Vec<_>>(),
    })
}

fn print_note(v: &NoteView, times: &[TimedSpan], as_json: bool) -> Result<()> {
    if as_json {
        println!("{}", serde_json::to_string_pretty(&note_json(v, times))?);
        return Ok(());
    }
    let bold = std::io::stdout().is_terminal();
    println!(
        "note {}  {}  {}",
        v.id,
        v.date.as_deref().unwrap_or("undated"),
        v.note_type.as_deref().unwrap_or("")
    );
    for (label, value) in [
        ("about", &v.about),
        ("case", &v.case),
        ("author", &v.author),
    ] {
        if let Some(x) = value {
            println!("  {label}: {x}");
        }
    }
    if v.origin != "ingested" {
        println!("  origin: {}", v.origin.replace('_', " "));
    }
    if v.masked.is_some() {
        println!(
            "\n{}\n(ask with --reveal under a purpose with a lawful condition)",
            v.text
        );
        return Ok(());
    }
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let mut text = String::new();
    for p in &v.parts {
        match (p.mention, p.withheld) {
            (Some(_), _) => text.push_str(&format!("{open}{}{close}", p.text)),
            _ => text.push_str(&p.text),
        }
    }
    println!("\n{text}\n");
    for m in &v.mentions {
        println!(
            "  {:<12} {:>5}–{:<5} {}{}",
            m.kind.code(),
            m.span.start,
            m.span.end,
            m.normalised,
            m.entity_id
                .as_deref()
                .map_or_else(|| "  (not linked)".to_string(), |e| format!("  → {e}"))
        );
    }
    for w in &v.withheld {
        println!(
            "  withheld     {:>5}–{:<5} {}",
            w.span.start,
            w.span.end,
            w.category.code()
        );
    }
    for t in times {
        println!(
            "  chars {}–{} at {}–{}",
            t.start,
            t.end,
            clock(t.start_ms),
            clock(t.end_ms)
        );
    }
    Ok(())
}

fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "{}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

fn print_summary(sum: &NotesSummary, as_json: bool) -> Result<()> {
    if as_json {
        let v = json!({
            "key": sum.key,
            "notes": sum.notes,
            "masked_notes": sum.masked_notes,
            "confirmable": sum.confirmable(),
            "model": sum.model.as_ref().map(|m| json!({
                "name": m.name, "version": m.version, "prompt_sha256": m.prompt_sha256,
            })),
            "sentences": sum.sentences.iter().map(|s| json!({
                "text": s.text,
                "machine_written": s.machine_written,
                "supported": s.verdict.is_supported(),
                "verdict": serde_json::to_value(&s.verdict).unwrap_or(Value::Null),
                "citations": s.citations.iter().map(|c| json!({
                    "note_id": c.note_id, "start": c.start, "end": c.end,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    match &sum.model {
        Some(m) => println!(
            "machine-written by {} {} (prompt sha256:{}); a proposal until confirmed",
            m.name, m.version, m.prompt_sha256
        ),
        None => println!("extracted from the notes (no model)"),
    }
    println!(
        "from {} notes{}",
        sum.notes,
        match sum.masked_notes {
            0 => String::new(),
            n => format!(" ({n} more whose text is masked for this purpose)"),
        }
    );
    for (i, s) in sum.sentences.iter().enumerate() {
        let cites: Vec<String> = s
            .citations
            .iter()
            .map(|c| format!("{}@{}–{}", c.note_id, c.start, c.end))
            .collect();
        let flag = if blocks_sign_off(s) {
            "  ✗ unsupported"
        } else {
            ""
        };
        println!("{:>3}. {}  [{}]{flag}", i + 1, s.text, cites.join("; "));
        if let clearstone_engine::note_text::Verdict::Unsupported { reasons } = &s.verdict {
            println!("     why: {}", reasons.join("; "));
        }
    }
    if sum.confirmable() {
        println!("confirm with: clearstone notes confirm {}", sum.key);
    } else {
        println!("cannot be confirmed while a sentence fails the citation gate");
    }
    Ok(())
}

fn print_chronology(lines: &[ChronologyLine], as_json: bool) -> Result<()> {
    if as_json {
        let v: Vec<Value> = lines
            .iter()
            .map(|l| {
                json!({
                    "date": l.date, "what": l.what, "who": l.who,
                    "citation": {"note_id": l.citation.note_id, "start": l.citation.start, "end": l.citation.end},
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    if lines.is_empty() {
        println!("no dated events in the notes this session may see");
    }
    for l in lines {
        println!(
            "{}  {}  [{}@{}–{}]",
            l.date, l.what, l.citation.note_id, l.citation.start, l.citation.end
        );
        if !l.who.is_empty() {
            println!("            who: {}", l.who.join(", "));
        }
    }
    Ok(())
}
