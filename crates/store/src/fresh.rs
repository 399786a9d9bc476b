//! The entities written to datasets that held no records when this handle
//! first wrote to them: an entity not among them cannot have an earlier
//! version, so its lookup is skipped. This is what makes a first load of a
//! large source append-only.
//!
//! Held as a Bloom filter of fixed size rather than a set of every entity,
//! so a load of tens of millions of records stays within its memory bound:
//! a false "maybe written" only costs the lookup the filter saves, and an
//! entity the filter calls unwritten is certainly unwritten.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

/// Bits in the filter: 32 MiB, taken only once a dataset is fresh. Ten
/// million entities leave about one lookup in 850 to be made anyway, a
/// hundred million about one in three.
const BITS: usize = 1 << 28;
/// Bits set per entity.
const PROBES: u64 = 3;

#[derive(Default)]
pub(crate) struct Fresh {
    datasets: HashSet<i64>,
    bits: Vec<u64>,
}

impl Fresh {
    pub(crate) fn contains(&self, dataset: i64) -> bool {
        self.datasets.contains(&dataset)
    }

    /// Marks a dataset that holds no records.
    pub(crate) fn add(&mut self, dataset: i64) {
        if self.bits.is_empty() {
            self.bits = vec![0; BITS / 64];
        }
        self.datasets.insert(dataset);
    }

    /// Stops treating a dataset as fresh (its writes may not have landed).
    pub(crate) fn remove(&mut self, dataset: i64) {
        self.datasets.remove(&dataset);
    }

    /// Records `entity` as written to `dataset`, a dataset that was fresh:
    /// true when it certainly was not written before, false when it may
    /// have been.
    pub(crate) fn insert(&mut self, dataset: i64, entity: &str) -> bool {
        let h = BuildHasherDefault::<DefaultHasher>::default().hash_one((dataset, entity));
        // Double hashing: the probes are h1, h1 + h2, h1 + 2·h2, ...
        let (h1, h2) = (h, (h >> 32) | 1);
        let mask = (BITS - 1) as u64;
        let mut unseen = false;
        for i in 0..PROBES {
            let bit = h1.wrapping_add(i.wrapping_mul(h2)) & mask;
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            if let Some(w) = self.bits.get_mut(word) {
                unseen |= *w & mask == 0;
                *w |= mask;
            }
        }
        unseen
    }

    /// Forgets every dataset and entity, as when datasets were removed.
    pub(crate) fn clear(&mut self) {
        self.datasets.clear();
        self.bits = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_is_unseen_once_per_fresh_dataset() {
        let mut f = Fresh::default();
        f.add(1);
        assert!(f.contains(1) && !f.contains(2));
        assert!(f.insert(1, "a"));
        assert!(!f.insert(1, "a"));
        assert!(f.insert(2, "a"));
        let unseen = (0..100_000)
            .filter(|i| f.insert(1, &format!("e{i}")))
            .count();
        // A few false "maybe written" are allowed, never a false "unseen".
        assert!(unseen > 99_900, "{unseen}");
        assert_eq!(
            (0..100_000)
                .filter(|i| f.insert(1, &format!("e{i}")))
                .count(),
            0
        );
        f.remove(1);
        assert!(!f.contains(1));
    }
}
