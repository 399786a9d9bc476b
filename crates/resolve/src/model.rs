//! The Fellegi–Sunter model: for each comparison and level, `m` (the chance
//! of the level among pairs of one person) and `u` (among pairs of different
//! people), and the prior chance λ that a pair is a match. `u` is estimated
//! from random pairs, which are almost all non-matches; `m` by expectation
//! maximisation over the candidate pairs, counted once per distinct row of
//! levels; λ from the matches the model finds among the candidates.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::compare::{Comparison, NULL_LEVEL, NameMemo};
use crate::error::ResolveError;
use crate::features::{FNV_OFFSET, Features, PassBuild, fnv1a};
use crate::rng;

/// Probabilities are kept inside this margin so that no weight is infinite.
pub const PROBABILITY_MIN: f64 = 1e-6;

/// A trained (or starting) model. Change it only through its methods, which
/// keep `version` in step with the parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub comparisons: Vec<Comparison>,
    /// λ: the chance that a pair is a match, over all pairs of records after
    /// [`Model::train`], over the rows it ran on after [`Model::em`].
    pub prior: f64,
    /// `m[c][level]`; the null level's entry is unused.
    pub m: Vec<Vec<f64>>,
    /// `u[c][level]`; the null level's entry is unused.
    pub u: Vec<Vec<f64>>,
    /// A hash of every parameter, recorded with every score so that a score
    /// can be traced to the model that produced it.
    pub version: String,
}

/// The level of every comparison for every pair, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparisonVectors {
    pub width: usize,
    pub levels: Vec<u8>,
}

/// Pairs handed to one parallel task: enough that scheduling costs little
/// next to comparing them.
const PAIRS_PER_TASK: usize = 4096;

/// Pairs whose records are fetched into the cache ahead of comparing them:
/// enough to keep many fetches in flight, few enough that the lines are
/// still cached when compared.
const WARM: usize = 64;

impl ComparisonVectors {
    /// The levels of `pairs`, computed in parallel.
    pub fn compute(comparisons: &[Comparison], features: &Features, pairs: &[(u32, u32)]) -> Self {
        let width = comparisons.len();
        let mut levels = vec![NULL_LEVEL; pairs.len() * width];
        if width > 0 {
            levels
                .par_chunks_mut(width * PAIRS_PER_TASK)
                .zip(pairs.par_chunks(PAIRS_PER_TASK))
                .for_each_init(NameMemo::new, |memo, (rows, pairs)| {
                    for (rows, pairs) in rows.chunks_mut(width * WARM).zip(pairs.chunks(WARM)) {
                        // Pairs come sorted by their first record, so it is
                        // the second whose row is far away.
                        features.warm(pairs.iter().map(|p| p.1));
                        for (row, &(a, b)) in rows.chunks_mut(width).zip(pairs) {
                            for (slot, c) in row.iter_mut().zip(comparisons) {
                                *slot = c.level_with(features, a, b, memo);
                            }
                        }
                    }
                });
        }
        ComparisonVectors { width, levels }
    }

    pub fn rows(&self) -> impl IndexedParallelIterator<Item = &[u8]> {
        self.levels.par_chunks(self.width.max(1))
    }

