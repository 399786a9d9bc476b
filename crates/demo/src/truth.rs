//! Ground truth: which real person each person-like record is, named with
//! the entity id rule of docs/mapping.md exactly as ingest will name it, and
//! which rows are broken on purpose.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DemoError;
use crate::out::{Bad, create, csv_field, io};

/// Ground truth and the list of deliberately bad rows, shared by all sources.
pub struct Truth {
    truth: BufWriter<File>,
    bad: BufWriter<File>,
    pub truth_path: PathBuf,
    pub bad_path: PathBuf,
    rows: u64,
}

impl Truth {
    pub fn create(dir: &Path) -> Result<Self, DemoError> {
        let truth_path = dir.join("truth.csv");
        let bad_path = dir.join("bad_rows.csv");
        let mut truth = BufWriter::new(create(&truth_path)?);
        let mut bad = BufWriter::new(create(&bad_path)?);
        truth
            .write_all(b"entity_id,person_id\n")
            .map_err(|e| io(&truth_path, e))?;
        bad.write_all(b"file,line,column,reason\n")
            .map_err(|e| io(&bad_path, e))?;
        Ok(Self {
            truth,
            bad,
            truth_path,
            bad_path,
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

    pub fn finish(mut self) -> Result<u64, DemoError> {
        self.truth.flush().map_err(|e| io(&self.truth_path, e))?;
        self.bad.flush().map_err(|e| io(&self.bad_path, e))?;
        Ok(self.rows)
    }
}
