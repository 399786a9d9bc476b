//! Comparison features, held once per distinct value. People's records
//! repeat a few thousand names, towns and streets millions of times, so each
//! distinct value is normalised (folded, coded phonetically, split into
//! postcode parts or address words) once, and every record holds a few
//! 4-byte slots per field, side by side: the value's id and what most
//! comparisons need without looking further (a date's parts, a postcode's
//! sector, district and area, sketches of identifiers and addresses). That
//! makes features cheap to compute and to hold, exact agreement a comparison
//! of two integers, and comparing a pair a read of one or two cache lines
//! per record.

use std::hash::{BuildHasherDefault, Hasher};

use clearstone_text::nickname::{GroupId, groups_of};
use clearstone_text::phonetic::double_metaphone;
use clearstone_text::{Date, Postcode, fold_into, fold_onto};
use hashbrown::HashTable;
use hashbrown::hash_table::Entry as HashEntry;
use rayon::prelude::*;

use crate::error::ResolveError;
use crate::jaro::Letters;
use crate::record::{FieldKind, Record, Schema, VALUE_SEPARATOR};
use crate::rng;
use crate::values::Values;

/// The id of a missing value.
pub(crate) const NONE: u32 = u32::MAX;

/// The most records features hold, so that a record index fits in a `u32`.
pub const RECORDS_MAX: usize = u32::MAX as usize;

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

/// The hash of a value, as dictionaries and blocking keys take it: eight
/// bytes a step rather than FNV-1a's one, which was a quarter of the time
/// spent preparing values. Stable across runs and platforms like FNV-1a,
/// but never written anywhere: model versions keep FNV-1a.
pub(crate) fn value_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut last = [0u8; 8];
    let rest = words.remainder();
    if let Some(to) = last.get_mut(..rest.len()) {
        to.copy_from_slice(rest);
    }
    rng::mix(h ^ u64::from_le_bytes(last))
}

/// A hasher for map keys that are hashes already: hashing them again with
/// SipHash would cost more than the lookups it serves.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PassHasher(u64);

impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(bytes, self.0 ^ FNV_OFFSET);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

pub(crate) type PassBuild = BuildHasherDefault<PassHasher>;

/// Distinct strings, each stored once in one buffer and named by its
/// position.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dictionary {
    text: String,
    ends: Vec<usize>,
    /// Ids, found by hash: each entry is half of its value's hash above
    /// the id, so that neither probing nor growing the index reads
    /// anything but the index itself.
    index: HashTable<u64>,
    /// How many times each id was interned: the values a field's records
    /// hold, each value of a record once.
    held: Vec<u32>,
}

/// An index entry's hash, as the table wants it, from the half of the
/// value's hash it holds: the table takes its tag from the top bits and
/// the slot from the bottom ones.
fn entry_hash(entry: u64) -> u64 {
    let half = entry >> 32;
    half << 32 | half
}

impl Dictionary {
    pub(crate) fn get(&self, id: u32) -> &str {
        value(&self.text, &self.ends, id)
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Frees the index by hash; values are then found only by id.
    pub(crate) fn drop_index(&mut self) {
        self.index = HashTable::new();
    }

    /// The id of `s`, added if new, and whether it was; `None` when the
    /// dictionary is full, which the record limit rules out.
    pub(crate) fn intern(&mut self, s: &str) -> Option<(u32, bool)> {
        self.intern_hashed(s, value_hash(s.as_bytes()))
    }

    /// As [`Dictionary::intern`], given `h`, the [`value_hash`] of `s`.
    /// Values with one hash are told apart by their text, so that distinct
    /// values never share an id.
    fn intern_hashed(&mut self, s: &str, h: u64) -> Option<(u32, bool)> {
        let Dictionary {
            text,
            ends,
            index,
            held,
        } = self;
        // `value_hash` is mixed already: its top half is as good as any.
        let half = h & 0xffff_ffff_0000_0000;
        let same = |&e: &u64| e & 0xffff_ffff_0000_0000 == half && value(text, ends, e as u32) == s;
        match index.entry(entry_hash(half), same, |&e| entry_hash(e)) {
            HashEntry::Occupied(e) => {
                let id = *e.get() as u32;
                if let Some(n) = held.get_mut(id as usize) {
                    *n = n.saturating_add(1);
                }
                Some((id, false))
            }
            HashEntry::Vacant(e) => {
                let id = u32::try_from(ends.len()).ok().filter(|&i| i != NONE)?;
                e.insert(half | u64::from(id));
                text.push_str(s);
                ends.push(text.len());
                held.push(1);
                Some((id, true))
            }
        }
    }

    /// Whether more records hold the value `id` than one person's records
    /// and their household's would.
    fn shared(&self, id: u32) -> bool {
        self.held
            .get(id as usize)
            .is_some_and(|&n| n > SHARED_IDENTIFIER_MIN)
    }
}

/// Records above which an identifier's value names no one: a switchboard
/// every member of staff gives as a work phone, a shared inbox, a
/// placeholder. Agreeing on it is no evidence, so it is read as missing;
/// a household's landline, on the records of a few people, is not.
const SHARED_IDENTIFIER_MIN: u32 = 50;

/// The value with id `id` among values held one after another in `text`,
/// ending at `ends`.
fn value<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
    let i = id as usize;
    let start = match i.checked_sub(1) {
        Some(p) => ends.get(p).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(i).copied().unwrap_or(start);
    text.get(start..end).unwrap_or_default()
}

/// What comparing names needs of one distinct folded name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameValue {
    /// Double Metaphone, primary and alternate, each up to four ASCII
    /// characters packed into an integer; 0 when there is no code.
    pub metaphone: [u32; 2],
    /// Nickname groups of the first word; the table is static.
    pub nicknames: &'static [GroupId],
    /// The first character.
    pub initial: char,
    /// Whether every word is a single character ("j p").
    pub initials_only: bool,
    /// What bounds its Jaro similarity to another name.
    pub letters: Option<Letters>,
}

impl NameValue {
    fn of(folded: &str) -> NameValue {
        let (primary, alternate) = double_metaphone(folded);
        let first = folded.split(' ').next().unwrap_or_default();
        NameValue {
            metaphone: [pack(&primary), pack(&alternate)],
            nicknames: groups_of(first),
            initial: folded.chars().next().unwrap_or(' '),
            initials_only: folded.split(' ').all(|w| w.chars().nth(1).is_none()),
            letters: Letters::of(folded),
        }
    }
}

/// A Double Metaphone code (at most four ASCII characters) as an integer.
fn pack(code: &str) -> u32 {
    code.bytes()
        .take(4)
        .enumerate()
        .fold(0, |acc, (i, b)| acc | u32::from(b) << (8 * i))
}

/// A date's parts and its position on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFeatures {
    pub days: i32,
    pub year: i16,
    pub month: u8,
    pub day: u8,
}

impl DateFeatures {
    /// Stands for a missing date; no date has month 0.
    const MISSING: DateFeatures = DateFeatures {
        days: 0,
        year: 0,
        month: 0,
        day: 0,
    };

