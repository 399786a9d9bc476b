//! clearstone's demo data: a seeded, deterministic generator for a fictional
//! police force and county council (Northshire), written as the source files
//! those bodies would export, each with its mapping (docs/mapping.md), plus
//! ground truth for scoring entity resolution and a list of the rows that
//! are broken on purpose.
//!
//! Every record is a pure function of the seed and its ordinal, written
//! straight to a buffered writer, so memory stays flat from a few hundred
//! people to millions.

mod date;
mod indicators;
mod indicators_register;
mod indicators_shared;
mod names;
mod noise;
mod notes;
mod out;
mod people;
mod places;
mod rng;
mod scaled;
mod sources;
mod truth;
mod written;

use std::path::{Path, PathBuf};

/// The entity id rule of mappings, which the ground truth must follow.
pub use clearstone_model::entity_id;
pub use indicators::{ABSENCE_RULE, OVERTIME_RULE, RULES as INDICATOR_RULES};
pub use indicators_register::REGISTER_RULE;
pub use indicators_shared::SHARED_RULE;
pub use notes::NOTES_TRUTH_FILE;
pub use people::{PEOPLE_CSV_HEADER, PEOPLE_MAPPING, PeopleCsv, write_people_csv};
pub use scaled::{NEXT_DAY_MAPPING, Scaled, ScaledOptions, generate_scaled, write_next_day};

/// Scale and seed of a demo data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub seed: u64,
    /// Real-world people in the fictional county (staff, public, children).
    pub people: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 1,
            people: 20_000,
        }
    }
}

/// Smallest population that still fills every source.
pub const PEOPLE_MIN: usize = 100;
/// Largest population the id schemes have room for (vehicle registrations
/// run out first).
pub const PEOPLE_MAX: usize = 3_900_000;

/// One source file written, with its data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub file: String,
    pub rows: u64,
}

/// What `generate` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Mapping files, in the order to ingest them (referenced records first).
    pub mappings: Vec<PathBuf>,
    /// `entity_id,person_id` for every person-like record that will load.
    pub truth: PathBuf,
    /// `file,line,column,reason` for every row broken on purpose.
    pub bad_rows: PathBuf,
    /// `kind,person_a,person_b` for every pair of people (person ids of
    /// the truth) that must never be merged: `relative`, `namesake`.
    pub forbidden: PathBuf,
    /// Data rows per source file, in the order they were written.
    pub sources: Vec<SourceFile>,
    pub truth_rows: u64,
    /// `rule,part,entity_id` for the staff planted for the indicator rules:
    /// `pattern` (must be flagged), `decoy` and `protected_only` (must not).
    pub indicator_truth: PathBuf,
    /// One JSON line per case note that loads: its mentions, special-category
    /// spans and chronology events, with char spans ([`NOTES_TRUTH_FILE`]).
    pub notes_truth: PathBuf,
}

impl Generated {
    pub fn rows(&self, file: &str) -> Option<u64> {
        self.sources.iter().find(|s| s.file == file).map(|s| s.rows)
    }

    pub fn total_rows(&self) -> u64 {
        self.sources.iter().map(|s| s.rows).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("people must be between {PEOPLE_MIN} and {PEOPLE_MAX}, got {0}")]
    Scale(usize),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write parquet file {file}: {message}")]
    Parquet { file: String, message: String },
}

/// Writes the demo data set into `out_dir` (created if missing).
pub fn generate(opts: &Options, out_dir: &Path) -> Result<Generated, DemoError> {
    if !(PEOPLE_MIN..=PEOPLE_MAX).contains(&opts.people) {
        return Err(DemoError::Scale(opts.people));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| out::io(out_dir, e))?;
    let people = u32::try_from(opts.people).map_err(|_| DemoError::Scale(opts.people))?;
    let world = people::World::new(opts.seed, people);
    let mut cx = sources::Ctx::new(&world, out_dir)?;
    sources::write_all(&mut cx)?;
    let mut mappings = Vec::new();
    for (name, text) in sources::MAPPINGS {
        let path = out_dir.join(name);
        std::fs::write(&path, text).map_err(|e| out::io(&path, e))?;
        mappings.push(path);
    }
    let (truth, bad_rows, forbidden, truth_rows, sources) = cx.finish()?;
    let indicator_truth = indicators::write_truth(&world, out_dir)?;
    Ok(Generated {
        indicator_truth,
        mappings,
        truth,
        bad_rows,
        forbidden,
        sources,
        truth_rows,
        notes_truth: out_dir.join(NOTES_TRUTH_FILE),
    })
}
