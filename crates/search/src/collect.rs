//! Collectors that group matching documents by the entity they describe.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

use crate::schema::{CANONICAL, CKEY_HI, CKEY_LO, ENTITY};

fn str_column(segment: &SegmentReader, field: &str) -> tantivy::Result<StrColumn> {
    segment
        .fast_fields()
        .str(field)?
        .ok_or_else(|| TantivyError::SchemaError(format!("no fast column `{field}`")))
}

/// Groups every matching document by canonical id, keeping each group's
/// best score, and returns how many groups there are and the best `k` of
/// them ordered by score, then canonical id.
///
/// Within a segment a group is a term ordinal of the canonical column,
/// whose order is the order of the ids, so the segment's best `k` are
/// found without reading any id; only those `k` are looked up. The global
/// best `k` are among the union of every segment's best `k` (a group's
/// best score is its best in some segment, where it must rank in the top
/// `k` if it does globally). Groups are counted across segments by a
/// 128-bit key of the id held in two fast columns.
pub(crate) struct GroupTop {
    pub k: usize,
}

pub(crate) struct GroupSegment {
    canonical: StrColumn,
    hi: Column<u64>,
    lo: Column<u64>,
    k: usize,
    /// Best score + 1 per ordinal, 0 for a group not yet seen. Allocated
    /// zeroed on the first match, so untouched pages cost nothing.
    best: Vec<f32>,
    /// Each group seen, with one of its documents, in the order first seen.
    seen: Vec<(u32, DocId)>,
}

pub(crate) struct SegmentGroups {
    keys: Vec<u128>,
    top: Vec<(String, Score)>,
}

impl Collector for GroupTop {
    type Fruit = (u64, Vec<(String, Score)>);
    type Child = GroupSegment;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<GroupSegment> {
        let fast = segment.fast_fields();
        Ok(GroupSegment {
            canonical: str_column(segment, CANONICAL)?,
            hi: fast.u64(CKEY_HI)?,
            lo: fast.u64(CKEY_LO)?,
            k: self.k,
            best: Vec::new(),
            seen: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<tantivy::Result<SegmentGroups>>,
    ) -> tantivy::Result<(u64, Vec<(String, Score)>)> {
        let fruits: Vec<SegmentGroups> = fruits.into_iter().collect::<Result<_, _>>()?;
        let with_matches = fruits.iter().filter(|f| !f.keys.is_empty()).count();
        let total = if with_matches <= 1 {
            fruits.iter().map(|f| f.keys.len() as u64).sum()
        } else {
            let n = fruits.iter().map(|f| f.keys.len()).sum();
            let mut keys: HashSet<u128, BuildHasherDefault<KeyHasher>> =
                HashSet::with_capacity_and_hasher(n, Default::default());
            for f in &fruits {
                keys.extend(f.keys.iter().copied());
            }
            keys.len() as u64
        };
        let mut best: HashMap<String, Score> = HashMap::new();
        for f in fruits {
            for (canonical, score) in f.top {
                let slot = best.entry(canonical).or_insert(score);
                if score > *slot {
                    *slot = score;
                }
            }
        }
        let mut top: Vec<(String, Score)> = best.into_iter().collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(self.k);
        Ok((total, top))
    }
}

impl SegmentCollector for GroupSegment {
    type Fruit = tantivy::Result<SegmentGroups>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(ord) = self.canonical.ords().first(doc) else {
            return;
        };
        if self.best.is_empty() {
            self.best = vec![0.0; self.canonical.num_terms()];
        }
        let Some(slot) = usize::try_from(ord).ok().and_then(|o| self.best.get_mut(o)) else {
            return;
        };
        if *slot == 0.0 {
            // Ordinals are below the number of terms, itself a u32 count.
            self.seen.push((ord as u32, doc));
        }
        let kept = score + 1.0;
        if kept > *slot {
            *slot = kept;
        }
    }

    fn harvest(self) -> tantivy::Result<SegmentGroups> {
        let keys = self
            .seen
            .iter()
            .map(|&(_, doc)| {
                let hi = self.hi.first(doc).unwrap_or_default();
                let lo = self.lo.first(doc).unwrap_or_default();
                (u128::from(hi) << 64) | u128::from(lo)
            })
            .collect();
        let mut groups: Vec<(u32, Score)> = self
            .seen
            .iter()
            .map(|&(ord, _)| {
                let s = self.best.get(ord as usize).copied().unwrap_or(1.0);
                (ord, s - 1.0)
            })
            .collect();
        let order = |a: &(u32, Score), b: &(u32, Score)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if groups.len() > self.k && self.k > 0 {
            groups.select_nth_unstable_by(self.k - 1, order);
        }
        groups.truncate(self.k);
        groups.sort_unstable_by(order);
        let mut top = Vec::with_capacity(groups.len());
        for (ord, score) in groups {
            let mut id = String::new();
            self.canonical.ord_to_str(u64::from(ord), &mut id)?;
            top.push((id, score));
        }
        Ok(SegmentGroups { keys, top })
    }
}

/// The keys are already uniform hashes: use their low bits as they are.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, i: u128) {
        self.0 = (i as u64) ^ ((i >> 64) as u64);
    }
}

/// Every matching document with its score, entity and canonical ids: for
/// the few groups on a page.
pub(crate) struct Scored;

pub(crate) struct ScoredSegment {
    segment: SegmentOrdinal,
    entity: StrColumn,
    canonical: StrColumn,
    docs: Vec<(DocId, Score)>,
}

/// A matching document of a group on the page.
#[derive(Debug, Clone)]
pub(crate) struct ScoredDoc {
    pub address: DocAddress,
    pub score: Score,
    pub entity: String,
    pub canonical: String,
}

impl Collector for Scored {
    type Fruit = Vec<ScoredDoc>;
    type Child = ScoredSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<ScoredSegment> {
        Ok(ScoredSegment {
            segment: segment_ord,
            entity: str_column(segment, ENTITY)?,
            canonical: str_column(segment, CANONICAL)?,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<tantivy::Result<Vec<ScoredDoc>>>,
    ) -> tantivy::Result<Vec<ScoredDoc>> {
        let mut all = Vec::new();
        for f in fruits {
            all.extend(f?);
        }
        Ok(all)
    }
}

impl SegmentCollector for ScoredSegment {
    type Fruit = tantivy::Result<Vec<ScoredDoc>>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.docs.push((doc, score));
    }

    fn harvest(self) -> tantivy::Result<Vec<ScoredDoc>> {
        let mut out = Vec::with_capacity(self.docs.len());
        for (doc, score) in self.docs {
            let mut entity = String::new();
            let mut canonical = String::new();
            if let Some(ord) = self.entity.ords().first(doc) {
                self.entity.ord_to_str(ord, &mut entity)?;
            }
            if let Some(ord) = self.canonical.ords().first(doc) {
                self.canonical.ord_to_str(ord, &mut canonical)?;
            }
            out.push(ScoredDoc {
                address: DocAddress::new(self.segment, doc),
                score,
                entity,
                canonical,
            });
        }
        Ok(out)
    }
}
