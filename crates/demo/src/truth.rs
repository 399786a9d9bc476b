//! Ground truth: which real person each person-like record is, named with
//! the entity id rule of docs/mapping.md exactly as ingest will name it, and
//! which rows are broken on purpose.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DemoError;
use crate::out::{Bad, create, csv_field, io};

/// `<dataset>:<entity name>:<key values>`, key values joined by `:`, with `%`
/// and `:` inside a value percent-encoded. Keys are trimmed, as ingest trims
/// identifiers.
pub fn entity_id(dataset: &str, entity_name: &str, keys: &[&str]) -> String {
    let mut id = String::with_capacity(dataset.len() + entity_name.len() + 16);
    id.push_str(dataset);
    id.push(':');
    id.push_str(entity_name);
    for k in keys {
        id.push(':');
        for c in k.trim().chars() {
            match c {
                '%' => id.push_str("%25"),
                ':' => id.push_str("%3A"),
                c => id.push(c),
            }
        }
    }
    id
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_examples() {
        assert_eq!(entity_id("hr", "officer", &["4521"]), "hr:officer:4521");
        assert_eq!(entity_id("x", "y", &["a:b", "c%"]), "x:y:a%3Ab:c%25");
        assert_eq!(
            entity_id("crime", "involvement", &["CR1", "N2"]),
            "crime:involvement:CR1:N2"
        );
    }
}