    pub fn len(&self) -> usize {
        self.levels.len().checked_div(self.width).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The distinct rows of levels and how many pairs have each. EM needs
/// nothing else, and millions of pairs have only thousands of distinct rows,
/// so iterating over these makes EM nearly free.
#[derive(Debug, Clone, PartialEq)]
struct Patterns {
    width: usize,
    rows: Vec<u8>,
    counts: Vec<f64>,
}

/// Distinct rows counted in an array indexed by the row itself when the
/// levels allow at most this many rows (a 64-bit count each, per thread):
/// several times faster than hashing every row.
const DENSE_ROWS_MAX: usize = 1 << 16;

impl Patterns {
    /// The patterns of `vectors`, whose comparisons have `radix[c]` levels.
    fn of(radix: &[usize], vectors: &ComparisonVectors) -> Patterns {
        Patterns::of_rows(radix, || vectors.rows())
    }

    /// The patterns of the rows `rows` makes, one level per comparison of
    /// `radix`; it may be called twice.
    fn of_rows<'a, I: ParallelIterator<Item = &'a [u8]>>(
        radix: &[usize],
        rows: impl Fn() -> I,
    ) -> Patterns {
        let width = radix.len();
        let cells = radix
            .iter()
            .try_fold(1usize, |p, &r| p.checked_mul(r.max(1)));
        if let Some(cells) = cells.filter(|&c| c <= DENSE_ROWS_MAX)
            && let Some(counts) = Patterns::dense(radix, cells, rows())
        {
            // Codes in ascending order are the rows in ascending order.
            let mut rows = Vec::new();
            let mut kept = Vec::new();
            for (mut code, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                let at = rows.len();
                rows.resize(at + width, 0);
                for (slot, &r) in rows.iter_mut().skip(at).zip(radix).rev() {
                    *slot = (code % r.max(1)) as u8;
                    code /= r.max(1);
                }
                kept.push(n as f64);
            }
            return Patterns {
                width,
                rows,
                counts: kept,
            };
        }
        Patterns::hashed(width, rows())
    }

    /// How many rows have each code (the row read as digits in `radix`);
    /// `None` when a level lies outside its comparison's levels.
    fn dense<'a>(
        radix: &[usize],
        cells: usize,
        rows: impl ParallelIterator<Item = &'a [u8]>,
    ) -> Option<Vec<u64>> {
        let (counts, fits) = rows
            .fold(
                || (vec![0u64; cells], true),
                |(mut counts, fits), row| {
                    let mut code = 0;
                    let mut ok = fits && row.len() == radix.len();
                    for (&l, &r) in row.iter().zip(radix) {
                        ok &= usize::from(l) < r;
                        code = code * r + usize::from(l);
                    }
                    if ok && let Some(n) = counts.get_mut(code) {
                        *n += 1;
                    }
                    (counts, ok)
                },
            )
            .reduce(
                || (vec![0u64; cells], true),
                |(mut a, fa), (b, fb)| {
                    a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                    (a, fa && fb)
                },
            );
        fits.then_some(counts)
    }

    /// The patterns of `rows`, each `width` levels, counted by hashing.
    fn hashed<'a>(width: usize, rows: impl ParallelIterator<Item = &'a [u8]>) -> Patterns {
        let mut list: Vec<(Vec<u8>, u64)> = if width <= 8 {
            // Up to eight levels fit one integer, which hashes and compares
            // faster than a slice.
            let pack = |row: &[u8]| row.iter().fold(0u64, |k, &l| k << 8 | u64::from(l));
            let counts = rows
                .fold(
                    HashMap::<u64, (u64, u64), PassBuild>::default,
                    |mut m, row| {
                        let k = pack(row);
                        m.entry(rng::mix(k)).or_insert((k, 0)).1 += 1;
                        m
                    },
                )
                .reduce(HashMap::default, |mut a, b| {
                    for (h, (k, n)) in b {
                        a.entry(h).or_insert((k, 0)).1 += n;
                    }
                    a
                });
            counts
                .into_values()
                .map(|(k, n)| {
                    let row = (0..width).rev().map(|i| (k >> (8 * i)) as u8).collect();
                    (row, n)
                })
                .collect()
        } else {
            let counts = rows
                .fold(HashMap::<&[u8], u64, PassBuild>::default, |mut m, row| {
                    *m.entry(row).or_default() += 1;
                    m
                })
                .reduce(HashMap::default, |mut a, b| {
                    for (row, n) in b {
                        *a.entry(row).or_default() += n;
                    }
                    a
                });
            counts
                .into_iter()
                .map(|(row, n)| (row.to_vec(), n))
                .collect()
        };
        // In a fixed order, so that EM adds up the same way every run.
        list.sort_unstable();
        Patterns {
            width,
            rows: list
                .iter()
                .flat_map(|(row, _)| row.iter().copied())
                .collect(),
            counts: list.iter().map(|&(_, n)| n as f64).collect(),
        }
    }

    fn total(&self) -> f64 {
        self.counts.iter().sum()
    }
}

/// Rounds of re-estimating λ alone in [`Model::train`]; it settles in far
/// fewer.
const PRIOR_ITERATIONS_MAX: usize = 200;

