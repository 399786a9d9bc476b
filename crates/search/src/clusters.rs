//! Which cluster each resolved record belongs to, applied when a search
//! groups its matches rather than written into the documents.
//!
//! A resolution moves records between clusters; had the documents held
//! their cluster, every record that moved would be read from the store and
//! indexed again. Instead the caller hands a search a [`Clusters`] map, and
//! each segment turns it, once per map, into a table from the segment's
//! record ordinals to groups ([`ClusterTable`]), numbered in the order of
//! the groups' names so that a segment's best groups are still found
//! without reading any name.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::columnar::StrColumn;

use crate::keys::canonical_key_bytes;

/// Each resolved record with the key of its cluster, the cluster's smallest
/// record: a search groups the record's documents under that key. A record
/// the map does not name is a group of its own.
#[derive(Debug)]
pub struct Clusters {
    /// Unique per map in the process: segments remember their table by it.
    id: u64,
    /// The records, sorted, one after another.
    text: String,
    /// Where each record ends in `text`.
    ends: Vec<u32>,
    /// Each record's cluster key, as the place of that record in the list.
    keys: Vec<u32>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A record and its cluster key given out of order, or more records than
/// a map holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClustersError {
    #[error("record `{0}` is not after the one before it: records must come sorted, once each")]
    Unsorted(String),
    #[error("cluster key `{key}` of record `{record}` is not a record of the map")]
    UnknownKey { record: String, key: String },
    #[error("more record text than a cluster map holds (4 GiB)")]
    TooLarge,
}

impl Clusters {
    /// A map with no resolved record: every record is its own group.
    pub fn empty() -> Clusters {
        Clusters {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            text: String::new(),
            ends: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// A map from `(record, cluster key)` pairs sorted by record, each
    /// key being a record given before or with it (a cluster's smallest
    /// record names itself).
    ///
    /// # Errors
    /// [`ClustersError`] when the records are not sorted, a key is not one
    /// of them, or their text passes 4 GiB.
    pub fn from_sorted<'a>(
        records: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Clusters, ClustersError> {
        let mut out = Clusters::empty();
        for (record, key) in records {
            let place = match out.find(key) {
                Some(k) => k,
                None if key == record => {
                    u32::try_from(out.len()).map_err(|_| ClustersError::TooLarge)?
                }
                None => {
                    return Err(ClustersError::UnknownKey {
                        record: record.to_owned(),
                        key: key.to_owned(),
                    });
                }
            };
            out.push(record, place)?;
        }
        Ok(out)
    }

    /// Adds `record`, after every record added so far, in the cluster whose
    /// key is the record added at place `key` (its own place when it is the
    /// cluster's smallest record).
    ///
    /// # Errors
    /// [`ClustersError`] when the record is not after the last one, `key`
    /// is past it, or the records' text passes 4 GiB.
    pub fn push(&mut self, record: &str, key: u32) -> Result<(), ClustersError> {
        if let Some(last) = self.len().checked_sub(1)
            && self.record(last) >= record
        {
            return Err(ClustersError::Unsorted(record.to_owned()));
        }
        let place = u32::try_from(self.len()).map_err(|_| ClustersError::TooLarge)?;
        if key > place {
            return Err(ClustersError::UnknownKey {
                record: record.to_owned(),
                key: format!("#{key}"),
            });
        }
        self.text.push_str(record);
        let end = u32::try_from(self.text.len()).map_err(|_| ClustersError::TooLarge)?;
        self.ends.push(end);
        self.keys.push(key);
        Ok(())
    }

    /// Records the map names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cluster key of `record`: its cluster's smallest record, or the
    /// record itself when the map does not name it.
    pub fn key_of<'a>(&'a self, record: &'a str) -> &'a str {
        match self.find(record).and_then(|i| self.keys.get(i as usize)) {
            Some(&k) => self.record(k as usize),
            None => record,
        }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    fn record(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0) as usize,
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or_default()
    }

    fn find(&self, record: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.record(mid).cmp(record) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return u32::try_from(mid).ok(),
            }
        }
        None
    }

