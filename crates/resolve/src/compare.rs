//! Comparisons: for one pair of records, which of a small number of ordered
//! levels a field (or a pair of fields) falls in. Level 0 is always the null
//! level (a value missing on either side), which carries no evidence; level 1
//! is the strongest agreement and the last level is "else".

use crate::jaro::jaro_winkler;

use crate::error::ResolveError;
use crate::features::{DateFeatures, FieldFeatures, NameFeatures, PostcodeFeatures};
use crate::record::{FieldKind, Schema};

/// The null level of every comparison.
pub const NULL_LEVEL: u8 = 0;

/// How one comparison reads a pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// A name field; `swap_with` is the other half of the person's name
    /// (family for a given name), for given/family swapped.
    Name {
        swap_with: Option<usize>,
    },
    /// A date; `within_days` for the "within N days" level.
    Date {
        within_days: i64,
    },
    Postcode,
    Address,
    /// Identifiers, towns and other values that either match or not.
    Exact,
    /// Numbers equal or within an absolute tolerance.
    Number {
        tolerance: f64,
    },
}

/// One comparison: a method applied to one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// What explanations call it (usually the field name).
    pub name: String,
    pub field: usize,
    pub method: Method,
}

pub const NAME_LEVELS: &[&str] = &[
    "null",
    "exact",
    "given and family swapped",
    "jaro-winkler >= 0.92",
    "jaro-winkler >= 0.80",
    "nickname",
    "phonetic",
    "initial",
    "else",
];
pub const NAME_EXACT: u8 = 1;
pub const DATE_LEVELS: &[&str] = &[
    "null",
    "exact",
    "day and month swapped",
    "one component off",
    "within n days",
    "same year",
    "else",
];
pub const POSTCODE_LEVELS: &[&str] = &["null", "full", "sector", "district", "area", "else"];
pub const ADDRESS_LEVELS: &[&str] = &["null", "overlap >= 0.8", "overlap >= 0.5", "else"];
pub const EXACT_LEVELS: &[&str] = &["null", "exact", "else"];
pub const NUMBER_LEVELS: &[&str] = &["null", "exact", "within tolerance", "else"];

impl Comparison {
    /// A comparison on the field called `field`, its method chosen by the
    /// field's kind; a given name is compared with swapping against the
    /// first family-name field.
    ///
    /// # Errors
    /// [`ResolveError::UnknownField`] when the schema has no such field.
    pub fn for_field(schema: &Schema, field: &str) -> Result<Comparison, ResolveError> {
        let index = schema.index(field)?;
        let kind = schema
            .fields
            .get(index)
            .map_or(FieldKind::Identifier, |f| f.kind);
        let method = match kind {
            FieldKind::GivenName => Method::Name {
                swap_with: schema
                    .fields
                    .iter()
                    .position(|f| f.kind == FieldKind::FamilyName),
            },
            FieldKind::FamilyName => Method::Name {
                swap_with: schema
                    .fields
                    .iter()
                    .position(|f| f.kind == FieldKind::GivenName),
            },
            FieldKind::FullName => Method::Name { swap_with: None },
            FieldKind::Date => Method::Date { within_days: 31 },
            FieldKind::Postcode => Method::Postcode,
            FieldKind::Address => Method::Address,
            FieldKind::Identifier | FieldKind::Town => Method::Exact,
            FieldKind::Number => Method::Number { tolerance: 0.0 },
        };
        Ok(Comparison {
            name: field.to_owned(),
            field: index,
            method,
        })
    }

