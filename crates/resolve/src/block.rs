//! Blocking: which pairs are worth comparing at all. A pair is a candidate
//! when it agrees on every key of at least one rule; rules are tried in
//! order and a pair is kept only by the first rule it satisfies, so no pair
//! is compared twice and no set of seen pairs has to be held in memory.

use rayon::prelude::*;

use crate::error::ResolveError;
use crate::features::{FNV_OFFSET, Features, NONE, fnv1a};
use crate::rng;

pub use crate::features::RECORDS_MAX;

/// A key derived from one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// The normalised value itself.
    Exact,
    /// Its first `n` characters.
    Prefix(usize),
    /// The primary Double Metaphone code of a name.
    Metaphone,
    /// The postcode district ("SW1A").
    PostcodeDistrict,
    /// The postcode sector ("SW1A 1").
    PostcodeSector,
    /// The year of a date.
    Year,
    /// The characters of the value in sorted order: an identifier with two
    /// characters transposed, the commonest slip in keying one, agrees.
    Sorted,
    /// A name together with the other half of the name (the field given),
    /// in either order: records with given and family names swapped share
    /// it, as the swapped level of a name comparison expects.
    EitherOrder(usize),
}

/// One key of a rule: a field and what to derive from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    pub field: usize,
    pub key: Key,
}

impl KeyPart {
    /// Whether the key reads `field`.
    pub fn reads(&self, field: usize) -> bool {
        self.field == field || self.key == Key::EitherOrder(field)
    }
}

/// A conjunction of keys; a pair satisfies the rule when both records have
/// every key and they are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub keys: Vec<KeyPart>,
}

/// How many pairs a rule brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub rule: String,
    /// Pairs agreeing on the rule's keys.
    pub pairs: u64,
    /// Of those, pairs no earlier rule had already brought.
    pub new_pairs: u64,
}

/// The candidate pairs, as record indexes with `left < right`, and the count
/// for each rule. Pairs come rule by rule and block by block, which keeps a
/// block's records in the cache while its pairs are compared; the order is
/// fixed by the records and rules alone, so runs are reproducible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub pairs: Vec<(u32, u32)>,
    pub counts: Vec<RuleCount>,
}

/// Which pairs of records are wanted.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// Every pair: deduplicating one file.
    All,
    /// Pairs with one record before the index and one from it on: linking
    /// two files.
    Across(u32),
    /// Pairs with at least one record from the index on: adding records to
    /// a file already deduplicated.
    Since(u32),
}

impl Scope {
    /// The pairs a block (record indexes, ascending) yields.
    fn pairs(self, g: &[u32]) -> u64 {
        let len = g.len() as u64;
        let all = |k: u64| k * k.saturating_sub(1) / 2;
        match self {
            Scope::All => all(len),
            Scope::Across(s) => {
                let left = g.partition_point(|&i| i < s) as u64;
                left * (len - left)
            }
            Scope::Since(s) => all(len) - all(g.partition_point(|&i| i < s) as u64),
        }
    }
}

/// One key of one record; `None` when its field is missing or has no such
/// key.
fn part_key(f: &Features, part: &KeyPart, i: u32) -> Option<u64> {
    let field = part.field;
    match part.key {
        Key::Exact => f.value_key(field, i),
        Key::Prefix(n) => f.text(field, i).map(|t| fnv1a(prefix(t, n), FNV_OFFSET)),
        Key::Metaphone => {
            let (_, v) = f.name(f.name_id(field, i)?)?;
            Some(v.metaphone[0]).filter(|&m| m != 0).map(u64::from)
        }
        Key::PostcodeDistrict => f.postcode(field, i)?.uk.map(|p| u64::from(p.district)),
        Key::PostcodeSector => f.postcode(field, i)?.uk.map(|p| u64::from(p.sector)),
        Key::Year => f.date(field, i).map(|d| d.year as u64),
        Key::Sorted => f.text(field, i).map(sorted_key),
        Key::EitherOrder(other) => {
            let (x, y) = (f.name_id(field, i)?, f.name_id(other, i)?);
            Some(u64::from(x.min(y)) << 32 | u64::from(x.max(y)))
        }
    }
}