/// λ over all pairs of a large file is far below [`PROBABILITY_MIN`].
fn clamp_prior(p: f64) -> f64 {
    p.clamp(f64::MIN_POSITIVE, 1.0 - PROBABILITY_MIN)
}

fn clamp(p: f64) -> f64 {
    p.clamp(PROBABILITY_MIN, 1.0 - PROBABILITY_MIN)
}

impl Model {
    /// A starting model: `m` falling and `u` rising from the strongest level
    /// to "else", so that EM starts on the right side of the two classes.
    pub fn new(comparisons: Vec<Comparison>, prior: f64) -> Model {
        let (mut m, mut u) = (Vec::new(), Vec::new());
        for c in &comparisons {
            let n = c.level_count().saturating_sub(1);
            let weights: Vec<f64> = (0..n).map(|i| 0.5f64.powi(i as i32 + 1)).collect();
            let total: f64 = weights.iter().sum();
            let mut mc = vec![0.0];
            mc.extend(weights.iter().map(|w| w / total));
            let mut uc = vec![0.0];
            uc.extend(weights.iter().rev().map(|w| w / total));
            m.push(mc);
            u.push(uc);
        }
        let mut model = Model {
            comparisons,
            prior: clamp_prior(prior),
            m,
            u,
            version: String::new(),
        };
        model.refresh_version();
        model
    }

    /// Recomputes `version` from the parameters.
    pub fn refresh_version(&mut self) {
        let mut h = FNV_OFFSET;
        h = fnv1a(&self.prior.to_bits().to_le_bytes(), h);
        for (c, (m, u)) in self.comparisons.iter().zip(self.m.iter().zip(&self.u)) {
            h = fnv1a(format!("{c:?}").as_bytes(), h);
            for p in m.iter().chain(u) {
                h = fnv1a(&p.to_bits().to_le_bytes(), h);
            }
        }
        self.version = format!("{h:016x}");
    }

    /// Where each comparison's levels start in one flat table of them all,
    /// and the table's size.
    fn offsets(&self) -> (Vec<usize>, usize) {
        let mut at = 0;
        let offsets = self
            .m
            .iter()
            .map(|m| {
                let o = at;
                at += m.len();
                o
            })
            .collect();
        (offsets, at)
    }

