//! Ground truth: which real person each person-like record is, named with
//! the entity id rule of docs/mapping.md exactly as ingest will name it, and
//! which rows are broken on purpose, and which pairs of people resolution
//! must never merge.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DemoError;
use crate::out::{Bad, create, csv_field, io};

/// Ground truth and the list of deliberately bad rows, shared by all sources.
pub struct Truth {
    truth: BufWriter<File>,
    bad: BufWriter<File>,
    forbidden: BufWriter<File>,
    pub truth_path: PathBuf,
    pub bad_path: PathBuf,
    pub forbidden_path: PathBuf,
    rows: u64,
}

/// Why two people must never be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// Parent or child with the same surname at the same address.
    Relative,
    /// Same name, different person.
    Namesake,
}

impl Forbidden {
    fn code(self) -> &'static str {
        match self {
            Self::Relative => "relative",
            Self::Namesake => "namesake",
        }
    }
}

impl Truth {
    pub fn create(dir: &Path) -> Result<Self, DemoError> {
        let truth_path = dir.join("truth.csv");
        let bad_path = dir.join("bad_rows.csv");
        let forbidden_path = dir.join("forbidden_merges.csv");
        let mut truth = BufWriter::new(create(&truth_path)?);
        let mut bad = BufWriter::new(create(&bad_path)?);
        let mut forbidden = BufWriter::new(create(&forbidden_path)?);
        forbidden
            .write_all(b"kind,person_a,person_b\n")
            .map_err(|e| io(&forbidden_path, e))?;
        truth
            .write_all(b"entity_id,person_id\n")
            .map_err(|e| io(&truth_path, e))?;
        bad.write_all(b"file,line,column,reason\n")
            .map_err(|e| io(&bad_path, e))?;
        Ok(Self {
            truth,
            bad,
            forbidden,
            truth_path,
            bad_path,
            forbidden_path,
            rows: 0,
        })
    }

    pub fn person(&mut self, entity_id: &str, person_id: &str) -> Result<(), DemoError> {
        self.rows += 1;
        writeln!(self.truth, "{},{person_id}", csv_field(entity_id, b','))
            .map_err(|e| io(&self.truth_path, e))
    }

    pub fn bad(&mut self, file: &str, line: u64, column: &str, bad: Bad) -> Result<(), DemoError> {
        writeln!(self.bad, "{file},{line},{column},{}", bad.reason())
            .map_err(|e| io(&self.bad_path, e))
    }

    /// Records that the people `a` and `b` must stay apart.
    pub fn forbid(&mut self, kind: Forbidden, a: &str, b: &str) -> Result<(), DemoError> {
        writeln!(self.forbidden, "{},{a},{b}", kind.code()).map_err(|e| io(&self.forbidden_path, e))
    }

    pub fn finish(mut self) -> Result<u64, DemoError> {
        self.truth.flush().map_err(|e| io(&self.truth_path, e))?;
        self.forbidden
            .flush()
            .map_err(|e| io(&self.forbidden_path, e))?;
        self.bad.flush().map_err(|e| io(&self.bad_path, e))?;
        Ok(self.rows)
    }
}
