//! Comparison features, computed once per record so that comparing a pair
//! reads precomputed values and allocates nothing: scoring sees each record
//! in thousands of pairs, normalising it once is what makes that cheap.

use std::collections::HashMap;

use clearstone_text::nickname::{GroupId, groups_of};
use clearstone_text::phonetic::double_metaphone;
use clearstone_text::{Date, Postcode, fold};
use rayon::prelude::*;

use crate::error::ResolveError;
use crate::record::{FieldKind, Record, Schema};

/// A name's keys.
#[derive(Debug, Clone, PartialEq)]
pub struct NameFeatures {
    /// The folded name ("mary ann obrien").
    pub folded: String,
    /// A hash of `folded`, held inline so that the common case of an exact
    /// match is decided without following a pointer to the string.
    pub hash: u64,
    /// The first letter of each word.
    pub initials: String,
    /// Double Metaphone of the whole name, primary and alternate.
    pub metaphone: (String, String),
    /// Nickname groups of the first word; the table is static.
    pub nicknames: &'static [GroupId],
    /// How often the folded value occurs among the records, as a share of
    /// the non-empty values; 0 until [`Features::fill_term_frequencies`].
    pub tf: f64,
}

/// A date's parts and its position on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFeatures {
    pub days: i64,
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// A postcode's parts, held as lengths into its standard form so that the
/// parts compare as slices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostcodeFeatures {
    pub unit: String,
    /// Hashes of the unit, sector, district and area, inline for the same
    /// reason as [`NameFeatures::hash`].
    pub hashes: [u64; 4],
    pub area_len: usize,
    pub district_len: usize,
    pub sector_len: usize,
}

impl PostcodeFeatures {
    pub fn area(&self) -> &str {
        self.unit.get(..self.area_len).unwrap_or_default()
    }
    pub fn district(&self) -> &str {
        self.unit.get(..self.district_len).unwrap_or_default()
    }
    pub fn sector(&self) -> &str {
        self.unit.get(..self.sector_len).unwrap_or_default()
    }
}

/// Address words as sorted, distinct hashes: overlap is then a merge of two
/// short sorted lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFeatures {
    pub folded: String,
    pub tokens: Vec<u64>,
}

/// The features of one field of one record.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldFeatures {
    /// No value, or a value that could not be read as its kind; both are
    /// the null level of a comparison.
    Missing,
    Name(NameFeatures),
    Date(DateFeatures),
    Postcode(PostcodeFeatures),
    Tokens(TokenFeatures),
    /// Identifiers and towns: the folded value.
    Text(String),
    Number(f64),
}

/// The features of every record, in record order.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub schema: Schema,
    pub records: Vec<Vec<FieldFeatures>>,
}

/// 64-bit FNV-1a: stable across runs and platforms, unlike `DefaultHasher`,
/// so keys and model versions do not change between builds.
pub(crate) fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The features of one value of the given kind.
pub fn field_features(kind: FieldKind, value: Option<&str>) -> FieldFeatures {
    let Some(value) = value else {
        return FieldFeatures::Missing;
    };
    match kind {
        FieldKind::GivenName | FieldKind::FamilyName | FieldKind::FullName => {
            let folded = fold(value);
            if folded.is_empty() {
                return FieldFeatures::Missing;
            }
            let initials = folded.split(' ').filter_map(|t| t.chars().next()).collect();
            let first = folded.split(' ').next().unwrap_or_default();
            FieldFeatures::Name(NameFeatures {
                hash: fnv1a(folded.as_bytes(), FNV_OFFSET),
                metaphone: double_metaphone(&folded),
                nicknames: groups_of(first),
                initials,
                folded,
                tf: 0.0,
            })
        }
        FieldKind::Date => match Date::parse_iso(value) {
            Ok(d) => FieldFeatures::Date(DateFeatures {
                days: d.days_since_epoch(),
                year: d.year(),
                month: d.month(),
                day: d.day(),
            }),
            Err(_) => FieldFeatures::Missing,
        },
        FieldKind::Postcode => match Postcode::parse(value) {
            Ok(p) => FieldFeatures::Postcode(PostcodeFeatures {
                hashes: [p.unit(), p.sector(), p.district(), p.area()]
                    .map(|part| fnv1a(part.as_bytes(), FNV_OFFSET)),
                area_len: p.area().len(),
                district_len: p.district().len(),
                sector_len: p.sector().len(),
                unit: p.unit().to_owned(),
            }),
            Err(_) => FieldFeatures::Missing,
        },
        FieldKind::Address => {
            let folded = fold(value);
            let mut tokens: Vec<u64> = folded
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(|t| fnv1a(t.as_bytes(), FNV_OFFSET))
                .collect();
            tokens.sort_unstable();
            tokens.dedup();
            if tokens.is_empty() {
                FieldFeatures::Missing
            } else {
                FieldFeatures::Tokens(TokenFeatures { folded, tokens })
            }
        }
        FieldKind::Identifier | FieldKind::Town => {
            let mut folded = fold(value);
            // Identifiers are written with and without spaces ("AB 12 34 56 C").
            if kind == FieldKind::Identifier {
                folded.retain(|c| c != ' ');
            }
            if folded.is_empty() {
                FieldFeatures::Missing
            } else {
                FieldFeatures::Text(folded)
            }
        }
        FieldKind::Number => match value.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => FieldFeatures::Number(n),
            _ => FieldFeatures::Missing,
        },
    }
}