    /// Estimates `u` from `samples` random pairs of distinct records, drawn
    /// with `seed`. Each level starts from a count of one so that a level
    /// never seen among random pairs still has a finite weight.
    pub fn estimate_u(&mut self, features: &Features, samples: usize, seed: u64) {
        let n = features.len() as u64;
        if n < 2 {
            return;
        }
        let (offsets, cells) = self.offsets();
        let comparisons = &self.comparisons;
        let samples = samples as u64;
        let blocks = samples.div_ceil(WARM as u64);
        let counts = (0..blocks)
            .into_par_iter()
            .fold(
                || (vec![0u64; cells], NameMemo::new()),
                |(mut counts, mut memo), block| {
                    let first = block * WARM as u64;
                    let pairs: Vec<(u32, u32)> = (first..samples.min(first + WARM as u64))
                        .map(|s| {
                            let a = rng::nth(seed, 2 * s) % n;
                            // Distinct from `a` without rejection.
                            let b = (a + 1 + rng::nth(seed, 2 * s + 1) % (n - 1)) % n;
                            (a as u32, b as u32)
                        })
                        .collect();
                    features.warm(pairs.iter().flat_map(|&(a, b)| [a, b]));
                    for &(a, b) in &pairs {
                        for (c, &o) in comparisons.iter().zip(&offsets) {
                            let l = c.level_with(features, a, b, &mut memo);
                            if l != NULL_LEVEL
                                && let Some(slot) = counts.get_mut(o + usize::from(l))
                            {
                                *slot += 1;
                            }
                        }
                    }
                    (counts, memo)
                },
            )
            .map(|(counts, _)| counts)
            .reduce(
                || vec![0u64; cells],
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        for (u, &o) in self.u.iter_mut().zip(&offsets) {
            let seen = counts.get(o..o + u.len()).unwrap_or_default();
            let total: f64 = seen.iter().skip(1).map(|&c| c as f64 + 1.0).sum();
            for (slot, &count) in u.iter_mut().zip(seen).skip(1) {
                *slot = clamp((count as f64 + 1.0) / total);
            }
        }
        self.refresh_version();
    }

    /// Trains the whole model: `u` from `u_samples` random pairs (seeded),
    /// then `m` by EM over the candidate pairs' `vectors`, then λ as
    /// [`Model::estimate_prior`] does.
    ///
    /// EM runs with `u` free, because candidate pairs that are not matches
    /// still agree on their blocking keys far more often than random pairs
    /// do; fixing `u` at the random-pair value makes every candidate look
    /// like a match. Its `m` is kept and `u` stays the random-pair estimate.
    /// λ is over all pairs of records, the population `u` describes.
    ///
    /// # Errors
    /// As [`Model::em`].
    pub fn train(
        &mut self,
        features: &Features,
        vectors: &ComparisonVectors,
        iterations: usize,
        u_samples: usize,
        seed: u64,
    ) -> Result<(), ResolveError> {
        self.check(vectors)?;
        self.estimate_u(features, u_samples, seed);
        self.train_m(features, vectors, iterations)
    }

    /// [`Model::train`] after its first step, for a model whose `u` is
    /// estimated already (which needs no candidate pairs, so it can run
    /// while they are found).
    ///
    /// # Errors
    /// As [`Model::em`].
    pub fn train_m(
        &mut self,
        features: &Features,
        vectors: &ComparisonVectors,
        iterations: usize,
    ) -> Result<(), ResolveError> {
        self.check(vectors)?;
        let patterns = Patterns::of(&self.radix(), vectors);
        let mut em = self.clone();
        em.em_patterns(&patterns, iterations, false);
        self.m = em.m;
        let n = features.len() as f64;
        let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        self.prior = clamp_prior(em.prior * vectors.len() as f64 / all_pairs);
        self.settle_prior(&patterns, all_pairs);
        self.refresh_version();
        Ok(())
    }

    /// Re-estimates λ from the candidate pairs' `vectors` with `m` and `u`
    /// as they are, as [`Model::train`] does at its end; run it again after
    /// training sessions, whose `m` describe matches better than the first
    /// EM's.
    ///
    /// # Errors
    /// As [`Model::em`].
    pub fn estimate_prior(
        &mut self,
        features: &Features,
        vectors: &ComparisonVectors,
    ) -> Result<(), ResolveError> {
        self.check(vectors)?;
        let n = features.len() as f64;
        self.settle_prior(
            &Patterns::of(&self.radix(), vectors),
            (n * (n - 1.0) / 2.0).max(1.0),
        );
        self.refresh_version();
        Ok(())
    }

    /// Sets λ to the number of matches this model finds among the
    /// candidates (the fixed point of EM for λ alone, `m` and `u` held),
    /// over all pairs, assuming blocking keeps the matches.
    ///
    /// EM's own share of matches among the candidates overstates λ when
    /// many candidates agree on their blocking keys without being matches:
    /// a two-class model takes them for a class of their own. Scored with
    /// `u` from random pairs, they come out as the non-matches they are.
    fn settle_prior(&mut self, patterns: &Patterns, all_pairs: f64) {
        let width = patterns.width.max(1);
        for _ in 0..PRIOR_ITERATIONS_MAX {
            let matches: f64 = patterns
                .rows
                .chunks(width)
                .zip(&patterns.counts)
                .map(|(row, &count)| self.posterior(row) * count)
                .sum();
            let prior = clamp_prior(matches / all_pairs);
            let settled = (prior / self.prior - 1.0).abs() < 1e-9;
            self.prior = prior;
            if settled {
                break;
            }
        }
    }

    /// Re-estimates `m` from one training session, as Splink does: EM with
    /// `u` fixed over the pairs of one blocking rule, leaving out the
    /// comparisons in `exclude` (those on the rule's own fields, which every
    /// pair agrees on and which would otherwise teach EM that agreeing on
    /// the blocking key is what a match is). Only the other comparisons'
    /// `m` change; run sessions on rules over different fields so that each
    /// comparison is trained by at least one.
    ///
    /// # Errors
    /// As [`Model::em`].
    pub fn train_m_session(
        &mut self,
        vectors: &ComparisonVectors,
        iterations: usize,
        exclude: &[usize],
    ) -> Result<(), ResolveError> {
        self.check(vectors)?;
        self.session(Patterns::of(&self.radix(), vectors), iterations, exclude);
        Ok(())
    }

    /// As [`Model::train_m_session`] over only the rows of `vectors` in
    /// `within` that `keep` accepts (by index): one blocking rule's pairs
    /// among all the candidates, whose levels are then computed once for
    /// training every session and scoring.
    ///
    /// # Errors
    /// As [`Model::em`], and [`ResolveError::NoPairs`] when `keep` accepts
    /// no row.
    pub fn train_m_session_where(
        &mut self,
        vectors: &ComparisonVectors,
        within: std::ops::Range<usize>,
        keep: impl Fn(usize) -> bool + Sync,
        iterations: usize,
        exclude: &[usize],
    ) -> Result<(), ResolveError> {
        self.check(vectors)?;
        let rows = || {
            vectors
                .rows()
                .enumerate()
                .skip(within.start)
                .take(within.len())
                .filter(|(i, _)| keep(*i))
                .map(|(_, row)| row)
        };
        let patterns = Patterns::of_rows(&self.radix(), rows);
        if patterns.counts.is_empty() {
            return Err(ResolveError::NoPairs);
        }
        self.session(patterns, iterations, exclude);
        Ok(())
    }

    fn session(&mut self, mut patterns: Patterns, iterations: usize, exclude: &[usize]) {
        if patterns.width > 0 {
            for row in patterns.rows.chunks_mut(patterns.width) {
                for &c in exclude {
                    if let Some(l) = row.get_mut(c) {
                        *l = NULL_LEVEL;
                    }
                }
            }
        }
        let mut session = self.clone();
        // The session's own prior: the share of matches among this rule's
        // pairs, far above the prior over all pairs.
        session.prior = 0.1;
        session.em_patterns(&patterns, iterations, true);
        for (c, (m, trained)) in self.m.iter_mut().zip(session.m).enumerate() {
            if !exclude.contains(&c) && trained.iter().skip(1).sum::<f64>() > 0.0 {
                *m = trained;
            }
        }
        self.refresh_version();
    }

    /// How many levels each comparison has.
    fn radix(&self) -> Vec<usize> {
        self.m.iter().map(Vec::len).collect()
    }

    /// The posterior chance that a row of levels is a match.
    pub fn posterior(&self, row: &[u8]) -> f64 {
        let (mut pm, mut pu) = (self.prior, 1.0 - self.prior);
        for ((&l, m), u) in row.iter().zip(&self.m).zip(&self.u) {
            if l == NULL_LEVEL {
                continue;
            }
            pm *= m.get(usize::from(l)).copied().unwrap_or(1.0);
            pu *= u.get(usize::from(l)).copied().unwrap_or(1.0);
        }
        let total = pm + pu;
        if total > 0.0 { pm / total } else { 0.0 }
    }

    fn check(&self, vectors: &ComparisonVectors) -> Result<(), ResolveError> {
        if vectors.width != self.comparisons.len() {
            return Err(ResolveError::ModelShape {
                got: vectors.width,
                expected: self.comparisons.len(),
            });
        }
        if vectors.is_empty() {
            return Err(ResolveError::NoPairs);
        }
        Ok(())
    }

    /// Runs `iterations` rounds of expectation maximisation over the
    /// candidate pairs' levels, updating `m` and λ, and `u` too unless
    /// `fix_u` (as when `u` came from random sampling, which estimates it
    /// better than EM on blocked pairs can).
    ///
    /// # Errors
    /// [`ResolveError::NoPairs`] with no rows; [`ResolveError::ModelShape`]
    /// when the rows do not have one level per comparison.
    pub fn em(
        &mut self,
        vectors: &ComparisonVectors,
        iterations: usize,
        fix_u: bool,
    ) -> Result<(), ResolveError> {
        self.check(vectors)?;
        self.em_patterns(&Patterns::of(&self.radix(), vectors), iterations, fix_u);
        Ok(())
    }

    fn em_patterns(&mut self, patterns: &Patterns, iterations: usize, fix_u: bool) {
        let (offsets, cells) = self.offsets();
        let total = patterns.total();
        let width = patterns.width.max(1);
        for _ in 0..iterations {
            // Expected counts per (comparison, level) among matches and
            // non-matches, and the expected number of matches.
            let (mut sm, mut su, mut matches) = (vec![0.0; cells], vec![0.0; cells], 0.0);
            for (row, &count) in patterns.rows.chunks(width).zip(&patterns.counts) {
                let p = self.posterior(row);
                matches += p * count;
                for (&l, &o) in row.iter().zip(&offsets) {
                    if l != NULL_LEVEL
                        && let (Some(a), Some(b)) = (
                            sm.get_mut(o + usize::from(l)),
                            su.get_mut(o + usize::from(l)),
                        )
                    {
                        *a += p * count;
                        *b += (1.0 - p) * count;
                    }
                }
            }
            self.prior = clamp(matches / total);
            for (c, &o) in offsets.iter().enumerate() {
                let len = self.m.get(c).map_or(0, Vec::len);
                let part = |s: &[f64]| -> Vec<f64> {
                    let slice = s.get(o..o + len).unwrap_or_default();
                    let total: f64 = slice.iter().skip(1).sum();
                    slice
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            if i == 0 || total <= 0.0 {
                                0.0
                            } else {
                                clamp(x / total)
                            }
                        })
                        .collect()
                };
                if let Some(m) = self.m.get_mut(c) {
                    *m = part(&sm);
                }
                if !fix_u && let Some(u) = self.u.get_mut(c) {
                    *u = part(&su);
                }
            }
        }
        self.refresh_version();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::compare::Method;
    use crate::rng::SplitMix64;