    /// The labels of the levels, null first.
    pub fn levels(&self) -> &'static [&'static str] {
        match self.method {
            Method::Name { .. } => NAME_LEVELS,
            Method::Date { .. } => DATE_LEVELS,
            Method::Postcode => POSTCODE_LEVELS,
            Method::Address => ADDRESS_LEVELS,
            Method::Exact => EXACT_LEVELS,
            Method::Number { .. } => NUMBER_LEVELS,
        }
    }

    pub fn level_count(&self) -> usize {
        self.levels().len()
    }

    /// Whether the level is an exact match of a name, whose weight is
    /// adjusted for how common the name is.
    pub fn is_tf_level(&self, level: u8) -> bool {
        matches!(self.method, Method::Name { .. }) && level == NAME_EXACT
    }

    /// The level of a pair of records given their feature rows.
    pub fn level(&self, a: &[FieldFeatures], b: &[FieldFeatures]) -> u8 {
        let (Some(fa), Some(fb)) = (a.get(self.field), b.get(self.field)) else {
            return NULL_LEVEL;
        };
        match (&self.method, fa, fb) {
            (Method::Name { swap_with }, FieldFeatures::Name(x), FieldFeatures::Name(y)) => {
                let swapped = swap_with.is_some_and(|s| {
                    matches!(
                        (a.get(s), b.get(s)),
                        (Some(FieldFeatures::Name(xs)), Some(FieldFeatures::Name(ys)))
                            if x.hash == ys.hash && xs.hash == y.hash
                    )
                });
                name_level(x, y, swapped)
            }
            (Method::Date { within_days }, FieldFeatures::Date(x), FieldFeatures::Date(y)) => {
                date_level(x, y, *within_days)
            }
            (Method::Postcode, FieldFeatures::Postcode(x), FieldFeatures::Postcode(y)) => {
                postcode_level(x, y)
            }
            (Method::Address, FieldFeatures::Tokens(x), FieldFeatures::Tokens(y)) => {
                let o = overlap(&x.tokens, &y.tokens);
                if o >= 0.8 {
                    1
                } else if o >= 0.5 {
                    2
                } else {
                    3
                }
            }
            (Method::Exact, FieldFeatures::Text(x), FieldFeatures::Text(y)) => {
                if x == y {
                    1
                } else {
                    2
                }
            }
            (Method::Exact, FieldFeatures::Name(x), FieldFeatures::Name(y)) => {
                if x.folded == y.folded { 1 } else { 2 }
            }
            (Method::Number { tolerance }, FieldFeatures::Number(x), FieldFeatures::Number(y)) => {
                let d = (x - y).abs();
                if d == 0.0 {
                    1
                } else if d <= *tolerance {
                    2
                } else {
                    3
                }
            }
            _ => NULL_LEVEL,
        }
    }
}

/// Levels of [`NAME_LEVELS`]; `swapped` says the pair's given and family
/// names are each other's.
pub fn name_level(x: &NameFeatures, y: &NameFeatures, swapped: bool) -> u8 {
    // Equal 64-bit hashes of distinct names are too unlikely to matter.
    if x.hash == y.hash {
        return 1;
    }
    if swapped {
        return 2;
    }
    let jw = jaro_winkler(&x.folded, &y.folded);
    if jw >= 0.92 {
        return 3;
    }
    if jw >= 0.80 {
        return 4;
    }
    if x.nicknames.iter().any(|g| y.nicknames.contains(g)) {
        return 5;
    }
    let (xp, xa) = (&x.metaphone.0, &x.metaphone.1);
    let (yp, ya) = (&y.metaphone.0, &y.metaphone.1);
    if !xp.is_empty() && (xp == yp || xp == ya || (!xa.is_empty() && (xa == yp || xa == ya))) {
        return 6;
    }
    // One side written as initials only ("J" or "J P") against a full name.
    let one_is_initials = |n: &NameFeatures| n.folded.split(' ').all(|t| t.len() == 1);
    if (one_is_initials(x) || one_is_initials(y))
        && x.initials.chars().next() == y.initials.chars().next()
    {
        return 7;
    }
    8
}

/// Levels of [`DATE_LEVELS`].
pub fn date_level(x: &DateFeatures, y: &DateFeatures, within_days: i64) -> u8 {
    if x.days == y.days {
        return 1;
    }
    if x.year == y.year && x.month == y.day && x.day == y.month {
        return 2;
    }
    let same = u8::from(x.year == y.year) + u8::from(x.month == y.month) + u8::from(x.day == y.day);
    if same == 2 {
        return 3;
    }
    if (x.days - y.days).abs() <= within_days {
        return 4;
    }
    if x.year == y.year {
        return 5;
    }
    6
}

/// Levels of [`POSTCODE_LEVELS`].
pub fn postcode_level(x: &PostcodeFeatures, y: &PostcodeFeatures) -> u8 {
    // The first part in common, strongest first; 5 when none is.
    let [xu, xs, xd, xa] = x.hashes;
    let [yu, ys, yd, ya] = y.hashes;
    if xu == yu {
        1
    } else if xs == ys {
        2
    } else if xd == yd {
        3
    } else if xa == ya {
        4
    } else {
        5
    }
}

