//! Blocking: which pairs are worth comparing at all. A pair is a candidate
//! when it agrees on every key of at least one rule; rules are tried in
//! order and a pair is kept only by the first rule it satisfies, so no pair
//! is compared twice and no set of seen pairs has to be held in memory.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::ResolveError;
use crate::features::{FNV_OFFSET, Features, FieldFeatures, fnv1a};

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
}

/// One key of a rule: a field and what to derive from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    pub field: usize,
    pub key: Key,
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
/// for each rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub pairs: Vec<(u32, u32)>,
    pub counts: Vec<RuleCount>,
}

/// The most records blocking indexes, so that an index fits in a `u32`.
pub const RECORDS_MAX: usize = u32::MAX as usize;

fn mix(h: u64, bytes: &[u8]) -> u64 {
    // A separator so that ("ab", "c") and ("a", "bc") differ.
    fnv1a(bytes, fnv1a(&[0xff], h))
}

/// The rule's key for one record, as a hash; `None` when a field is missing.
fn rule_key(rule: &Rule, row: &[FieldFeatures]) -> Option<u64> {
    let mut h = FNV_OFFSET;
    for part in &rule.keys {
        let f = row.get(part.field)?;
        h = match (&part.key, f) {
            (_, FieldFeatures::Missing) => return None,
            (Key::Exact, FieldFeatures::Name(n)) => mix(h, n.folded.as_bytes()),
            (Key::Exact, FieldFeatures::Text(t)) => mix(h, t.as_bytes()),
            (Key::Exact, FieldFeatures::Tokens(t)) => mix(h, t.folded.as_bytes()),
            (Key::Exact, FieldFeatures::Postcode(p)) => mix(h, p.unit.as_bytes()),
            (Key::Exact, FieldFeatures::Date(d)) => mix(h, &d.days.to_le_bytes()),
            (Key::Exact, FieldFeatures::Number(n)) => mix(h, &n.to_bits().to_le_bytes()),
            (Key::Prefix(n), FieldFeatures::Name(x)) => mix(h, prefix(&x.folded, *n)),
            (Key::Prefix(n), FieldFeatures::Text(x)) => mix(h, prefix(x, *n)),
            (Key::Prefix(n), FieldFeatures::Tokens(x)) => mix(h, prefix(&x.folded, *n)),
            (Key::Prefix(n), FieldFeatures::Postcode(x)) => mix(h, prefix(&x.unit, *n)),
            (Key::Metaphone, FieldFeatures::Name(x)) if !x.metaphone.0.is_empty() => {
                mix(h, x.metaphone.0.as_bytes())
            }
            (Key::PostcodeDistrict, FieldFeatures::Postcode(p)) => mix(h, p.district().as_bytes()),
            (Key::PostcodeSector, FieldFeatures::Postcode(p)) => mix(h, p.sector().as_bytes()),
            (Key::Year, FieldFeatures::Date(d)) => mix(h, &d.year.to_le_bytes()),
            _ => return None,
        };
    }
    Some(h)
}

/// The first `n` characters of `s`, as bytes.
fn prefix(s: &str, n: usize) -> &[u8] {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    s.as_bytes().get(..end).unwrap_or_default()
}

/// The pairs a block of record indexes (ascending) yields: every pair when
/// deduplicating, only pairs across `split` when linking two files.
fn block_pairs(g: &[u32], split: Option<u32>) -> u64 {
    match split {
        None => {
            let len = g.len() as u64;
            len * len.saturating_sub(1) / 2
        }
        Some(s) => {
            let left = g.partition_point(|&i| i < s) as u64;
            left * (g.len() as u64 - left)
        }
    }
}

/// The candidate pairs for deduplicating `features` under `rules`.
///
/// Counts every rule's pairs from its block sizes first and fails before
/// allocating any pair when the total would pass `pairs_max`.
///
/// # Errors
/// [`ResolveError::PairsMax`] naming the rule that takes the total over;
/// [`ResolveError::EmptyRule`] for a rule without keys, which would pair
/// every record with every other; [`ResolveError::TooManyRecords`].
pub fn candidates(
    features: &Features,
    rules: &[Rule],
    pairs_max: u64,
) -> Result<Candidates, ResolveError> {
    candidates_within(features, rules, pairs_max, None)
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
    candidates_within(features, rules, pairs_max, Some(split))
}

