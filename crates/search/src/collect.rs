//! The collector that groups matching documents by the entity they describe.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::clusters::{ClusterTable, Clusters};
use crate::keys::canonical_key;
use crate::schema::{CANONICAL, CKEY_HI, CKEY_LO, ENTITY};

use crate::columns::{segment_groups, str_column, u64_column};

/// Groups every matching document by canonical id, keeping each group's
/// best score, in one pass over the matches.
///
/// Within a segment a group is a term ordinal of the canonical column,
/// whose order is the order of the ids, so the segment's best `k` groups
/// (by score, then id) are found without reading any id; only those `k`
/// are looked up. The global best `k` are among the union of every
/// segment's best `k`: a group's best score is its best in some segment,
/// where it must rank in the top `k` if it does globally. Groups are
/// counted across segments by a 128-bit key of the id held in two fast
/// columns, and every match is kept with its group so that the records of
/// the groups on the page can be listed without searching again.
///
/// Given a [`Clusters`] map, documents are grouped by their record's
/// cluster instead of their canonical column, through a table per segment
/// whose groups are numbered in the order of their names, as the column's
/// ordinals are.
pub(crate) struct GroupTop {
    pub k: usize,
    pub clusters: Option<Arc<Clusters>>,
}

/// How a segment's documents are grouped.
enum Grouping {
    /// By the canonical column: a group is a term ordinal, its key in two
    /// fast columns.
    Column(Box<CanonicalColumns>),
    /// By the record's cluster.
    Clusters(Arc<ClusterTable>),
}

struct CanonicalColumns {
    canonical: StrColumn,
    hi: Column<u64>,
    lo: Column<u64>,
}

pub(crate) struct GroupSegment {
    segment: SegmentOrdinal,
    grouping: Grouping,
    entity: StrColumn,
    k: usize,
    /// Each canonical ordinal seen, with its group's index.
    slots: Slots,
    groups: Vec<Group>,
    matches: Vec<(u32, DocId, Score)>,
}

#[derive(Clone, Copy)]
struct Group {
    ord: u32,
    first: DocId,
    best: Score,
}

/// What one segment found.
pub(crate) struct SegmentGroups {
    segment: SegmentOrdinal,
    entity: StrColumn,
    /// The key of each group, by group index.
    keys: Vec<u128>,
    top: Vec<(String, Score)>,
    /// Every match: group index, document, score.
    matches: Vec<(u32, DocId, Score)>,
}

/// What every segment found.
pub(crate) struct Groups {
    /// Distinct canonical ids matched.
    pub total: u64,
    /// The best `k` groups, ordered by score then canonical id.
    pub top: Vec<(String, Score)>,
    segments: Vec<SegmentGroups>,
}

/// A matching record of a group on the page.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub address: DocAddress,
    pub score: Score,
    pub entity: String,
}

impl Groups {
    /// The matching records of each of `canonicals`, in the same order.
    pub(crate) fn records(&self, canonicals: &[&str]) -> tantivy::Result<Vec<Vec<Match>>> {
        let wanted: HashMap<u128, usize, BuildHasherDefault<KeyHasher>> = canonicals
            .iter()
            .enumerate()
            .map(|(i, c)| (canonical_key(c), i))
            .collect();
        let mut out: Vec<Vec<Match>> = vec![Vec::new(); canonicals.len()];
        for s in &self.segments {
            let page: Vec<Option<usize>> = s.keys.iter().map(|k| wanted.get(k).copied()).collect();
            if page.iter().all(Option::is_none) {
                continue;
            }
            for &(group, doc, score) in &s.matches {
                let Some(i) = page.get(group as usize).copied().flatten() else {
                    continue;
                };
                let mut entity = String::new();
                if let Some(ord) = s.entity.ords().first(doc) {
                    s.entity.ord_to_str(ord, &mut entity)?;
                }
                if let Some(list) = out.get_mut(i) {
                    list.push(Match {
                        address: DocAddress::new(s.segment, doc),
                        score,
                        entity,
                    });
                }
            }
        }
        for list in &mut out {
            list.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.entity.cmp(&b.entity))
            });
        }
        Ok(out)
    }
}