impl Rule {
    /// Whether records `a` and `b` agree on every key of the rule, as
    /// blocking decides it.
    pub fn agrees(&self, f: &Features, a: u32, b: u32) -> bool {
        matches!((rule_key(f, self, a), rule_key(f, self, b)), (Some(x), Some(y)) if x == y)
    }

    /// Every record's key under the rule, `None` where one is missing: two
    /// records agree on the rule when their keys are equal and present.
    /// For asking [`Rule::agrees`] of many pairs, one read of the features
    /// per record rather than two per pair.
    pub fn keys(&self, f: &Features) -> Vec<Option<u64>> {
        (0..f.len())
            .into_par_iter()
            .map(|i| rule_key(f, self, u32::try_from(i).unwrap_or(NONE)))
            .collect()
    }
}

/// The rule's key for one record, as a hash; `None` when a key is missing.
fn rule_key(f: &Features, rule: &Rule, i: u32) -> Option<u64> {
    let mut h = FNV_OFFSET;
    for part in &rule.keys {
        h = rng::mix(h ^ part_key(f, part, i)?);
    }
    Some(h)
}

/// Identifiers up to this long are sorted without allocating.
const SORTED_ON_STACK: usize = 32;

/// The hash of the characters of `s` in sorted order.
fn sorted_key(s: &str) -> u64 {
    if s.is_ascii() && s.len() <= SORTED_ON_STACK {
        let mut bytes = [0u8; SORTED_ON_STACK];
        let bytes = bytes.get_mut(..s.len()).unwrap_or_default();
        bytes.copy_from_slice(s.as_bytes());
        bytes.sort_unstable();
        fnv1a(bytes, FNV_OFFSET)
    } else {
        let mut chars: Vec<char> = s.chars().collect();
        chars.sort_unstable();
        let sorted: String = chars.into_iter().collect();
        fnv1a(sorted.as_bytes(), FNV_OFFSET)
    }
}

/// The first `n` characters of `s`, as bytes.
fn prefix(s: &str, n: usize) -> &[u8] {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    s.as_bytes().get(..end).unwrap_or_default()
}

/// A rule's blocks: the records of every block (two or more records),
/// block after block, ascending within each, and where each block starts
/// (one more entry than blocks).
struct Blocks {
    starts: Vec<usize>,
    members: Vec<u32>,
}

/// The buffers one rule's keys are grouped in, kept from rule to rule so
/// that each rule does not allocate (and the system zero) them afresh.
#[derive(Debug, Default)]
struct Scratch {
    /// For each record its key and index, or [`NONE`] as the index when it
    /// has no key.
    keyed: Vec<(u64, u32)>,
    grouped: Vec<(u64, u32)>,
}

/// The keyed records of `keyed` into `out` with equal keys side by side,
/// records ascending among them: one pass spreads the items over buckets by
/// the top bits of their keys (which are hashes), then each small bucket is
/// sorted, which costs far less than sorting them all.
fn grouped(keyed: &[(u64, u32)], out: &mut Vec<(u64, u32)>) {
    let present = keyed.iter().filter(|(_, i)| *i != NONE).count();
    // About sixteen items a bucket.
    let bits = (usize::BITS - present.leading_zeros()).clamp(5, 24) - 4;
    let buckets = 1usize << bits;
    let bucket = |k: u64| (k >> (64 - bits)) as usize;
    let mut starts = vec![0usize; buckets + 1];
    for &(k, i) in keyed {
        if i != NONE
            && let Some(s) = starts.get_mut(bucket(k) + 1)
        {
            *s += 1;
        }
    }
    for i in 1..starts.len() {
        let prev = starts.get(i - 1).copied().unwrap_or(0);
        if let Some(s) = starts.get_mut(i) {
            *s += prev;
        }
    }
    // Each thread takes a range of buckets and its part of the output:
    // all read every item, each writes only its own.
    let parts = rayon::current_num_threads().clamp(1, buckets);
    let per = buckets.div_ceil(parts);
    let start = |b: usize| starts.get(b.min(buckets)).copied().unwrap_or(0);
    out.resize(present, (0, 0));
    let mut slices = Vec::with_capacity(parts);
    let mut rest = out.as_mut_slice();
    for p in 0..parts {
        let (b0, b1) = (p * per, ((p + 1) * per).min(buckets));
        let (head, tail) = rest.split_at_mut((start(b1) - start(b0)).min(rest.len()));
        slices.push((b0..b1, head));
        rest = tail;
    }
    slices.into_par_iter().for_each(|(range, slice)| {
        let base = start(range.start);
        let mut next: Vec<usize> = range.clone().map(|b| start(b) - base).collect();
        for &item in keyed {
            let b = bucket(item.0);
            if item.1 != NONE
                && range.contains(&b)
                && let Some(at) = next.get_mut(b - range.start)
            {
                if let Some(slot) = slice.get_mut(*at) {
                    *slot = item;
                }
                *at += 1;
            }
        }
        for b in range {
            if let Some(items) = slice.get_mut(start(b) - base..start(b + 1) - base) {
                items.sort_unstable();
            }
        }
    });
}