    /// Whether only the month and year are known (`day` is then 0).
    pub fn is_partial(&self) -> bool {
        self.day == 0
    }

    /// From `YYYY-MM-DD`; `YYYY-MM`, a date known to the month only (day
    /// 0, placed on the month's first day); or a timestamp
    /// (`YYYY-MM-DDTHH:MM[:SS]`), of which only the date is compared.
    fn parse(value: &str) -> DateFeatures {
        let value = value.trim();
        let bytes = value.as_bytes();
        let (date, partial) = match bytes.get(10) {
            Some(b'T' | b' ') => (Date::parse_iso(value.get(..10).unwrap_or_default()), false),
            None if bytes.len() == 7 => {
                let mut first = *b"0000-00-01";
                if let Some(head) = first.get_mut(..7) {
                    head.copy_from_slice(bytes);
                }
                let text = std::str::from_utf8(&first).unwrap_or_default();
                (Date::parse_iso(text), true)
            }
            _ => (Date::parse_iso(value), false),
        };
        let Ok(d) = date else {
            return DateFeatures::MISSING;
        };
        match (i32::try_from(d.days_since_epoch()), i16::try_from(d.year())) {
            (Ok(days), Ok(year)) => DateFeatures {
                days,
                year,
                month: d.month(),
                day: if partial { 0 } else { d.day() },
            },
            _ => DateFeatures::MISSING,
        }
    }
}

/// Where a name field's values occur: the records holding each name (by
/// id of the shared name dictionary) and all of them.
#[derive(Debug, Clone, Default)]
struct NameCounts {
    counts: Vec<u32>,
    total: u64,
}

#[derive(Debug, Clone, Default)]
struct PostcodeDictionary {
    /// Codes, upper case without spaces: the key records are matched by.
    codes: Dictionary,
    /// For each code, the id of its standard form among `parts` when it is
    /// a UK postcode, else [`NONE`].
    units: Vec<u32>,
    /// For each code, its sector, district and area among `parts`, or
    /// [`NONE`] for codes of other countries.
    code_parts: Vec<[u32; 3]>,
    /// Standard forms of UK units, sectors, districts and areas.
    parts: Dictionary,
}

#[derive(Debug, Clone, Default)]
struct AddressDictionary {
    text: Dictionary,
    /// Each address's words as sorted, distinct hashes (see [`word`]),
    /// one after another.
    words: Vec<u64>,
    word_ends: Vec<usize>,
    /// Each address's [`address_sketch`].
    sketches: Vec<u32>,
}

/// What a field holds beyond the records' slots.
#[derive(Debug, Clone)]
enum Column {
    Name(NameCounts),
    Date,
    Postcode(PostcodeDictionary),
    Address(AddressDictionary),
    /// Towns and regions (folded).
    Text(Dictionary),
    /// Identifiers (folded, spaces removed), each record with a sketch of
    /// its characters (see [`sketch`]) beside the id.
    Identifier(Dictionary),
    Number,
}

impl Column {
    fn new(kind: FieldKind) -> Column {
        match kind {
            FieldKind::GivenName | FieldKind::FamilyName | FieldKind::FullName => {
                Column::Name(NameCounts::default())
            }
            FieldKind::Date => Column::Date,
            FieldKind::Postcode => Column::Postcode(PostcodeDictionary::default()),
            FieldKind::Address => Column::Address(AddressDictionary::default()),
            FieldKind::Town | FieldKind::Region => Column::Text(Dictionary::default()),
            FieldKind::Identifier => Column::Identifier(Dictionary::default()),
            FieldKind::Number => Column::Number,
        }
    }

    /// The slots a record gives the field: one id for interned values; days
    /// and packed parts for a date; the code and its sector, district and
    /// area ids for a postcode; the bits of a number.
    fn slots(&self) -> usize {
        match self {
            Column::Name(_) | Column::Text(_) => 1,
            Column::Date | Column::Number | Column::Identifier(_) | Column::Address(_) => 2,
            Column::Postcode(_) => 4,
        }
    }
}

/// One field of one record, as comparisons see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldFeatures<'a> {
    /// No value, or a value that could not be read as its kind; both are
    /// the null level of a comparison.
    Missing,
    Name {
        folded: &'a str,
        value: &'a NameValue,
    },
    Date(DateFeatures),
    /// A UK postcode in standard form with its parts, or another
    /// country's code (upper case, no spaces) with none.
    Postcode {
        code: &'a str,
        uk: Option<UkParts<'a>>,
    },
    /// An address: folded, and its words as sorted distinct hashes.
    Address {
        folded: &'a str,
        words: &'a [u64],
    },
    /// Identifiers, towns and regions: the folded value.
    Text(&'a str),
    Number(f64),
}

/// The parts of a UK postcode, from "SW1A 1AA".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UkParts<'a> {
    /// "SW1A 1"
    pub sector: &'a str,
    /// "SW1A"
    pub district: &'a str,
    /// "SW"
    pub area: &'a str,
}

/// A UK postcode's sector, district and area ids, which two postcodes
/// share exactly when they share the part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts {
    pub sector: u32,
    pub district: u32,
    pub area: u32,
}

/// A record's postcode: the id of its code, and its parts when it is a UK
/// postcode (other countries' codes only compare whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code {
    pub id: u32,
    pub uk: Option<Parts>,
}

/// The features of every record, in record order. Each record holds a few
/// 4-byte slots per field, side by side, so that comparing a pair reads one
/// or two cache lines per record; the distinct values they name are held
/// once, in dictionaries.
#[derive(Debug, Clone)]
pub struct Features {
    schema: Schema,
    len: usize,
    slots: Vec<u32>,
    stride: usize,
    /// Each field's first slot in a record.
    at: Vec<usize>,
    /// Folded names of every name field, so that given and family names
    /// compare across fields (for swapped names) by id.
    names: Dictionary,
    name_values: Vec<NameValue>,
    columns: Vec<Column>,
    /// Slots of the further values of fields holding several (a previous
    /// surname, a former address): rows laid out as records' are, the
    /// `k`-th row of a record holding the `k+1`-th value of each of its
    /// fields that has one. Empty when no field holds several values, so
    /// that single-valued data pays nothing for them.
    extra_slots: Vec<u32>,
    /// For each record with further values, in record order: the record,
    /// its first row in `extra_slots` and its number of rows.
    extra: Vec<(u32, u32, u32)>,
}

/// Row ids with this bit set name rows of [`Features::extra_slots`]; a
/// record's own row is its index.
const EXTRA_ROW: u32 = 1 << 31;

/// The most values a field of one record holds; further ones are ignored,
/// so that a malformed record cannot multiply the pairs and levels it
/// costs.
pub const VALUES_MAX: usize = 8;

/// A record's rows: its own, then those of its further values.
pub(crate) type Rows =
    std::iter::Chain<std::iter::Once<u32>, std::iter::Map<std::ops::Range<u32>, fn(u32) -> u32>>;

