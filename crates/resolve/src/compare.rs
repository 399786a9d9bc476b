//! Comparisons: for one pair of records, which of a small number of ordered
//! levels a field (or a group of fields) falls in. Level 0 is always the
//! null level (a value missing on either side), which carries no evidence;
//! level 1 is the strongest agreement and the last level is "else" (for
//! dates, "a generation apart", which is firmer than "else").

use crate::error::ResolveError;
use crate::features::{
    Code, DateFeatures, Features, NUMBER_BITS, SKETCH_LETTERS, SKETCH_MASK, WORD_BITS, has_digit,
};
use crate::jaro::jaro_winkler;
use crate::record::{FieldKind, Schema};

/// The null level of every comparison.
pub const NULL_LEVEL: u8 = 0;

/// How one comparison reads a pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// A name field; `swap_with` is the other half of the person's name
    /// (family for a given name), for given/family swapped. `crossed`
    /// adds [`FAMILY_NAME_LEVELS`]' level for one record's family name
    /// written as the other's given name (half of the name moved across,
    /// the other half changed); only the family name's comparison asks,
    /// so that the one fact counts once.
    Name {
        swap_with: Option<usize>,
        crossed: bool,
    },
    /// A date; `within_days` for the "within N days" level.
    Date {
        within_days: i64,
    },
    Postcode,
    Address,
    /// Towns, regions and other values that either match or not.
    Exact,
    /// Identifiers (National Insurance, NHS, passport numbers), which are
    /// keyed by hand: one mistyped or transposed character is a level of
    /// its own, so that "else" can say firmly that two numbers differ.
    Identifier,
    /// Numbers equal or within an absolute tolerance.
    Number {
        tolerance: f64,
    },
    /// Where someone lives, from whichever of these fields the schema has.
    /// They determine each other (a postcode gives the town and the
    /// region), so they are one comparison with one level per pair rather
    /// than several that would each count "same locality" as evidence.
    Place {
        address: Option<usize>,
        town: Option<usize>,
        region: Option<usize>,
        postcode: Option<usize>,
    },
}

/// One comparison: a method applied to one field, or for
/// [`Method::Place`] to the fields it names (`field` is then the first).
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
    "one part of the other",
    "jaro-winkler >= 0.80",
    "nickname",
    "phonetic",
    "initial",
    "initials differ",
    "else",
];
/// [`NAME_LEVELS`] with the crossed level before "else".
pub const FAMILY_NAME_LEVELS: &[&str] = &family_name_levels();

const fn family_name_levels() -> [&'static str; NAME_LEVELS.len() + 1] {
    let mut out = [CROSSED; NAME_LEVELS.len() + 1];
    let mut i = 0;
    while i < NAME_LEVELS.len() {
        // "else" moves one place down, after the crossed level.
        let at = if i == NAME_ELSE as usize { i + 1 } else { i };
        out[at] = NAME_LEVELS[i];
        i += 1;
    }
    out
}

