//! Blocking: which pairs are worth comparing at all. A pair is a candidate
//! when it agrees on every key of at least one rule, and it is counted for
//! the first rule it satisfies, so that no pair is compared twice. Every
//! rule's pairs are spread over buckets by their left record and each
//! bucket sorted on its own, which finds the repeats with sequential reads
//! only, however many rules there are.

use rayon::prelude::*;

use crate::error::ResolveError;
use crate::features::{FNV_OFFSET, Features, NONE, value_hash};
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
    /// The month and year of a date, full or known to the month only
    /// (`1980-03`), which then meet.
    Month,
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
    /// Pairs only where one of the two records has no key under any rule
    /// without this flag: a fallback for records the other rules cannot
    /// reach (a whole name and nothing else), which meets every record
    /// sharing its keys, while records the other rules reach are not
    /// paired again by it. A rule on names alone is otherwise quadratic in
    /// a name's frequency.
    pub unreached_only: bool,
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
/// for each rule. Pairs come rule by rule (by the first rule that brought
/// them) and ascending within a rule, so that comparing them walks the
/// left records in order; the order is fixed by the records and rules
/// alone, so runs are reproducible.
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
        Key::Prefix(n) => f.text(field, i).map(|t| value_hash(prefix(t, n))),
        Key::Metaphone => {
            let (_, v) = f.name(f.name_id(field, i)?)?;
            Some(v.metaphone[0]).filter(|&m| m != 0).map(u64::from)
        }
        Key::PostcodeDistrict => f.postcode(field, i)?.uk.map(|p| u64::from(p.district)),
        Key::PostcodeSector => f.postcode(field, i)?.uk.map(|p| u64::from(p.sector)),
        Key::Year => f.date(field, i).map(|d| d.year as u64),
        Key::Month => f
            .date(field, i)
            .map(|d| u64::from(d.year as u16) << 8 | u64::from(d.month)),
        Key::Sorted => f.text(field, i).map(sorted_key),
        Key::EitherOrder(other) => {
            let (x, y) = (f.name_id(field, i)?, f.name_id(other, i)?);
            Some(u64::from(x.min(y)) << 32 | u64::from(x.max(y)))
        }
    }
}