impl Blocks {
    /// The blocks of rule `r`, written into `table` as well, and the pairs
    /// they yield in `scope`.
    fn of(
        f: &Features,
        (r, rule): (usize, &Rule),
        scope: Scope,
        scratch: &mut Scratch,
        table: &mut Table,
    ) -> (Blocks, u64) {
        scratch.keyed.resize(f.len(), (0, NONE));
        scratch
            .keyed
            .par_iter_mut()
            .enumerate()
            .for_each(|(i, slot)| {
                let i = u32::try_from(i).unwrap_or(NONE);
                *slot = rule_key(f, rule, i).map_or((0, NONE), |k| (k, i));
            });
        grouped(&scratch.keyed, &mut scratch.grouped);
        let mut blocks = Blocks {
            starts: vec![0],
            members: Vec::new(),
        };
        let mut pairs = 0u64;
        // Runs of one key are blocks, records ascending within them.
        for run in scratch.grouped.chunk_by(|x, y| x.0 == y.0) {
            if run.len() < 2 {
                continue;
            }
            let id = u32::try_from(blocks.starts.len() - 1).unwrap_or(NONE);
            let first = blocks.members.len();
            for &(_, i) in run {
                table.set(i, r, id);
                blocks.members.push(i);
            }
            pairs += scope.pairs(blocks.members.get(first..).unwrap_or_default());
            blocks.starts.push(blocks.members.len());
        }
        (blocks, pairs)
    }
}

/// Every rule's block of every record, record by record: emitting a
/// block's pairs reads each member's blocks under all earlier rules, which
/// are then side by side in memory rather than a cache miss per rule away.
struct Table {
    rules: usize,
    of: Vec<u32>,
}

impl Table {
    fn new(records: usize, rules: usize) -> Table {
        Table {
            rules,
            of: vec![NONE; records * rules],
        }
    }

    fn set(&mut self, i: u32, r: usize, block: u32) {
        if let Some(slot) = self.of.get_mut(i as usize * self.rules + r) {
            *slot = block;
        }
    }

    /// Record `i`'s blocks under the first `r` rules.
    fn before(&self, i: u32, r: usize) -> &[u32] {
        let at = i as usize * self.rules;
        self.of.get(at..at + r.min(self.rules)).unwrap_or_default()
    }
}

/// Blocks larger than this are cut into pieces of this many rows, so that
/// one large block does not keep one thread busy while the others idle.
const ROWS_PER_TASK: usize = 256;

/// The candidate pairs for deduplicating `features` under `rules`.
///
/// Counts every rule's pairs from its block sizes first and fails before
/// allocating any pair when the total would pass `pairs_max`.
///
/// # Errors
/// [`ResolveError::PairsMax`] naming the rule that takes the total over;
/// [`ResolveError::EmptyRule`] for a rule without keys, which would pair
/// every record with every other.
pub fn candidates(
    features: &Features,
    rules: &[Rule],
    pairs_max: u64,
) -> Result<Candidates, ResolveError> {
    candidates_in(features, rules, pairs_max, Scope::All)
}