    fn comparisons() -> Vec<Comparison> {
        let c = |name: &str, field, method| Comparison {
            name: name.into(),
            field,
            method,
        };
        vec![
            c(
                "given",
                0,
                Method::Name {
                    swap_with: None,
                    crossed: false,
                },
            ),
            c("dob", 1, Method::Date { within_days: 31 }),
            c("postcode", 2, Method::Postcode),
            c("nino", 3, Method::Exact),
        ]
    }

    fn draw(rng: &mut SplitMix64, dist: &[f64]) -> u8 {
        let x = rng.unit();
        let mut acc = 0.0;
        for (i, p) in dist.iter().enumerate().skip(1) {
            acc += p;
            if x < acc {
                return i as u8;
            }
        }
        (dist.len() - 1) as u8
    }

    #[test]
    fn em_recovers_simulated_parameters() {
        let mut truth = Model::new(comparisons(), 0.2);
        truth.m = vec![
            vec![0.0, 0.80, 0.01, 0.06, 0.04, 0.04, 0.02, 0.01, 0.02],
            vec![0.0, 0.85, 0.05, 0.04, 0.02, 0.02, 0.02],
            vec![0.0, 0.70, 0.10, 0.08, 0.05, 0.07],
            vec![0.0, 0.95, 0.05],
        ];
        truth.u = vec![
            vec![0.0, 0.01, 0.001, 0.02, 0.03, 0.01, 0.02, 0.009, 0.9],
            vec![0.0, 0.01, 0.005, 0.02, 0.02, 0.1, 0.845],
            vec![0.0, 0.02, 0.05, 0.15, 0.3, 0.48],
            vec![0.0, 0.01, 0.99],
        ];
        let mut rng = SplitMix64::new(7);
        let rows = 200_000;
        let mut levels = Vec::with_capacity(rows * 4);
        for _ in 0..rows {
            let is_match = rng.unit() < truth.prior;
            for c in 0..4 {
                // A tenth of values missing, independent of everything.
                if rng.unit() < 0.1 {
                    levels.push(NULL_LEVEL);
                } else {
                    let dist = if is_match { &truth.m[c] } else { &truth.u[c] };
                    levels.push(draw(&mut rng, dist));
                }
            }
        }
        let vectors = ComparisonVectors { width: 4, levels };
        let mut model = Model::new(comparisons(), 0.5);
        let before = model.version.clone();
        model.em(&vectors, 100, false).unwrap();
        assert_ne!(model.version, before);
        assert!((model.prior - 0.2).abs() < 0.01, "prior {}", model.prior);
        for c in 0..4 {
            for l in 1..truth.m[c].len() {
                let (m, u) = (model.m[c][l], model.u[c][l]);
                assert!((m - truth.m[c][l]).abs() < 0.02, "m[{c}][{l}] {m}");
                assert!((u - truth.u[c][l]).abs() < 0.02, "u[{c}][{l}] {u}");
            }
        }
    }