/// Shared words over the words of the longer address, from two sorted,
/// distinct lists.
pub fn overlap(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let longest = a.len().max(b.len());
    if longest == 0 {
        0.0
    } else {
        shared as f64 / longest as f64
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::features::field_features;

    fn schema() -> Schema {
        Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("postcode", FieldKind::Postcode),
            ("address", FieldKind::Address),
            ("nino", FieldKind::Identifier),
            ("height", FieldKind::Number),
        ])
    }

    fn row(vals: [Option<&str>; 7]) -> Vec<FieldFeatures> {
        let s = schema();
        s.fields
            .iter()
            .zip(vals)
            .map(|(f, v)| field_features(f.kind, v))
            .collect()
    }

    /// The level label of comparing field `field` with values `x` and `y`,
    /// the other fields fixed.
    fn label(field: &str, x: Option<&str>, y: Option<&str>) -> &'static str {
        label_full(field, [x, Some("Smith")], [y, Some("Smith")])
    }

    fn label_full(field: &str, x: [Option<&str>; 2], y: [Option<&str>; 2]) -> &'static str {
        let s = schema();
        let mut c = Comparison::for_field(&s, field).unwrap();
        if let Method::Number { tolerance } = &mut c.method {
            *tolerance = 2.0;
        }
        let i = c.field;
        fn base<'a>(
            i: usize,
            v: [Option<&'a str>; 2],
            fld: Option<&'a str>,
        ) -> [Option<&'a str>; 7] {
            let mut vals = [None; 7];
            vals[0] = v[0];
            vals[1] = v[1];
            if i > 1 {
                vals[i] = fld;
            }
            vals
        }
        let (a, b) = if i > 1 {
            (
                row(base(i, [None, None], x[0])),
                row(base(i, [None, None], y[0])),
            )
        } else {
            (row(base(i, x, None)), row(base(i, y, None)))
        };
        c.levels()[usize::from(c.level(&a, &b))]
    }

    #[test]
    fn name_levels() {
        let n = |x, y| label("given", Some(x), Some(y));
        assert_eq!(label("given", None, Some("John")), "null");
        assert_eq!(n("John", "JOHN"), "exact");
        assert_eq!(n("Jonathan", "Jonathon"), "jaro-winkler >= 0.92");
        assert_eq!(n("Jon", "John"), "jaro-winkler >= 0.92");
        assert_eq!(n("Stephen", "Steven"), "jaro-winkler >= 0.80");
        assert_eq!(n("Bill", "William"), "nickname");
        assert_eq!(n("Peggy", "Margaret"), "nickname");
        assert_eq!(n("Catherine", "Kathryn"), "nickname");
        assert_eq!(n("Smith", "Schmidt"), "phonetic");
        assert_eq!(n("J", "John"), "initial");
        assert_eq!(n("Mary", "Zebedee"), "else");
        assert_eq!(
            label_full(
                "given",
                [Some("Smith"), Some("John")],
                [Some("John"), Some("Smith")]
            ),
            "given and family swapped"
        );
    }

    #[test]
    fn date_levels() {
        let d = |x, y| label("dob", Some(x), Some(y));
        assert_eq!(label("dob", Some("1980-01-02"), Some("not a date")), "null");
        assert_eq!(d("1980-01-02", "1980-01-02"), "exact");
        assert_eq!(d("1980-03-04", "1980-04-03"), "day and month swapped");
        assert_eq!(d("1980-03-04", "1981-03-04"), "one component off");
        assert_eq!(d("1980-03-04", "1980-03-09"), "one component off");
        assert_eq!(d("1980-01-30", "1980-02-02"), "within n days");
        assert_eq!(d("1980-01-30", "1980-11-02"), "same year");
        assert_eq!(d("1980-01-30", "1975-06-12"), "else");
    }

    #[test]
    fn postcode_levels() {
        let p = |x, y| label("postcode", Some(x), Some(y));
        assert_eq!(p("SW1A 1AA", "sw1a1aa"), "full");
        assert_eq!(p("SW1A 1AA", "SW1A 1AB"), "sector");
        assert_eq!(p("SW1A 1AA", "SW1A 2AA"), "district");
        assert_eq!(p("SW1A 1AA", "SW9 2AA"), "area");
        assert_eq!(p("SW1A 1AA", "M1 1AE"), "else");
        assert_eq!(p("SW1A 1AA", "nowhere"), "null");
    }

    #[test]
    fn address_levels() {
        let a = |x, y| label("address", Some(x), Some(y));
        assert_eq!(
            a("12 High Street Leeds", "12 high street, leeds"),
            "overlap >= 0.8"
        );
        assert_eq!(a("12 High Street Leeds", "12 High Road"), "overlap >= 0.5");
        assert_eq!(a("12 High Street Leeds", "4 Mill Lane York"), "else");
        assert_eq!(a("12 High Street Leeds", ", ,"), "null");
    }

    #[test]
    fn identifier_and_number_levels() {
        assert_eq!(
            label("nino", Some("AB 12 34 56 C"), Some("ab123456c")),
            "exact"
        );
        assert_eq!(label("nino", Some("AB123456C"), Some("ab123456c")), "exact");
        assert_eq!(label("nino", Some("AB123456C"), Some("AB123456D")), "else");
        assert_eq!(label("height", Some("170"), Some("170.0")), "exact");
        assert_eq!(
            label("height", Some("170"), Some("171.5")),
            "within tolerance"
        );
        assert_eq!(label("height", Some("170"), Some("180")), "else");
        assert_eq!(label("height", Some("170"), None), "null");
    }
}