impl Rule {
    /// Whether records `a` and `b` agree on every key of the rule, as
    /// blocking decides it: with several values in a field, on any of
    /// them.
    pub fn agrees(&self, f: &Features, a: u32, b: u32) -> bool {
        if f.has_further() {
            let theirs = record_keys(f, self, b);
            return record_keys(f, self, a).iter().any(|k| theirs.contains(k));
        }
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

/// The most keys one record gives one rule: each field gives a key per
/// value, and a rule's keys are every combination of its fields' keys,
/// which a record with many values in several fields would multiply.
pub const KEYS_MAX: usize = 16;

/// Every key of a record under the rule, from all the values of its
/// fields: each combination of one key per part, as [`rule_key`] hashes
/// them, the first [`KEYS_MAX`] in a fixed order.
fn record_keys(f: &Features, rule: &Rule, i: u32) -> Vec<u64> {
    let mut combos = vec![FNV_OFFSET];
    for part in &rule.keys {
        let mut values: Vec<u64> = f.rows(i).filter_map(|r| part_key(f, part, r)).collect();
        values.sort_unstable();
        values.dedup();
        let mut next = Vec::with_capacity((combos.len() * values.len()).min(KEYS_MAX));
        for h in &combos {
            for v in &values {
                if next.len() < KEYS_MAX {
                    next.push(rng::mix(h ^ v));
                }
            }
        }
        combos = next;
    }
    combos
}

/// The rule's key for one record, as a hash; `None` when a key is missing.
fn rule_key(f: &Features, rule: &Rule, i: u32) -> Option<u64> {
    let mut h = FNV_OFFSET;
    for part in &rule.keys {
        h = rng::mix(h ^ part_key(f, part, i)?);
    }
    Some(h)
}

/// A character's term in [`sorted_key`].
const fn char_hash(c: u32) -> u64 {
    rng::mix(c as u64 ^ FNV_OFFSET)
}

/// [`char_hash`] of each ASCII character, worked out at compile time.
const ASCII_HASHES: [u64; 128] = {
    let mut table = [0u64; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = char_hash(i as u32);
        i += 1;
    }
    table
};

/// A hash of the characters of `s` whatever their order: the sum of a
/// random value for each character, so that nothing is sorted. Values of
/// different characters share it only by a 64-bit coincidence, which
/// would pair two records that comparing then tells apart.
fn sorted_key(s: &str) -> u64 {
    let sum = if s.is_ascii() {
        s.bytes()
            .map(|b| ASCII_HASHES[usize::from(b)])
            .fold(0u64, u64::wrapping_add)
    } else {
        s.chars()
            .map(|c| char_hash(u32::from(c)))
            .fold(0u64, u64::wrapping_add)
    };
    rng::mix(sum)
}

/// The first `n` characters of `s`, as bytes.
fn prefix(s: &str, n: usize) -> &[u8] {
    let bytes = s.as_bytes();
    match bytes.get(..n) {
        // Nearly every value starts with ASCII, whose characters are bytes.
        Some(head) if head.is_ascii() => head,
        None if bytes.is_ascii() => bytes,
        _ => {
            let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
            bytes.get(..end).unwrap_or_default()
        }
    }
}

/// A rule's blocks: the records of every block (two or more records),
/// block after block, ascending within each, and where each block starts
/// (one more entry than blocks).
struct Blocks {
    starts: Vec<usize>,
    members: Vec<u32>,
    /// For a rule that pairs only unreached records
    /// ([`Rule::unreached_only`]), which records are (by record index).
    unreached: Option<Vec<bool>>,
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

impl Blocks {
    /// The blocks of `rule`, and the pairs they yield in `scope`.
    ///
    /// Records are spread over buckets by the top bits of their keys
    /// (which are hashes), each small bucket sorted, and the runs of one
    /// key in it are blocks: far less work than sorting all keys. Every
    /// step runs on all threads, each thread on its own range of records
    /// and then of buckets.
    fn of(f: &Features, rule: &Rule, scope: Scope, scratch: &mut Scratch) -> (Blocks, u64) {
        let n = f.len();
        // About sixteen records a bucket.
        let bits = (usize::BITS - n.leading_zeros()).clamp(5, 24) - 4;
        let buckets = 1usize << bits;
        let bucket = |k: u64| (k >> (64 - bits)) as usize;
        let parts = rayon::current_num_threads().max(1);
        let Scratch { keyed, grouped } = scratch;
        keyed.resize(n, (0, NONE));
        let counts: Vec<Vec<usize>> = keyed
            .par_chunks_mut(n.div_ceil(parts).max(1))
            .enumerate()
            .map(|(c, slots)| {
                let first = c * n.div_ceil(parts).max(1);
                let mut counts = vec![0; buckets];
                for (j, slot) in slots.iter_mut().enumerate() {
                    let i = u32::try_from(first + j).unwrap_or(NONE);
                    *slot = match rule_key(f, rule, i) {
                        Some(k) => {
                            if let Some(c) = counts.get_mut(bucket(k)) {
                                *c += 1;
                            }
                            (k, i)
                        }
                        None => (0, NONE),
                    };
                }
                counts
            })
            .collect();
        let mut counts = counts;
        if f.has_further() {
            // Records with several values in a field are keyed once more
            // for each further key; a block holds a record once.
            let mut more = vec![0; buckets];
            for i in 0..n {
                let Ok(i) = u32::try_from(i) else { break };
                if f.rows(i).nth(1).is_none() {
                    continue;
                }
                let own = keyed
                    .get(i as usize)
                    .map(|k| k.0)
                    .filter(|_| keyed.get(i as usize).is_some_and(|k| k.1 != NONE));
                for k in record_keys(f, rule, i) {
                    if Some(k) != own {
                        if let Some(c) = more.get_mut(bucket(k)) {
                            *c += 1;
                        }
                        keyed.push((k, i));
                    }
                }
            }
            counts.push(more);
        }
        let mut at = 0;
        let starts: Vec<usize> = std::iter::once(0)
            .chain(part_totals(&counts, buckets).into_iter().map(|n| {
                at += n;
                at
            }))
            .collect();
        drop(counts);
        let start = |b: usize| starts.get(b.min(buckets)).copied().unwrap_or(0);
        grouped.resize(at, (0, 0));
        let per = buckets.div_ceil(parts);
        let ranges: Vec<std::ops::Range<usize>> = (0..parts)
            .map(|p| (p * per).min(buckets)..((p + 1) * per).min(buckets))
            .collect();
        let lens = ranges.iter().map(|r| start(r.end) - start(r.start));
        let slices: Vec<_> = ranges
            .iter()
            .cloned()
            .zip(split_into(grouped, lens))
            .collect();
        let keyed = keyed.as_slice();
        // Each thread reads every record and keeps those of its buckets, in
        // record order, so that a block's records come out ascending.
        let pieces: Vec<(Blocks, u64)> = slices
            .into_par_iter()
            .map(|(range, slice)| {
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
                let mut blocks = Blocks {
                    starts: Vec::new(),
                    members: Vec::new(),
                    unreached: None,
                };
                let mut pairs = 0u64;
                for b in range {
                    let Some(items) = slice.get_mut(start(b) - base..start(b + 1) - base) else {
                        continue;
                    };
                    items.sort_unstable();
                    for run in items.chunk_by(|x, y| x.0 == y.0) {
                        if run.len() < 2 {
                            continue;
                        }
                        let first = blocks.members.len();
                        blocks.members.extend(run.iter().map(|&(_, i)| i));
                        pairs += scope.pairs(blocks.members.get(first..).unwrap_or_default());
                        blocks.starts.push(blocks.members.len());
                    }
                }
                (blocks, pairs)
            })
            .collect();
        let mut blocks = Blocks {
            starts: vec![0],
            members: Vec::with_capacity(pieces.iter().map(|(b, _)| b.members.len()).sum()),
            unreached: None,
        };
        let mut pairs = 0;
        for (piece, p) in pieces {
            let base = blocks.members.len();
            blocks.members.extend_from_slice(&piece.members);
            blocks.starts.extend(piece.starts.iter().map(|e| base + e));
            pairs += p;
        }
        (blocks, pairs)
    }

    fn block(&self, b: usize) -> &[u32] {
        let (s, e) = (self.starts.get(b), self.starts.get(b + 1));
        s.zip(e)
            .and_then(|(&s, &e)| self.members.get(s..e))
            .unwrap_or_default()
    }

    fn is_unreached(&self, record: u32) -> bool {
        self.unreached
            .as_ref()
            .is_none_or(|u| u.get(record as usize).copied().unwrap_or(false))
    }

    /// The pairs block `g` yields in `scope`: for a rule of unreached
    /// records, those with at least one unreached record, which is all
    /// pairs less those among reached records.
    fn pairs_of(&self, g: &[u32], scope: Scope) -> u64 {
        if self.unreached.is_none() {
            return scope.pairs(g);
        }
        let reached: Vec<u32> = g
            .iter()
            .copied()
            .filter(|&i| !self.is_unreached(i))
            .collect();
        scope.pairs(g) - scope.pairs(&reached)
    }

    /// The records the member at row `x` of block `g` pairs with as the
    /// left record in `scope`.
    fn partners<'a>(
        &'a self,
        g: &'a [u32],
        x: usize,
        scope: Scope,
    ) -> impl Iterator<Item = u32> + 'a {
        let left = g.get(x).is_some_and(|&i| self.is_unreached(i));
        g.get(rights(g, x, scope))
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(move |&r| left || self.is_unreached(r))
    }

    /// How many records [`Blocks::partners`] gives.
    fn partner_count(&self, g: &[u32], x: usize, scope: Scope) -> usize {
        if self.unreached.is_none() {
            return rights(g, x, scope).len();
        }
        self.partners(g, x, scope).count()
    }

    /// Keeps only the blocks with an unreached record, marking which
    /// records are, and returns the pairs left in `scope`.
    fn restrict(&mut self, unreached: Vec<bool>, scope: Scope) -> u64 {
        let old = Blocks {
            starts: std::mem::take(&mut self.starts),
            members: std::mem::take(&mut self.members),
            unreached: None,
        };
        self.unreached = Some(unreached);
        self.starts.push(0);
        let mut pairs = 0;
        for b in 0..old.starts.len().saturating_sub(1) {
            let g = old.block(b);
            if g.iter().any(|&i| self.is_unreached(i)) {
                pairs += self.pairs_of(g, scope);
                self.members.extend_from_slice(g);
                self.starts.push(self.members.len());
            }
        }
        pairs
    }
}

/// Which records no rule without [`Rule::unreached_only`] gives a key:
/// the records a fallback rule is for.
fn unreached(f: &Features, rules: &[Rule]) -> Vec<bool> {
    let ordinary: Vec<&Rule> = rules.iter().filter(|r| !r.unreached_only).collect();
    (0..f.len())
        .into_par_iter()
        .map(|i| {
            let i = u32::try_from(i).unwrap_or(NONE);
            !ordinary.iter().any(|r| {
                rule_key(f, r, i).is_some() || (f.has_further() && !record_keys(f, r, i).is_empty())
            })
        })
        .collect()
}

/// Rules a pair can name as the one that brought it (in the low byte of
/// its sort key).
pub const RULES_MAX: usize = 256;

/// The candidate pairs for deduplicating `features` under `rules`.
///
/// Counts every rule's pairs from its block sizes first and fails before
/// allocating any pair when the total would pass `pairs_max`.
///
/// # Errors
/// [`ResolveError::PairsMax`] naming the rule that takes the total over;
/// [`ResolveError::EmptyRule`] for a rule without keys, which would pair
/// every record with every other; [`ResolveError::TooManyRules`] for more
/// than [`RULES_MAX`] rules.
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

/// The pairs each rule brings in deduplicating `features`, before the
/// rules' overlaps are removed (a rule of unreached records only those
/// with one), counted from its blocks without generating a pair.
pub fn rule_pairs(features: &Features, rules: &[Rule]) -> Vec<u64> {
    let mut scratch = Scratch::default();
    let unreached = rules
        .iter()
        .any(|r| r.unreached_only)
        .then(|| unreached(features, rules));
    rules
        .iter()
        .map(|rule| {
            let (mut b, pairs) = Blocks::of(features, rule, Scope::All, &mut scratch);
            match (rule.unreached_only, &unreached) {
                (true, Some(u)) => b.restrict(u.clone(), Scope::All),
                _ => pairs,
            }
        })
        .collect()
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
    if rules.len() > RULES_MAX {
        return Err(ResolveError::TooManyRules {
            count: rules.len(),
            max: RULES_MAX,
        });
    }
    let mut blocks = Vec::with_capacity(rules.len());
    let mut rule_pairs = Vec::with_capacity(rules.len());
    let mut total = 0u64;
    let mut scratch = Scratch::default();
    let unreached = rules
        .iter()
        .any(|r| r.unreached_only)
        .then(|| unreached(features, rules));
    for rule in rules {
        let (mut b, mut pairs) = Blocks::of(features, rule, scope, &mut scratch);
        if let (true, Some(u)) = (rule.unreached_only, &unreached) {
            pairs = b.restrict(u.clone(), scope);
        }
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
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    let buckets = Buckets::new(features.len(), total);
    let (keys, sizes) = spread(&blocks, scope, &buckets, total);
    drop(blocks);
    let (pairs, new_pairs) = first_of_each(keys, &sizes, &buckets, rules.len());
    let counts = rules
        .iter()
        .zip(rule_pairs)
        .zip(new_pairs)
        .map(|((rule, pairs), new_pairs)| RuleCount {
            rule: rule.name.clone(),
            pairs,
            new_pairs: new_pairs as u64,
        })
        .collect();
    Ok(Candidates { pairs, counts })
}

/// Pairs are spread over buckets by their left record: each bucket is
/// sorted on its own, small enough to stay in cache, and holds every copy
/// of its pairs however many rules brought them.
struct Buckets {
    /// Left records per bucket, as a power of two.
    shift: u32,
    count: usize,
}

/// About this many pairs a bucket.
const PAIRS_PER_BUCKET: u128 = 1 << 15;
/// The left record's place in its bucket, above the right record (32 bits)
/// and the rule (8) in a sort key.
const LEFT_BITS: u32 = 24;

impl Buckets {
    fn new(records: usize, pairs: usize) -> Buckets {
        let per = (records as u128 * PAIRS_PER_BUCKET) / (pairs as u128).max(1);
        let shift = (u128::BITS - per.leading_zeros())
            .saturating_sub(1)
            .min(LEFT_BITS);
        Buckets {
            shift,
            count: (records >> shift) + 1,
        }
    }

    fn of(&self, left: u32) -> usize {
        (left >> self.shift) as usize
    }

    /// A pair's sort key: by left record, right record, then the rule that
    /// brought it, so that the first copy of a pair is its first rule's.
    fn key(&self, (left, right): (u32, u32), rule: usize) -> u64 {
        let place = u64::from(left & ((1 << self.shift) - 1));
        place << 40 | u64::from(right) << 8 | rule as u64
    }

    fn pair(&self, bucket: usize, key: u64) -> (u32, u32) {
        let left = (bucket as u64) << self.shift | key >> 40;
        (left as u32, (key >> 8) as u32)
    }
}

/// A piece of the work of spreading pairs: blocks of one rule, or for one
/// block too large to be a piece alone, rows of it.
struct Piece {
    rule: usize,
    blocks: std::ops::Range<usize>,
    rows: Option<std::ops::Range<usize>>,
}

/// Pieces of about equal pairs, so that one large block or rule does not
/// keep one thread busy while the others idle.
const PIECES_PER_THREAD: usize = 8;

fn pieces(blocks: &[Blocks], scope: Scope, total: usize) -> Vec<Piece> {
    let target = total
        .div_ceil(rayon::current_num_threads() * PIECES_PER_THREAD)
        .max(1);
    let mut out = Vec::new();
    for (rule, b) in blocks.iter().enumerate() {
        let (mut first, mut pairs) = (0, 0);
        for i in 0..b.starts.len().saturating_sub(1) {
            let g = b.block(i);
            let here = b.pairs_of(g, scope) as usize;
            if here > target {
                if first < i {
                    out.push(Piece {
                        rule,
                        blocks: first..i,
                        rows: None,
                    });
                }
                let (mut row, mut row_pairs) = (0, 0);
                for x in 0..g.len() {
                    row_pairs += b.partner_count(g, x, scope);
                    if row_pairs >= target || x + 1 == g.len() {
                        out.push(Piece {
                            rule,
                            blocks: i..i + 1,
                            rows: Some(row..x + 1),
                        });
                        (row, row_pairs) = (x + 1, 0);
                    }
                }
                (first, pairs) = (i + 1, 0);
                continue;
            }
            pairs += here;
            if pairs >= target {
                out.push(Piece {
                    rule,
                    blocks: first..i + 1,
                    rows: None,
                });
                (first, pairs) = (i + 1, 0);
            }
        }
        if first + 1 < b.starts.len() {
            out.push(Piece {
                rule,
                blocks: first..b.starts.len() - 1,
                rows: None,
            });
        }
    }
    out
}

/// Each left row of `piece` with the block it is in.
fn rows_of<'a>(
    blocks: &'a [Blocks],
    piece: &'a Piece,
) -> impl Iterator<Item = (&'a [u32], usize)> + 'a {
    let b = blocks.get(piece.rule);
    piece.blocks.clone().flat_map(move |i| {
        let g = b.map(|b| b.block(i)).unwrap_or_default();
        let rows = piece.rows.clone().unwrap_or(0..g.len());
        rows.map(move |x| (g, x))
    })
}

/// The members of block `g` that the member at row `x` pairs with as the
/// left (smaller) record in `scope`, as rows: those after it, or for
/// linking only those of the second file when it is of the first.
fn rights(g: &[u32], x: usize, scope: Scope) -> std::ops::Range<usize> {
    let first_new = |s: u32| g.partition_point(|&i| i < s);
    match scope {
        Scope::All => x + 1..g.len(),
        Scope::Since(s) => (x + 1).max(first_new(s))..g.len(),
        Scope::Across(s) if x < first_new(s) => first_new(s)..g.len(),
        Scope::Across(_) => 0..0,
    }
}

/// `out` cut into consecutive pieces of `lens`; the last are short when
/// the lengths add up to more than `out` holds.
fn split_into<T>(out: &mut [T], lens: impl IntoIterator<Item = usize>) -> Vec<&mut [T]> {
    let mut rest = out;
    lens.into_iter()
        .map(|n| {
            let whole = std::mem::take(&mut rest);
            let (head, tail) = whole.split_at_mut(n.min(whole.len()));
            rest = tail;
            head
        })
        .collect()
}

/// For each of `parts` parts, the places all writers' `counts` take in it.
fn part_totals(counts: &[Vec<usize>], parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|i| counts.iter().filter_map(|c| c.get(i)).sum())
        .collect()
}

/// Each writer's rooms in `out` for a parallel scatter: `counts[w][i]`
/// places for writer `w` in part `i`, parts one after another and the
/// writers' rooms in writer order within each.
fn rooms<'a, T>(out: &'a mut [T], counts: &[Vec<usize>], parts: usize) -> Vec<Vec<&'a mut [T]>> {
    let writers = counts.len().max(1);
    let lens = (0..parts).flat_map(|i| counts.iter().map(move |c| c.get(i).copied().unwrap_or(0)));
    let mut rooms: Vec<Vec<&mut [T]>> = (0..writers).map(|_| Vec::with_capacity(parts)).collect();
    for (k, room) in split_into(out, lens).into_iter().enumerate() {
        if let Some(r) = rooms.get_mut(k % writers) {
            r.push(room);
        }
    }
    rooms
}