const CROSSED: &str = "in the other's given name";
pub const NAME_EXACT: u8 = 1;
/// The "else" level of [`NAME_LEVELS`], which is the crossed level of
/// [`FAMILY_NAME_LEVELS`].
const NAME_ELSE: u8 = 10;
/// The level of an initial against a name or initials it begins: weak
/// evidence, never that of a full name agreeing.
const NAME_INITIAL: u8 = 8;
/// Two different initials: weak evidence against, as a one-letter name
/// says too little for the firm "else" of two full names.
const NAME_INITIALS_DIFFER: u8 = 9;
/// The level of names within Jaro-Winkler 0.92 of each other.
const NAME_NEAR: u8 = 3;
/// The level of a name whose every word is a word of the other, longer
/// one: one part of a double-barrelled surname ("Jones", "Smith Jones"), or
/// a first name without the second ("Mary", "Mary Ann").
const NAME_PART: u8 = 4;
/// Below this Jaro similarity two names cannot be near (Jaro-Winkler
/// 0.92), with room for rounding.
const NEAR_JARO_MIN: f64 = 0.8 - 1e-9;
pub const DATE_LEVELS: &[&str] = &[
    "null",
    "exact",
    "day and month swapped",
    "one component off",
    "month and year, day unknown",
    "within n days",
    "same year",
    "else",
    "a generation apart",
];
/// The level of [`DATE_LEVELS`] at which two dates cannot be one person's:
/// birth years [`GENERATION_YEARS`] or more apart.
pub const DATE_GENERATION: u8 = 8;
/// Years between birth dates that say "parent and child", not "keyed wrong".
const GENERATION_YEARS: u16 = 15;
pub const POSTCODE_LEVELS: &[&str] = &["null", "full", "sector", "district", "area", "else"];
pub const ADDRESS_LEVELS: &[&str] = &["null", "overlap >= 0.8", "overlap >= 0.5", "else"];
pub const EXACT_LEVELS: &[&str] = &["null", "exact", "else"];
pub const IDENTIFIER_LEVELS: &[&str] = &["null", "exact", "one edit or transposition", "else"];
pub const NUMBER_LEVELS: &[&str] = &["null", "exact", "within tolerance", "else"];
/// Levels of [`Method::Place`], strongest first. "address" is the same
/// dwelling (see [`same_address`]) where no town or region on record says
/// otherwise; the UK postcode parts only apply when both postcodes are UK
/// postcodes, other countries' codes agree whole or not at all.
/// The levels of [`PLACE_LEVELS`] at which two records share a dwelling.
pub const PLACE_SAME_DWELLING: [u8; 2] = [1, 3];
pub const PLACE_LEVELS: &[&str] = &[
    "null",
    "address and postcode",
    "postcode",
    "address",
    "postcode sector",
    "postcode district or town",
    "postcode area or region",
    "else",
];

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
                crossed: false,
            },
            FieldKind::FamilyName => {
                let swap_with = schema
                    .fields
                    .iter()
                    .position(|f| f.kind == FieldKind::GivenName);
                Method::Name {
                    swap_with,
                    crossed: swap_with.is_some(),
                }
            }
            FieldKind::FullName => Method::Name {
                swap_with: None,
                crossed: false,
            },
            FieldKind::Date => Method::Date { within_days: 31 },
            FieldKind::Postcode => Method::Postcode,
            FieldKind::Address => Method::Address,
            FieldKind::Identifier => Method::Identifier,
            FieldKind::Town | FieldKind::Region => Method::Exact,
            FieldKind::Number => Method::Number { tolerance: 0.0 },
        };
        Ok(Comparison {
            name: field.to_owned(),
            field: index,
            method,
        })
    }

    /// One comparison called `name` over place fields, each taking the role
    /// its kind gives it (address, town, region or postcode).
    ///
    /// # Errors
    /// [`ResolveError::UnknownField`]; [`ResolveError::FieldKind`] for a
    /// field that is not a place; [`ResolveError::PlaceRole`] for two
    /// fields of one kind; [`ResolveError::NoFields`] for none.
    pub fn place(schema: &Schema, name: &str, fields: &[&str]) -> Result<Comparison, ResolveError> {
        let mut roles: [Option<usize>; 4] = [None; 4];
        for &field in fields {
            let index = schema.index(field)?;
            let kind = schema
                .fields
                .get(index)
                .map_or(FieldKind::Identifier, |f| f.kind);
            let role = match kind {
                FieldKind::Address => 0,
                FieldKind::Town => 1,
                FieldKind::Region => 2,
                FieldKind::Postcode => 3,
                other => {
                    return Err(ResolveError::FieldKind {
                        name: field.to_owned(),
                        kind: other.as_str(),
                        needed: "a place field (address, town, region or postcode)",
                    });
                }
            };
            if let Some(slot) = roles.get_mut(role) {
                if let Some(first) = *slot {
                    return Err(ResolveError::PlaceRole {
                        comparison: name.to_owned(),
                        role: kind.as_str(),
                        first: schema
                            .fields
                            .get(first)
                            .map(|f| f.name.clone())
                            .unwrap_or_default(),
                        second: field.to_owned(),
                    });
                }
                *slot = Some(index);
            }
        }
        let [address, town, region, postcode] = roles;
        let field =
            roles
                .iter()
                .flatten()
                .next()
                .copied()
                .ok_or_else(|| ResolveError::NoFields {
                    comparison: name.to_owned(),
                })?;
        Ok(Comparison {
            name: name.to_owned(),
            field,
            method: Method::Place {
                address,
                town,
                region,
                postcode,
            },
        })
    }

    /// The labels of the levels, null first.
    pub fn levels(&self) -> &'static [&'static str] {
        match self.method {
            Method::Name { crossed: true, .. } => FAMILY_NAME_LEVELS,
            Method::Name { .. } => NAME_LEVELS,
            Method::Date { .. } => DATE_LEVELS,
            Method::Postcode => POSTCODE_LEVELS,
            Method::Address => ADDRESS_LEVELS,
            Method::Exact => EXACT_LEVELS,
            Method::Identifier => IDENTIFIER_LEVELS,
            Method::Number { .. } => NUMBER_LEVELS,
            Method::Place { .. } => PLACE_LEVELS,
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

    /// The level of the pair of records `a` and `b`.
    pub fn level(&self, f: &Features, a: u32, b: u32) -> u8 {
        self.level_with(f, a, b, &mut NameMemo::default())
    }

    /// [`Comparison::level`], remembering the levels of pairs of names in
    /// `memo` for the pairs compared after.
    ///
    /// A field holding several values agrees when any of them does: the
    /// level is the strongest over every pair of the records' rows, a row
    /// missing the field counting for nothing.
    pub(crate) fn level_with(&self, f: &Features, a: u32, b: u32, memo: &mut NameMemo) -> u8 {
        if !f.has_further() {
            return self.level_rows(f, a, b, memo);
        }
        let mut best = NULL_LEVEL;
        for ra in f.rows(a) {
            for rb in f.rows(b) {
                let level = self.level_rows(f, ra, rb, memo);
                if level != NULL_LEVEL && (best == NULL_LEVEL || level < best) {
                    best = level;
                }
            }
        }
        best
    }

    /// [`Comparison::level_with`] of one row of each record.
    fn level_rows(&self, f: &Features, a: u32, b: u32, memo: &mut NameMemo) -> u8 {
        let field = self.field;
        match &self.method {
            Method::Name { swap_with, crossed } => {
                let (Some(x), Some(y)) = (f.name_id(field, a), f.name_id(field, b)) else {
                    return NULL_LEVEL;
                };
                if x == y {
                    // "J" and "J" may be John and Jane.
                    let initials = f.name(x).is_some_and(|(_, v)| v.initials_only);
                    return if initials { NAME_INITIAL } else { NAME_EXACT };
                }
                // Each record's other half of the name, for swapped names.
                let other = swap_with.and_then(|s| f.name_id(s, a).zip(f.name_id(s, b)));
                if other == Some((y, x)) {
                    return 2;
                }
                let level = memo.level(f, x, y);
                // Names swapped and one or both then mistyped, which keying
                // a form twice does as readily as either slip alone; only
                // when the names as they stand are not near already.
                if level > NAME_NEAR
                    && let Some((xo, yo)) = other
                    && memo.near(f, xo, y)
                    && memo.near(f, x, yo)
                {
                    return 2;
                }
                if *crossed && level == NAME_ELSE {
                    let across =
                        other.is_some_and(|(xo, yo)| memo.near(f, x, yo) || memo.near(f, xo, y));
                    return if across { NAME_ELSE } else { NAME_ELSE + 1 };
                }
                level
            }
            Method::Date { within_days } => match (f.date(field, a), f.date(field, b)) {
                (Some(x), Some(y)) => date_level(&x, &y, *within_days),
                _ => NULL_LEVEL,
            },
            Method::Postcode => match (f.postcode(field, a), f.postcode(field, b)) {
                (Some(x), Some(y)) => {
                    let level = postcode_level(x, y);
                    if level == 5 && codes_slip(f, field, (x, y), a, b) {
                        2
                    } else {
                        level
                    }
                }
                _ => NULL_LEVEL,
            },
            Method::Address => match (f.address_words(field, a), f.address_words(field, b)) {
                (Some(x), Some(y)) => {
                    let o = overlap(x, y);
                    if o >= 0.8 {
                        1
                    } else if o >= 0.5 {
                        2
                    } else {
                        3
                    }
                }
                _ => NULL_LEVEL,
            },
            Method::Exact => match (f.value_key(field, a), f.value_key(field, b)) {
                (Some(x), Some(y)) => {
                    if x == y {
                        1
                    } else {
                        2
                    }
                }
                _ => NULL_LEVEL,
            },
            Method::Identifier => match (f.identifier(field, a), f.identifier(field, b)) {
                (Some((x, xs)), Some((y, ys)))
                    if x == y
                        // One number agrees with another only under a
                        // prefix of letters the other lacks, which makes
                        // it longer: two keys of one length, or without
                        // letters, that differ are not read again.
                        || ((xs | ys) & SKETCH_LETTERS != 0
                            && xs >> 27 != ys >> 27
                            && f.same_identifier(field, a, b)) =>
                {
                    1
                }
                (Some((_, xs)), Some((_, ys))) => {
                    let near = (xs >> 27).abs_diff(ys >> 27) <= 1
                        && ((xs ^ ys) & SKETCH_MASK).count_ones() <= 2;
                    let slip = near
                        && f.text(field, a)
                            .zip(f.text(field, b))
                            .is_some_and(|(x, y)| one_edit(x.as_bytes(), y.as_bytes()));
                    if slip { 2 } else { 3 }
                }
                _ => NULL_LEVEL,
            },
            Method::Number { tolerance } => match (f.number(field, a), f.number(field, b)) {
                (Some(x), Some(y)) => {
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
            },
            Method::Place {
                address,
                town,
                region,
                postcode,
            } => place_level(f, [*address, *town, *region, *postcode], a, b),
        }
    }
}

/// The levels of the pairs of names compared last, by a hash of the pair:
/// comparing two names (Jaro-Winkler above all) costs far more than
/// looking them up, and the same few names meet again and again.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameMemo {
    /// (smaller id, larger id, level); `u32::MAX` ids for an empty slot.
    /// Empty when made by `default`, which remembers nothing.
    slots: Vec<(u32, u32, u8)>,
}

/// Pairs of names a [`NameMemo`] holds: a few hundred kilobytes per
/// thread, which covers the common names of a population.
const MEMO_SLOTS: usize = 1 << 14;

impl NameMemo {
    /// A memo with room for [`MEMO_SLOTS`] pairs.
    pub(crate) fn new() -> NameMemo {
        NameMemo {
            slots: vec![(u32::MAX, u32::MAX, 0); MEMO_SLOTS],
        }
    }

    /// Whether two name ids are the same name or near it (Jaro-Winkler
    /// at least 0.92).
    fn near(&mut self, f: &Features, x: u32, y: u32) -> bool {
        if x == y {
            return true;
        }
        // Jaro-Winkler is at most 0.6 + 0.4 Jaro (a prefix of four), so
        // near needs Jaro at least 0.8: most pairs of names are ruled out
        // by their letters alone, without the memo or a full level.
        if let (Some((_, xv)), Some((_, yv))) = (f.name(x), f.name(y))
            && let (Some(a), Some(b)) = (&xv.letters, &yv.letters)
            && a.jaro_at_most(b) < NEAR_JARO_MIN
        {
            return false;
        }
        self.level(f, x, y) == NAME_NEAR
    }

    /// The level of two different name ids, which [`name_level`] gives
    /// the same either way round.
    fn level(&mut self, f: &Features, x: u32, y: u32) -> u8 {
        let (lo, hi) = (x.min(y), x.max(y));
        let h = (u64::from(lo) << 32 | u64::from(hi)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let at = (h >> 50) as usize % MEMO_SLOTS;
        match self.slots.get_mut(at) {
            Some(slot) if slot.0 == lo && slot.1 == hi => slot.2,
            Some(slot) => {
                let level = name_level(f, lo, hi);
                *slot = (lo, hi, level);
                level
            }
            None => name_level(f, lo, hi),
        }
    }
}

/// Levels of [`NAME_LEVELS`] for two different name ids that are not
/// given and family names swapped.
fn name_level(f: &Features, x: u32, y: u32) -> u8 {
    let (Some((xt, xv)), Some((yt, yv))) = (f.name(x), f.name(y)) else {
        return NULL_LEVEL;
    };
    // One side written as initials only ("J" or "J R"): only the initial
    // can be compared, whatever spelling, sound or nickname would say of
    // the letters ("J" is within Jaro-Winkler 0.80 of "Jo").
    if xv.initials_only || yv.initials_only {
        return if xv.initial == yv.initial {
            NAME_INITIAL
        } else {
            NAME_INITIALS_DIFFER
        };
    }
    // Below 0.7 Jaro gets no prefix bonus, so Jaro-Winkler stays under
    // both thresholds and need not be computed.
    let may_be_near = match (&xv.letters, &yv.letters) {
        (Some(x), Some(y)) => x.jaro_at_most(y) > 0.7,
        _ => true,
    };
    let jw = if may_be_near {
        jaro_winkler(xt, yt)
    } else {
        0.0
    };
    if jw >= 0.92 {
        return NAME_NEAR;
    }
    if one_part_of(xt, yt) {
        return NAME_PART;
    }
    if jw >= 0.80 {
        return 5;
    }
    if xv.nicknames.iter().any(|g| yv.nicknames.contains(g)) {
        return 6;
    }
    let [xp, xa] = xv.metaphone;
    let [yp, ya] = yv.metaphone;
    if xp != 0 && (xp == yp || xp == ya || (xa != 0 && (xa == yp || xa == ya))) {
        return 7;
    }
    NAME_ELSE
}

/// Whether every word of one folded name is a word of the other, which
/// has more: a surname written with a space for its hyphen and then split
/// ("James Okonjo Smith" read as given "James Okonjo", family "Smith"), or
/// one part of it used alone. Single letters are left to the initial levels.
fn one_part_of(x: &str, y: &str) -> bool {
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    // Most names compared are one word each, which no word list can hold as
    // a part: this runs for nearly every pair sampled to estimate u, so it
    // neither splits nor allocates for them.
    if !long.contains(' ') {
        return false;
    }
    short.split(' ').count() < long.split(' ').count()
        && short
            .split(' ')
            .all(|w| w.chars().nth(1).is_some() && long.split(' ').any(|l| l == w))
}

/// Levels of [`DATE_LEVELS`].
pub fn date_level(x: &DateFeatures, y: &DateFeatures, within_days: i64) -> u8 {
    // A date known to the month only (a companies register gives officers'
    // birth month and year) says nothing of the day: it can agree on the
    // month and year, or on the year, never exactly.
    if x.day == 0 || y.day == 0 {
        return match (x.year == y.year, x.month == y.month) {
            (true, true) => 4,
            (true, false) => 6,
            _ => apart_or_else(x, y),
        };
    }
    if x.days == y.days {
        return 1;
    }
    if x.year == y.year && x.month == y.day && x.day == y.month {
        return 2;
    }
    // A day or a month keyed wrong, or a year one off or with one digit
    // wrong; a year far off with the same day and month is more often a
    // relative with the same birthday than a slip.
    let same = u8::from(x.year == y.year) + u8::from(x.month == y.month) + u8::from(x.day == y.day);
    if same == 2 && (x.year == y.year || year_slip(x.year, y.year)) {
        return 3;
    }
    if (i64::from(x.days) - i64::from(y.days)).abs() <= within_days {
        return 5;
    }
    if x.year == y.year {
        return 6;
    }
    apart_or_else(x, y)
}

/// "a generation apart" when the birth years are [`GENERATION_YEARS`] or
/// more apart, else "else". Slips of a digit or of the day and month were
/// told apart before, and reach neither. The first of January is left at
/// "else": it is the commonest placeholder, and where an unknown day and
/// month are filled in, so it says too little to part two records firmly.
fn apart_or_else(x: &DateFeatures, y: &DateFeatures) -> u8 {
    let new_year = |d: &DateFeatures| d.month == 1 && d.day == 1;
    if x.year.abs_diff(y.year) >= GENERATION_YEARS && !new_year(x) && !new_year(y) {
        DATE_GENERATION
    } else {
        7
    }
}

/// Whether two different years are one off, or one digit apart (typed
/// wrong or two digits swapped).
fn year_slip(x: i16, y: i16) -> bool {
    let digits = |year: i16| {
        let y = year.unsigned_abs();
        [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10].map(|d| b'0' + d as u8)
    };
    x.abs_diff(y) <= 1 || (x.signum() == y.signum() && one_edit(&digits(x), &digits(y)))
}

/// Levels of [`POSTCODE_LEVELS`].
fn postcode_level(x: Code, y: Code) -> u8 {
    if x.id == y.id {
        return 1;
    }
    match (x.uk, y.uk) {
        (Some(x), Some(y)) if x.sector == y.sector => 2,
        (Some(x), Some(y)) if x.district == y.district => 3,
        (Some(x), Some(y)) if x.area == y.area => 4,
        _ => 5,
    }
}

/// Levels of [`PLACE_LEVELS`]; `roles` are the address, town, region and
/// postcode fields. The words of the addresses are read only when the
/// level depends on them.
fn place_level(f: &Features, roles: [Option<usize>; 4], a: u32, b: u32) -> u8 {
    let [address, town, region, postcode] = roles;
    let same = |field: Option<usize>| {
        let field = field?;
        let (x, y) = (f.value_key(field, a)?, f.value_key(field, b)?);
        Some(x == y)
    };
    let (same_town, same_region) = (same(town), same(region));
    let codes = postcode.and_then(|p| f.postcode(p, a).zip(f.postcode(p, b)));
    let addresses = address.and_then(|d| Some((d, f.address(d, a)?, f.address(d, b)?)));
    let same_dwelling = || {
        addresses.is_some_and(|(d, (x, xs), (y, ys))| {
            x == y
                || (may_be_same_address(xs, ys)
                    && f.address_words(d, a)
                        .zip(f.address_words(d, b))
                        .is_some_and(|(x, y)| same_address(x, y)))
        })
    };
    if codes.is_none() && same_town.is_none() && same_region.is_none() && addresses.is_none() {
        return NULL_LEVEL;
    }
    // Sector, district and area agreement of two UK postcodes.
    let uk = codes.and_then(|(x, y)| {
        let (x, y) = (x.uk?, y.uk?);
        Some((
            x.sector == y.sector,
            x.district == y.district,
            x.area == y.area,
        ))
    });
    if codes.is_some_and(|(x, y)| x.id == y.id) {
        return if same_dwelling() { 1 } else { 2 };
    }
    let elsewhere = same_town == Some(false)
        || same_region == Some(false)
        || uk.is_some_and(|(_, _, area)| !area);
    if !elsewhere && same_dwelling() {
        return 3;
    }
    // As for two UK postcodes of one sector, the town or region on record
    // is not asked: it is as often the field mistyped.
    let slip =
        || postcode.is_some_and(|p| codes.is_some_and(|(x, y)| codes_slip(f, p, (x, y), a, b)));
    if uk.is_some_and(|(sector, _, _)| sector) || slip() {
        return 4;
    }
    if uk.is_some_and(|(_, district, _)| district) || same_town == Some(true) {
        return 5;
    }
    if uk.is_some_and(|(_, _, area)| area) || same_region == Some(true) {
        return 6;
    }
    7
}

/// Whether two different codes, not both UK postcodes, are one keying
/// slip apart (a character mistyped, dropped or two swapped): for codes
/// without sectors and districts to share, the nearest they come to one
/// place. Two UK postcodes a slip apart mostly share a sector already.
fn codes_slip(f: &Features, field: usize, (x, y): (Code, Code), a: u32, b: u32) -> bool {
    x.id != y.id
        && (x.uk.is_none() || y.uk.is_none())
        && f.text(field, a)
            .zip(f.text(field, b))
            .is_some_and(|(x, y)| one_edit(x.as_bytes(), y.as_bytes()))
}

/// Whether `a` becomes `b` by one substitution, insertion, deletion or
/// swap of neighbours.
pub fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (
        a.get(prefix..).unwrap_or_default(),
        b.get(prefix..).unwrap_or_default(),
    );
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (
        a.get(..a.len() - suffix.min(a.len())).unwrap_or_default(),
        b.get(..b.len() - suffix.min(b.len())).unwrap_or_default(),
    );
    match (a, b) {
        // Substitution, insertion or deletion of one character.
        ([_], [_]) | ([_], []) | ([], [_]) => true,
        ([p, q], [r, s]) => p == s && q == r,
        _ => false,
    }
}

/// Whether the sketches of two addresses allow [`same_address`]: every
/// word of the shorter that is missing from the longer can clear a bit of
/// the sketch, so more cleared bits than words it may miss, or a cleared
/// number bit, rule it out.
fn may_be_same_address(x: u32, y: u32) -> bool {
    let (lx, ly) = (x >> 27, y >> 27);
    if lx == 31 || ly == 31 {
        return true;
    }
    let shortest = lx.min(ly);
    let may_miss = shortest - shortest.min(2).max((4 * shortest).div_ceil(5));
    let fits = |s: u32, l: u32| {
        let cleared = s & !l & (WORD_BITS | NUMBER_BITS);
        cleared & NUMBER_BITS == 0 && cleared.count_ones() <= may_miss
    };
    (lx > shortest || fits(x, y)) && (ly > shortest || fits(y, x))
}

/// Whether two addresses (sorted distinct word hashes) name one dwelling:
/// nearly every word of the shorter is in the longer, at least two words
/// (or the one word of a house name) are shared, and every number of the
/// shorter is in the longer, so that "Flat 3, 12 High Street" is
/// "12 High Street" but neither "14 High Street" nor "Flat 4, 12 High
/// Street".
pub fn same_address(x: &[u64], y: &[u64]) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    let (mut x_numbers_alone, mut y_numbers_alone) = (0usize, 0usize);
    loop {
        match (x.get(i), y.get(j)) {
            (Some(a), Some(b)) if a == b => {
                shared += 1;
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                x_numbers_alone += usize::from(has_digit(*a));
                i += 1;
            }
            (Some(_), Some(b)) => {
                y_numbers_alone += usize::from(has_digit(*b));
                j += 1;
            }
            (Some(a), None) => {
                x_numbers_alone += usize::from(has_digit(*a));
                i += 1;
            }
            (None, Some(b)) => {
                y_numbers_alone += usize::from(has_digit(*b));
                j += 1;
            }
            (None, None) => break,
        }
    }
    let shortest = x.len().min(y.len());
    let numbers_agree = (x.len() > shortest || x_numbers_alone == 0)
        && (y.len() > shortest || y_numbers_alone == 0);
    shortest > 0 && shared >= shortest.min(2) && 5 * shared >= 4 * shortest && numbers_agree
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
    use crate::record::Record;

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

    fn record(vals: [Option<&str>; 7]) -> Record {
        Record {
            id: String::new(),
            fields: vals.iter().map(|v| v.map(str::to_owned)).collect(),
        }
    }

    /// The level label of comparing field `field` with values `x` and `y`,
    /// the other fields fixed.
    fn label(field: &str, x: Option<&str>, y: Option<&str>) -> &'static str {
        let i = schema().index(field).unwrap();
        if i < 2 {
            label_full(field, [x, Some("Smith")], [y, Some("Smith")])
        } else {
            let (mut a, mut b) = ([None; 7], [None; 7]);
            a[i] = x;
            b[i] = y;
            label_of(field, a, b)
        }
    }

    /// As [`label`], giving the given and family names of both sides.
    fn label_full(field: &str, x: [Option<&str>; 2], y: [Option<&str>; 2]) -> &'static str {
        let (mut a, mut b) = ([None; 7], [None; 7]);
        a[..2].copy_from_slice(&x);
        b[..2].copy_from_slice(&y);
        label_of(field, a, b)
    }

    fn label_of(field: &str, a: [Option<&str>; 7], b: [Option<&str>; 7]) -> &'static str {
        let s = schema();
        let mut c = Comparison::for_field(&s, field).unwrap();
        if let Method::Number { tolerance } = &mut c.method {
            *tolerance = 2.0;
        }
        let f = Features::compute(&s, &[record(a), record(b)]).unwrap();
        c.levels()[usize::from(c.level(&f, 0, 1))]
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
        // issue 16, item 1: initials are weak evidence either way, never
        // that of a full name.
        assert_eq!(n("J", "J"), "initial");
        assert_eq!(n("J R", "John"), "initial");
        assert_eq!(n("J", "Jo"), "initial");
        assert_eq!(n("J", "K"), "initials differ");
        assert_eq!(n("J R", "Kevin"), "initials differ");
        assert_eq!(n("Mary", "Zebedee"), "else");
        // issue 16: one part of a double-barrelled surname, however it is
        // written, and a first name without the second.
        let f = |x, y| label_full("family", [Some("Ann"), Some(x)], [Some("Ann"), Some(y)]);
        assert_eq!(f("Jones", "Smith Jones"), "one part of the other");
        assert_eq!(f("Smith-Jones", "SMITH"), "one part of the other");
        assert_eq!(f("Smith-Jones", "Smith Jones"), "exact");
        assert_eq!(f("Okonjo-Smith", "Smith"), "one part of the other");
        assert_eq!(n("Mary", "Mary-Ann"), "one part of the other");
        assert_eq!(f("Smith Jones", "Jones Brown"), "else");
        assert_eq!(n("J", "John James"), "initial");
        assert_eq!(
            label_full(
                "given",
                [Some("Smith"), Some("John")],
                [Some("John"), Some("Smith")]
            ),
            "given and family swapped"
        );
        // Swapped, then each mistyped.
        assert_eq!(
            label_full(
                "given",
                [Some("Whitbe"), Some("Alexa-Rose")],
                [Some("Alexa-Rxose"), Some("Whit")]
            ),
            "given and family swapped"
        );
        // One name in the other's place, the other a different name: the
        // family name's comparison says so, the given name's does not, so
        // that the one shared name counts once.
        let half = |field| {
            label_full(
                field,
                [Some("Kelsy"), Some("Berryman")],
                [Some("Berryman"), Some("Phoebe")],
            )
        };
        assert_eq!(half("given"), "else");
        assert_eq!(half("family"), "in the other's given name");
        for (x, y, level) in [
            // Either way across, and mistyped.
            (
                ["Rawlings", "Lacjlan"],
                ["Andrew", "Rawlinsg"],
                "in the other's given name",
            ),
            (["Mary", "Jones"], ["Ann", "Smith"], "else"),
            // A name that matches as it stands is not taken for crossed.
            (["Smith", "Smith"], ["Ann", "Smith"], "exact"),
        ] {
            let label = label_full("family", x.map(Some), y.map(Some));
            assert_eq!(label, level, "{x:?} {y:?}");
        }
        // Near as they stand: not taken for swapped.
        assert_eq!(
            label_full(
                "given",
                [Some("Jon"), Some("Johns")],
                [Some("John"), Some("Jon")]
            ),
            "jaro-winkler >= 0.92"
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
        assert_eq!(d("1980-03-04", "1908-03-04"), "one component off");
        assert_eq!(d("1980-03-04", "1989-03-04"), "one component off");
        // The same birthday decades apart: more often a relative than a slip.
        assert_eq!(d("1980-03-04", "2012-03-04"), "a generation apart");
        // issue 16: a parent and a child, to the day or to the month, are
        // a generation apart; a year off by ten, or less than fifteen
        // years between, is not.
        assert_eq!(d("1962-12-04", "1988-06-19"), "a generation apart");
        assert_eq!(d("1962-12", "1988-06-19"), "a generation apart");
        assert_eq!(d("1975-06-19", "1988-02-03"), "else");
        assert_eq!(d("1970-06-19", "1985-02-03"), "a generation apart");
        assert_eq!(d("1985-03-04", "1958-03-04"), "one component off");
        assert_eq!(d("1985-03-04", "1985-04-03"), "day and month swapped");
        // A placeholder's first of January never parts two records firmly.
        assert_eq!(d("1900-01-01", "1975-06-19"), "else");
        assert_eq!(d("1980-03-04", "1970-03-04"), "one component off");
        assert_eq!(d("1980-01-30", "1980-02-02"), "within n days");
        assert_eq!(d("1980-01-30", "1980-11-02"), "same year");
        // issue 16, item 3: a date known to the month only, and timestamps.
        assert_eq!(d("1980-03", "1980-03-04"), "month and year, day unknown");
        assert_eq!(d("1980-03", "1980-03"), "month and year, day unknown");
        assert_eq!(d("1980-03-01", "1980-03"), "month and year, day unknown");
        assert_eq!(d("1980-03", "1980-07-04"), "same year");
        assert_eq!(d("1980-03", "1981-03-04"), "else");
        assert_eq!(d("1980-03-04T09:15", "1980-03-04"), "exact");
        assert_eq!(
            d("1980-03-04 09:15:07", "1980-03-05T23:59:59"),
            "one component off"
        );
        assert_eq!(label("dob", Some("1980-13"), Some("1980-01-02")), "null");
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
        // Other countries' codes agree whole or not at all.
        assert_eq!(p("2612", "2612"), "full");
        // Codes of other countries a keying slip apart are as near as
        // they can tell.
        assert_eq!(p("2612", "2613"), "sector");
        assert_eq!(p("2612", "2621"), "sector");
        assert_eq!(p("2612", "2699"), "else");
        assert_eq!(p("2612", "SW1A 1AA"), "else");
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
        assert_eq!(
            label("nino", Some("AB123456C"), Some("AB123456D")),
            "one edit or transposition"
        );
        assert_eq!(
            label("nino", Some("AB123456C"), Some("AB124356C")),
            "one edit or transposition"
        );
        assert_eq!(
            label("nino", Some("AB123456C"), Some("AB12356C")),
            "one edit or transposition"
        );
        assert_eq!(label("nino", Some("AB123456C"), Some("AB654321C")), "else");
        assert_eq!(label("height", Some("170"), Some("170.0")), "exact");
        assert_eq!(
            label("height", Some("170"), Some("171.5")),
            "within tolerance"
        );
        assert_eq!(label("height", Some("170"), Some("180")), "else");
        assert_eq!(label("height", Some("170"), None), "null");
    }

    fn place_schema() -> Schema {
        Schema::new([
            ("address", FieldKind::Address),
            ("town", FieldKind::Town),
            ("county", FieldKind::Region),
            ("postcode", FieldKind::Postcode),
            ("dob", FieldKind::Date),
        ])
    }

    /// The place level of two (address, town, county, postcode) values.
    fn place(x: [Option<&str>; 4], y: [Option<&str>; 4]) -> &'static str {
        let s = place_schema();
        let c = Comparison::place(&s, "place", &["postcode", "address", "town", "county"]).unwrap();
        let rec = |v: [Option<&str>; 4]| Record {
            id: String::new(),
            fields: v
                .iter()
                .chain(&[None])
                .map(|v| v.map(str::to_owned))
                .collect(),
        };
        let f = Features::compute(&s, &[rec(x), rec(y)]).unwrap();
        c.levels()[usize::from(c.level(&f, 0, 1))]
    }

    #[test]
    fn place_levels() {
        let home = [
            Some("Flat 3, 12 High Street"),
            Some("Leeds"),
            Some("West Yorkshire"),
            Some("LS1 1AA"),
        ];
        let with = |i: usize, v: Option<&'static str>| {
            let mut x = home;
            x[i] = v;
            x
        };
        assert_eq!(place(home, [None; 4]), "null");
        assert_eq!(
            place(home, with(0, Some("12 high street"))),
            "address and postcode"
        );
        assert_eq!(place(home, with(0, Some("14 High Street"))), "postcode");
        assert_eq!(
            place(home, with(0, Some("Flat 4, 12 High Street"))),
            "postcode"
        );
        assert_eq!(place(home, with(0, None)), "postcode");
        // A slip in the postcode: the dwelling still says who it is.
        assert_eq!(place(home, with(3, Some("LS1 7AA"))), "address");
        assert_eq!(place(home, with(3, None)), "address");
        // The same street address in another town is another dwelling.
        let york = [
            Some("12 High Street"),
            Some("York"),
            Some("North Yorkshire"),
            Some("YO1 7HH"),
        ];
        assert_eq!(place(home, york), "else");
        let canberra = [Some("40 Mill Lane"), Some("Forrest"), None, Some("2603")];
        let slip = [Some("7 Wattle Street"), Some("Forrest"), None, Some("2630")];
        assert_eq!(place(canberra, slip), "postcode sector");
        let neighbour = [
            Some("40 Mill Lane"),
            Some("Leeds"),
            Some("West Yorkshire"),
            Some("LS1 1AB"),
        ];
        assert_eq!(place(home, neighbour), "postcode sector");
        assert_eq!(place(home, with(3, Some("LS1 2AB"))), "address");
        let across_town = [Some("40 Mill Lane"), Some("Leeds"), None, Some("LS1 2AB")];
        assert_eq!(place(home, across_town), "postcode district or town");
        assert_eq!(
            place(home, [Some("40 Mill Lane"), Some("Leeds"), None, None]),
            "postcode district or town"
        );
        assert_eq!(
            place(
                home,
                [Some("40 Mill Lane"), Some("Otley"), None, Some("LS21 3AB")]
            ),
            "postcode area or region"
        );
        assert_eq!(
            place(
                home,
                [None, Some("Wakefield"), Some("West Yorkshire"), None]
            ),
            "postcode area or region"
        );
        assert_eq!(
            place(
                home,
                [
                    Some("40 Mill Lane"),
                    Some("Wakefield"),
                    None,
                    Some("WF1 1AB")
                ]
            ),
            "else"
        );
        // Postcodes of other countries compare whole, or as a slip.
        let au = [
            Some("7 Banks Street"),
            Some("Yarralumla"),
            Some("ACT"),
            Some("2600"),
        ];
        let au2 = [
            Some("9 Hale Crescent"),
            Some("Yarralumla"),
            Some("ACT"),
            Some("2600"),
        ];
        assert_eq!(place(au, au2), "postcode");
        let mut moved = au;
        moved[3] = Some("2601");
        assert_eq!(place(au, moved), "address");
        moved[0] = Some("9 Hale Crescent");
        assert_eq!(place(au, moved), "postcode sector");
        let au3 = [
            Some("9 Hale Crescent"),
            Some("Deakin"),
            Some("ACT"),
            Some("2601"),
        ];
        assert_eq!(place(au, au3), "postcode sector");
        let au4 = [
            Some("9 Hale Crescent"),
            Some("Deakin"),
            Some("ACT"),
            Some("2611"),
        ];
        assert_eq!(place(au, au4), "postcode area or region");
    }

    #[test]
    fn place_roles_come_from_field_kinds() {
        let s = place_schema();
        let c = Comparison::place(&s, "where", &["county", "postcode"]).unwrap();
        assert_eq!(
            c.method,
            Method::Place {
                address: None,
                town: None,
                region: Some(2),
                postcode: Some(3)
            }
        );
        assert_eq!(c.field, 2);
        assert_eq!(c.levels(), PLACE_LEVELS);
        let err = Comparison::place(&s, "where", &["postcode", "dob"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `dob` is a date field, the comparison needs a place field (address, town, region or postcode)"
        );
        let two = Schema::new([("town", FieldKind::Town), ("suburb", FieldKind::Town)]);
        let err = Comparison::place(&two, "where", &["town", "suburb"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "comparison `where` has two town fields, `town` and `suburb`; give it one"
        );
        assert!(matches!(
            Comparison::place(&s, "where", &[]),
            Err(ResolveError::NoFields { .. })
        ));
        assert!(matches!(
            Comparison::place(&s, "where", &["nowhere"]),
            Err(ResolveError::UnknownField { .. })
        ));
    }

    #[test]
    fn is_place_covers_the_place_kinds() {
        let places: Vec<&str> = [
            FieldKind::GivenName,
            FieldKind::FamilyName,
            FieldKind::FullName,
            FieldKind::Date,
            FieldKind::Postcode,
            FieldKind::Address,
            FieldKind::Identifier,
            FieldKind::Town,
            FieldKind::Region,
            FieldKind::Number,
        ]
        .into_iter()
        .filter(|k| k.is_place())
        .map(FieldKind::as_str)
        .collect();
        assert_eq!(places, ["postcode", "address", "town", "region"]);
    }

    #[test]
    fn sketches_never_rule_out_the_same_address() {
        use crate::rng::SplitMix64;
        let words = [
            "flat", "1", "2", "12", "14", "high", "street", "mill", "lane", "rosebank", "the",
        ];
        let mut rng = SplitMix64::new(8);
        let records: Vec<Record> = (0..400)
            .map(|i| {
                let n = 1 + rng.below(6) as usize;
                let address: Vec<&str> = (0..n)
                    .map(|_| words[rng.below(words.len() as u64) as usize])
                    .collect();
                Record {
                    id: i.to_string(),
                    fields: vec![Some(address.join(" "))],
                }
            })
            .collect();
        let s = Schema::new([("a", FieldKind::Address)]);
        let f = Features::compute(&s, &records).unwrap();
        let (mut same, mut skipped) = (0, 0);
        for a in 0..400 {
            for b in 0..400 {
                let (Some((_, x)), Some((_, y))) = (f.address(0, a), f.address(0, b)) else {
                    panic!()
                };
                let words = |i| f.address_words(0, i).unwrap();
                if same_address(words(a), words(b)) {
                    same += 1;
                    assert!(
                        may_be_same_address(x, y),
                        "{:?} {:?}",
                        records[a as usize],
                        records[b as usize]
                    );
                } else if !may_be_same_address(x, y) {
                    skipped += 1;
                }
            }
        }
        // The test reaches both cases, and the sketch saves most reads.
        assert!(same > 400, "{same}");
        assert!(skipped > 400 * 400 / 2, "{skipped}");
    }

    #[test]
    fn identifier_sketches_never_rule_out_one_edit() {
        use crate::rng::SplitMix64;
        let mut rng = SplitMix64::new(4);
        let alphabet = b"ab12";
        let mut ids: Vec<String> = Vec::new();
        for _ in 0..300 {
            let n = 3 + rng.below(5) as usize;
            let id: Vec<u8> = (0..n).map(|_| alphabet[rng.below(4) as usize]).collect();
            let mut slipped = id.clone();
            let at = rng.below(n as u64 - 1) as usize;
            match rng.below(4) {
                0 => slipped[at] = alphabet[rng.below(4) as usize],
                1 => slipped.swap(at, at + 1),
                2 => {
                    slipped.remove(at);
                }
                _ => slipped.insert(at, alphabet[rng.below(4) as usize]),
            }
            ids.push(String::from_utf8(id).unwrap());
            ids.push(String::from_utf8(slipped).unwrap());
        }
        let s = Schema::new([("id", FieldKind::Identifier)]);
        let records: Vec<Record> = ids
            .iter()
            .map(|v| Record {
                id: v.clone(),
                fields: vec![Some(v.clone())],
            })
            .collect();
        let f = Features::compute(&s, &records).unwrap();
        let c = Comparison::for_field(&s, "id").unwrap();
        // As keyed: a number without leading zeros.
        let keyed: Vec<String> = ids
            .iter()
            .map(|v| {
                let mut k = v.clone();
                crate::features::unpadded(&mut k);
                k
            })
            .collect();
        for a in 0..ids.len() {
            for b in 0..ids.len() {
                let (x, y) = (keyed[a].as_bytes(), keyed[b].as_bytes());
                let expected = if x == y || f.same_identifier(0, a as u32, b as u32) {
                    1
                } else if one_edit(x, y) {
                    2
                } else {
                    3
                };
                assert_eq!(
                    c.level(&f, a as u32, b as u32),
                    expected,
                    "{} {}",
                    ids[a],
                    ids[b]
                );
            }
        }
    }

    #[test]
    fn one_edit_is_one_keying_slip() {
        let e = |a: &str, b: &str| one_edit(a.as_bytes(), b.as_bytes());
        assert!(e("abc", "abd") && e("abc", "acb") && e("abc", "ab") && e("ab", "aab"));
        assert!(e("", "a") && e("a", "b"));
        assert!(!e("abc", "abc") && !e("abc", "cba") && !e("abcd", "ab") && !e("abc", "xbz"));
    }

    #[test]
    fn same_address_needs_the_numbers() {
        let s = Schema::new([("a", FieldKind::Address)]);
        let f = Features::compute(
            &s,
            &[
                Record {
                    id: "x".into(),
                    fields: vec![Some("Rosebank".into())],
                },
                Record {
                    id: "y".into(),
                    fields: vec![Some("rosebank".into())],
                },
                Record {
                    id: "z".into(),
                    fields: vec![Some("High Street".into())],
                },
                Record {
                    id: "w".into(),
                    fields: vec![Some("12 High Street".into())],
                },
            ],
        )
        .unwrap();
        let w = |i| f.address_words(0, i).unwrap();
        assert!(same_address(w(0), w(1)));
        assert!(!same_address(w(0), w(2)));
        // A missing house number does not contradict one on record.
        assert!(same_address(w(2), w(3)));
    }
}
