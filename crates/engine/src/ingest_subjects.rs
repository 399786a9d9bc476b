//! The records an ingest touched, kept as the keyed hashes its event names
//! them by: sixteen bytes each, where the ids and their hashes as text took
//! three hundred, so that an ingest of ten million records stays within its
//! memory goal (issue 15).

use crate::session::{SUBJECTS_PER_EVENT_MAX, hex_tag};
use crate::{Engine, EngineError, Operation, Session};

/// Distinct keyed hashes, added a batch at a time.
#[derive(Default)]
pub(crate) struct RunSubjects {
    tags: Vec<[u8; 16]>,
    /// Below this length `tags` is sorted and distinct.
    settled: usize,
}

/// Entries added since the last sort before sorting again: duplicates
/// (a record in several batches) are dropped as they build up.
const UNSETTLED_MIN: usize = 1 << 16;

impl RunSubjects {
    pub(crate) fn add<'a>(&mut self, engine: &Engine, ids: impl Iterator<Item = &'a str>) {
        let mut last: Option<&str> = None;
        for id in ids {
            // A record's statements come together: hash it once.
            if last == Some(id) {
                continue;
            }
            last = Some(id);
            self.tags.extend(engine.keyed_tag(id));
        }
        if self.tags.len() - self.settled > UNSETTLED_MIN.max(self.settled) {
            self.settle();
        }
    }

    pub(crate) fn absorb(&mut self, other: &RunSubjects) {
        self.tags.extend_from_slice(&other.tags);
        self.settle();
    }

    /// How many distinct subjects.
    pub(crate) fn count(&mut self) -> usize {
        self.settle();
        self.tags.len()
    }

    fn settle(&mut self) {
        self.tags.sort_unstable();
        self.tags.dedup();
        self.settled = self.tags.len();
    }

    /// The `i`th part of the subjects as the log writes them.
    fn part(&self, i: usize) -> Vec<String> {
        let from = i.saturating_mul(SUBJECTS_PER_EVENT_MAX);
        let to = self
            .tags
            .len()
            .min(from.saturating_add(SUBJECTS_PER_EVENT_MAX));
        self.tags
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .map(hex_tag)
            .collect()
    }
}

impl Session<'_> {
    /// Records an act naming every subject of a run, a part at a time.
    pub(crate) fn record_run(
        &self,
        op: Operation,
        query: &str,
        subjects: &mut RunSubjects,
        outcome: &str,
    ) -> Result<(), EngineError> {
        let count = subjects.count();
        let subjects = &*subjects;
        self.record_parts(op, query, count, &|i| subjects.part(i), None, outcome, &[])
            .map(|_| ())
    }
}
