//! The records that resolution's subjects reference (their addresses), by
//! id: every id kept in one text and found through a hash of it. A million
//! boxed keys were each allocated as the store was read and freed as the
//! run went on, on the thread every value passes through.

use std::hash::BuildHasher as _;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::EngineError;

/// No further target has the same hash.
const END: u32 = u32::MAX;

#[derive(Default)]
pub(crate) struct Targets {
    ids: String,
    entries: Vec<Target>,
    /// The last target added of each hash of an id.
    latest: FxHashMap<u64, u32>,
}

struct Target {
    /// Where its id lies in `ids`.
    id: (u32, u32),
    /// What the caller keeps for it.
    values: (u32, u32),
    /// The target added before it with the same hash, or [`END`].
    before: u32,
}

impl Targets {
    /// Keeps `values` for the target `id`, in place of any kept before.
    pub(crate) fn insert(&mut self, id: &str, values: (u32, u32)) -> Result<(), EngineError> {
        let hash = FxBuildHasher.hash_one(id);
        if let Some(at) = self.find(hash, id) {
            if let Some(t) = self.entries.get_mut(at as usize) {
                t.values = values;
            }
            return Ok(());
        }
        let too_many = |e| EngineError::InvalidInput(format!("records referenced: {e}"));
        let start = u32::try_from(self.ids.len()).map_err(too_many)?;
        self.ids.push_str(id);
        let end = u32::try_from(self.ids.len()).map_err(too_many)?;
        let at = u32::try_from(self.entries.len())
            .ok()
            .filter(|&n| n != END)
            .ok_or_else(|| EngineError::InvalidInput("records referenced: too many".into()))?;
        let before = self.latest.insert(hash, at).unwrap_or(END);
        self.entries.push(Target {
            id: (start, end),
            values,
            before,
        });
        Ok(())
    }

    /// What was kept for the target `id`.
    pub(crate) fn get(&self, id: &str) -> Option<(u32, u32)> {
        let at = self.find(FxBuildHasher.hash_one(id), id)?;
        self.entries.get(at as usize).map(|t| t.values)
    }

    fn find(&self, hash: u64, id: &str) -> Option<u32> {
        let mut at = *self.latest.get(&hash)?;
        while let Some(t) = self.entries.get(at as usize) {
            if self.ids.get(t.id.0 as usize..t.id.1 as usize) == Some(id) {
                return Some(at);
            }
            at = t.before;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashMap;

    use proptest::prelude::*;

    proptest! {
        // Checked against a map of owned keys, as targets were kept before;
        // ids from a small alphabet, so that some are given twice.
        #[test]
        fn targets_answer_as_a_map_of_their_ids(
            added in proptest::collection::vec(("[ab]{0,3}", 0u32..9, 0u32..9), 0..60),
            asked in proptest::collection::vec("[abc]{0,3}", 0..20),
        ) {
            let mut targets = super::Targets::default();
            let mut model: HashMap<String, (u32, u32)> = HashMap::new();
            for (id, a, b) in &added {
                targets.insert(id, (*a, *b)).unwrap();
                model.insert(id.clone(), (*a, *b));
            }
            for id in added.iter().map(|(id, _, _)| id).chain(&asked) {
                prop_assert_eq!(targets.get(id), model.get(id).copied());
            }
        }
    }

    /// Ids of one hash are told apart by their text.
    #[test]
    fn ids_sharing_a_hash_are_told_apart() {
        let mut targets = super::Targets::default();
        targets.insert("x", (1, 2)).unwrap();
        targets.insert("y", (3, 4)).unwrap();
        // Both entries chained under the hash of "x".
        let hash = std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, "x");
        let y = targets
            .latest
            .remove(&std::hash::BuildHasher::hash_one(
                &rustc_hash::FxBuildHasher,
                "y",
            ))
            .unwrap();
        let x = targets.latest.insert(hash, y).unwrap();
        targets.entries.get_mut(y as usize).unwrap().before = x;
        assert_eq!(targets.get("x"), Some((1, 2)));
        assert_eq!(targets.find(hash, "y"), Some(y));
        targets.insert("x", (5, 6)).unwrap();
        assert_eq!(targets.get("x"), Some((5, 6)));
        assert_eq!(targets.entries.len(), 2);
    }
}
