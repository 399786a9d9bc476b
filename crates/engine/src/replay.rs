//! Replaying quarantine from a corrected export: the rows of a new file that
//! stand for quarantined records (the same key, or the same line where the
//! key itself was missing) are mapped in their place. Those that now map
//! land and leave quarantine; those still bad stay, with their new reason.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use clearstone_ingest::Mapping;
use clearstone_model::Timestamp;
use clearstone_store::{Batch, QuarantineRow, Store};

use crate::ingest::ReplaySummary;
use crate::quarantine::RowGates;
use crate::{EngineError, Operation, Session};

/// The quarantined rows one mapping holds, by the keys and lines a
/// corrected row can match.
#[derive(Default)]
struct Wanted {
    by_key: HashMap<String, i64>,
    by_line: HashMap<u64, i64>,
    rows: Vec<QuarantineRow>,
}

impl Wanted {
    fn find(&self, ids: &[String], line: u64) -> Option<i64> {
        ids.iter()
            .find_map(|id| self.by_key.get(id).copied())
            .or_else(|| self.by_line.get(&line).copied())
    }
}

impl Session<'_> {
    /// As [`Session::replay_quarantine`], with the rows read from `file` (in
    /// the format of each quarantined row's mapping) instead of as stored.
    pub fn replay_quarantine_from(
        &self,
        dataset: Option<&str>,
        file: &Path,
    ) -> Result<ReplaySummary, EngineError> {
        self.logged(Operation::Collect, "replay quarantine", &[], || {
            self.replay_from(dataset, file)
        })
    }

    fn replay_from(
        &self,
        dataset: Option<&str>,
        file: &Path,
    ) -> Result<ReplaySummary, EngineError> {
        let mut rows = self.engine.store()?.quarantine(dataset, usize::MAX >> 1)?;
        let mut gates = RowGates::default();
        rows.retain(|q| gates.get(self, q).visible());
        let mut by_mapping: BTreeMap<String, (Mapping, Wanted)> = BTreeMap::new();
        for q in rows {
            let Some(m) = gates.get(self, &q).mapping().cloned() else {
                continue;
            };
            by_mapping
                .entry(q.mapping.clone())
                .or_insert_with(|| (m, Wanted::default()))
                .1
                .rows
                .push(q);
        }
        let now = Timestamp::now();
        let mut sum = ReplaySummary::default();
        let mut released = Vec::new();
        let mut failing = Vec::new();
        let mut batches: BTreeMap<(String, String), Batch> = BTreeMap::new();
        let mut subjects: Vec<String> = Vec::new();
        for (m, wanted) in by_mapping.values_mut() {
            for q in &wanted.rows {
                let ids = clearstone_ingest::inspect(m, &q.raw, q.header.as_deref())
                    .map(|r| r.entity_ids)
                    .unwrap_or_default();
                match ids.first() {
                    Some(_) => {
                        for id in ids {
                            wanted.by_key.insert(id, q.id);
                        }
                    }
                    None => {
                        wanted.by_line.insert(q.line, q.id);
                    }
                }
            }
            sum.examined += wanted.rows.len() as u64;
            let source = wanted
                .rows
                .first()
                .map(|q| (q.dataset.clone(), q.source.clone()));
            let Some((ds, src)) = source else { continue };
            let mut corrected = m.clone();
            corrected.source_path = file.to_path_buf();
            clearstone_ingest::run(&corrected, now, &mut |mb| {
                let mut lines: BTreeMap<u64, Vec<_>> = BTreeMap::new();
                for s in mb.statements {
                    let line = s.origin.record.parse::<u64>().unwrap_or(0);
                    lines.entry(line).or_default().push(s);
                }
                for (line, statements) in lines {
                    let ids: Vec<String> =
                        statements.iter().map(|s| s.entity_id.to_string()).collect();
                    if let Some(id) = wanted.find(&ids, line) {
                        released.push(id);
                        subjects.extend(ids);
                        batches
                            .entry((ds.clone(), src.clone()))
                            .or_insert_with(|| Batch {
                                dataset: ds.clone(),
                                source: src.clone(),
                                now,
                                ..Batch::default()
                            })
                            .statements
                            .extend(statements);
                    }
                }
                for q in mb.quarantine {
                    let ids = clearstone_ingest::inspect(&corrected, &q.raw, q.header.as_deref())
                        .map(|r| r.entity_ids)
                        .unwrap_or_default();
                    if let Some(id) = wanted.find(&ids, q.line) {
                        subjects.extend(ids);
                        failing.push((id, q.column, q.reason));
                    }
                }
                Ok(())
            })?;
        }
        released.sort_unstable();
        released.dedup();
        // What still fails is shown as the quarantine is: a reason on a
        // masked column is withheld, as it may quote the value.
        for (id, column, reason) in &failing {
            let row = by_mapping
                .values()
                .flat_map(|(_, w)| w.rows.iter())
                .find(|q| q.id == *id);
            if let Some(q) = row {
                let corrected = QuarantineRow {
                    column: column.clone(),
                    reason: reason.clone(),
                    ..q.clone()
                };
                let gate = gates.get(self, &corrected);
                sum.still_failing_rows
                    .push(crate::quarantine::gated(corrected, gate).0);
            }
        }
        subjects.extend(self.land_replayed(&batches, &released, &failing, &mut sum)?);
        subjects.sort_unstable();
        subjects.dedup();
        sum.released = released.len() as u64;
        sum.still_failing = failing.len() as u64;
        let names: Vec<&str> = subjects.iter().map(String::as_str).collect();
        self.record(
            Operation::Collect,
            "replay quarantine from a corrected file",
            &names,
            None,
            &format!(
                "{} released, {} still failing",
                sum.released, sum.still_failing
            ),
        )?;
        Ok(sum)
    }
}