impl Collector for GroupTop {
    type Fruit = Groups;
    type Child = GroupSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GroupSegment> {
        let entity = str_column(reader, ENTITY)?;
        let grouping = match &self.clusters {
            Some(c) => Grouping::Clusters(segment_groups(reader, &entity, c)?),
            None => Grouping::Column(Box::new(CanonicalColumns {
                canonical: str_column(reader, CANONICAL)?,
                hi: u64_column(reader, CKEY_HI)?,
                lo: u64_column(reader, CKEY_LO)?,
            })),
        };
        Ok(GroupSegment {
            segment,
            grouping,
            entity,
            k: self.k,
            slots: Slots::Few(HashMap::default()),
            groups: Vec::new(),
            matches: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<SegmentGroups>>) -> tantivy::Result<Groups> {
        let segments: Vec<SegmentGroups> = fruits.into_iter().collect::<Result<_, _>>()?;
        let with_matches = segments.iter().filter(|f| !f.keys.is_empty()).count();
        let total = if with_matches <= 1 {
            segments.iter().map(|f| f.keys.len() as u64).sum()
        } else {
            let n = segments.iter().map(|f| f.keys.len()).sum();
            let mut keys: HashSet<u128, BuildHasherDefault<KeyHasher>> =
                HashSet::with_capacity_and_hasher(n, Default::default());
            for f in &segments {
                keys.extend(f.keys.iter().copied());
            }
            keys.len() as u64
        };
        let mut best: HashMap<&str, Score> = HashMap::new();
        for f in &segments {
            for (canonical, score) in &f.top {
                let slot = best.entry(canonical.as_str()).or_insert(*score);
                if *score > *slot {
                    *slot = *score;
                }
            }
        }
        let mut top: Vec<(String, Score)> =
            best.into_iter().map(|(c, s)| (c.to_owned(), s)).collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(self.k);
        Ok(Groups {
            total,
            top,
            segments,
        })
    }
}

impl SegmentCollector for GroupSegment {
    type Fruit = tantivy::Result<SegmentGroups>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let (ord, groups) = match &self.grouping {
            // Ordinals are below the number of terms, a u32 count.
            Grouping::Column(c) => (
                c.canonical.ords().first(doc).map(|o| o as u32),
                c.canonical.num_terms(),
            ),
            Grouping::Clusters(table) => (
                self.entity.ords().first(doc).and_then(|o| table.group(o)),
                table.count(),
            ),
        };
        let Some(ord) = ord else {
            return;
        };
        let next = self.groups.len() as u32;
        let group = self.slots.get_or_insert(ord, next, groups);
        if group == next {
            self.groups.push(Group {
                ord,
                first: doc,
                best: score,
            });
        } else if let Some(g) = self.groups.get_mut(group as usize)
            && score > g.best
        {
            g.best = score;
        }
        self.matches.push((group, doc, score));
    }

    fn harvest(self) -> tantivy::Result<SegmentGroups> {
        let keys = self
            .groups
            .iter()
            .map(|g| match &self.grouping {
                Grouping::Column(c) => {
                    let hi = c.hi.first(g.first).unwrap_or_default();
                    let lo = c.lo.first(g.first).unwrap_or_default();
                    (u128::from(hi) << 64) | u128::from(lo)
                }
                Grouping::Clusters(table) => table.key(g.ord),
            })
            .collect();
        let mut order: Vec<(u32, Score)> = self.groups.iter().map(|g| (g.ord, g.best)).collect();
        let by = |a: &(u32, Score), b: &(u32, Score)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if order.len() > self.k && self.k > 0 {
            order.select_nth_unstable_by(self.k - 1, by);
        }
        order.truncate(self.k);
        order.sort_unstable_by(by);
        let mut top = Vec::with_capacity(order.len());
        for (ord, score) in order {
            let mut id = String::new();
            match &self.grouping {
                Grouping::Column(c) => {
                    c.canonical.ord_to_str(u64::from(ord), &mut id)?;
                }
                Grouping::Clusters(table) => table.name(ord, &self.entity, &mut id)?,
            }
            top.push((id, score));
        }
        Ok(SegmentGroups {
            segment: self.segment,
            entity: self.entity,
            keys,
            top,
            matches: self.matches,
        })
    }
}

/// Canonical ordinal to group index. A map while the groups are few; a
/// table indexed by ordinal once they are many, where a map's probes would
/// cost more than zeroing the table.
enum Slots {
    Few(HashMap<u32, u32, BuildHasherDefault<KeyHasher>>),
    /// Group index + 1 by ordinal, 0 for none.
    Many(Vec<u32>),
}

/// Groups in a map before it becomes a table.
const SLOTS_FEW_MAX: usize = 4096;

impl Slots {
    /// The group of `ord`, which is `next` if it had none.
    fn get_or_insert(&mut self, ord: u32, next: u32, terms: usize) -> u32 {
        match self {
            Slots::Few(map) => {
                let g = *map.entry(ord).or_insert(next);
                if map.len() > SLOTS_FEW_MAX {
                    let mut table = vec![0u32; terms];
                    for (&o, &g) in map.iter() {
                        if let Some(t) = table.get_mut(o as usize) {
                            *t = g + 1;
                        }
                    }
                    *self = Slots::Many(table);
                }
                g
            }
            Slots::Many(table) => match table.get_mut(ord as usize) {
                Some(t) if *t > 0 => *t - 1,
                Some(t) => {
                    *t = next + 1;
                    next
                }
                None => next,
            },
        }
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

    fn write_u32(&mut self, i: u32) {
        // Ordinals are small consecutive numbers: spread them.
        self.0 = u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Every matching document with its entity id, for listings ordered by
/// entity. Entity ids are looked up in one ordered pass over each
/// segment's dictionary rather than one lookup each, which matters for a
/// target thousands of records refer to.
pub(crate) struct EntityDocs;

pub(crate) struct EntitySegment {
    segment: SegmentOrdinal,
    entity: StrColumn,
    docs: Vec<(u64, DocId)>,
}

impl Collector for EntityDocs {
    type Fruit = Vec<(String, DocAddress)>;
    type Child = EntitySegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<EntitySegment> {
        Ok(EntitySegment {
            segment,
            entity: str_column(reader, ENTITY)?,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<tantivy::Result<Vec<(String, DocAddress)>>>,
    ) -> tantivy::Result<Vec<(String, DocAddress)>> {
        let mut all = Vec::new();
        for f in fruits {
            all.extend(f?);
        }
        all.sort();
        Ok(all)
    }
}

impl SegmentCollector for EntitySegment {
    type Fruit = tantivy::Result<Vec<(String, DocAddress)>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(ord) = self.entity.ords().first(doc) {
            self.docs.push((ord, doc));
        }
    }

    fn harvest(mut self) -> tantivy::Result<Vec<(String, DocAddress)>> {
        self.docs.sort_unstable();
        let mut ords: Vec<u64> = self.docs.iter().map(|d| d.0).collect();
        ords.dedup();
        let mut names: Vec<String> = Vec::with_capacity(ords.len());
        self.entity
            .dictionary()
            .sorted_ords_to_term_cb(&ords, |bytes| {
                names.push(String::from_utf8_lossy(bytes).into_owned());
            })?;
        let mut out = Vec::with_capacity(self.docs.len());
        let mut at = 0;
        for (ord, doc) in self.docs {
            while ords.get(at).is_some_and(|o| *o < ord) {
                at += 1;
            }
            let name = names.get(at).cloned().unwrap_or_default();
            out.push((name, DocAddress::new(self.segment, doc)));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_keep_their_groups_when_they_become_a_table() {
        let n = SLOTS_FEW_MAX as u32 + 10;
        let terms = 3 * n as usize;
        let mut slots = Slots::Few(HashMap::default());
        let mut groups = 0u32;
        // Every third ordinal, twice each, in an order that is not sorted.
        for round in 0..2 {
            for i in 0..n {
                // 7919 is prime to n, so this visits each of 0..n once.
                let ord = (i * 7919) % n * 3;
                let g = slots.get_or_insert(ord, groups, terms);
                if g == groups {
                    assert_eq!(round, 0, "ordinal {ord} got a new group twice");
                    groups += 1;
                }
            }
        }
        assert!(matches!(slots, Slots::Many(_)));
        assert!(groups as usize > SLOTS_FEW_MAX);
    }
}