/// The candidate pairs for linking two files without deduplicating either:
/// records before `split` are the first file, the rest the second, and only
/// pairs with one record from each are produced (left from the first).
///
/// # Errors
/// As [`candidates`].
pub fn candidates_link(
    features: &Features,
    split: u32,
    rules: &[Rule],
    pairs_max: u64,
) -> Result<Candidates, ResolveError> {
    candidates_in(features, rules, pairs_max, Scope::Across(split))
}

/// The candidate pairs for adding records to a file already deduplicated:
/// records before `first_new` were resolved before, and only pairs with at
/// least one record from `first_new` on are produced.
///
/// # Errors
/// As [`candidates`].
pub fn candidates_since(
    features: &Features,
    first_new: u32,
    rules: &[Rule],
    pairs_max: u64,
) -> Result<Candidates, ResolveError> {
    candidates_in(features, rules, pairs_max, Scope::Since(first_new))
}

fn candidates_in(
    features: &Features,
    rules: &[Rule],
    pairs_max: u64,
    scope: Scope,
) -> Result<Candidates, ResolveError> {
    if let Some(r) = rules.iter().find(|r| r.keys.is_empty()) {
        return Err(ResolveError::EmptyRule {
            rule: r.name.clone(),
        });
    }
    let mut blocks = Vec::with_capacity(rules.len());
    let mut rule_pairs = Vec::with_capacity(rules.len());
    let mut total = 0u64;
    let mut scratch = Scratch::default();
    let mut table = Table::new(features.len(), rules.len());
    for (r, rule) in rules.iter().enumerate() {
        let (b, pairs) = Blocks::of(features, (r, rule), scope, &mut scratch, &mut table);
        total = total.saturating_add(pairs);
        if total > pairs_max {
            return Err(ResolveError::PairsMax {
                rule: rule.name.clone(),
                pairs,
            });
        }
        blocks.push(b);
        rule_pairs.push(pairs);
    }
    drop(scratch);
    // The rules' pairs before leaving out those of earlier rules bound the
    // result: one allocation, never grown and copied.
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut counts = Vec::with_capacity(rules.len());
    for (r, (rule, pairs)) in rules.iter().zip(rule_pairs).enumerate() {
        let Some(Blocks { starts, members }) = blocks.get(r) else {
            continue;
        };
        // Each task: rows of one block, the block, and the most pairs
        // those rows can bring.
        let mut tasks: Vec<Task> = Vec::new();
        for w in starts.windows(2) {
            if let [s, e] = *w {
                let g = members.get(s..e).unwrap_or_default();
                let mut row = 0;
                while row < e - s {
                    let end = (row + ROWS_PER_TASK).min(e - s);
                    let most = (row..end).map(|y| lefts(g, y, scope).len()).sum();
                    tasks.push(Task {
                        rows: row..end,
                        block: s..e,
                        most,
                    });
                    row = end;
                }
            }
        }
        // Pairs are written straight into their place in `out`, each batch
        // of tasks into room for the most it can bring, then closed up:
        // nothing is allocated per task or copied twice.
        let before = out.len();
        let room: usize = tasks.iter().map(|t| t.most).sum();
        out.resize(before + room, (0, 0));
        let target = room.div_ceil(BATCHES).max(1);
        let mut batches: Vec<Batch<'_>> = Vec::new();
        let mut rest = out.get_mut(before..).unwrap_or_default();
        let mut first = 0;
        while first < tasks.len() {
            let (mut end, mut most) = (first, 0);
            while end < tasks.len() && (most < target || end == first) {
                most += tasks.get(end).map_or(0, |t| t.most);
                end += 1;
            }
            let (head, tail) = rest.split_at_mut(most.min(rest.len()));
            batches.push((tasks.get(first..end).unwrap_or_default(), head));
            rest = tail;
            first = end;
        }
        let kept: Vec<(usize, usize)> = batches
            .into_par_iter()
            .map(|(tasks, slice)| {
                let mut seen = Vec::new();
                let mut at = 0;
                for t in tasks {
                    let g = members.get(t.block.clone()).unwrap_or_default();
                    let into = slice.get_mut(at..).unwrap_or_default();
                    at += emit(g, t.rows.clone(), scope, (&table, r), &mut seen, into);
                }
                (slice.len(), at)
            })
            .collect();
        let (mut read, mut write) = (before, before);
        for (room, kept) in kept {
            out.copy_within(read..read + kept, write);
            read += room;
            write += kept;
        }
        out.truncate(write);
        counts.push(RuleCount {
            rule: rule.name.clone(),
            pairs,
            new_pairs: (out.len() - before) as u64,
        });
    }
    Ok(Candidates { pairs: out, counts })
}