fn extra_row(i: u32) -> u32 {
    i | EXTRA_ROW
}

/// A word's hash, its top bit set when it holds a digit: house numbers are
/// what tell two addresses on one street apart.
fn word(w: &str) -> u64 {
    let h = value_hash(w.as_bytes()) >> 1;
    if w.bytes().any(|b| b.is_ascii_digit()) {
        h | 1 << 63
    } else {
        h
    }
}

/// Bits of an [`address_sketch`]: words without digits, words with them,
/// and the number of words.
pub(crate) const WORD_BITS: u32 = (1 << 19) - 1;
pub(crate) const NUMBER_BITS: u32 = ((1 << 8) - 1) << 19;

/// An address's number of words (at most 31, in the top five bits) and
/// which bits its words set: words without a digit one of nineteen bits,
/// words with one (house and flat numbers) one of eight. A word of one
/// address missing from another clears at most one bit, so most pairs of
/// different addresses are told apart without reading their words.
fn address_sketch(words: &[u64]) -> u32 {
    let bits = words.iter().fold(0u32, |acc, &w| {
        acc | if has_digit(w) {
            1 << (19 + (w % 8) as u32)
        } else {
            1 << (w % 19) as u32
        }
    });
    (words.len().min(31) as u32) << 27 | bits
}

/// Whether a word hash is of a word holding a digit.
pub(crate) fn has_digit(word: u64) -> bool {
    word >> 63 == 1
}

/// The prefix of letters of an identifier that is a number after it
/// (`emp123`, `123`), and the number; `None` for any other identifier.
fn prefixed_number(key: &str) -> Option<(&str, &str)> {
    let digits = key.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let number = !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit());
    number.then(|| {
        (
            key.get(..key.len() - digits.len()).unwrap_or_default(),
            digits,
        )
    })
}

/// A number's leading zeros dropped, after any prefix of letters, as one
/// system pads what another writes bare (`00123`, `123`; `EMP0123`,
/// `EMP123`).
pub(crate) fn unpadded(id: &mut String) {
    let Some((prefix, digits)) = prefixed_number(id) else {
        return;
    };
    let zeros = digits.len() - digits.trim_start_matches('0').len();
    let zeros = zeros.min(digits.len() - 1);
    let at = prefix.len();
    id.drain(at..at + zeros);
}

/// Whether two identifiers' keys are one number, one of them written
/// with a prefix of letters the other lacks (`emp123`, `123`). Two
/// different prefixes (`sp12`, `st12`) may say which of two series a
/// number belongs to: they do not agree.
fn one_number(x: &str, y: &str) -> bool {
    match (prefixed_number(x), prefixed_number(y)) {
        (Some((px, nx)), Some((py, ny))) => nx == ny && (px.is_empty() || py.is_empty()),
        _ => false,
    }
}

/// An identifier's length (at most 31) and which characters it holds
/// (digits one bit each, letters folded onto sixteen bits, anything else
/// one bit). One mistyped, dropped or transposed character changes the
/// length by at most one and at most two of these bits, so most pairs of
/// different identifiers are told apart without reading their text.
fn sketch(id: &str) -> u32 {
    let mask = id.bytes().fold(0u32, |m, c| {
        let bit = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => 10 + (c - b'a') % 16,
            _ => 26,
        };
        m | 1 << bit
    });
    (id.len().min(31) as u32) << 27 | mask & SKETCH_MASK
}

/// The character bits of a sketch.
pub(crate) const SKETCH_MASK: u32 = (1 << 27) - 1;
/// The bits of a sketch that letters set.
pub(crate) const SKETCH_LETTERS: u32 = 0xffff << 10;

/// Records whose slots one parallel task lays out.
const RECORDS_PER_TASK: usize = 4096;
/// Bytes a folded value is given room for at first: most names, towns,
/// codes and identifiers are shorter; a longer one grows the buffer.
const TEXT_PER_VALUE: usize = 16;

/// Longest and shortest postcode of any country, without spaces.
const CODE_LEN: std::ops::RangeInclusive<usize> = 3..=10;

/// A postcode as its key: upper case letters and digits only, or `false`
/// when it cannot be a postcode of any country (too short or long, no
/// digit, other characters than letters, digits, spaces and hyphens).
fn code_into(value: &str, out: &mut String) -> bool {
    out.clear();
    let mut digit = false;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            digit |= c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        } else if !(c.is_whitespace() || c == '-') {
            return false;
        }
    }
    digit && CODE_LEN.contains(&out.len())
}