/// Every rule's pairs as sort keys, bucket after bucket, and how many
/// each bucket holds: counted first, then written straight into their
/// place by pieces in parallel.
fn spread(
    blocks: &[Blocks],
    scope: Scope,
    buckets: &Buckets,
    total: usize,
) -> (Vec<u64>, Vec<usize>) {
    let pieces = pieces(blocks, scope, total);
    let counts: Vec<Vec<usize>> = pieces
        .par_iter()
        .map(|piece| {
            let mut c = vec![0; buckets.count];
            let Some(b) = blocks.get(piece.rule) else {
                return c;
            };
            for (g, x) in rows_of(blocks, piece) {
                if let Some(n) = g.get(x).and_then(|&left| c.get_mut(buckets.of(left))) {
                    *n += b.partner_count(g, x, scope);
                }
            }
            c
        })
        .collect();
    let sizes = part_totals(&counts, buckets.count);
    let mut keys = vec![0u64; sizes.iter().sum()];
    let rooms = rooms(&mut keys, &counts, buckets.count);
    pieces.par_iter().zip(rooms).for_each(|(piece, mut room)| {
        let mut at = vec![0; buckets.count];
        let Some(rule_blocks) = blocks.get(piece.rule) else {
            return;
        };
        for (g, x) in rows_of(blocks, piece) {
            let Some(&left) = g.get(x) else { continue };
            let b = buckets.of(left);
            let (Some(slots), Some(at)) = (room.get_mut(b), at.get_mut(b)) else {
                continue;
            };
            for right in rule_blocks.partners(g, x, scope) {
                if let Some(slot) = slots.get_mut(*at) {
                    *slot = buckets.key((left, right), piece.rule);
                }
                *at += 1;
            }
        }
    });
    (keys, sizes)
}

