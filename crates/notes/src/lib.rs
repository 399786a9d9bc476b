//! Case notes at layer 1: what a note mentions (people the case knows, dates,
//! places, schools, surgeries and UK identifiers checked properly), which of
//! its spans are special-category data, extractive summaries and
//! chronologies whose every line cites the note text it came from, and the
//! citation gate that any machine-written sentence must pass.
//!
//! Pure but for one read: WordNet's files, once per process, for the
//! lemmas and synonyms the citation gate compares words by ([`wordnet`]).
//! No network. Storing notes, deciding who may read them and
//! reaching a model are the engine's and the cli's business; this crate only
//! defines the [`ChatModel`] and [`Transcriber`] traits they implement.
//!
//! Every offset is a char (Unicode scalar) offset into the note's text,
//! half-open `[start, end)`.

mod abstractive;
mod chronology;
mod clock;
mod dates;
mod detect;
mod error;
mod extractive;
mod gate;
mod gate_clauses;
mod gate_lex;
mod gate_order;
mod gate_parties;
mod gate_phrases;
mod gate_sexes;
mod mention;
mod note;
mod offsets;
mod sentence;
mod special;
mod summary;
mod terms;
mod transcript;
pub mod validate;

pub use abstractive::{AbstractiveSummariser, ChatModel};
pub use chronology::{ChronologyEntry, chronology};
pub use detect::RuleDetector;
pub use error::NotesError;
pub use extractive::ExtractiveSummariser;
pub use gate::citation_gate;
pub use mention::{EntityDetector, Known, KnownPerson, Mention, MentionKind};
pub use note::{Note, Span};
pub use sentence::sentences;
pub use special::{SensitiveSpan, SpecialCategory, redact, redact_span, special_spans};
pub use summary::{Citation, ModelInfo, Summariser, Summary, SummarySentence, Verdict};
pub use terms::{search_forms, search_terms};
pub use transcript::{Segment, Transcriber, Transcript};
pub mod wordnet;
mod words;