impl Features {
    /// Features of no records yet, for [`Features::extend`].
    pub fn new(schema: &Schema) -> Features {
        let columns: Vec<Column> = schema.fields.iter().map(|f| Column::new(f.kind)).collect();
        let mut stride = 0;
        let at = columns
            .iter()
            .map(|c| {
                let at = stride;
                stride += c.slots();
                at
            })
            .collect();
        Features {
            schema: schema.clone(),
            len: 0,
            slots: Vec::new(),
            stride,
            at,
            names: Dictionary::default(),
            name_values: Vec::new(),
            columns,
            extra_slots: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// The features of `records`.
    ///
    /// # Errors
    /// As [`Features::extend`].
    pub fn compute(schema: &Schema, records: &[Record]) -> Result<Features, ResolveError> {
        let mut features = Features::new(schema);
        features.extend(records)?;
        Ok(features)
    }

    /// Adds `records` after those already held, so that a large input can
    /// be read a chunk at a time and never held whole. Fields are filled in
    /// parallel; term frequencies always cover every record added so far.
    ///
    /// # Errors
    /// [`ResolveError::FieldCount`] for a record that does not fit the
    /// schema (nothing is added then); [`ResolveError::TooManyRecords`].
    pub fn extend(&mut self, records: &[Record]) -> Result<(), ResolveError> {
        for r in records {
            r.check(&self.schema)?;
        }
        self.extend_from(records)
    }

    /// As [`Features::extend`], from values read into one text, which
    /// spares a large input an allocation per field.
    ///
    /// # Errors
    /// [`ResolveError::ValuesWidth`] when the values are not of records of
    /// the schema's fields (nothing is added then);
    /// [`ResolveError::TooManyRecords`].
    pub fn extend_values(&mut self, values: &Values) -> Result<(), ResolveError> {
        let expected = self.schema.fields.len();
        if values.width() != expected {
            return Err(ResolveError::ValuesWidth {
                got: values.width(),
                expected,
            });
        }
        self.extend_from(values)
    }

    fn extend_from<S: Source + ?Sized>(&mut self, source: &S) -> Result<(), ResolveError> {
        let added = source.records();
        let count = self.len.saturating_add(added);
        let name_fields = self
            .schema
            .fields
            .iter()
            .filter(|f| f.kind.is_name())
            .count();
        // Name fields share one dictionary, which must not run out of ids;
        // a record index leaves the top bit to rows of further values.
        let max = (RECORDS_MAX / name_fields.max(1)).min(EXTRA_ROW as usize);
        if count >= max {
            return Err(ResolveError::TooManyRecords { count, max });
        }
        let further = self.append(source, false);
        if !further.is_empty() {
            self.append_further(further)?;
        }
        self.len = count;
        Ok(())
    }

    /// Adds the rows of further values: for each record, one row per value
    /// after the first, up to [`VALUES_MAX`] values a field.
    fn append_further(&mut self, mut further: Vec<Further>) -> Result<(), ResolveError> {
        further.sort_by_key(|x| (x.record, x.field));
        let width = self.schema.fields.len();
        let mut rows: Vec<Record> = Vec::new();
        let mut owners: Vec<(u32, u32, u32)> = Vec::new();
        let first_row = u32::try_from(self.extra_slots.len() / self.stride.max(1)).unwrap_or(NONE);
        for group in further.chunk_by(|x, y| x.record == y.record) {
            let Some(record) = group.first().map(|x| x.record) else {
                continue;
            };
            let start = rows.len();
            for f in group {
                let mut seen: Vec<&str> = Vec::new();
                let values = f.rest.split(VALUE_SEPARATOR).map(str::trim);
                for v in values.filter(|v| !v.is_empty()) {
                    if seen.contains(&v) || seen.len() + 1 >= VALUES_MAX {
                        continue;
                    }
                    seen.push(v);
                    let k = start + seen.len() - 1;
                    while rows.len() <= k {
                        rows.push(Record {
                            id: String::new(),
                            fields: vec![None; width],
                        });
                    }
                    if let Some(slot) = rows.get_mut(k).and_then(|r| r.fields.get_mut(f.field)) {
                        *slot = Some(v.to_owned());
                    }
                }
            }
            let at = first_row.saturating_add(u32::try_from(start).unwrap_or(NONE));
            let n = u32::try_from(rows.len() - start).unwrap_or(0);
            if n > 0 {
                owners.push((record, at, n));
            }
        }
        if first_row.saturating_add(u32::try_from(rows.len()).unwrap_or(NONE)) >= EXTRA_ROW {
            return Err(ResolveError::TooManyRecords {
                count: rows.len(),
                max: EXTRA_ROW as usize,
            });
        }
        self.append(rows.as_slice(), true);
        self.extra.extend(owners);
        Ok(())
    }

    /// Normalises and interns the records of `source` into the slots of
    /// records (`further` false) or of further values, and gives back the
    /// further values it found.
    fn append<S: Source + ?Sized>(&mut self, source: &S, further: bool) -> Vec<Further> {
        let added = source.records();
        let first_record = self.len;
        let kinds: Vec<FieldKind> = self.schema.fields.iter().map(|f| f.kind).collect();
        // Folding, parsing and hashing, record by record and in parallel:
        // reading each record once, all its fields together, is what keeps
        // the caller's scattered strings from costing a cache miss a field.
        let runs: Vec<Vec<Normalised>> = (0..added.div_ceil(RECORDS_PER_TASK))
            .into_par_iter()
            .map(|t| {
                let first = t * RECORDS_PER_TASK;
                normalise(&kinds, source, first..added.min(first + RECORDS_PER_TASK))
            })
            .collect();
        let column = |field: usize| -> Vec<&Normalised> {
            runs.iter().filter_map(|run| run.get(field)).collect()
        };
        let Features {
            names,
            name_values,
            columns,
            ..
        } = self;
        let (mut name_cols, mut other_cols) = (Vec::new(), Vec::new());
        for (i, c) in columns.iter_mut().enumerate() {
            match c {
                Column::Name(n) => name_cols.push((i, n, column(i))),
                other => other_cols.push((i, other, column(i))),
            }
        }
        // Interning, which must run in order within a dictionary, field by
        // field in parallel (the name fields share one dictionary).
        let (named, other): (Filled, Filled) = rayon::join(
            || intern_names(names, name_values, &mut name_cols),
            || {
                other_cols
                    .into_par_iter()
                    .map(|(i, c, parts)| (i, intern(c, &parts)))
                    .collect()
            },
        );
        let mut filled: Filled = named.into_iter().chain(other).collect();
        filled.sort_unstable_by_key(|(i, _)| *i);
        let stride = self.stride.max(1);
        let target = if further {
            &mut self.extra_slots
        } else {
            &mut self.slots
        };
        let start = target.len();
        target.resize(start + added * stride, NONE);
        // (first slot, slots per record, values) of each field.
        let fields: Vec<(usize, usize, &[u32])> = filled
            .iter()
            .zip(&self.at)
            .map(|((_, values), &at)| (at, values.len() / added.max(1), values.as_slice()))
            .collect();
        if let Some(rows) = target.get_mut(start..) {
            rows.par_chunks_mut(stride * RECORDS_PER_TASK)
                .enumerate()
                .for_each(|(t, rows)| {
                    let first = t * RECORDS_PER_TASK;
                    for &(at, width, values) in &fields {
                        let from = values.get(first * width..).unwrap_or_default();
                        for (row, v) in rows.chunks_mut(stride).zip(from.chunks(width.max(1))) {
                            if let Some(to) = row.get_mut(at..at + width) {
                                to.copy_from_slice(v);
                            }
                        }
                    }
                });
        }
        runs.into_iter()
            .flat_map(|run| run.into_iter().flat_map(|n| n.further))
            .map(|mut x| {
                x.record = u32::try_from(first_record + x.record as usize).unwrap_or(NONE);
                x
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Slot `k` of field `field` of a record.
    /// `record` may be a row of further values ([`Features::rows`]).
    fn slot(&self, record: u32, field: usize, k: usize) -> u32 {
        let at = self.at.get(field).map_or(usize::MAX, |a| a + k);
        let (slots, row) = if record & EXTRA_ROW == 0 {
            (&self.slots, record)
        } else {
            (&self.extra_slots, record & !EXTRA_ROW)
        };
        slots
            .get(row as usize * self.stride + at)
            .copied()
            .unwrap_or(NONE)
    }

    /// Whether any record holds several values of a field.
    pub(crate) fn has_further(&self) -> bool {
        !self.extra.is_empty()
    }

    /// A record's rows: the record itself, then one row for each further
    /// value of its fields (a row holds the `k`-th further value of each
    /// field that has one). Every accessor that takes a record takes a
    /// row.
    pub(crate) fn rows(&self, record: u32) -> Rows {
        let further = match self.extra.binary_search_by_key(&record, |e| e.0) {
            Ok(i) => self.extra.get(i).map_or(0..0, |&(_, at, n)| at..at + n),
            Err(_) => 0..0,
        };
        std::iter::once(record).chain(further.map(extra_row as fn(u32) -> u32))
    }

    /// The name id two records share in a name field, from any of their
    /// values: the value whose agreement an exact level records.
    pub(crate) fn shared_name(&self, field: usize, a: u32, b: u32) -> Option<u32> {
        if !self.has_further() {
            return self
                .name_id(field, a)
                .filter(|&x| self.name_id(field, b) == Some(x));
        }
        self.rows(a)
            .filter_map(|ra| self.name_id(field, ra))
            .find(|&x| self.rows(b).any(|rb| self.name_id(field, rb) == Some(x)))
    }

    /// Whether two records hold one value of a field (once normalised),
    /// any of their values.
    pub fn same_value(&self, field: usize, a: u32, b: u32) -> bool {
        if let Some(Column::Identifier(_)) = self.columns.get(field) {
            return self
                .rows(a)
                .any(|ra| self.rows(b).any(|rb| self.same_identifier(field, ra, rb)));
        }
        if !self.has_further() {
            return self
                .value_key(field, a)
                .is_some_and(|x| self.value_key(field, b) == Some(x));
        }
        self.rows(a)
            .filter_map(|ra| self.value_key(field, ra))
            .any(|x| self.rows(b).any(|rb| self.value_key(field, rb) == Some(x)))
    }

    /// Whether one row of each of two records holds one identifier: the
    /// same key, or one number that only one of them prefixes.
    pub(crate) fn same_identifier(&self, field: usize, a: u32, b: u32) -> bool {
        let Some(Column::Identifier(d)) = self.columns.get(field) else {
            return false;
        };
        match (self.identifier(field, a), self.identifier(field, b)) {
            (Some((x, _)), Some((y, _))) => x == y || one_number(d.get(x), d.get(y)),
            _ => false,
        }
    }

    /// The share of a name field's values that are the name `id`.
    pub(crate) fn name_share(&self, field: usize, id: u32) -> Option<f64> {
        let Some(Column::Name(c)) = self.columns.get(field) else {
            return None;
        };
        let count = c.counts.get(id as usize).copied()?;
        (c.total > 0).then(|| f64::from(count) / c.total as f64)
    }

    /// Reads the first and last slot of each record, so that their cache
    /// lines are on their way before a comparison needs them: a loop of
    /// independent loads lets the processor fetch many lines at once,
    /// where comparing pairs one by one would wait for each in turn.
    pub(crate) fn warm(&self, records: impl Iterator<Item = u32>) {
        let last = self.stride.saturating_sub(1);
        let mut sum = 0u32;
        for r in records {
            let at = r as usize * self.stride;
            sum ^= self.slots.get(at).copied().unwrap_or(0)
                ^ self.slots.get(at + last).copied().unwrap_or(0);
        }
        std::hint::black_box(sum);
    }

    /// A record's id in an interned field, `None` when missing.
    fn id(&self, record: u32, field: usize) -> Option<u32> {
        Some(self.slot(record, field, 0)).filter(|&id| id != NONE)
    }

    /// One field of one record; `Missing` for indexes out of range.
    pub fn field(&self, record: usize, field: usize) -> FieldFeatures<'_> {
        let Ok(i) = u32::try_from(record) else {
            return FieldFeatures::Missing;
        };
        let missing = FieldFeatures::Missing;
        match self.columns.get(field) {
            Some(Column::Name(_)) => self.name_id(field, i).and_then(|id| self.name(id)).map_or(
                missing,
                |(folded, value)| FieldFeatures::Name { folded, value },
            ),
            Some(Column::Date) => self.date(field, i).map_or(missing, FieldFeatures::Date),
            Some(Column::Postcode(c)) => match self.postcode(field, i) {
                Some(Code { id, uk: Some(p) }) => FieldFeatures::Postcode {
                    code: self.text(field, i).unwrap_or_else(|| c.codes.get(id)),
                    uk: Some(UkParts {
                        sector: c.parts.get(p.sector),
                        district: c.parts.get(p.district),
                        area: c.parts.get(p.area),
                    }),
                },
                Some(Code { id, uk: None }) => FieldFeatures::Postcode {
                    code: c.codes.get(id),
                    uk: None,
                },
                None => missing,
            },
            Some(Column::Address(c)) => match self.id(i, field) {
                Some(id) => FieldFeatures::Address {
                    folded: c.text.get(id),
                    words: self.address_words(field, i).unwrap_or_default(),
                },
                None => missing,
            },
            Some(Column::Text(d) | Column::Identifier(d)) => self
                .id(i, field)
                .map_or(missing, |id| FieldFeatures::Text(d.get(id))),
            Some(Column::Number) => self.number(field, i).map_or(missing, FieldFeatures::Number),
            None => missing,
        }
    }

    /// How often a name field's value occurs, as a share of the field's
    /// values; `None` for a missing value or a field that is not a name.
    pub fn term_frequency(&self, record: u32, field: usize) -> Option<f64> {
        let Some(Column::Name(c)) = self.columns.get(field) else {
            return None;
        };
        let count = c.counts.get(self.id(record, field)? as usize).copied()?;
        (c.total > 0).then(|| f64::from(count) / c.total as f64)
    }

    /// For each name id, its share of a name field's values, as
    /// [`Features::term_frequency`] gives it; `None` for other fields.
    pub(crate) fn name_shares(&self, field: usize) -> Option<Vec<f64>> {
        let Some(Column::Name(c)) = self.columns.get(field) else {
            return None;
        };
        Some(
            c.counts
                .iter()
                .map(|&count| f64::from(count) / c.total as f64)
                .collect(),
        )
    }

    /// The shared id of a record's folded name in a name field.
    pub(crate) fn name_id(&self, field: usize, record: u32) -> Option<u32> {
        match self.columns.get(field) {
            Some(Column::Name(_)) => self.id(record, field),
            _ => None,
        }
    }

    /// The folded text and the features of a name id.
    pub(crate) fn name(&self, id: u32) -> Option<(&str, &NameValue)> {
        let value = self.name_values.get(id as usize)?;
        Some((self.names.get(id), value))
    }

    pub(crate) fn date(&self, field: usize, record: u32) -> Option<DateFeatures> {
        if !matches!(self.columns.get(field), Some(Column::Date)) {
            return None;
        }
        let packed = self.slot(record, field, 1);
        let month = (packed >> 8) as u8;
        (month != 0 && packed != NONE).then(|| DateFeatures {
            days: self.slot(record, field, 0) as i32,
            year: (packed >> 16) as u16 as i16,
            month,
            day: packed as u8,
        })
    }

    /// A record's postcode.
    pub(crate) fn postcode(&self, field: usize, record: u32) -> Option<Code> {
        if !matches!(self.columns.get(field), Some(Column::Postcode(_))) {
            return None;
        }
        let id = self.id(record, field)?;
        let [sector, district, area] = [1, 2, 3].map(|k| self.slot(record, field, k));
        Some(Code {
            id,
            uk: (sector != NONE).then_some(Parts {
                sector,
                district,
                area,
            }),
        })
    }

    /// A record's address: its id and its sketch.
    pub(crate) fn address(&self, field: usize, record: u32) -> Option<(u32, u32)> {
        if !matches!(self.columns.get(field), Some(Column::Address(_))) {
            return None;
        }
        Some((self.id(record, field)?, self.slot(record, field, 1)))
    }

    /// A record's address words, as sorted distinct hashes.
    pub(crate) fn address_words(&self, field: usize, record: u32) -> Option<&[u64]> {
        let Some(Column::Address(c)) = self.columns.get(field) else {
            return None;
        };
        let i = self.id(record, field)? as usize;
        let start = match i.checked_sub(1) {
            Some(p) => c.word_ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        c.words
            .get(start..c.word_ends.get(i).copied().unwrap_or(start))
    }

    pub(crate) fn number(&self, field: usize, record: u32) -> Option<f64> {
        if !matches!(self.columns.get(field), Some(Column::Number)) {
            return None;
        }
        let bits =
            u64::from(self.slot(record, field, 0)) << 32 | u64::from(self.slot(record, field, 1));
        Some(f64::from_bits(bits)).filter(|x| !x.is_nan())
    }

    /// A record's identifier: its id and the sketch of its characters.
    pub(crate) fn identifier(&self, field: usize, record: u32) -> Option<(u32, u32)> {
        let Some(Column::Identifier(d)) = self.columns.get(field) else {
            return None;
        };
        let id = self.id(record, field).filter(|&id| !d.shared(id))?;
        Some((id, self.slot(record, field, 1)))
    }

    /// A record's value in any field as an integer that two records share
    /// exactly when their values are equal once normalised; for an
    /// identifier that is a number, whenever the numbers are (a key to
    /// block on: [`Features::same_value`] says whether they agree).
    pub(crate) fn value_key(&self, field: usize, record: u32) -> Option<u64> {
        match self.columns.get(field)? {
            Column::Name(_) | Column::Postcode(_) | Column::Address(_) | Column::Text(_) => {
                self.id(record, field).map(u64::from)
            }
            // A number meets every writing of it, prefixed or not:
            // whether two prefixes agree is the comparison's to say. A
            // value many records hold is still a key: with another key
            // (a date of birth and a house number) it narrows.
            Column::Identifier(d) => {
                let id = self.id(record, field)?;
                Some(match prefixed_number(d.get(id)) {
                    Some((_, number)) => value_hash(number.as_bytes()) | 1 << 63,
                    None => u64::from(id),
                })
            }
            // A month ("1980-03") is not its first day.
            Column::Date => self
                .date(field, record)
                .map(|d| d.days as u64 ^ u64::from(d.is_partial()) << 62),
            Column::Number => self.number(field, record).map(|x| (x + 0.0).to_bits()),
        }
    }

    /// A record's value in a text-like field (name, identifier, town,
    /// region, address, postcode) as text, for prefix keys.
    pub(crate) fn text(&self, field: usize, record: u32) -> Option<&str> {
        let id = self.id(record, field);
        match self.columns.get(field)? {
            Column::Name(_) => id.map(|id| self.names.get(id)),
            Column::Text(d) | Column::Identifier(d) => id.map(|id| d.get(id)),
            Column::Address(c) => id.map(|id| c.text.get(id)),
            Column::Postcode(c) => {
                let id = id?;
                Some(match c.units.get(id as usize) {
                    Some(&unit) if unit != NONE => c.parts.get(unit),
                    _ => c.codes.get(id),
                })
            }
            Column::Date | Column::Number => None,
        }
    }
}

/// Fields' slots for a run of records: (field, slots record by record).
type Filled = Vec<(usize, Vec<u32>)>;

/// One field of a run of records after [`normalise`].
#[derive(Debug, Default)]
struct Normalised {
    /// The keys of interned kinds, one after another.
    text: String,
    /// Where each record's key ends in `text` (it starts where the one
    /// before ends); an empty key is a missing value.
    ends: Vec<usize>,
    /// [`value_hash`] of each record's key.
    hashes: Vec<u64>,
    /// Slots known without a dictionary: dates, numbers, identifier
    /// sketches.
    slots: Vec<u32>,
    /// Values after the first of fields holding several.
    further: Vec<Further>,
}

/// The values after the first of one field of one record, as given
/// (joined by [`VALUE_SEPARATOR`]).
#[derive(Debug)]
struct Further {
    record: u32,
    field: usize,
    rest: String,
}

impl Normalised {
    /// Each record's key and its hash; `None` for a missing value.
    fn keys(&self) -> impl Iterator<Item = Option<(&str, u64)>> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        self.ends
            .iter()
            .zip(starts)
            .zip(&self.hashes)
            .map(|((&end, start), &h)| {
                Some((self.text.get(start..end)?, h)).filter(|(k, _)| !k.is_empty())
            })
    }
}

/// Records' values as [`Features`] reads them.
trait Source: Sync {
    fn records(&self) -> usize;
    /// A record's value of a field, `None` when missing.
    fn value(&self, record: usize, field: usize) -> Option<&str>;
}

impl Source for [Record] {
    fn records(&self) -> usize {
        self.len()
    }
    fn value(&self, record: usize, field: usize) -> Option<&str> {
        self.get(record)?.fields.get(field)?.as_deref()
    }
}

impl Source for Values {
    fn records(&self) -> usize {
        self.len()
    }
    fn value(&self, record: usize, field: usize) -> Option<&str> {
        self.get(record, field)
    }
}

/// The keys and outright slots of every field of the `records` of
/// `source`.
fn normalise<S: Source + ?Sized>(
    kinds: &[FieldKind],
    source: &S,
    records: std::ops::Range<usize>,
) -> Vec<Normalised> {
    // Room for every record at once: growing these vectors record by
    // record was a tenth of the time spent here.
    let n = records.len();
    let mut out: Vec<Normalised> = kinds
        .iter()
        .map(|kind| match kind {
            FieldKind::Date | FieldKind::Number => Normalised {
                slots: Vec::with_capacity(2 * n),
                ..Normalised::default()
            },
            _ => Normalised {
                text: String::with_capacity(TEXT_PER_VALUE * n),
                ends: Vec::with_capacity(n),
                hashes: Vec::with_capacity(n),
                slots: Vec::with_capacity(if *kind == FieldKind::Identifier { n } else { 0 }),
                further: Vec::new(),
            },
        })
        .collect();
    let mut buf = String::new();
    for r in records {
        for (field, (&kind, n)) in kinds.iter().zip(&mut out).enumerate() {
            let mut value = source.value(r, field);
            // Several values: the first is the record's own, the rest go to
            // rows of their own.
            if let Some((first, rest)) = value.and_then(|v| v.split_once(VALUE_SEPARATOR)) {
                value = Some(first).filter(|v| !v.trim().is_empty());
                let record = u32::try_from(r).unwrap_or(NONE);
                let rest = match value {
                    Some(_) => rest.to_owned(),
                    // An empty first value: the first of the rest is the
                    // record's own.
                    None => {
                        let mut parts = rest.splitn(2, VALUE_SEPARATOR);
                        value = parts.next().filter(|v| !v.trim().is_empty());
                        parts.next().unwrap_or_default().to_owned()
                    }
                };
                if !rest.is_empty() {
                    n.further.push(Further {
                        record,
                        field,
                        rest,
                    });
                }
            }
            match kind {
                FieldKind::Date => {
                    let d = value.map_or(DateFeatures::MISSING, DateFeatures::parse);
                    n.slots.push(d.days as u32);
                    n.slots.push(
                        u32::from(d.year as u16) << 16 | u32::from(d.month) << 8 | u32::from(d.day),
                    );
                    continue;
                }
                FieldKind::Number => {
                    let x = match value.map(|v| v.trim().parse::<f64>()) {
                        Some(Ok(x)) if x.is_finite() => x,
                        _ => f64::NAN,
                    };
                    let bits = x.to_bits();
                    n.slots.push((bits >> 32) as u32);
                    n.slots.push(bits as u32);
                    continue;
                }
                _ => {}
            }
            // Folded straight onto the run's text; only postcodes and
            // identifiers, which are rewritten after folding, go through a
            // buffer.
            let start = n.text.len();
            if let Some(v) = value {
                match kind {
                    FieldKind::Postcode => {
                        if code_into(v, &mut buf) {
                            n.text.push_str(&buf);
                        }
                    }
                    FieldKind::Identifier => {
                        fold_into(v, &mut buf);
                        // Written with and without spaces ("AB 12 34 56 C").
                        buf.retain(|c| c != ' ');
                        unpadded(&mut buf);
                        n.text.push_str(&buf);
                    }
                    _ => fold_onto(v, &mut n.text),
                }
            }
            let key = n.text.get(start..).unwrap_or_default();
            n.hashes.push(value_hash(key.as_bytes()));
            if kind == FieldKind::Identifier {
                n.slots.push(if key.is_empty() { 0 } else { sketch(key) });
            }
            n.ends.push(n.text.len());
        }
    }
    out
}

/// The name fields' slots, interned record by record, field by field.
fn intern_names(
    names: &mut Dictionary,
    values: &mut Vec<NameValue>,
    columns: &mut [(usize, &mut NameCounts, Vec<&Normalised>)],
) -> Filled {
    let mut out: Filled = columns.iter().map(|(i, _, _)| (*i, Vec::new())).collect();
    let runs = columns.first().map_or(0, |(_, _, parts)| parts.len());
    for run in 0..runs {
        let mut keys: Vec<_> = columns
            .iter()
            .map(|(_, _, parts)| parts.get(run).map(|p| p.keys()))
            .collect();
        loop {
            let mut any = false;
            for ((_, counts, _), (keys, (_, ids))) in
                columns.iter_mut().zip(keys.iter_mut().zip(&mut out))
            {
                let Some(key) = keys.as_mut().and_then(Iterator::next) else {
                    continue;
                };
                any = true;
                let mut id = NONE;
                if let Some((text, h)) = key
                    && let Some((i, new)) = names.intern_hashed(text, h)
                {
                    if new {
                        values.push(NameValue::of(text));
                    }
                    id = i;
                }
                ids.push(id);
                if id != NONE {
                    if counts.counts.len() <= id as usize {
                        counts.counts.resize(id as usize + 1, 0);
                    }
                    if let Some(n) = counts.counts.get_mut(id as usize) {
                        *n += 1;
                    }
                    counts.total += 1;
                }
            }
            if !any {
                break;
            }
        }
    }
    out
}

/// The slots of one field that is not a name, record by record.
fn intern(column: &mut Column, parts: &[&Normalised]) -> Vec<u32> {
    let keys = parts.iter().flat_map(|p| p.keys());
    let outright = || parts.iter().flat_map(|p| p.slots.iter().copied());
    match column {
        Column::Name(_) => Vec::new(),
        Column::Date | Column::Number => outright().collect(),
        Column::Text(d) => keys
            .map(|k| {
                k.and_then(|(text, h)| d.intern_hashed(text, h))
                    .map_or(NONE, |x| x.0)
            })
            .collect(),
        Column::Identifier(d) => keys
            .zip(outright())
            .flat_map(
                |(k, sketch)| match k.and_then(|(text, h)| d.intern_hashed(text, h)) {
                    Some((id, _)) => [id, sketch],
                    None => [NONE, 0],
                },
            )
            .collect(),
        Column::Address(c) => keys
            .flat_map(|k| {
                let Some(((id, new), text)) =
                    k.and_then(|(text, h)| Some((c.text.intern_hashed(text, h)?, text)))
                else {
                    return [NONE, 0];
                };
                if new {
                    let mut words: Vec<u64> = text.split(' ').map(word).collect();
                    words.sort_unstable();
                    words.dedup();
                    c.sketches.push(address_sketch(&words));
                    c.words.extend(words);
                    c.word_ends.push(c.words.len());
                }
                [id, c.sketches.get(id as usize).copied().unwrap_or(0)]
            })
            .collect(),
        Column::Postcode(c) => keys
            .flat_map(|k| {
                let Some(((id, new), code)) =
                    k.and_then(|(text, h)| Some((c.codes.intern_hashed(text, h)?, text)))
                else {
                    return [NONE; 4];
                };
                if new {
                    let (unit, parts) = match Postcode::parse(code) {
                        Ok(p) => {
                            let mut part = |s: &str| c.parts.intern(s).map_or(NONE, |x| x.0);
                            (
                                part(p.unit()),
                                [part(p.sector()), part(p.district()), part(p.area())],
                            )
                        }
                        Err(_) => (NONE, [NONE; 3]),
                    };
                    c.units.push(unit);
                    c.code_parts.push(parts);
                }
                let [sector, district, area] =
                    c.code_parts.get(id as usize).copied().unwrap_or([NONE; 3]);
                [id, sector, district, area]
            })
            .collect(),
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
    fn a_number_agrees_without_its_padding_or_a_prefix_one_side_lacks() {
        let key = |v: &str| {
            let mut s = v.to_owned();
            unpadded(&mut s);
            s
        };
        assert_eq!(key("emp0123"), "emp123");
        assert_eq!(key("00123"), "123");
        assert_eq!(key("000"), "0");
        assert_eq!(key("ab123456c"), "ab123456c");
        assert_eq!(key("12/03456a"), "12/03456a");
        assert_eq!(key("+447700900123"), "+447700900123");
        assert!(one_number("emp123", "123"));
        assert!(!one_number("sp12", "st12"));
        assert!(!one_number("ab123456c", "123456"));
        let schema = Schema::new([("payroll", FieldKind::Identifier)]);
        let records: Vec<Record> = ["EMP0123", "00123", "123", "SP123", "ST123", "124"]
            .iter()
            .map(|v| rec(v, &[Some(v)]))
            .collect();
        let f = Features::compute(&schema, &records).unwrap();
        let agree = |a: u32, b: u32| f.same_value(0, a, b);
        assert!(agree(0, 1) && agree(0, 2) && agree(1, 2) && agree(3, 2));
        assert!(!agree(3, 4) && !agree(0, 3) && !agree(2, 5));
        // Blocking keys meet whatever the prefix: comparison decides.
        assert_eq!(f.value_key(0, 3), f.value_key(0, 4));
        assert_ne!(f.value_key(0, 2), f.value_key(0, 5));
    }

    // issue 16: a switchboard every member of staff gives, beside their own
    // mobile, joined two namesakes; a number held that widely is missing.
    #[test]
    fn an_identifier_held_by_many_records_is_read_as_missing() {
        let schema = Schema::new([("phone", FieldKind::Identifier)]);
        let sep = VALUE_SEPARATOR;
        let mut records: Vec<Record> = (0..=SHARED_IDENTIFIER_MIN)
            .map(|i| {
                let own = format!("07700 9{i:05}{sep}0300 123 6000");
                rec(&i.to_string(), &[Some(&own)])
            })
            .collect();
        records.push(rec("home", &[Some("0161 496 0000")]));
        records.push(rec("home too", &[Some("01614960000")]));
        let f = Features::compute(&schema, &records).unwrap();
        let shared = |r: u32| {
            f.rows(r)
                .filter(|&row| f.identifier(0, row).is_none())
                .count()
        };
        assert_eq!(shared(0), 1);
        assert!(!f.same_value(0, 0, 1));
        assert!(f.identifier(0, 0).is_some());
        let n = records.len() as u32;
        assert!(f.same_value(0, n - 2, n - 1));
        // One record fewer and it is a number like any other.
        let f = Features::compute(&schema, &records[1..]).unwrap();
        assert!(f.same_value(0, 0, 1));
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
        let FieldFeatures::Name { folded, value } = f.field(0, 0) else {
            panic!()
        };
        assert_eq!(folded, "zoe");
        assert_eq!(value.initial, 'z');
        assert_eq!(f.term_frequency(0, 0), Some(1.0));
        let FieldFeatures::Date(d) = f.field(0, 1) else {
            panic!()
        };
        assert_eq!((d.year, d.month, d.day), (1980, 2, 29));
        let FieldFeatures::Postcode { code, uk: Some(p) } = f.field(0, 2) else {
            panic!()
        };
        assert_eq!(
            (code, p.area, p.district, p.sector),
            ("SW1A 1AA", "SW", "SW1A", "SW1A 1")
        );
        let FieldFeatures::Address { words, .. } = f.field(0, 3) else {
            panic!()
        };
        assert_eq!(words.len(), 3);
        assert_eq!(words.iter().filter(|w| has_digit(**w)).count(), 1);
        assert_eq!(f.field(0, 4), FieldFeatures::Missing);
    }

    #[test]
    fn codes_of_other_countries_are_kept_whole() {
        let schema = Schema::new([("pc", FieldKind::Postcode)]);
        let recs = [
            rec("1", &[Some("2612")]),
            rec("2", &[Some(" 2612 ")]),
            rec("3", &[Some("nowhere")]),
            rec("4", &[Some("K1A 0B1")]),
            rec("5", &[Some("12")]),
        ];
        let f = Features::compute(&schema, &recs).unwrap();
        assert_eq!(
            f.field(0, 0),
            FieldFeatures::Postcode {
                code: "2612",
                uk: None
            }
        );
        assert_eq!(f.value_key(0, 0), f.value_key(0, 1));
        assert_eq!(f.field(2, 0), FieldFeatures::Missing);
        assert_eq!(
            f.field(3, 0),
            FieldFeatures::Postcode {
                code: "K1A0B1",
                uk: None
            }
        );
        assert_eq!(f.field(4, 0), FieldFeatures::Missing);
    }

    #[test]
    fn term_frequencies_are_shares_across_chunks() {
        let schema = Schema::new([("family", FieldKind::FamilyName)]);
        let mut f = Features::compute(
            &schema,
            &[rec("1", &[Some("Smith")]), rec("2", &[Some("SMITH")])],
        )
        .unwrap();
        f.extend(&[rec("3", &[Some("Okonkwo")]), rec("4", &[None])])
            .unwrap();
        assert_eq!(f.len(), 4);
        assert!((f.term_frequency(0, 0).unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((f.term_frequency(2, 0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(f.term_frequency(3, 0), None);
        assert_eq!(f.name_id(0, 0), f.name_id(0, 1));
    }

    #[test]
    fn names_share_ids_across_fields() {
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
        ]);
        let f = Features::compute(
            &schema,
            &[
                rec("1", &[Some("John"), Some("Smith")]),
                rec("2", &[Some("Smith"), Some("john")]),
            ],
        )
        .unwrap();
        assert_eq!(f.name_id(0, 0), f.name_id(1, 1));
        assert_eq!(f.name_id(1, 0), f.name_id(0, 1));
        assert_ne!(f.name_id(0, 0), f.name_id(1, 0));
    }

    #[test]
    fn distinct_values_never_share_an_id() {
        let mut d = Dictionary::default();
        let words: Vec<String> = (0..50_000).map(|i| format!("w{i}")).collect();
        let ids: Vec<u32> = words.iter().map(|w| d.intern(w).unwrap().0).collect();
        for (w, &id) in words.iter().zip(&ids) {
            assert_eq!(d.get(id), w);
            assert_eq!(d.intern(w), Some((id, false)));
        }
        // A forced collision: two values given one hash.
        let h = value_hash(b"w7");
        let (id, new) = d.intern_hashed("fresh", h).unwrap();
        assert!(new);
        assert_ne!(id, ids[7]);
        assert_eq!(d.get(id), "fresh");
        assert_eq!(d.intern_hashed("fresh", h), Some((id, false)));
        assert_eq!(d.intern("w7"), Some((ids[7], false)));
    }

    #[test]
    fn values_give_the_features_records_give() {
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("dob", FieldKind::Date),
            ("pc", FieldKind::Postcode),
            ("addr", FieldKind::Address),
            ("nino", FieldKind::Identifier),
        ]);
        let recs = [
            rec(
                "1",
                &[
                    Some("Ann"),
                    Some("1980-02-29"),
                    Some("LS1 1AA"),
                    None,
                    Some("AB1"),
                ],
            ),
            rec(
                "2",
                &[None, Some("x"), Some("M1 1AE"), Some("1 Mill Lane"), None],
            ),
            rec(
                "3",
                &[Some("ann"), None, None, Some("2 Mill Lane"), Some("ab1")],
            ),
        ];
        let from_records = Features::compute(&schema, &recs).unwrap();
        let mut values = Values::new(5);
        for r in &recs {
            values.push(|f, b| b.push_str(r.fields[f].as_deref().unwrap_or_default()));
        }
        let mut from_values = Features::new(&schema);
        from_values.extend_values(&values).unwrap();
        assert_eq!(from_values.len(), 3);
        assert_eq!(from_values.slots, from_records.slots);
        for i in 0..3 {
            for field in 0..5 {
                assert_eq!(from_values.field(i, field), from_records.field(i, field));
            }
        }
        let err = from_values.extend_values(&Values::new(4)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "values of records of 4 fields, the schema has 5"
        );
    }

    #[test]
    fn wrong_field_count_is_an_error() {
        let schema = Schema::new([("family", FieldKind::FamilyName)]);
        let err = Features::compute(&schema, &[rec("x", &[None, None])]).unwrap_err();
        assert_eq!(err.to_string(), "record `x` has 2 fields, the schema has 1");
    }
}