/// A piece of one rule's work: `rows` of the block at `block` in the
/// rule's members, which bring at most `most` pairs.
#[derive(Debug, Clone)]
struct Task {
    rows: std::ops::Range<usize>,
    block: std::ops::Range<usize>,
    most: usize,
}

/// Tasks and the room their pairs are written into.
type Batch<'a> = (&'a [Task], &'a mut [(u32, u32)]);

/// Batches each rule's tasks are written in: enough to keep every thread
/// busy to the end, few enough that closing the gaps between them is cheap.
const BATCHES: usize = 256;

/// The members of block `g` that the member at row `y` pairs with in
/// `scope`, as rows: those before it, or for linking only those of the
/// first file, and none for a member of the first file.
fn lefts(g: &[u32], y: usize, scope: Scope) -> std::ops::Range<usize> {
    let first_new = |s: u32| g.partition_point(|&i| i < s);
    match scope {
        Scope::All => 0..y,
        Scope::Since(s) if y >= first_new(s) => 0..y,
        Scope::Across(s) if y >= first_new(s) => 0..first_new(s),
        _ => 0..0,
    }
}

/// Writes into `out` the pairs of block `g` (ascending) in `scope` whose
/// larger member is at one of `rows`, leaving out pairs an earlier rule's
/// blocks already hold, and says how many it wrote. `seen` is room to
/// reuse.
fn emit(
    g: &[u32],
    rows: std::ops::Range<usize>,
    scope: Scope,
    (table, rules): (&Table, usize),
    seen: &mut Vec<u32>,
    out: &mut [(u32, u32)],
) -> usize {
    // Each member's block under each earlier rule, read once: the pairs of
    // a block meet every member many times.
    seen.clear();
    for &m in g {
        seen.extend_from_slice(table.before(m, rules));
    }
    let of = |x: usize| seen.get(x * rules..(x + 1) * rules).unwrap_or_default();
    let mut written = 0;
    for y in rows {
        let Some(&b) = g.get(y) else { continue };
        let of_b = of(y);
        for x in lefts(g, y, scope) {
            let Some(&a) = g.get(x) else { continue };
            let shared = of(x).iter().zip(of_b).any(|(p, q)| *p != NONE && p == q);
            if !shared && let Some(slot) = out.get_mut(written) {
                *slot = (a, b);
                written += 1;
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::features::FieldFeatures;
    use crate::record::{FieldKind, Record, Schema};

    fn data() -> Features {
        let schema = Schema::new([
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("postcode", FieldKind::Postcode),
        ]);
        let recs: Vec<Record> = [
            ("a", "Smith", "1980-01-01", "LS1 1AA"),
            ("b", "Smyth", "1980-01-01", "LS1 2AA"),
            ("c", "Smith", "1990-05-05", "LS2 1AA"),
            ("d", "Jones", "1980-03-03", "LS1 4BB"),
            ("e", "Smith", "1980-07-07", ""),
        ]
        .iter()
        .map(|(id, f, d, p)| Record {
            id: (*id).into(),
            fields: vec![Some((*f).into()), Some((*d).into()), Some((*p).into())],
        })
        .collect();
        Features::compute(&schema, &recs).unwrap()
    }

    fn rules() -> Vec<Rule> {
        vec![
            Rule {
                name: "surname".into(),
                keys: vec![KeyPart {
                    field: 0,
                    key: Key::Exact,
                }],
            },
            Rule {
                name: "year+district".into(),
                keys: vec![
                    KeyPart {
                        field: 1,
                        key: Key::Year,
                    },
                    KeyPart {
                        field: 2,
                        key: Key::PostcodeDistrict,
                    },
                ],
            },
        ]
    }

    fn sorted(mut pairs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
        pairs.sort_unstable();
        pairs
    }

    #[test]
    fn pairs_are_deduplicated_across_rules() {
        let c = candidates(&data(), &rules(), 100).unwrap();
        // surname: a-c, a-e, c-e; year+district (1980, LS1): a-b, a-d, b-d.
        assert_eq!(
            sorted(c.pairs),
            vec![(0, 1), (0, 2), (0, 3), (0, 4), (1, 3), (2, 4)]
        );
        let mut r = rules();
        // The same rule twice brings nothing new the second time.
        r.push(r[0].clone());
        let c = candidates(&data(), &r, 100).unwrap();
        assert_eq!(c.pairs.len(), 6);
        assert_eq!(c.counts[2].pairs, 3);
        assert_eq!(c.counts[2].new_pairs, 0);
        assert_eq!(c.counts[0].new_pairs, 3);
    }

    #[test]
    fn metaphone_and_prefix_keys() {
        let r = vec![Rule {
            name: "sound".into(),
            keys: vec![
                KeyPart {
                    field: 0,
                    key: Key::Metaphone,
                },
                KeyPart {
                    field: 0,
                    key: Key::Prefix(2),
                },
            ],
        }];
        let c = candidates(&data(), &r, 100).unwrap();
        assert_eq!(
            sorted(c.pairs),
            vec![(0, 1), (0, 2), (0, 4), (1, 2), (1, 4), (2, 4)]
        );
    }

    #[test]
    fn linking_pairs_only_across_files() {
        // a, b, c are the first file; d, e the second.
        let c = candidates_link(&data(), 3, &rules(), 100).unwrap();
        // surname: a-e, c-e; year+district (1980, LS1): a-d, b-d.
        assert_eq!(sorted(c.pairs), vec![(0, 3), (0, 4), (1, 3), (2, 4)]);
        assert_eq!(c.counts[0].pairs, 2);
        assert_eq!(c.counts[1].pairs, 2);
        let err = candidates_link(&data(), 3, &rules(), 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "pairs_max exceeded: rule `year+district` would produce 2 pairs"
        );
    }

    #[test]
    fn pairs_max_fails_cleanly() {
        let err = candidates(&data(), &rules(), 4).unwrap_err();
        assert_eq!(
            err.to_string(),
            "pairs_max exceeded: rule `year+district` would produce 3 pairs"
        );
        let err = candidates(&data(), &rules(), 2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "pairs_max exceeded: rule `surname` would produce 3 pairs"
        );
        let empty = vec![Rule {
            name: "all".into(),
            keys: vec![],
        }];
        assert!(matches!(
            candidates(&data(), &empty, 100),
            Err(ResolveError::EmptyRule { .. })
        ));
    }

    /// The slow, obvious blocking: every pair of records, keys read from
    /// the features' plain values.
    fn slow_key(f: &Features, part: &KeyPart, i: usize) -> Option<String> {
        let v = f.field(i, part.field);
        match (&part.key, v) {
            (_, FieldFeatures::Missing) => None,
            (Key::Exact, v) => Some(format!("{v:?}")),
            (Key::Prefix(n), FieldFeatures::Name { folded, .. })
            | (Key::Prefix(n), FieldFeatures::Text(folded))
            | (Key::Prefix(n), FieldFeatures::Address { folded, .. })
            | (Key::Prefix(n), FieldFeatures::Postcode { code: folded, .. }) => {
                Some(folded.chars().take(*n).collect())
            }
            (Key::Metaphone, FieldFeatures::Name { value, .. }) if value.metaphone[0] != 0 => {
                Some(value.metaphone[0].to_string())
            }
            (Key::PostcodeDistrict, FieldFeatures::Postcode { uk: Some(p), .. }) => {
                Some(p.district.to_owned())
            }
            (Key::PostcodeSector, FieldFeatures::Postcode { uk: Some(p), .. }) => {
                Some(p.sector.to_owned())
            }
            (Key::Year, FieldFeatures::Date(d)) => Some(d.year.to_string()),
            (Key::Sorted, FieldFeatures::Text(t)) => {
                let mut chars: Vec<char> = t.chars().collect();
                chars.sort_unstable();
                Some(chars.into_iter().collect())
            }
            (Key::EitherOrder(other), FieldFeatures::Name { folded, .. }) => {
                let FieldFeatures::Name { folded: o, .. } = f.field(i, *other) else {
                    return None;
                };
                let mut names = [folded, o];
                names.sort_unstable();
                Some(names.join("|"))
            }
            _ => None,
        }
    }

    fn agree(f: &Features, rule: &Rule, a: usize, b: usize) -> bool {
        rule.keys.iter().all(|k| {
            let x = slow_key(f, k, a);
            x.is_some() && x == slow_key(f, k, b)
        })
    }

    #[test]
    fn blocking_agrees_with_comparing_every_pair() {
        use crate::rng::SplitMix64;
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("postcode", FieldKind::Postcode),
            ("nino", FieldKind::Identifier),
        ]);
        let mut rng = SplitMix64::new(5);
        let mut pick = |xs: &[&str]| xs[rng.below(xs.len() as u64) as usize].to_owned();
        let records: Vec<Record> = (0..600)
            .map(|i| Record {
                id: i.to_string(),
                fields: vec![
                    Some(pick(&["Ann", "Anne", "Bob", "Robert", "Jones", ""])),
                    Some(pick(&["Smith", "Smyth", "Jones", "Johns", "Okafor", ""])),
                    Some(pick(&["1980-01-01", "1980-05-05", "1981-01-01", "x"])),
                    Some(pick(&["LS1 1AA", "LS1 2AB", "LS2 1AA", "2612", ""])),
                    Some(pick(&[
                        "AB123", "AB132", "BA321", "AB124", "ÅB12", "BÅ21", "",
                    ])),
                ],
            })
            .collect();
        let f = Features::compute(&schema, &records).unwrap();
        let k = |field, key| KeyPart { field, key };
        let rules = vec![
            Rule {
                name: "family+dob".into(),
                keys: vec![k(1, Key::Exact), k(2, Key::Exact)],
            },
            Rule {
                name: "sound+year".into(),
                keys: vec![k(0, Key::Metaphone), k(2, Key::Year)],
            },
            Rule {
                name: "sector+initial".into(),
                keys: vec![k(3, Key::PostcodeSector), k(1, Key::Prefix(1))],
            },
            Rule {
                name: "postcode+district".into(),
                keys: vec![k(3, Key::Exact), k(3, Key::PostcodeDistrict)],
            },
            Rule {
                name: "postcode".into(),
                keys: vec![k(3, Key::Exact)],
            },
            Rule {
                name: "names either order+year".into(),
                keys: vec![k(0, Key::EitherOrder(1)), k(2, Key::Year)],
            },
            Rule {
                name: "nino in any order".into(),
                keys: vec![k(4, Key::Sorted)],
            },
        ];
        let n = records.len();
        for (scope, split) in [("all", 0), ("across", 250), ("since", 250)] {
            let wanted = |a: usize, b: usize| match scope {
                "all" => true,
                "across" => a < split && b >= split,
                _ => b >= split,
            };
            let mut expected = Vec::new();
            let mut counts = vec![(0u64, 0u64); rules.len()];
            for a in 0..n {
                for b in a + 1..n {
                    if !wanted(a, b) {
                        continue;
                    }
                    let mut seen = false;
                    for (r, rule) in rules.iter().enumerate() {
                        if agree(&f, rule, a, b) {
                            counts[r].0 += 1;
                            if !seen {
                                counts[r].1 += 1;
                                expected.push((a as u32, b as u32));
                            }
                            seen = true;
                        }
                    }
                }
            }
            let s = split as u32;
            let c = match scope {
                "all" => candidates(&f, &rules, u64::MAX),
                "across" => candidates_link(&f, s, &rules, u64::MAX),
                _ => candidates_since(&f, s, &rules, u64::MAX),
            }
            .unwrap();
            assert!(c.pairs.iter().all(|&(a, b)| a < b), "{scope}");
            assert_eq!(sorted(c.pairs), expected, "{scope}");
            let got: Vec<(u64, u64)> = c.counts.iter().map(|c| (c.pairs, c.new_pairs)).collect();
            assert_eq!(got, counts, "{scope}");
        }
    }
}
