//! The dataset register's counts as the session may be given them. A count
//! that included records of a type hidden from it (health absences for a
//! purpose without a special-category basis) or values above its clearance
//! would tell how much is held that it may not see.

use std::collections::{BTreeMap, BTreeSet};

use clearstone_policy::{Action, Decision};
use clearstone_store::{Dataset, Store};

use crate::quarantine::RowGates;
use crate::{EngineError, Session};

impl Session<'_> {
    /// Replaces the counts of `datasets` with what this session may see: the
    /// statements of each type only when it may view every value of that
    /// type there (masked ones included: they are shown as masked), the
    /// quarantined rows as the quarantine list shows them, and the dangling
    /// references only when every type of the dataset is counted.
    pub(crate) fn visible_counts(&self, datasets: &mut [Dataset]) -> Result<(), EngineError> {
        let seen = self.shapes_where(Action::View, |d| !matches!(d, Decision::Deny { .. }))?;
        // (dataset, type) -> whether every shape of it may be viewed.
        let mut whole: BTreeMap<(String, String), bool> = BTreeMap::new();
        for (id, s) in self.engine.index.shapes()?.iter() {
            let all = whole
                .entry((s.dataset.clone(), s.schema.clone()))
                .or_insert(true);
            *all = *all && seen.contains(*id);
        }
        let store = self.engine.store()?;
        let by_type = store.dataset_type_statements()?;
        let rows = store.quarantine(None, usize::MAX >> 1)?;
        drop(store);
        let mut statements: BTreeMap<&str, u64> = BTreeMap::new();
        let mut partial: BTreeSet<&str> = BTreeSet::new();
        for (dataset, schema, n) in &by_type {
            // A type the index holds no shape of cannot be judged: not counted.
            let key = (dataset.clone(), schema.clone());
            if whole.get(&key).copied().unwrap_or(false) {
                *statements.entry(dataset).or_default() += n;
            } else {
                partial.insert(dataset);
            }
        }
        let mut gates = RowGates::default();
        let mut quarantined: BTreeMap<String, u64> = BTreeMap::new();
        for q in &rows {
            if gates.get(self, q).visible() {
                *quarantined.entry(q.dataset.clone()).or_default() += 1;
            }
        }
        for d in datasets.iter_mut() {
            d.statements = statements.get(d.name.as_str()).copied().unwrap_or(0);
            d.quarantined = quarantined.get(&d.name).copied().unwrap_or(0);
            if partial.contains(d.name.as_str()) {
                d.dangling = 0;
            }
        }
        Ok(())
    }
}