    #[test]
    fn training_on_records_separates_matches() {
        use crate::block::{Key, KeyPart, Rule, candidates};
        use crate::record::{FieldKind, Record, Schema};
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("dob", FieldKind::Date),
            ("postcode", FieldKind::Postcode),
            ("nino", FieldKind::Identifier),
        ]);
        let given = ["Ann", "Bob", "Cara", "Dev", "Eve", "Finn", "Gita", "Hal"];
        let mut rng = SplitMix64::new(9);
        let mut records = Vec::new();
        for p in 0..400u64 {
            let g = given[rng.below(8) as usize];
            let dob = format!(
                "19{:02}-{:02}-{:02}",
                40 + rng.below(60),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let pc = format!("LS{} {}AA", 1 + rng.below(9), rng.below(10));
            // Every person twice, the copy sometimes with another postcode.
            for copy in 0..2 {
                let pc = if copy == 1 && rng.below(4) == 0 {
                    "M1 1AE".to_owned()
                } else {
                    pc.clone()
                };
                records.push(Record {
                    id: format!("{p}-{copy}"),
                    fields: vec![
                        Some(g.into()),
                        Some(dob.clone()),
                        Some(pc),
                        Some(format!("N{p}")),
                    ],
                });
            }
        }
        let features = Features::compute(&schema, &records).unwrap();
        let rules = vec![Rule {
            unreached_only: false,
            name: "given".into(),
            keys: vec![KeyPart {
                field: 0,
                key: Key::Exact,
            }],
        }];
        let pairs = candidates(&features, &rules, 1_000_000).unwrap().pairs;
        let comparisons = ["given", "dob", "postcode", "nino"]
            .iter()
            .map(|f| Comparison::for_field(&schema, f).unwrap())
            .collect();
        let mut model = Model::new(comparisons, 0.01);
        let vectors = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
        model.train(&features, &vectors, 20, 20_000, 1).unwrap();
        // 400 true pairs among 800 * 799 / 2.
        let expected = 400.0 / (800.0 * 799.0 / 2.0);
        assert!(
            (model.prior / expected - 1.0).abs() < 0.2,
            "prior {}",
            model.prior
        );
        // Exact date of birth and identifier: common among matches, rare otherwise.
        assert!(
            model.m[1][1] > 0.9 && model.u[1][1] < 0.01,
            "{:?} {:?}",
            model.m[1],
            model.u[1]
        );
        assert!(model.m[3][1] > 0.9 && model.u[3][1] < 0.01);
    }

    #[test]
    fn the_prior_holds_when_blocking_brings_many_non_matches() {
        use crate::block::{Key, KeyPart, Rule, candidates};
        use crate::record::{FieldKind, Record, Schema};
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("postcode", FieldKind::Postcode),
        ]);
        // Few names and birth years, so that most pairs blocked on them are
        // two people.
        let mut rng = SplitMix64::new(17);
        let (mut records, mut true_pairs) = (Vec::new(), 0u64);
        for p in 0..5000u64 {
            let (given, family) = (format!("G{}", rng.below(10)), format!("F{}", rng.below(10)));
            let (y, m, d) = (1940 + rng.below(10), 1 + rng.below(12), 1 + rng.below(28));
            let postcode = format!("LS{} {}AB", 1 + rng.below(20), rng.below(10));
            let copies = 1 + u64::from(rng.below(4) == 0);
            true_pairs += copies * (copies - 1) / 2;
            for copy in 0..copies {
                let dob = if copy == 1 && rng.below(10) == 0 {
                    format!("{y}-{d:02}-{m:02}")
                } else {
                    format!("{y}-{m:02}-{d:02}")
                };
                let postcode = if copy == 1 && rng.below(5) == 0 {
                    format!("M{} {}AB", 1 + rng.below(20), rng.below(10))
                } else {
                    postcode.clone()
                };
                records.push(Record {
                    id: format!("{p}-{copy}"),
                    fields: vec![
                        Some(given.clone()),
                        Some(family.clone()),
                        Some(dob),
                        Some(postcode),
                    ],
                });
            }
        }
        let features = Features::compute(&schema, &records).unwrap();
        let k = |field, key| KeyPart { field, key };
        let rules = vec![
            Rule {
                unreached_only: false,
                name: "names+year".into(),
                keys: vec![k(0, Key::Exact), k(1, Key::Exact), k(2, Key::Year)],
            },
            Rule {
                unreached_only: false,
                name: "postcode".into(),
                keys: vec![k(3, Key::Exact)],
            },
        ];
        let pairs = candidates(&features, &rules, u64::MAX).unwrap().pairs;
        let comparisons = ["given", "family", "dob", "postcode"]
            .iter()
            .map(|f| Comparison::for_field(&schema, f).unwrap())
            .collect();
        let mut model = Model::new(comparisons, 0.01);
        let vectors = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
        model.train(&features, &vectors, 20, 100_000, 1).unwrap();
        for (rule, exclude) in [(0, vec![0, 1, 2]), (1, vec![3])] {
            let own = candidates(&features, &rules[rule..=rule], u64::MAX)
                .unwrap()
                .pairs;
            let v = ComparisonVectors::compute(&model.comparisons, &features, &own);
            model.train_m_session(&v, 20, &exclude).unwrap();
        }
        model.estimate_prior(&features, &vectors).unwrap();
        let n = records.len() as f64;
        let all_pairs = n * (n - 1.0) / 2.0;
        let expected = true_pairs as f64 / all_pairs;
        assert!(
            (model.prior / expected - 1.0).abs() < 0.1,
            "prior {} expected {expected}",
            model.prior
        );
        // EM's own share of matches among the candidates is far off.
        let mut em = model.clone();
        em.em(&vectors, 20, false).unwrap();
        let share = em.prior * pairs.len() as f64 / all_pairs;
        assert!(share > 4.0 * expected, "{share} {expected}");
    }

    #[test]
    fn a_session_leaves_excluded_comparisons_alone() {
        let mut truth = Model::new(comparisons(), 0.2);
        truth.m[3] = vec![0.0, 0.95, 0.05];
        truth.u[3] = vec![0.0, 0.01, 0.99];
        let mut rng = SplitMix64::new(3);
        let mut levels = Vec::new();
        for _ in 0..50_000 {
            let is_match = rng.unit() < 0.2;
            // Comparison 0 is the blocking key: always exact.
            levels.extend_from_slice(&[1]);
            for c in 1..4 {
                let dist = if is_match { &truth.m[c] } else { &truth.u[c] };
                levels.push(draw(&mut rng, dist));
            }
        }
        let vectors = ComparisonVectors { width: 4, levels };
        let mut model = Model::new(comparisons(), 1e-5);
        model.u = truth.u.clone();
        let before = model.m[0].clone();
        model.train_m_session(&vectors, 30, &[0]).unwrap();
        assert_eq!(model.m[0], before);
        assert!((model.m[3][1] - 0.95).abs() < 0.02, "{:?}", model.m[3]);
        assert!((model.prior - 1e-5).abs() < 1e-12);
    }

    #[test]
    fn em_on_nothing_is_an_error() {
        let mut model = Model::new(comparisons(), 0.1);
        let empty = ComparisonVectors {
            width: 4,
            levels: vec![],
        };
        assert_eq!(model.em(&empty, 3, true), Err(ResolveError::NoPairs));
        let wrong = ComparisonVectors {
            width: 2,
            levels: vec![1, 1],
        };
        assert!(matches!(
            model.em(&wrong, 3, true),
            Err(ResolveError::ModelShape { .. })
        ));
    }

    #[test]
    fn version_follows_parameters() {
        let a = Model::new(comparisons(), 0.1);
        let mut b = a.clone();
        assert_eq!(a.version, b.version);
        b.m[0][1] = 0.5;
        b.refresh_version();
        assert_ne!(a.version, b.version);
        assert_eq!(a.version.len(), 16);
    }
}