/// The pairs of `keys` (bucket after bucket, `sizes` long each, as
/// [`spread`] leaves them), each once, grouped by the first rule that
/// brought it and ascending within a rule, and how many each rule brought
/// first.
fn first_of_each(
    mut keys: Vec<u64>,
    sizes: &[usize],
    buckets: &Buckets,
    rules: usize,
) -> (Vec<(u32, u32)>, Vec<usize>) {
    let mut slices = split_into(&mut keys, sizes.iter().copied());
    // Each bucket sorted and its repeats dropped, the first copy (of the
    // lowest rule) kept at the front of the bucket.
    let (kept, per_rule): (Vec<usize>, Vec<Vec<usize>>) = slices
        .par_iter_mut()
        .map(|bucket| {
            bucket.sort_unstable();
            let mut per_rule = vec![0; rules];
            let mut kept = 0;
            let mut last = u64::MAX;
            for i in 0..bucket.len() {
                let Some(&k) = bucket.get(i) else { continue };
                if k >> 8 == last {
                    continue;
                }
                last = k >> 8;
                if let Some(n) = per_rule.get_mut((k & 0xff) as usize) {
                    *n += 1;
                }
                if let Some(slot) = bucket.get_mut(kept) {
                    *slot = k;
                }
                kept += 1;
            }
            (kept, per_rule)
        })
        .unzip();
    let new_pairs = part_totals(&per_rule, rules);
    let mut pairs = vec![(0, 0); new_pairs.iter().sum()];
    let rooms = rooms(&mut pairs, &per_rule, rules);
    slices
        .into_par_iter()
        .zip(rooms)
        .zip(kept)
        .enumerate()
        .for_each(|(b, ((bucket, mut room), kept))| {
            let mut at = vec![0; rules];
            for &k in bucket.get(..kept).unwrap_or_default() {
                let r = (k & 0xff) as usize;
                let (Some(slots), Some(at)) = (room.get_mut(r), at.get_mut(r)) else {
                    continue;
                };
                if let Some(slot) = slots.get_mut(*at) {
                    *slot = buckets.pair(b, k);
                }
                *at += 1;
            }
        });
    (pairs, new_pairs)
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
                unreached_only: false,
                name: "surname".into(),
                keys: vec![KeyPart {
                    field: 0,
                    key: Key::Exact,
                }],
            },
            Rule {
                unreached_only: false,
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
            unreached_only: false,
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
            unreached_only: false,
            name: "all".into(),
            keys: vec![],
        }];
        assert!(matches!(
            candidates(&data(), &empty, 100),
            Err(ResolveError::EmptyRule { .. })
        ));
        let many = vec![rules()[0].clone(); RULES_MAX + 1];
        assert_eq!(
            candidates(&data(), &many, 100).unwrap_err().to_string(),
            "257 blocking rules, at most 256"
        );
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
            (Key::Month, FieldFeatures::Date(d)) => Some(format!("{}-{}", d.year, d.month)),
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
                    Some(pick(&[
                        "1980-01-01",
                        "1980-05-05",
                        "1981-01-01",
                        "x",
                        "1980-01",
                        "1980-05-17T10:00",
                    ])),
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
                unreached_only: false,
                name: "family+dob".into(),
                keys: vec![k(1, Key::Exact), k(2, Key::Exact)],
            },
            Rule {
                unreached_only: false,
                name: "sound+year".into(),
                keys: vec![k(0, Key::Metaphone), k(2, Key::Year)],
            },
            Rule {
                unreached_only: false,
                name: "sector+initial".into(),
                keys: vec![k(3, Key::PostcodeSector), k(1, Key::Prefix(1))],
            },
            Rule {
                unreached_only: false,
                name: "postcode+district".into(),
                keys: vec![k(3, Key::Exact), k(3, Key::PostcodeDistrict)],
            },
            Rule {
                unreached_only: false,
                name: "postcode".into(),
                keys: vec![k(3, Key::Exact)],
            },
            Rule {
                unreached_only: false,
                name: "names either order+year".into(),
                keys: vec![k(0, Key::EitherOrder(1)), k(2, Key::Year)],
            },
            Rule {
                unreached_only: false,
                name: "nino in any order".into(),
                keys: vec![k(4, Key::Sorted)],
            },
            Rule {
                unreached_only: false,
                name: "month+initial".into(),
                keys: vec![k(2, Key::Month), k(1, Key::Prefix(1))],
            },
            // issue 16 (names alone): only records no other rule reaches.
            Rule {
                unreached_only: true,
                name: "names of the unreached".into(),
                keys: vec![k(1, Key::Exact), k(0, Key::Prefix(1))],
            },
        ];
        // A record no ordinary rule gives every key to.
        let unreached: Vec<bool> = (0..records.len())
            .map(|i| {
                !rules
                    .iter()
                    .filter(|r| !r.unreached_only)
                    .any(|r| r.keys.iter().all(|k| slow_key(&f, k, i).is_some()))
            })
            .collect();
        assert!(unreached.iter().any(|&u| u) && unreached.iter().any(|&u| !u));
        let agree = |f: &Features, rule: &Rule, a: usize, b: usize| {
            agree(f, rule, a, b) && (!rule.unreached_only || unreached[a] || unreached[b])
        };
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
            // Each rule's pairs together, in its order, ascending.
            let mut at = 0;
            for (rule, count) in rules.iter().zip(&c.counts) {
                let brought = &c.pairs[at..at + count.new_pairs as usize];
                assert!(brought.windows(2).all(|w| w[0] < w[1]), "{scope}");
                assert!(
                    brought
                        .iter()
                        .all(|&(a, b)| agree(&f, rule, a as usize, b as usize)),
                    "{scope} {}",
                    rule.name
                );
                at += brought.len();
            }
            assert_eq!(sorted(c.pairs), expected, "{scope}");
            let got: Vec<(u64, u64)> = c.counts.iter().map(|c| (c.pairs, c.new_pairs)).collect();
            assert_eq!(got, counts, "{scope}");
            if scope == "all" {
                let each: Vec<u64> = counts.iter().map(|c| c.0).collect();
                assert_eq!(rule_pairs(&f, &rules), each);
            }
        }
    }
}