fn candidates_within(
    features: &Features,
    rules: &[Rule],
    pairs_max: u64,
    split: Option<u32>,
) -> Result<Candidates, ResolveError> {
    let n = features.records.len();
    if n > RECORDS_MAX {
        return Err(ResolveError::TooManyRecords {
            count: n,
            max: RECORDS_MAX,
        });
    }
    if let Some(r) = rules.iter().find(|r| r.keys.is_empty()) {
        return Err(ResolveError::EmptyRule {
            rule: r.name.clone(),
        });
    }
    // keys[r][i]: rule r's key for record i.
    let keys: Vec<Vec<Option<u64>>> = rules
        .iter()
        .map(|rule| {
            features
                .records
                .par_iter()
                .map(|row| rule_key(rule, row))
                .collect()
        })
        .collect();
    let mut blocks: Vec<Vec<Vec<u32>>> = Vec::with_capacity(rules.len());
    let mut total = 0u64;
    for (rule, rule_keys) in rules.iter().zip(&keys) {
        let mut groups: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, k) in rule_keys.iter().enumerate() {
            if let (Some(k), Ok(i)) = (k, u32::try_from(i)) {
                groups.entry(*k).or_default().push(i);
            }
        }
        let pairs: u64 = groups.values().map(|g| block_pairs(g, split)).sum();
        total = total.saturating_add(pairs);
        if total > pairs_max {
            return Err(ResolveError::PairsMax {
                rule: rule.name.clone(),
                pairs,
            });
        }
        blocks.push(groups.into_values().filter(|g| g.len() > 1).collect());
    }
    let mut out = Vec::new();
    let mut counts = Vec::with_capacity(rules.len());
    for (r, (rule, groups)) in rules.iter().zip(&blocks).enumerate() {
        let earlier = keys.get(..r).unwrap_or_default();
        let found: Vec<Vec<(u32, u32)>> = groups
            .par_iter()
            .map(|g| {
                let mut v = Vec::new();
                for (x, &a) in g.iter().enumerate() {
                    for &b in g.iter().skip(x + 1) {
                        if split.is_some_and(|s| a >= s || b < s) {
                            continue;
                        }
                        let seen = earlier.iter().any(|k| {
                            matches!(
                                (k.get(a as usize), k.get(b as usize)),
                                (Some(Some(ka)), Some(Some(kb))) if ka == kb
                            )
                        });
                        if !seen {
                            v.push((a.min(b), a.max(b)));
                        }
                    }
                }
                v
            })
            .collect();
        let pairs = groups.iter().map(|g| block_pairs(g, split)).sum();
        let before = out.len();
        for v in found {
            out.extend(v);
        }
        counts.push(RuleCount {
            rule: rule.name.clone(),
            pairs,
            new_pairs: (out.len() - before) as u64,
        });
    }
    // A stable order makes scores, reviews and tests reproducible.
    out.par_sort_unstable();
    Ok(Candidates { pairs: out, counts })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
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

    #[test]
    fn pairs_are_deduplicated_across_rules() {
        let c = candidates(&data(), &rules(), 100).unwrap();
        // surname: a-c, a-e, c-e; year+district (1980, LS1): a-b, a-d, b-d.
        assert_eq!(
            c.pairs,
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
            c.pairs,
            vec![(0, 1), (0, 2), (0, 4), (1, 2), (1, 4), (2, 4)]
        );
    }

    #[test]
    fn linking_pairs_only_across_files() {
        // a, b, c are the first file; d, e the second.
        let c = candidates_link(&data(), 3, &rules(), 100).unwrap();
        // surname: a-e, c-e; year+district (1980, LS1): a-d, b-d.
        assert_eq!(c.pairs, vec![(0, 3), (0, 4), (1, 3), (2, 4)]);
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
}