    /// The first record at or after `from` that is not below `term`.
    fn seek(&self, from: usize, term: &[u8]) -> usize {
        let (mut lo, mut hi) = (from, self.len());
        // Terms come in order, so the next one is usually close: gallop.
        let mut step = 1;
        while lo + step < hi && self.record(lo + step).as_bytes() < term {
            lo += step;
            step *= 2;
        }
        hi = hi.min(lo + step + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.record(mid).as_bytes() < term {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// What a group of a segment is called.
#[derive(Debug, Clone, Copy)]
enum Name {
    /// An unresolved record: the segment's term of that ordinal.
    Term(u32),
    /// A cluster: the record of the map at that place.
    Cluster(u32),
}

/// One segment's records grouped by a [`Clusters`] map.
pub(crate) struct ClusterTable {
    /// For each record ordinal of the segment's entity column, its group.
    group_of: Vec<u32>,
    /// Each group's name, groups numbered in the order of their names.
    names: Vec<Name>,
    /// Each group's 128-bit key (`canonical_key` of its name).
    keys: Vec<u128>,
    clusters: Arc<Clusters>,
}

impl ClusterTable {
    /// The table of a segment whose entity column is `entity`.
    pub(crate) fn build(entity: &StrColumn, clusters: Arc<Clusters>) -> std::io::Result<Self> {
        let dict = entity.dictionary();
        let n = dict.num_terms();
        let mut stream = dict.stream()?;
        // Unresolved records in term order, with their text while streaming.
        let mut loose: Vec<(u32, u128)> = Vec::new();
        let mut loose_text: Vec<u8> = Vec::new();
        let mut loose_ends: Vec<usize> = Vec::new();
        // Resolved records: ordinal and the place of their cluster's key.
        let mut placed: Vec<(u32, u32)> = Vec::new();
        let mut at = 0usize;
        let mut ord = 0u32;
        while stream.advance() {
            let term = stream.key();
            at = clusters.seek(at, term);
            let hit = at < clusters.len() && clusters.record(at).as_bytes() == term;
            match clusters.keys.get(at).filter(|_| hit) {
                Some(&k) => placed.push((ord, k)),
                None => {
                    loose.push((ord, canonical_key_bytes(term)));
                    loose_text.extend_from_slice(term);
                    loose_ends.push(loose_text.len());
                }
            }
            ord = ord.saturating_add(1);
        }
        let mut used: Vec<u32> = placed.iter().map(|&(_, k)| k).collect();
        used.sort_unstable();
        used.dedup();
        let loose_term = |i: usize| -> &[u8] {
            let start = i
                .checked_sub(1)
                .and_then(|p| loose_ends.get(p).copied())
                .unwrap_or(0);
            let end = loose_ends.get(i).copied().unwrap_or(start);
            loose_text.get(start..end).unwrap_or_default()
        };
        // Merge the two sorted lists of names into one numbering. A key is a
        // resolved record, never an unresolved one, so no name is in both.
        let mut names = Vec::with_capacity(loose.len() + used.len());
        let mut keys = Vec::with_capacity(loose.len() + used.len());
        let mut group_of = vec![0u32; n];
        let mut cluster_group: Vec<u32> = Vec::with_capacity(used.len());
        let (mut i, mut j) = (0usize, 0usize);
        while i < loose.len() || j < used.len() {
            let group = u32::try_from(names.len()).unwrap_or(u32::MAX);
            let take_loose = match (loose.get(i), used.get(j)) {
                (Some(_), Some(&k)) => loose_term(i) < clusters.record(k as usize).as_bytes(),
                (Some(_), None) => true,
                _ => false,
            };
            if take_loose {
                if let Some(&(o, key)) = loose.get(i) {
                    if let Some(g) = group_of.get_mut(o as usize) {
                        *g = group;
                    }
                    names.push(Name::Term(o));
                    keys.push(key);
                }
                i += 1;
            } else {
                if let Some(&k) = used.get(j) {
                    names.push(Name::Cluster(k));
                    keys.push(canonical_key_bytes(clusters.record(k as usize).as_bytes()));
                    cluster_group.push(group);
                }
                j += 1;
            }
        }
        for (o, k) in placed {
            let g = used
                .binary_search(&k)
                .ok()
                .and_then(|p| cluster_group.get(p).copied());
            if let (Some(slot), Some(g)) = (group_of.get_mut(o as usize), g) {
                *slot = g;
            }
        }
        Ok(ClusterTable {
            group_of,
            names,
            keys,
            clusters,
        })
    }

    /// The group of the record with this ordinal.
    pub(crate) fn group(&self, ord: u64) -> Option<u32> {
        self.group_of.get(usize::try_from(ord).ok()?).copied()
    }

    pub(crate) fn count(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn key(&self, group: u32) -> u128 {
        self.keys.get(group as usize).copied().unwrap_or_default()
    }

    /// The group's name: the cluster's key, or the unresolved record.
    pub(crate) fn name(
        &self,
        group: u32,
        entity: &StrColumn,
        out: &mut String,
    ) -> std::io::Result<()> {
        out.clear();
        match self.names.get(group as usize) {
            Some(Name::Term(ord)) => {
                entity.ord_to_str(u64::from(*ord), out)?;
            }
            Some(Name::Cluster(k)) => out.push_str(self.clusters.record(*k as usize)),
            None => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_record_is_named_by_its_clusters_smallest_record() {
        let c = Clusters::from_sorted([("a", "a"), ("b", "a"), ("c", "c"), ("d", "c")]).unwrap();
        assert_eq!(c.key_of("b"), "a");
        assert_eq!(c.key_of("d"), "c");
        assert_eq!(c.key_of("e"), "e");
        assert!(matches!(
            Clusters::from_sorted([("b", "b"), ("a", "a")]),
            Err(ClustersError::Unsorted(_))
        ));
        assert!(matches!(
            Clusters::from_sorted([("b", "a")]),
            Err(ClustersError::UnknownKey { .. })
        ));
    }

    #[test]
    fn seeking_finds_the_first_record_not_below() {
        let names: Vec<String> = (0..1000).map(|i| format!("r{i:04}")).collect();
        let c = Clusters::from_sorted(names.iter().map(|n| (n.as_str(), n.as_str()))).unwrap();
        let mut at = 0;
        for i in (0..1000).step_by(7) {
            at = c.seek(at, format!("r{i:04}").as_bytes());
            assert_eq!(at, i);
        }
        assert_eq!(c.seek(0, b"r0500x"), 501);
        assert_eq!(c.seek(0, b"zzz"), 1000);
    }
}