impl Features {
    /// Computes every record's features in parallel, then the term
    /// frequencies of name values.
    ///
    /// # Errors
    /// [`ResolveError::FieldCount`] for a record that does not fit the schema.
    pub fn compute(schema: &Schema, records: &[Record]) -> Result<Features, ResolveError> {
        for r in records {
            r.check(schema)?;
        }
        let rows = records
            .par_iter()
            .map(|r| {
                schema
                    .fields
                    .iter()
                    .zip(&r.fields)
                    .map(|(f, v)| field_features(f.kind, v.as_deref()))
                    .collect()
            })
            .collect();
        let mut features = Features {
            schema: schema.clone(),
            records: rows,
        };
        features.fill_term_frequencies();
        Ok(features)
    }

    /// Sets each name's `tf` to the share of that field's values equal to it.
    pub fn fill_term_frequencies(&mut self) {
        for col in 0..self.schema.fields.len() {
            let mut counts: HashMap<&str, u32> = HashMap::new();
            let mut total = 0u32;
            for row in &self.records {
                if let Some(FieldFeatures::Name(n)) = row.get(col) {
                    *counts.entry(n.folded.as_str()).or_default() += 1;
                    total += 1;
                }
            }
            if total == 0 {
                continue;
            }
            let tfs: Vec<Option<f64>> = self
                .records
                .iter()
                .map(|row| match row.get(col) {
                    Some(FieldFeatures::Name(n)) => counts
                        .get(n.folded.as_str())
                        .map(|&c| f64::from(c) / f64::from(total)),
                    _ => None,
                })
                .collect();
            for (row, tf) in self.records.iter_mut().zip(tfs) {
                if let (Some(FieldFeatures::Name(n)), Some(tf)) = (row.get_mut(col), tf) {
                    n.tf = tf;
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn rec(id: &str, vals: &[Option<&str>]) -> Record {
        Record {
            id: id.into(),
            fields: vals.iter().map(|v| v.map(str::to_owned)).collect(),
        }
    }

    #[test]
    fn features_are_normalised_once() {
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("dob", FieldKind::Date),
            ("pc", FieldKind::Postcode),
            ("addr", FieldKind::Address),
            ("n", FieldKind::Number),
        ]);
        let r = rec(
            "a",
            &[
                Some("  Zoë "),
                Some("1980-02-29"),
                Some("sw1a1aa"),
                Some("12 High St, High"),
                Some("nope"),
            ],
        );
        let f = Features::compute(&schema, &[r]).unwrap();
        let row = &f.records[0];
        let FieldFeatures::Name(n) = &row[0] else {
            panic!()
        };
        assert_eq!(n.folded, "zoe");
        assert!((n.tf - 1.0).abs() < 1e-12);
        let FieldFeatures::Date(d) = &row[1] else {
            panic!()
        };
        assert_eq!((d.year, d.month, d.day), (1980, 2, 29));
        let FieldFeatures::Postcode(p) = &row[2] else {
            panic!()
        };
        assert_eq!(
            (p.area(), p.district(), p.sector()),
            ("SW", "SW1A", "SW1A 1")
        );
        let FieldFeatures::Tokens(t) = &row[3] else {
            panic!()
        };
        assert_eq!(t.tokens.len(), 3);
        assert_eq!(row[4], FieldFeatures::Missing);
    }

    #[test]
    fn term_frequencies_are_shares() {
        let schema = Schema::new([("family", FieldKind::FamilyName)]);
        let recs = [
            rec("1", &[Some("Smith")]),
            rec("2", &[Some("SMITH")]),
            rec("3", &[Some("Okonkwo")]),
            rec("4", &[None]),
        ];
        let f = Features::compute(&schema, &recs).unwrap();
        let tf = |i: usize| match &f.records[i][0] {
            FieldFeatures::Name(n) => n.tf,
            _ => -1.0,
        };
        assert!((tf(0) - 2.0 / 3.0).abs() < 1e-12);
        assert!((tf(2) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn wrong_field_count_is_an_error() {
        let schema = Schema::new([("family", FieldKind::FamilyName)]);
        let err = Features::compute(&schema, &[rec("x", &[None, None])]).unwrap_err();
        assert_eq!(err.to_string(), "record `x` has 2 fields, the schema has 1");
    }
}
